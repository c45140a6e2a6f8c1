import { format } from 'node:util';
import { OUTPUT_MARKER } from './protocol';

type Level = 'log' | 'info' | 'warn' | 'error' | 'debug';

/** The console as it was before {@link installMarkedConsole}; request lines go through it unmarked. */
export const rawConsole: Console = globalThis.console;

/**
 * Routes console output and Mocha's reporter through marked lines the driver can pick out of the workbench log.
 * In code-server's extension host `console.log = …` silently does nothing and output whose first argument is
 * not a string (and all of console.debug) is dropped, so: a new console object built with defineProperty, one
 * pre-formatted string per call, and Mocha's `Base.consoleLog` pointed at it (it captured console.log at load).
 * Returns a function that restores the original console.
 */
export function installMarkedConsole(reporterBase: { consoleLog: (...args: unknown[]) => void }): () => void {
  const original = globalThis.console;
  const previousConsoleLog = reporterBase.consoleLog;
  const wrapper = Object.create(original) as Console;
  const levels: Level[] = ['log', 'info', 'warn', 'error', 'debug'];
  for (const level of levels) {
    const target = level === 'debug' ? 'log' : level;
    Object.defineProperty(wrapper, level, {
      configurable: true,
      enumerable: true,
      writable: true,
      value: (...args: unknown[]) => original[target].call(original, `${OUTPUT_MARKER}${format(...args)}`),
    });
  }
  Object.defineProperty(globalThis, 'console', { configurable: true, writable: true, value: wrapper });
  reporterBase.consoleLog = wrapper.log;
  return () => {
    Object.defineProperty(globalThis, 'console', { configurable: true, writable: true, value: original });
    reporterBase.consoleLog = previousConsoleLog;
  };
}
