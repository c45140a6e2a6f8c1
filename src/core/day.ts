/**
 * One way to say a day. A `DayKey` is a calendar date `YYYY-MM-DD`; which calendar depends on the zone:
 *
 * - `event_date` (the seed's column, the export's partition key) is the **UTC** day of an event;
 * - `local_date` (stored beside it) is the day in the **developer's time zone** (a setting, default the
 *   machine's zone): reports, "today", periods and the working calendar use it.
 *
 * Day arithmetic (ranges, lags, weeks) is plain calendar arithmetic on keys and never goes through a zone,
 * so a daylight-saving transition cannot lose or double a day: it only makes one local day 23 or 25 hours
 * long. Converting an instant to a local day goes through the zone's UTC offset at that instant.
 */

declare const dayKeyBrand: unique symbol;
/** A calendar date `YYYY-MM-DD` (UTC or local: see the module comment). */
export type DayKey = string & { readonly [dayKeyBrand]: true };

const DAY_MS = 86_400_000;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `s` is a real calendar date written `YYYY-MM-DD` (year 1000–9999). */
export function isDayKey(s: unknown): s is DayKey {
  return typeof s === 'string' && DAY_RE.test(s) && dayNumberOf(s) !== null;
}

/** `s` as a DayKey, or throws a RangeError naming it (use at trusted boundaries; parse user input with isDayKey). */
export function asDayKey(s: string): DayKey {
  if (!isDayKey(s)) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(s)}`);
  return s;
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` key, or null when it is not a real calendar date. */
export function dayNumberOf(day: string): number | null {
  if (!DAY_RE.test(day)) return null;
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7));
  const d = Number(day.slice(8, 10));
  if (y < 1000 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  return daysFromCivil(y, m, d);
}

/** The key of a day number (days since 1970-01-01). */
export function dayOfNumber(n: number): DayKey {
  return civilFromDays(n);
}

/** The UTC calendar day of an instant (epoch ms). */
export function utcDay(ms: number): DayKey {
  return civilFromDays(Math.floor(ms / DAY_MS));
}

/** `day` moved by `delta` calendar days. */
export function shiftDay(day: DayKey | string, delta: number): DayKey {
  return civilFromDays(requireDay(day) + delta);
}

/** Calendar days from `a` to `b` (negative when `b` is earlier). */
export function daysBetween(a: DayKey | string, b: DayKey | string): number {
  return requireDay(b) - requireDay(a);
}

/** Dense inclusive list of days from `since` to `until` (empty when `until` is before `since`). */
export function dayRange(since: DayKey | string, until: DayKey | string): DayKey[] {
  const start = requireDay(since);
  const end = requireDay(until);
  const out: DayKey[] = [];
  for (let n = start; n <= end; n++) out.push(civilFromDays(n));
  return out;
}

/** ISO weekday of a day: 1 = Monday … 7 = Sunday. */
export function isoWeekday(day: DayKey | string): number {
  // 1970-01-01 was a Thursday (4).
  return ((((requireDay(day) + 3) % 7) + 7) % 7) + 1;
}

/** Whether a day is a Saturday or Sunday. */
export function isWeekend(day: DayKey | string): boolean {
  return isoWeekday(day) >= 6;
}

/** The Monday that starts the ISO week of `day` (the key weekly groupings use). */
export function weekStart(day: DayKey | string): DayKey {
  return shiftDay(day, 1 - isoWeekday(day));
}

/** The first day of the month of `day` (the key monthly groupings use). */
export function monthStart(day: DayKey | string): DayKey {
  return `${requireValid(day).slice(0, 8)}01` as DayKey;
}

/** The key of the period `day` falls in for a grouping. */
export function periodStart(day: DayKey | string, grouping: 'day' | 'week' | 'month'): DayKey {
  if (grouping === 'week') return weekStart(day);
  if (grouping === 'month') return monthStart(day);
  return requireValid(day) as DayKey;
}

/**
 * `TZ` values every runtime resolves to UTC (servers, CI, containers): answered without starting ICU's time
 * zone support, which costs a process 15-45 ms on its first date format.
 */
const UTC_NAMES = new Set(['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT']);

/**
 * The machine's IANA time zone (what a developer's "today" means when no setting says otherwise). UTC when
 * the runtime cannot tell (ICU answers `Etc/Unknown`, e.g. under an empty `TZ`, and refuses that name).
 */
