/**
 * Terminal colour for the CLI's text output: on only when stdout is a terminal, off with `NO_COLOR` (any
 * non-empty value, https://no-color.org) or `TERM=dumb`, and forced with `FORCE_COLOR` (not `0`) for
 * pagers that understand it. Off means the plain text, byte for byte.
 */
export interface Style {
  enabled: boolean;
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
}

export function colourEnabled(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return isTTY && env.TERM !== 'dumb';
}

export function makeStyle(enabled: boolean): Style {
  const sgr = (open: number, close: number) => (s: string) => (enabled && s ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return { enabled, bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), yellow: sgr(33, 39), green: sgr(32, 39), cyan: sgr(36, 39) };
}

/** Visible width of a string that may hold colour codes. */
export function visibleLength(s: string): number {
  // oxlint-disable-next-line no-control-regex -- ESC starts the colour codes this strips
  return s.replace(/\x1b\[[0-9;]*m/g, '').length;
}
