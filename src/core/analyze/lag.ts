/**
 * Lag alignment over dense lists of UTC days. A lag k pairs AI activity on day t with the outcome on day
 * t + k (AI today, commits k days later; ARCHITECTURE.md, CLI). `null` means "not measured" and stays missing;
 * it becomes 0 only when the caller says zero is true for that series (e.g. commits on a synced repo).
 */
import { fail, ok, type Result } from '../normalize/result';
import { dayNumberOf, dayOfNumber } from '../day';

/** Default lags: same day to three days later. */
export const DEFAULT_LAGS: readonly number[] = [0, 1, 2, 3];

/** One value per consecutive UTC day (`YYYY-MM-DD`), no gaps; `null` = not measured that day. */
export interface DailySeries {
  readonly days: readonly string[];
  readonly values: readonly (number | null)[];
}

/** Whether a `null` inside a series' day range means a true zero rather than "not measured". */
export interface ZeroIsTrue {
  ai?: boolean;
  outcome?: boolean;
}

/** AI values and outcome values k days later, aligned by AI day; `null` where either is missing. */
export interface LaggedPairs {
  lag: number;
  /** The AI day t of each pair. */
  days: string[];
  ai: (number | null)[];
  outcome: (number | null)[];
}

/** Checks that a series is dense (consecutive valid days) and its values are finite numbers or null. */
export function validateSeries(series: DailySeries, name: string): Result<DailySeries> {
  const { days, values } = series;
  if (days.length !== values.length) return fail(`${name}: ${days.length} days but ${values.length} values`);
  let expected: string | null = null;
  for (let i = 0; i < days.length; i++) {
    const day = days[i] as string;
    if (day !== expected) {
      const num = dayNumberOf(day);
      if (num === null) return fail(`${name}: day ${JSON.stringify(day)} at index ${i} is not a YYYY-MM-DD date`);
      if (expected !== null) return fail(`${name}: days must be consecutive; ${days[i - 1]} is followed by ${day}`);
    }
    expected = nextDay(day);
    const v = values[i];
    if (v !== null && (typeof v !== 'number' || !Number.isFinite(v))) {
      return fail(`${name}: value on ${day} is ${String(v)}; use null for "not measured"`);
    }
  }
  return ok(series);
}

/**
 * The key of the day after a valid key, without a Date round trip for most days (validating a year of days
 * this way is ~10x faster than parsing each one).
 */
function nextDay(day: string): string {
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7));
  const d = Number(day.slice(8, 10));
  if (y < 1000) return dayOfNumber((dayNumberOf(day) as number) + 1); // Date.UTC maps years 0–99 to 1900–1999
  // Day 0 of the next month is the last day of this one.
  if (d < 28 || d < new Date(Date.UTC(y, m, 0)).getUTCDate()) return `${day.slice(0, 8)}${pad2(d + 1)}`;
  return m < 12 ? `${day.slice(0, 5)}${pad2(m + 1)}-01` : `${y + 1}-01-01`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * Builds a dense series from sparse day → value points over `since..until` (inclusive). Days without a point
 * are `null` (not measured) or 0 when `fill` is `'zero'`. Points outside the range are ignored.
 */
export function denseSeries(
  points: ReadonlyMap<string, number> | Readonly<Record<string, number>>,
  since: string,
  until: string,
  fill: 'missing' | 'zero' = 'missing',
): Result<DailySeries> {
  const start = dayNumberOf(since);
  const end = dayNumberOf(until);
  if (start === null || end === null) return fail(`since/until must be YYYY-MM-DD dates, got ${since}..${until}`);
  if (end < start) return fail(`until ${until} is before since ${since}`);
  const entries = points instanceof Map ? [...points.entries()] : Object.entries(points);
  const values: (number | null)[] = new Array(end - start + 1).fill(fill === 'zero' ? 0 : null);
  for (const [day, value] of entries) {
    const num = dayNumberOf(day);
    if (num === null) return fail(`point day ${JSON.stringify(day)} is not a YYYY-MM-DD date`);
    if (!Number.isFinite(value)) return fail(`point on ${day} is ${String(value)}, not a finite number`);
    if (num >= start && num <= end) values[num - start] = value;
  }
  const days = values.map((_, i) => dayOfNumber(start + i));
  return ok({ days, values });
}

/**
 * Pairs AI on day t with the outcome on day t + lag, for every AI day t. Outcome days past the outcome
 * series' range are missing (never zero: nothing was measured there). Inputs must be valid series.
 */
export function laggedPairs(ai: DailySeries, outcome: DailySeries, lag: number, zeroIsTrue: ZeroIsTrue = {}): LaggedPairs {
  if (!Number.isInteger(lag) || lag < 0) throw new RangeError(`lag must be a non-negative integer, got ${lag}`);
  const aiStart = ai.days.length > 0 ? (dayNumberOf(ai.days[0] as string) as number) : 0;
  const outStart = outcome.days.length > 0 ? (dayNumberOf(outcome.days[0] as string) as number) : 0;
  const aiValues = ai.values.map((v) => (v === null && zeroIsTrue.ai ? 0 : v));
  const outValues: (number | null)[] = [];
  for (let i = 0; i < ai.days.length; i++) {
    const j = aiStart + i + lag - outStart;
    if (j < 0 || j >= outcome.values.length) {
      outValues.push(null);
      continue;
    }
    const v = outcome.values[j] as number | null;
    outValues.push(v === null && zeroIsTrue.outcome ? 0 : v);
  }
  return { lag, days: [...ai.days], ai: aiValues, outcome: outValues };
}
