import { fail, ok, type Result } from './result';

/** A coerced count: a non-negative integer, or null when the source did not send one. */
export type Count = number | null;

const NUM_RE = /^\s*[+]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;
/** Shared result for absent values: most fields of most records are absent, and results are never mutated. */
const ABSENT: Result<null> = Object.freeze({ ok: true, value: null }) as Result<null>;

/**
 * Coerces a token (or line) count from a number, a numeric string or a bigint. Absent values give null;
 * negative, fractional-beyond-rounding, non-numeric or non-finite values are rejected, never zeroed.
 */
export function coerceCount(value: unknown, field: string): Result<Count> {
  if (value === undefined || value === null || value === '') return ABSENT;
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'bigint') n = Number(value);
  else if (typeof value === 'string') {
    if (!NUM_RE.test(value)) {
      return /^\s*-/.test(value)
        ? fail(`${field} is negative (${value.trim().slice(0, 20)})`)
        : fail(`${field} is not a number (${JSON.stringify(value.slice(0, 20))})`);
    }
    n = Number(value);
  } else return fail(`${field} is a ${typeof value}, not a number`);
  if (!Number.isFinite(n)) return fail(`${field} is not finite`);
  if (n < 0) return fail(`${field} is negative (${n})`);
  if (n > Number.MAX_SAFE_INTEGER) return fail(`${field} is too large (${n})`);
  return ok(Math.round(n));
}

/** Coerces a non-negative real (cost, latency, ratio). Same rules as `coerceCount` without rounding. */
export function coerceReal(value: unknown, field: string): Result<number | null> {
  if (value === undefined || value === null || value === '') return ABSENT;
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'bigint') n = Number(value);
  else if (typeof value === 'string') {
    if (!/^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/.test(value)) return fail(`${field} is not a number (${JSON.stringify(value.slice(0, 20))})`);
    n = Number(value);
  } else return fail(`${field} is a ${typeof value}, not a number`);
  if (!Number.isFinite(n)) return fail(`${field} is not finite`);
  if (n < 0) return fail(`${field} is negative (${n})`);
  return ok(n);
}

/** Coerces an integer status code (HTTP or similar); null when absent, rejected when not an integer. */
export function coerceStatus(value: unknown, field = 'status_code'): Result<number | null> {
  const r = coerceCount(value, field);
  if (!r.ok || r.value === null) return r;
  if (r.value > 999) return fail(`${field} ${r.value} is not a status code`);
  return r;
}

export interface TokenTriple {
  tokens_in: Count;
  tokens_out: Count;
  total_tokens: Count;
}

/**
 * Fills what can be derived: a missing total from both parts, a missing part from the total and the other
 * part. Inconsistent inputs (a part above the total) are rejected.
 */
export function deriveTokens(t: TokenTriple): Result<TokenTriple> {
  let { tokens_in, tokens_out, total_tokens } = t;
  if (total_tokens === null) {
    if (tokens_in !== null && tokens_out !== null) total_tokens = tokens_in + tokens_out;
  } else if (tokens_in === null && tokens_out !== null) {
    if (tokens_out > total_tokens) return fail(`output tokens ${tokens_out} exceed total ${total_tokens}`);
    tokens_in = total_tokens - tokens_out;
  } else if (tokens_out === null && tokens_in !== null) {
    if (tokens_in > total_tokens) return fail(`input tokens ${tokens_in} exceed total ${total_tokens}`);
    tokens_out = total_tokens - tokens_in;
  }
  return ok({ tokens_in, tokens_out, total_tokens });
}
