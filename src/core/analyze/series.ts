import { dayRange as keyRange, DayZone, shiftDay as shiftKey } from '../day';

/**
 * Daily series for the report and the correlations, read by src/core/store/series-reader.ts from the
 * day-level rollups (never the raw events), aligned on a dense list of the developer's local days (`SeriesFilter.zone`, default UTC): the
 * AI rollups are keyed by `sessions.local_date` (the store's zone), commits and pull requests are put on
 * the local day of their own timestamps here.
 *
 * Missing vs zero: a count is 0 on a day inside the span its source was measured and null outside it
 * (before ProdLens first saw any AI activity, or before the first synced commit/PR and after the last
 * sync); a rate or latency is null on a day without a denominator (no requests → no error rate, no
 * median latency), never 0.
 */

export interface SeriesFilter {
  since: string;
  until: string;
  repo?: string | null;
  developer?: string | null;
  source?: string | null;
  /**
   * The developer's zone: the days of commits and pull requests. Pass the store's zone (`store.zone`), the
   * one the AI rollups were built in; default UTC.
   */
  zone?: DayZone;
  /** Only the developer's own commits (`is_mine`, honouring .mailmap): the personal report. */
  mineOnly?: boolean;
  /** Only pull requests by these GitHub logins (the personal report); absent: every author. */
  prAuthors?: readonly string[] | null;
}

export const UTC_ZONE = new DayZone('UTC');

export const AI_SERIES = [
  'sessions',
  'requests',
  'errors',
  'error_rate',
  'tokens_in',
  'tokens_out',
  'total_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'cost_usd',
  'latency_p50_ms',
  'latency_p90_ms',
  'insertions',
  'inserted_lines',
  'accepted_insertions',
  'accepted_lines',
  'acceptance_rate',
  'agent_edits',
  'agent_lines_added',
] as const;
export const OUTCOME_SERIES = ['commits', 'lines_added', 'lines_removed', 'lines_changed', 'merged_prs', 'merge_hours', 'reopened_prs'] as const;
export type AiSeriesKey = (typeof AI_SERIES)[number];
export type OutcomeSeriesKey = (typeof OUTCOME_SERIES)[number];
export type SeriesKey = AiSeriesKey | OutcomeSeriesKey;

export type Series = Record<SeriesKey, Array<number | null>>;

export interface DailySeriesSet {
  days: string[];
  series: Series;
  /** Spans in which each family was measured (null when never). */
  coverage: { ai: Span | null; commits: Span | null; pullRequests: Span | null };
  /** Latency quantiles over the whole period (merged histograms). */
  periodLatency: { p50: number | null; p90: number | null };
}

export interface Span {
  first: string;
  last: string;
}

/** Dense inclusive list of calendar days (plain calendar arithmetic; no zone, so no DST gap or repeat). */
export function dayRange(since: string, until: string): string[] {
  return keyRange(since, until);
}

export function shiftDay(day: string, deltaDays: number): string {
  return shiftKey(day, deltaDays);
}
