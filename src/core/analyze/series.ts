import type { Database, SqlValue } from 'sql.js';
import { HistogramAccumulator } from './latency-histogram';

/**
 * Daily series for the report and the correlations, read from the day-level rollups (never the raw
 * events), aligned on a dense list of UTC days.
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
  /** Only the developer's own commits (`is_mine`, honouring .mailmap): the personal report. */
  mineOnly?: boolean;
  /** Only pull requests by these GitHub logins (the personal report); absent: every author. */
  prAuthors?: readonly string[] | null;
}

export const AI_SERIES = [
  'sessions', 'requests', 'errors', 'error_rate', 'tokens_in', 'tokens_out', 'total_tokens', 'cache_read_tokens',
  'cache_write_tokens', 'cost_usd', 'latency_p50_ms', 'latency_p90_ms', 'insertions', 'inserted_lines',
  'accepted_insertions', 'accepted_lines', 'acceptance_rate', 'agent_edits', 'agent_lines_added',
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

/** Dense inclusive list of UTC days. */
export function dayRange(since: string, until: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${since}T00:00:00Z`), end = Date.parse(`${until}T00:00:00Z`); t <= end; t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

export function shiftDay(day: string, deltaDays: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + deltaDays * 86_400_000).toISOString().slice(0, 10);
}

function where(f: SeriesFilter, cols: { dev?: string; repo?: string; source?: string } = {}): { sql: string; params: SqlValue[] } {
  const parts = ['event_date >= ?', 'event_date <= ?'];
  const params: SqlValue[] = [f.since, f.until];
  if (f.repo !== undefined && f.repo !== null && cols.repo !== '') {
    parts.push(`${cols.repo ?? 'repo_slug'} IS ?`);
    params.push(f.repo === '' ? null : f.repo);
  }
  if (f.developer !== undefined && f.developer !== null && cols.dev !== '') {
    parts.push(`${cols.dev ?? 'developer_id'} IS ?`);
    params.push(f.developer === '' ? null : f.developer);
  }
  if (f.source && cols.source !== '') {
    parts.push(`${cols.source ?? 'source'} = ?`);
    params.push(f.source);
  }
  return { sql: parts.join(' AND '), params };
}

/**
 * Where the AI measures for a filter are read from: the coarse `daily_totals` for no filter or a filter
 * on one dimension (hundreds of rows for a year), else the fine `daily_activity`. Both have the same
 * measure columns.
 */
export function activitySource(f: SeriesFilter): { table: string; sql: string; params: SqlValue[]; coarse: boolean } {
  const dims: Array<[string, string | null]> = [];
  if (f.repo !== undefined && f.repo !== null) dims.push(['repo', f.repo || null]);
  if (f.developer !== undefined && f.developer !== null) dims.push(['developer', f.developer || null]);
  if (f.source) dims.push(['source', f.source]);
  if (dims.length > 1) return { table: 'daily_activity', ...where(f), coarse: false };
  const [dim, value] = dims[0] ?? ['all', null];
  return { table: 'daily_totals', sql: 'dim = ? AND value IS ? AND event_date >= ? AND event_date <= ?', params: [dim, value, f.since, f.until], coarse: true };
}

function one(db: Database, sql: string, params: SqlValue[] = []): SqlValue[] | undefined {
  return db.exec(sql, params)[0]?.values[0];
}

/** The spans each family was measured in, over all data (filters narrow who/where, not when). */
export function coverage(db: Database): DailySeriesSet['coverage'] {
  // Separate MIN and MAX queries: SQLite answers each from the index, but not both in one query.
  const ai = [one(db, "SELECT MIN(event_date) FROM daily_totals WHERE dim = 'all'")?.[0] ?? null, one(db, "SELECT MAX(event_date) FROM daily_totals WHERE dim = 'all'")?.[0] ?? null];
  const commits = one(db, 'SELECT MIN(event_date), MAX(event_date) FROM commits');
  const prs = one(db, "SELECT MIN(substr(created_at, 1, 10)), MAX(substr(COALESCE(updated_at, created_at), 1, 10)) FROM pull_requests");
  const lastSync = (prefix: string) =>
    (one(db, "SELECT MAX(substr(last_run_at, 1, 10)) FROM etl_runs WHERE job LIKE ? AND last_status = 'ok'", [`${prefix}%`])?.[0] as string | null) ?? null;
  const span = (r: SqlValue[] | undefined, synced: string | null): Span | null =>
    r?.[0] ? { first: r[0] as string, last: synced && synced > (r[1] as string) ? synced : (r[1] as string) } : null;
  return { ai: span(ai, null), commits: span(commits, lastSync('git:')), pullRequests: span(prs, lastSync('github:')) };
}

export function buildDailySeries(db: Database, f: SeriesFilter): DailySeriesSet {
  const days = dayRange(f.since, f.until);
  const index = new Map(days.map((d, i) => [d, i]));
  const cov = coverage(db);
  const series = {} as Series;
  const inSpan = (span: Span | null) => days.map((d) => !!span && d >= span.first && d <= span.last);
  const aiMeasured = inSpan(cov.ai);
  for (const k of AI_SERIES) series[k] = days.map((_, i) => (aiMeasured[i] ? 0 : null));
  const commitMeasured = inSpan(cov.commits);
  const prMeasured = inSpan(cov.pullRequests);
  for (const k of ['commits', 'lines_added', 'lines_removed', 'lines_changed'] as const) series[k] = days.map((_, i) => (commitMeasured[i] ? 0 : null));
  for (const k of ['merged_prs', 'reopened_prs'] as const) series[k] = days.map((_, i) => (prMeasured[i] ? 0 : null));
  series.merge_hours = days.map(() => null);

  // AI activity from the rollups.
  const w = activitySource(f);
  const res = db.exec(
    `SELECT event_date, SUM(sessions), SUM(requests), SUM(errors), SUM(tokens_in), SUM(tokens_out), SUM(total_tokens),
            SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(cost_usd), SUM(insertions), SUM(inserted_lines),
            SUM(accepted_insertions), SUM(accepted_lines), SUM(agent_edits), SUM(agent_lines_added)
       FROM ${w.table} WHERE ${w.sql} GROUP BY event_date`,
    w.params,
  );
  const cols = ['sessions', 'requests', 'errors', 'tokens_in', 'tokens_out', 'total_tokens', 'cache_read_tokens', 'cache_write_tokens', 'cost_usd', 'insertions', 'inserted_lines', 'accepted_insertions', 'accepted_lines', 'agent_edits', 'agent_lines_added'] as const;
  for (const row of res[0]?.values ?? []) {
    const i = index.get(row[0] as string);
    if (i === undefined) continue;
    cols.forEach((c, j) => (series[c][i] = (row[j + 1] as number) ?? 0));
  }
  const periodHist = new HistogramAccumulator();
  const dayHist = days.map(() => null as HistogramAccumulator | null);
  const lat = db.exec(`SELECT event_date, latency_hist FROM ${w.table} WHERE ${w.sql} AND latency_hist IS NOT NULL`, w.params);
  for (const row of lat[0]?.values ?? []) {
    const i = index.get(row[0] as string);
    if (i === undefined) continue;
    const h = (dayHist[i] ??= new HistogramAccumulator());
    h.add(row[1] as Uint8Array);
    periodHist.add(row[1] as Uint8Array);
  }
  days.forEach((_, i) => {
    const req = series.requests[i] ?? null;
    const err = series.errors[i] ?? null;
    series.error_rate[i] = req !== null && err !== null && req + err > 0 ? err / (req + err) : null;
    const ins = series.insertions[i];
    series.acceptance_rate[i] = ins ? series.accepted_insertions[i]! / ins : null;
    series.latency_p50_ms[i] = dayHist[i]?.quantile(0.5) ?? null;
    series.latency_p90_ms[i] = dayHist[i]?.quantile(0.9) ?? null;
  });

  readOutcomes(db, f, index, series);
  for (let i = 0; i < days.length; i++) {
    const a = series.lines_added[i] ?? null;
    const r = series.lines_removed[i] ?? null;
    series.lines_changed[i] = a === null || r === null ? null : a + r;
  }
  return { days, series, coverage: cov, periodLatency: { p50: periodHist.quantile(0.5), p90: periodHist.quantile(0.9) } };
}

/**
 * Commits (author day, merges excluded, once per SHA) and pull requests (merged day; reopen day). With a
 * developer filter, commits are the developer's by author email; PRs have GitHub logins, not emails, so
 * PR series are left unmeasured (null) under a developer filter.
 */
function readOutcomes(db: Database, f: SeriesFilter, index: Map<string, number>, series: Series): void {
  const wc = where(f, { dev: 'author_email', source: '' });
  const commits = db.exec(
    `SELECT event_date, COUNT(*), COALESCE(SUM(lines_added), 0), COALESCE(SUM(lines_removed), 0)
       FROM commits WHERE ${wc.sql} AND is_merge = 0 AND unreachable_at IS NULL${f.mineOnly ? ' AND is_mine = 1' : ''} GROUP BY event_date`,
    wc.params,
  );
  for (const row of commits[0]?.values ?? []) {
    const i = index.get(row[0] as string);
    if (i === undefined || series.commits[i] === null) continue;
    series.commits[i] = row[1] as number;
    series.lines_added[i] = row[2] as number;
    series.lines_removed[i] = row[3] as number;
  }
  if (f.developer !== undefined && f.developer !== null) {
    series.merged_prs.fill(null);
    series.reopened_prs.fill(null);
    return;
  }
  if (f.prAuthors) {
    readOwnPulls(db, f, f.prAuthors, index, series);
    return;
  }
  const wg = where(f, { dev: '', source: '' });
  const gh = db.exec(
    `SELECT event_date, SUM(merged_pr_count), SUM(reopened_pr_count),
            SUM(avg_merge_hours * merged_pr_count) / NULLIF(SUM(CASE WHEN avg_merge_hours IS NOT NULL THEN merged_pr_count END), 0)
       FROM daily_github_metrics WHERE ${wg.sql} GROUP BY event_date`,
    wg.params,
  );
  for (const row of gh[0]?.values ?? []) {
    const i = index.get(row[0] as string);
    if (i === undefined) continue;
    if (series.merged_prs[i] !== null) series.merged_prs[i] = row[1] as number;
    if (series.reopened_prs[i] !== null) series.reopened_prs[i] = row[2] as number;
    series.merge_hours[i] = (row[3] as number | null) ?? null;
  }
}

/**
 * Pull requests by the given authors (the personal report): merged per merge day (UTC) with their mean
 * hours to merge, reopened per reopen day — what daily_github_metrics holds for every author.
 */
function readOwnPulls(db: Database, f: SeriesFilter, authors: readonly string[], index: Map<string, number>, series: Series): void {
  const inList = authors.map(() => '?').join(', ') || 'NULL';
  const repo = f.repo !== undefined && f.repo !== null ? ' AND repo_slug IS ?' : '';
  const repoParam: SqlValue[] = repo ? [f.repo === '' ? null : f.repo!] : [];
  const merged = db.exec(
    `SELECT substr(merged_at, 1, 10) AS d, COUNT(*), AVG((julianday(merged_at) - julianday(created_at)) * 24)
       FROM pull_requests WHERE merged_at IS NOT NULL AND author IN (${inList}) AND substr(merged_at, 1, 10) >= ? AND substr(merged_at, 1, 10) <= ?${repo}
      GROUP BY d`,
    [...authors, f.since, f.until, ...repoParam],
  );
  for (const row of merged[0]?.values ?? []) {
    const i = index.get(row[0] as string);
    if (i === undefined || series.merged_prs[i] === null) continue;
    series.merged_prs[i] = row[1] as number;
    series.merge_hours[i] = (row[2] as number | null) ?? null;
  }
  const reopened = db.exec(
    `SELECT e.event_date, COUNT(DISTINCT e.repo_slug || '#' || e.number) FROM pr_events e
       JOIN pull_requests p ON p.repo_slug = e.repo_slug AND p.number = e.number
      WHERE e.event = 'reopened' AND p.author IN (${inList}) AND e.event_date >= ? AND e.event_date <= ?${repo ? ' AND e.repo_slug IS ?' : ''}
      GROUP BY e.event_date`,
    [...authors, f.since, f.until, ...repoParam],
  );
  for (const row of reopened[0]?.values ?? []) {
    const i = index.get(row[0] as string);
    if (i === undefined || series.reopened_prs[i] === null) continue;
    series.reopened_prs[i] = row[1] as number;
  }
}
