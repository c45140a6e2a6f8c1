import { fail, ok, type Result } from './result';

/** Earliest and latest instants accepted as real event times (older or later values are unit errors). */
const MIN_MS = Date.UTC(2000, 0, 1);
const MAX_MS = Date.UTC(2100, 0, 1);

const ISO_RE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|z|[+-]\d{2}:?\d{2})?)?$/;
const INT_RE = /^-?\d+$/;
const FLOAT_RE = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export type TimeUnit = 'auto' | 's' | 'ms' | 'us' | 'ns';

/**
 * Converts any supported time representation to epoch milliseconds (UTC):
 * ISO 8601 strings (any offset; no offset means UTC), epoch seconds / ms / µs / ns as numbers or numeric
 * strings (unit guessed from magnitude unless given), and OTLP `*UnixNano` values (decimal strings are read
 * exactly with BigInt, so nanosecond values above 2^53 keep millisecond precision).
 */
export function toEpochMs(value: unknown, unit: TimeUnit = 'auto'): Result<number> {
  if (value === null || value === undefined || value === '') return fail('missing time');
  if (typeof value === 'bigint') return fromBigInt(value, unit);
  if (typeof value === 'number') return fromNumber(value, unit);
  if (value instanceof Date) return checkRange(value.getTime());
  if (typeof value !== 'string') return fail(`time is a ${typeof value}, not a string or number`);
  const fast = canonicalIsoMs(value);
  if (fast !== null) return checkRange(fast);
  const s = value.trim();
  if (INT_RE.test(s)) return fromBigInt(BigInt(s), unit);
  if (FLOAT_RE.test(s)) return fromNumber(Number(s), unit);
  if (!ISO_RE.test(s)) return fail(`unparseable time ${JSON.stringify(s.slice(0, 40))}`);
  const hasZone = /(?:Z|z|[+-]\d{2}:?\d{2})$/.test(s) && s.length > 10;
  let iso = s.replace(' ', 'T');
  if (iso.length === 10) iso += 'T00:00:00Z';
  else if (!hasZone) iso += 'Z';
  // Date.parse only takes `+hh:mm`; normalize `+hhmm`.
  iso = iso.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(iso);
  if (Number.isNaN(ms) || !validCalendarDay(s)) return fail(`invalid time ${JSON.stringify(s.slice(0, 40))}`);
  return checkRange(ms);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * `YYYY-MM-DDTHH:MM:SS.sssZ` exactly (what `toISOString` and the agents write), read by character codes: no
 * regular expressions, no Date.parse (a third of normalizing a transcript line's time). Null for any other
 * form, and for fields out of range, which the general path then reads or rejects as before.
 */
function canonicalIsoMs(s: string): number | null {
  if (s.length !== 24 || s.charCodeAt(23) !== 90 /* Z */) return null;
  if (
    s.charCodeAt(4) !== 45 ||
    s.charCodeAt(7) !== 45 ||
    s.charCodeAt(10) !== 84 ||
    s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58 ||
    s.charCodeAt(19) !== 46
  )
    return null;
  let bad = false;
  const num = (from: number, to: number): number => {
    let n = 0;
    for (let i = from; i < to; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) bad = true;
      n = n * 10 + d;
    }
    return n;
  };
  const y = num(0, 4);
  const mo = num(5, 7);
  const d = num(8, 10);
  const h = num(11, 13);
  const mi = num(14, 16);
  const sec = num(17, 19);
  const ms = num(20, 23);
  // Date.UTC reads years 0-99 as 1900-1999: those (and anything odd) go the general way.
  if (bad || y < 1000 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59) return null;
  const leap = mo === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > DAYS_IN_MONTH[mo - 1]! + (leap ? 1 : 0)) return null;
  return Date.UTC(y, mo - 1, d, h, mi, sec, ms);
}

/** Date.parse rolls impossible days over (`2026-02-30` becomes March 2); reject them instead. */
function validCalendarDay(s: string): boolean {
  const y = Number(s.slice(0, 4));
  const m = Number(s.slice(5, 7));
  const d = Number(s.slice(8, 10));
  return m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function guessUnitFromAbs(abs: number): Exclude<TimeUnit, 'auto'> {
  if (abs < 1e11) return 's';
  if (abs < 1e14) return 'ms';
  if (abs < 1e17) return 'us';
  return 'ns';
}

function fromNumber(n: number, unit: TimeUnit): Result<number> {
  if (!Number.isFinite(n)) return fail('time is not a finite number');
  const u = unit === 'auto' ? guessUnitFromAbs(Math.abs(n)) : unit;
  const ms = u === 's' ? n * 1000 : u === 'ms' ? n : u === 'us' ? n / 1000 : n / 1e6;
  // Round to the microsecond before flooring: 1736100000.123 s * 1000 is 1736100000122.9998 in binary.
  return checkRange(Math.floor(Math.round(ms * 1000) / 1000));
}

function fromBigInt(n: bigint, unit: TimeUnit): Result<number> {
  const abs = n < 0n ? -n : n;
  const u = unit === 'auto' ? guessUnitFromAbs(Number(abs)) : unit;
  const ms = u === 's' ? n * 1000n : u === 'ms' ? n : u === 'us' ? n / 1000n : n / 1_000_000n;
  return checkRange(Number(ms));
}

function checkRange(ms: number): Result<number> {
  if (!Number.isFinite(ms)) return fail('invalid time');
  if (ms < MIN_MS || ms >= MAX_MS) return fail(`time ${Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : ms} is outside 2000–2099 (wrong unit?)`);
  return ok(ms);
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/**
 * ISO 8601 UTC with milliseconds, e.g. `2026-01-05T10:00:00.123Z` (what `toISOString` gives). Formatted
 * with integer arithmetic (days → civil date, H. Hinnant's algorithm): it runs once per imported record,
 * and a Date allocation plus toISOString costs several times more.
 */
export function isoUtc(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms >= 253402300800000) return new Date(ms).toISOString();
  const days = Math.floor(ms / 86_400_000);
  let rem = ms - days * 86_400_000;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const h = Math.floor(rem / 3_600_000);
  rem -= h * 3_600_000;
  const mi = Math.floor(rem / 60_000);
  rem -= mi * 60_000;
  const sec = Math.floor(rem / 1000);
  return `${y}-${pad2(m)}-${pad2(d)}T${pad2(h)}:${pad2(mi)}:${pad2(sec)}.${pad3(rem - sec * 1000)}Z`;
}

/** `YYYY-MM-DD` of an instant, in UTC. */
export function utcDay(ms: number): string {
  return isoUtc(ms).slice(0, 10);
}

/** OTLP `*UnixNano`: 0 or absent means "unknown". Returns the first usable candidate. */
export function firstOtlpTime(...candidates: unknown[]): Result<number> {
  let last: Result<number> = fail('missing time');
  for (const c of candidates) {
    if (c === undefined || c === null || c === '' || c === 0 || c === '0') continue;
    const r = toEpochMs(c, 'ns');
    if (r.ok) return r;
    last = r;
  }
  return last;
}
