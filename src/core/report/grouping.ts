/**
 * Weekly and monthly views of the report's daily series: pure functions over `days` and `series`, used by
 * the webview and the standalone page (switching the grouping needs no new model) and by
 * `prodlens report --group` (the `grouped` field of the JSON, the text report's period table).
 *
 * Counts are summed over the days of a period that were measured; a period none of whose days was measured
 * is null (not 0), like a day. Rates are recomputed from the summed counts (error rate from errors and
 * requests, acceptance rate from accepted insertions and insertions), hours to merge is the mean weighted
 * by merged PRs, and latency quantiles are null: a median of daily medians is not the period's median
 * (the headline has the period's own).
 */
import type { Series, SeriesKey } from '../analyze/series';
import { periodStart, shiftDay, type DayKey } from '../day';

export type Grouping = 'day' | 'week' | 'month';
export const GROUPINGS: readonly Grouping[] = ['day', 'week', 'month'];

export interface PeriodBucket {
  /** The period's first calendar day (Monday for weeks, the 1st for months): its key. */
  start: string;
  /** The period's days inside the report's range (a first or last period can be partial). */
  since: string;
  until: string;
  days: number;
  /** True when the range cuts the period (fewer days than the whole week or month). */
  partial: boolean;
}

export interface GroupedSeries {
  group: Grouping;
  periods: PeriodBucket[];
  series: Series;
}

const NOT_GROUPABLE: ReadonlySet<SeriesKey> = new Set<SeriesKey>(['latency_p50_ms', 'latency_p90_ms']);

function periodLength(start: string, group: Grouping): number {
  if (group === 'day') return 1;
  if (group === 'week') return 7;
  const [y, m] = start.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function periodEnd(start: string, group: Grouping): string {
  return shiftDay(start, periodLength(start, group) - 1);
}

/** Groups aligned daily series into weeks (ISO, from Monday) or months; `day` returns them unchanged. */
export function groupSeries(days: readonly string[], series: Series, group: Grouping): GroupedSeries {
  const periods: PeriodBucket[] = [];
  const indexOfDay: number[] = [];
  for (const d of days) {
    const start = periodStart(d as DayKey, group);
    const last = periods[periods.length - 1];
    if (!last || last.start !== start) periods.push({ start, since: d, until: d, days: 1, partial: false });
    else {
      last.until = d;
      last.days++;
    }
    indexOfDay.push(periods.length - 1);
  }
  for (const p of periods) p.partial = p.days < periodLength(p.start, group) || p.since !== p.start || p.until !== periodEnd(p.start, group);

  const out = {} as Series;
  const keys = Object.keys(series) as SeriesKey[];
  for (const k of keys) {
    const values = series[k];
    if (group === 'day') {
      out[k] = [...values];
      continue;
    }
    if (NOT_GROUPABLE.has(k)) {
      out[k] = periods.map(() => null);
      continue;
    }
    out[k] = sumBy(values, indexOfDay, periods.length);
  }
  if (group !== 'day') {
    const ratio = (num: Array<number | null>, den: Array<number | null>) => num.map((n, i) => (n === null || !den[i] ? null : n / den[i]!));
    if (out.error_rate && out.errors && out.requests) {
      const attempts = out.requests.map((r, i) => (r === null || out.errors[i] === null ? null : r + out.errors[i]!));
      out.error_rate = ratio(out.errors, attempts);
    }
    if (out.acceptance_rate && out.accepted_insertions && out.insertions) out.acceptance_rate = ratio(out.accepted_insertions, out.insertions);
    if (out.merge_hours && series.merge_hours && series.merged_prs) {
      const weighted = series.merge_hours.map((h, i) => (h === null ? null : h * (series.merged_prs[i] ?? 0)));
      const weights = series.merge_hours.map((h, i) => (h === null ? null : (series.merged_prs[i] ?? 0)));
      out.merge_hours = ratio(sumBy(weighted, indexOfDay, periods.length), sumBy(weights, indexOfDay, periods.length));
    }
  }
  return { group, periods, series: out };
}

function sumBy(values: ReadonlyArray<number | null>, indexOfDay: number[], n: number): Array<number | null> {
  const sums: Array<number | null> = new Array(n).fill(null);
  values.forEach((v, i) => {
    if (v === null || v === undefined) return;
    const p = indexOfDay[i]!;
    sums[p] = (sums[p] ?? 0) + v;
  });
  return sums;
}

/** Parses a `--group` value or a saved page state; anything else is null. */
export function parseGrouping(s: unknown): Grouping | null {
  return typeof s === 'string' && (GROUPINGS as readonly string[]).includes(s) ? (s as Grouping) : null;
}
