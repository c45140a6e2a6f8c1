/**
 * The developer's working calendar, from evidence: a day is a working day when the developer was seen at
 * work — editor presence (`active_minutes` > 0), AI use, or a commit of their own (PLAN decision 3). Days off
 * (weekends, holidays, vacations, odd days) are then left out of the analysis instead of entering as (0, 0)
 * pairs, which would make any two activity measures look correlated. Days with nothing measured at all are
 * not working days either: no evidence is not evidence of work.
 *
 * Lag k then means k working days later: Friday's AI use is paired with Monday's commits at lag 1.
 *
 * Same-day pairs need one more rule. Without presence data a working day is only seen when AI use or a
 * commit shows it, so a day with neither is never seen: on the days that are seen, little AI goes with
 * commits and no commits with AI, and independent AI use and commits look negatively related (Berkson's
 * paradox; in our simulations it made 30% of null reports "significant"). Selecting on a condition of the
 * form "AI side and outcome side" does not have that problem, so a day enters a lag-0 pair only when its
 * selection does not rest on one side alone: editor presence, or both AI use and a commit that day.
 */

/** What marked the working days: editor presence where measured, otherwise AI use and commits alone. */
export type CalendarBasis = 'presence' | 'activity';

export interface WorkingCalendar {
  /** Every day of the period (the report's dense days). */
  days: readonly string[];
  /** Indexes into `days` of the working days, in order. */
  working: number[];
  /**
   * Per working day: whether it may enter a same-day (lag 0) pair — seen by editor presence, or by both AI
   * use and a commit (see the module comment).
   */
  sameDay: boolean[];
  /** 'presence' when editor presence was measured on any day of the period. */
  basis: CalendarBasis;
  /** Days on which presence was measured (0 without a presence tracker). */
  presenceDays: number;
}

export interface CalendarEvidence {
  days: readonly string[];
  /** Editor active minutes per day; null (or absent altogether) = not measured. */
  presence?: readonly (number | null)[] | null;
  /** AI-use series whose positive values show work (requests, insertions, …). */
  aiActivity: ReadonlyArray<readonly (number | null)[]>;
  /** Outcome series whose positive values show work: the developer's commits. */
  outcomeActivity: ReadonlyArray<readonly (number | null)[]>;
}

/** The working days of a period. Throws only on programming errors (series of another length). */
export function workingCalendar(e: CalendarEvidence): WorkingCalendar {
  const n = e.days.length;
  const presence = e.presence ?? null;
  for (const s of [...(presence ? [presence] : []), ...e.aiActivity, ...e.outcomeActivity]) {
    if (s.length !== n) throw new RangeError(`evidence series has ${s.length} values for ${n} days`);
  }
  const working: number[] = [];
  const sameDay: boolean[] = [];
  let presenceDays = 0;
  const positive = (s: readonly (number | null)[], i: number) => (s[i] ?? 0) > 0;
  for (let i = 0; i < n; i++) {
    const p = presence?.[i] ?? null;
    if (p !== null) presenceDays++;
    const present = p !== null && p > 0;
    const ai = e.aiActivity.some((s) => positive(s, i));
    const out = e.outcomeActivity.some((s) => positive(s, i));
    if (!present && !ai && !out) continue;
    working.push(i);
    sameDay.push(present || (ai && out));
  }
  return { days: e.days, working, sameDay, basis: presenceDays > 0 ? 'presence' : 'activity', presenceDays };
}

/** Working-day pairs of two series at a lag, only where both values were measured. */
export interface WorkingPairs {
  lag: number;
  /** Value of `x` on working day i, of `y` on working day i + lag. */
  x: number[];
  y: number[];
  /** The `x` day of each pair. */
  days: string[];
}

/**
 * Pairs `x` on working day i with `y` on working day i + lag (in working days, not calendar days). A pair
 * with either value null (not measured) is left out; nothing becomes zero here. Lag 0 uses only the days
 * marked `sameDay`.
 */
export function workingPairs(cal: WorkingCalendar, x: readonly (number | null)[], y: readonly (number | null)[], lag: number): WorkingPairs {
  if (!Number.isInteger(lag) || lag < 0) throw new RangeError(`lag must be a non-negative integer, got ${lag}`);
  const out: WorkingPairs = { lag, x: [], y: [], days: [] };
  const w = cal.working;
  for (let i = 0; i + lag < w.length; i++) {
    if (lag === 0 && !cal.sameDay[i]) continue;
    const a = x[w[i] as number] ?? null;
    const b = y[w[i + lag] as number] ?? null;
    if (a === null || b === null) continue;
    out.x.push(a);
    out.y.push(b);
    out.days.push(cal.days[w[i] as number] as string);
  }
  return out;
}
