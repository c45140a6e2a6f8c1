/** Ports the core takes through constructors; the edges (extension, CLI, tests) supply real ones. */

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A logger that drops everything (CLI quiet mode, tests that assert on results instead). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Prefixes every message with `[component]`. */
export function scoped(logger: Logger, component: string): Logger {
  const p = `[${component}] `;
  return {
    debug: (m) => logger.debug(p + m),
    info: (m) => logger.info(p + m),
    warn: (m) => logger.warn(p + m),
    error: (m) => logger.error(p + m),
  };
}

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
