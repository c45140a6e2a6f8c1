import { createHash } from 'node:crypto';

/** A normalizer step either yields a value or a rejection with a reason (exceptions are for bugs). */
export type Result<T> = { ok: true; value: T } | { ok: false; reason: string };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(reason: string): Result<T> => ({ ok: false, reason });

/** Kept for callers that pass a limit; descriptions are short whatever the input. */
export const EXCERPT_LIMIT = 1000;

/** Kind, size and sha256 of any input: what a dead letter keeps instead of the input itself. Never throws. */
export function describeInput(input: unknown): { kind: string; bytes: number; hash: string } {
  let bytes: Buffer;
  let kind: string;
  try {
    if (typeof input === 'string') {
      bytes = Buffer.from(input, 'utf8');
      kind = 'text';
    } else if (input instanceof Uint8Array) {
      bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
      kind = 'binary';
    } else {
      bytes = Buffer.from(JSON.stringify(input, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(input), 'utf8');
      kind = Array.isArray(input) ? 'JSON array' : input === null ? 'JSON null' : typeof input === 'object' ? 'JSON object' : `JSON ${typeof input}`;
    }
  } catch {
    bytes = Buffer.from(Object.prototype.toString.call(input));
    kind = 'unprintable value';
  }
  return { kind, bytes: bytes.length, hash: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * What a dead letter says about the offending input: kind, size and a hash, never its text (it may hold a
 * prompt or a secret). The name is historical. Never throws.
 */
export function excerpt(input: unknown, _limit = EXCERPT_LIMIT): string {
  const d = describeInput(input);
  return `${d.kind}, ${d.bytes} bytes, sha256 ${d.hash.slice(0, 16)}`;
}

/**
 * A reason safe to store and show: JSON.parse messages quote the input they choke on, and a long quoted
 * value may be prompt text; both are elided. Bounded to 300 characters.
 */
export function safeReason(reason: string): string {
  const r = reason
    .replace(
      /(Unexpected token '?.{0,4}'?, )?"(?:[^"\\]|\\.)*"(\.{3})? is not valid JSON/g,
      (_m, tok: string | undefined) => `${tok ?? ''}input is not valid JSON`,
    )
    .replace(/"(?:[^"\\]|\\.){48,}"/g, '"[text elided]"');
  if (r.length <= 300) return r;
  const end = (r.charCodeAt(299) & 0xfc00) === 0xd800 ? 299 : 300;
  return `${r.slice(0, end)}…`;
}
