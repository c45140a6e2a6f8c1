import type { Database, SqlValue } from 'sql.js';
import { HistogramAccumulator } from '../analyze/latency-histogram';
import { AI_SERIES, dayRange, shiftDay, UTC_ZONE, type DailySeriesSet, type Series, type SeriesFilter, type Span } from '../analyze/series';
import type { DayZone } from '../day';
import type { Store } from './store';
import { databaseOf } from './database-of';

/* The daily series of src/core/analyze/series.ts, read from the day-level rollups and the outcome tables. */

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
export function coverage(store: Store, zone: DayZone = UTC_ZONE): DailySeriesSet['coverage'] {
  const db = databaseOf(store);
  // Separate MIN and MAX queries: SQLite answers each from the index, but not both in one query.
  const ai = [
    one(db, "SELECT MIN(event_date) FROM daily_totals WHERE dim = 'all'")?.[0] ?? null,
    one(db, "SELECT MAX(event_date) FROM daily_totals WHERE dim = 'all'")?.[0] ?? null,
  ];
  // Outcome times are ISO 8601 UTC: their local days come from the zone.
  const local = (iso: SqlValue | undefined): string | null =>
    typeof iso === 'string' && Number.isFinite(Date.parse(iso)) ? zone.dayOf(Date.parse(iso)) : null;
  const pair = (r: SqlValue[] | undefined): SqlValue[] | undefined => (r ? [local(r[0]), local(r[1])] : r);
  const commits = pair(one(db, 'SELECT MIN(timestamp), MAX(timestamp) FROM commits'));
  const prs = pair(one(db, 'SELECT MIN(created_at), MAX(COALESCE(updated_at, created_at)) FROM pull_requests'));
  const lastSync = (prefix: string) => local(one(db, "SELECT MAX(last_run_at) FROM etl_runs WHERE job LIKE ? AND last_status = 'ok'", [`${prefix}%`])?.[0]);
  const span = (r: SqlValue[] | undefined, synced: string | null): Span | null =>
    r?.[0] ? { first: r[0] as string, last: synced && synced > (r[1] as string) ? synced : (r[1] as string) } : null;
  return { ai: span(ai, null), commits: span(commits, lastSync('git:')), pullRequests: span(prs, lastSync('github:')) };
}