export function machineTimeZone(): string {
  // (The webview bundles this module too: no `process` there.)
  const tz = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.TZ;
  if (tz !== undefined && UTC_NAMES.has(tz)) return 'UTC';
  const resolved = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (resolved && canonicalTimeZone(resolved)) || 'UTC';
}

/**
 * The canonical IANA name of a time zone, or null when the runtime does not know it. `UTC`, `Etc/UTC` and
 * the like are accepted; offsets such as `+02:00` are not (they ignore daylight saving).
 */
export function canonicalTimeZone(name: string): string | null {
  if (typeof name !== 'string' || !name.trim() || /^[+-]\d/.test(name.trim())) return null;
  if (UTC_NAMES.has(name.trim())) return 'UTC';
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name.trim() }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/**
 * Local days of one IANA time zone. Offsets are looked up once per quarter hour of time seen (every zone's
 * transitions in use today fall on quarter hours) and cached, so mapping a million events costs a few
 * hundred Intl lookups.
 */
export class DayZone {
  readonly timeZone: string;
  /** Made on the first offset looked up (never for UTC). */
  private fmt: Intl.DateTimeFormat | undefined;
  private readonly offsets = new Map<number, number>();
  private readonly fixedOffset: number | null;

  constructor(timeZone: string) {
    const canonical = canonicalTimeZone(timeZone);
    if (!canonical) throw new RangeError(`unknown time zone ${JSON.stringify(timeZone)}; use an IANA name such as Europe/Berlin or America/Los_Angeles`);
    this.timeZone = canonical;
    this.fixedOffset = canonical === 'UTC' || canonical === 'Etc/UTC' || canonical === 'Etc/GMT' ? 0 : null;
  }

  private format(): Intl.DateTimeFormat {
    return (this.fmt ??= new Intl.DateTimeFormat('en-US', {
      timeZone: this.timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    }));
  }

  /** The zone's offset from UTC at an instant, in ms (east positive: Berlin in winter is +3,600,000). */
  offsetAt(ms: number): number {
    if (this.fixedOffset !== null) return this.fixedOffset;
    const bucket = Math.floor(ms / 900_000);
    let off = this.offsets.get(bucket);
    if (off === undefined) {
      off = this.computeOffset(bucket * 900_000);
      if (this.offsets.size > 200_000) this.offsets.clear();
      this.offsets.set(bucket, off);
    }
    return off;
  }

  /** The local calendar day of an instant (epoch ms). */
  dayOf(ms: number): DayKey {
    return utcDay(ms + this.offsetAt(ms));
  }

  /** The first instant (epoch ms) of a local day: local midnight, or the first existing time after it. */
  startOf(day: DayKey | string): number {
    const midnightAsUtc = requireDay(day) * DAY_MS;
    // Two rounds settle the offset; the scans below fix a guess off by a transition near midnight.
    let guess = midnightAsUtc - this.offsetAt(midnightAsUtc);
    guess = midnightAsUtc - this.offsetAt(guess);
    // Step back while the previous quarter hour is still the same day (a skipped midnight moves the start later).
    while (this.dayOf(guess - 900_000) === day) guess -= 900_000;
    while (this.dayOf(guess) !== day) guess += 900_000;
    return guess;
  }

  /** Length of a local day in hours (23 or 25 on daylight-saving transitions, else 24). */
  hoursIn(day: DayKey | string): number {
    return (this.startOf(shiftDay(day, 1)) - this.startOf(day)) / 3_600_000;
  }

  private computeOffset(ms: number): number {
    const p: Record<string, number> = {};
    for (const part of this.format().formatToParts(new Date(ms))) {
      if (part.type !== 'literal') p[part.type] = Number(part.value);
    }
    const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
    return asUtc - Math.floor(ms / 1000) * 1000;
  }
}

function requireDay(day: string): number {
  const n = dayNumberOf(day);
  if (n === null) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(day)}`);
  return n;
}

function requireValid(day: string): string {
  requireDay(day);
  return day;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

// Howard Hinnant's civil-from-days algorithms (proleptic Gregorian calendar), exact for every day.
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(n: number): DayKey {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}` as DayKey;
}
