/**
 * A simulated working calendar: which days a developer works and how much of a day (capacity 1 = a full day,
 * 0.5 = a part-time day, 0 = off). Weekends, public holidays, vacation weeks and odd days off are all days
 * off; the analysis under test must find them from evidence, never from this truth.
 */
import { dayRange, isoWeekday, shiftDay, type DayKey } from '../../../src/core/day';
import type { Rng } from './prng';

export interface CalendarOptions {
  /** First day, `YYYY-MM-DD`. */
  start: string;
  /** Number of calendar days. */
  days: number;
  /** ISO weekdays worked (1 = Monday … 7 = Sunday); default Monday–Friday. */
  workWeekdays?: readonly number[];
  /** Weekdays worked part-time, with their capacity (e.g. `{ 5: 0.5 }`: half-day Fridays). Default none. */
  partTime?: Readonly<Record<number, number>>;
  /** Public holidays as `MM-DD`, every year of the span; default a handful of common ones. */
  holidays?: readonly string[];
  /** Vacation weeks (Monday–Sunday blocks at random places, not overlapping); default 1 per 365 days. */
  vacationWeeks?: number;
  /** Chance that a scheduled working day is taken off anyway (sick day, errand); default 0.03. */
  oddDayOffProb?: number;
}

export interface SimCalendar {
  days: DayKey[];
  /** 0 off, else the share of a full day worked. */
  capacity: number[];
}

export const DEFAULT_HOLIDAYS: readonly string[] = ['01-01', '05-01', '10-03', '12-24', '12-25', '12-26', '12-31'];

export function simulateCalendar(rng: Rng, o: CalendarOptions): SimCalendar {
  const days = dayRange(o.start, shiftDay(o.start, o.days - 1));
  const weekdays = new Set(o.workWeekdays ?? [1, 2, 3, 4, 5]);
  const holidays = new Set(o.holidays ?? DEFAULT_HOLIDAYS);
  const capacity = days.map((d) => {
    const wd = isoWeekday(d);
    if (!weekdays.has(wd) || holidays.has(d.slice(5))) return 0;
    return o.partTime?.[wd] ?? 1;
  });
  // Vacations: whole weeks starting on a Monday, not overlapping each other.
  const mondays = days.flatMap((d, i) => (isoWeekday(d) === 1 && i + 7 <= days.length ? [i] : []));
  const weeks = o.vacationWeeks ?? Math.round(o.days / 365);
  const taken = new Set<number>();
  for (let w = 0; w < weeks && mondays.length > 0; w++) {
    const start = rng.pick(mondays);
    if (taken.has(start)) continue;
    taken.add(start);
    for (let i = start; i < start + 7; i++) capacity[i] = 0;
  }
  const oddProb = o.oddDayOffProb ?? 0.03;
  for (let i = 0; i < capacity.length; i++) if ((capacity[i] as number) > 0 && rng.bernoulli(oddProb)) capacity[i] = 0;
  return { days, capacity };
}