export function buildDailySeries(store: Store, f: SeriesFilter): DailySeriesSet {
  const steps = dailySeriesSteps(store, f);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** `buildDailySeries` in steps, yielding between its queries (the report's async build turns the event loop there). */
export function* dailySeriesSteps(store: Store, f: SeriesFilter): Generator<void, DailySeriesSet> {
  const db = databaseOf(store);
  const days = dayRange(f.since, f.until);
  const index = new Map(days.map((d, i) => [d, i]));
  const cov = coverage(store, f.zone);
  const series = {} as Series;
  const inSpan = (span: Span | null) => days.map((d) => !!span && d >= span.first && d <= span.last);
  const aiMeasured = inSpan(cov.ai);
  for (const k of AI_SERIES) series[k] = days.map((_, i) => (aiMeasured[i] ? 0 : null));
  const commitMeasured = inSpan(cov.commits);
  const prMeasured = inSpan(cov.pullRequests);
  for (const k of ['commits', 'lines_added', 'lines_removed', 'lines_changed'] as const) series[k] = days.map((_, i) => (commitMeasured[i] ? 0 : null));
  for (const k of ['merged_prs', 'reopened_prs'] as const) series[k] = days.map((_, i) => (prMeasured[i] ? 0 : null));
  series.merge_hours = days.map(() => null);

  yield;
  // AI activity from the rollups.
  const w = activitySource(f);
  const res = db.exec(
    `SELECT event_date, SUM(sessions), SUM(requests), SUM(errors), SUM(tokens_in), SUM(tokens_out), SUM(total_tokens),
            SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(cost_usd), SUM(insertions), SUM(inserted_lines),
            SUM(accepted_insertions), SUM(accepted_lines), SUM(agent_edits), SUM(agent_lines_added)
       FROM ${w.table} WHERE ${w.sql} GROUP BY event_date`,
    w.params,
  );
  const cols = [
    'sessions',
    'requests',
    'errors',
    'tokens_in',
    'tokens_out',
    'total_tokens',
    'cache_read_tokens',
    'cache_write_tokens',
    'cost_usd',
    'insertions',
    'inserted_lines',
    'accepted_insertions',
    'accepted_lines',
    'agent_edits',
    'agent_lines_added',
  ] as const;
  for (const row of res[0]?.values ?? []) {
    const i = index.get(row[0] as string);
    if (i === undefined) continue;
    cols.forEach((c, j) => (series[c][i] = (row[j + 1] as number) ?? 0));
  }
  yield;
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

  yield;
  readOutcomes(db, f, index, series);
  for (let i = 0; i < days.length; i++) {
    const a = series.lines_added[i] ?? null;
    const r = series.lines_removed[i] ?? null;
    series.lines_changed[i] = a === null || r === null ? null : a + r;
  }
  return { days, series, coverage: cov, periodLatency: { p50: periodHist.quantile(0.5), p90: periodHist.quantile(0.9) } };
}

/**
 * Commits (author day, merges excluded, once per SHA) and pull requests (merged day; reopen day), each on
 * the developer's local day of its own UTC timestamp. With a developer filter, commits are the developer's
 * by author email; PRs have GitHub logins, not emails, so PR series are left unmeasured (null) under a
 * developer filter.
 */
function readOutcomes(db: Database, f: SeriesFilter, index: Map<string, number>, series: Series): void {
  const zone = f.zone ?? UTC_ZONE;
  // A local day's events lie within one UTC day either side of it; the zone decides which count.
  const wide = { ...f, since: shiftDay(f.since, -1), until: shiftDay(f.until, 1) };
  const dayOf = (iso: SqlValue): number | undefined => (typeof iso === 'string' ? index.get(zone.dayOf(Date.parse(iso))) : undefined);
  const wc = where(wide, { dev: 'author_email', source: '' });
  const commits = db.exec(
    `SELECT timestamp, COALESCE(lines_added, 0), COALESCE(lines_removed, 0)
       FROM commits WHERE ${wc.sql} AND is_merge = 0 AND unreachable_at IS NULL${f.mineOnly ? ' AND is_mine = 1' : ''}`,
    wc.params,
  );
  for (const row of commits[0]?.values ?? []) {
    const i = dayOf(row[0]!);
    if (i === undefined || series.commits[i] === null) continue;
    series.commits[i] = (series.commits[i] ?? 0) + 1;
    series.lines_added[i] = (series.lines_added[i] ?? 0) + (row[1] as number);
    series.lines_removed[i] = (series.lines_removed[i] ?? 0) + (row[2] as number);
  }
  if (f.developer !== undefined && f.developer !== null) {
    series.merged_prs.fill(null);
    series.reopened_prs.fill(null);
    return;
  }
  const repo =
    f.repo !== undefined && f.repo !== null
      ? { sql: ' AND repo_slug IS ?', params: [f.repo === '' ? null : f.repo] as SqlValue[] }
      : { sql: '', params: [] as SqlValue[] };
  // The personal report: only the pull requests of the GitHub logins ProdLens synced as.
  const authors = f.prAuthors
    ? { sql: ` AND author IN (${f.prAuthors.map(() => '?').join(', ') || 'NULL'})`, params: [...f.prAuthors] as SqlValue[] }
    : { sql: '', params: [] as SqlValue[] };
  // merged_at and created_at are ISO 8601 UTC, so a UTC range is a string range.
  const from = `${wide.since}T00:00:00`;
  const to = `${shiftDay(wide.until, 1)}T00:00:00`;
  const merged = db.exec(
    `SELECT merged_at, (strftime('%s', merged_at) - strftime('%s', created_at)) / 3600.0 FROM pull_requests
      WHERE merged_at >= ? AND merged_at < ?${repo.sql}${authors.sql}`,
    [from, to, ...repo.params, ...authors.params],
  );
  const hours = series.merge_hours.map(() => ({ sum: 0, n: 0 }));
  for (const row of merged[0]?.values ?? []) {
    const i = dayOf(row[0]!);
    if (i === undefined) continue;
    if (series.merged_prs[i] !== null) series.merged_prs[i] = (series.merged_prs[i] ?? 0) + 1;
    if (typeof row[1] === 'number') {
      hours[i]!.sum += row[1];
      hours[i]!.n += 1;
    }
  }
  hours.forEach((h, i) => (series.merge_hours[i] = h.n ? h.sum / h.n : null));
  // A PR reopened twice on one local day counts once that day.
  const reopened = db.exec(
    `SELECT created_at, number, repo_slug FROM pr_events e WHERE event = 'reopened' AND created_at >= ? AND created_at < ?${repo.sql}${
      f.prAuthors ? ` AND EXISTS (SELECT 1 FROM pull_requests p WHERE p.repo_slug = e.repo_slug AND p.number = e.number${authors.sql})` : ''
    }`,
    [from, to, ...repo.params, ...authors.params],
  );
  const seen = new Set<string>();
  for (const row of reopened[0]?.values ?? []) {
    const i = dayOf(row[0]!);
    if (i === undefined || series.reopened_prs[i] === null) continue;
    const k = `${i}\u0001${row[2]}\u0001${row[1]}`;
    if (seen.has(k)) continue;
    seen.add(k);
    series.reopened_prs[i] = (series.reopened_prs[i] ?? 0) + 1;
  }
}
