/** A normalizer step either yields a value or a rejection with a reason (exceptions are for bugs). */
export type Result<T> = { ok: true; value: T } | { ok: false; reason: string };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(reason: string): Result<T> => ({ ok: false, reason });

/** Longest excerpt of an offending input kept in `dead_letter`. */
export const EXCERPT_LIMIT = 1000;

/** A bounded, printable excerpt of any input, for dead letters. Never throws. */
export function excerpt(input: unknown, limit = EXCERPT_LIMIT): string {
  let text: string;
  try {
    if (typeof input === 'string') text = input;
    else if (input instanceof Uint8Array) text = Buffer.from(input.subarray(0, limit)).toString('base64');
    else text = JSON.stringify(input, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(input);
  } catch {
    text = Object.prototype.toString.call(input);
  }
  if (text.length <= limit) return text;
  // Never cut a surrogate pair in half (a lone surrogate is not valid UTF-8 when stored).
  const end = (text.charCodeAt(limit - 1) & 0xfc00) === 0xd800 ? limit - 1 : limit;
  return `${text.slice(0, end)}…`;
}
