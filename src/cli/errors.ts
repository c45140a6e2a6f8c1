/** Exit codes of the `prodlens` CLI (ARCHITECTURE.md): 0 success, 1 bad usage, 2 bad data or I/O. */
export const EXIT_OK = 0;
export const EXIT_USAGE = 1;
export const EXIT_DATA = 2;

/** An error whose message tells the user what to do; `code` is the process exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: number = EXIT_DATA,
  ) {
    super(message);
  }
}

export function usageError(message: string): CliError {
  return new CliError(`${message}\nRun \`prodlens help\` for usage.`, EXIT_USAGE);
}
