import type { SqlValue } from 'sql.js';
import type { SeriesFilter } from '../analyze/series';
import type { DayZone } from '../day';
import type { BreakdownRow, DeadLetterSummary, ReportModel, SourceHealth } from '../report/model';
import type { Store } from './store';
import { databaseOf } from './database-of';

/*
 * The report's reads beyond the daily series (src/core/store/series-reader.ts): sessions, models,
 * breakdowns, data health, and the filter options.
 */

export interface Where {
  sql: string;
  params: SqlValue[];
}

/** The session index's rows active in a period (first seen ≤ until, last seen ≥ since) under a filter. */
export function sessionIndexWhere(since: string, until: string, f: { repo?: string | null; developer?: string | null; source?: string | null }): Where {
  const parts = ['first_day <= ?', 'last_day >= ?'];
  const params: SqlValue[] = [until, since];
  if (f.repo !== undefined && f.repo !== null) {
    parts.push('repo_slug IS ?');
    params.push(f.repo || null);
  }
  if (f.developer !== undefined && f.developer !== null) {
    parts.push('developer_id IS ?');
    params.push(f.developer || null);
  }
  if (f.source) {
    parts.push('source = ?');
    params.push(f.source);
  }
  return { sql: parts.join(' AND '), params };
}

/** Distinct sessions active in the period (first seen ≤ until and last seen ≥ since). */
export function sessionCount(
  store: Store,
  since: string,
  until: string,
  w: { repo?: string | null; developer?: string | null; source?: string | null },
): number | null {
  const where = sessionIndexWhere(since, until, w);
  const r = databaseOf(store).exec(`SELECT COUNT(*) FROM session_index WHERE ${where.sql}`, where.params);
  return (r[0]?.values[0]?.[0] as number) ?? 0;
}

/** A model's totals over the period, from `daily_model` or `daily_model_totals`. */
export interface ModelTotals {
  model: string | null;
  requests: number;
  errors: number;
  totalTokens: number;
  outputTokens: number;
  cacheTokens: number;
  costUsd: number;
  unpricedRequests: number;
  insertions: number;
  acceptedInsertions: number;
  acceptedLines: number;
}

export function modelTotals(store: Store, w: Where, table: 'daily_model' | 'daily_model_totals'): ModelTotals[] {
  const r = databaseOf(store).exec(
    `SELECT model, SUM(requests), SUM(errors), SUM(total_tokens), SUM(tokens_out), SUM(cache_read_tokens) + SUM(cache_write_tokens),
            SUM(cost_usd), SUM(unpriced_requests), SUM(insertions), SUM(accepted_insertions), SUM(accepted_lines)
       FROM ${table} WHERE ${w.sql} GROUP BY model ORDER BY SUM(cost_usd) DESC, SUM(requests) DESC`,
    w.params,
  );
  return (r[0]?.values ?? []).map((v) => ({
    model: v[0] as string | null,
    requests: v[1] as number,
    errors: v[2] as number,
    totalTokens: v[3] as number,
    outputTokens: v[4] as number,
    cacheTokens: v[5] as number,
    costUsd: v[6] as number,
    unpricedRequests: v[7] as number,
    insertions: v[8] as number,
    acceptedInsertions: v[9] as number,
    acceptedLines: v[10] as number,
  }));
}

/** Totals per repository or developer (top 50 by tokens) and commits per repository / author email. */
export function breakdownTotals(
  store: Store,
  src: { table: string; by: string; where: Where },
  commitWhere: Where,
  commitKey: 'repo_slug' | 'author_email',
): { totals: Array<Omit<BreakdownRow, 'commits'>>; commits: Map<string | null, number> } {
  const db = databaseOf(store);
  const r = db.exec(
    `SELECT ${src.by}, SUM(requests), SUM(total_tokens), SUM(cost_usd), SUM(insertions), SUM(accepted_lines)
       FROM ${src.table} WHERE ${src.where.sql} GROUP BY ${src.by} ORDER BY SUM(total_tokens) DESC LIMIT 50`,
    src.where.params,
  );
  const c = db.exec(
    `SELECT ${commitKey}, COUNT(*) FROM commits WHERE ${commitWhere.sql} AND is_merge = 0 AND unreachable_at IS NULL GROUP BY ${commitKey}`,
    commitWhere.params,
  );
  const commits = new Map((c[0]?.values ?? []).map((v) => [(v[0] as string | null) ?? null, v[1] as number]));
  const totals = (r[0]?.values ?? []).map((v) => ({
    key: v[0] as string | null,
    requests: v[1] as number,
    totalTokens: v[2] as number,
    costUsd: v[3] as number,
    insertions: v[4] as number,
    acceptedLines: v[5] as number,
  }));
  return { totals, commits };
}

export function sourceHealth(store: Store, today: string): SourceHealth[] {
  const db = databaseOf(store);
  const r = db.exec('SELECT source, last_event_ms, last_received_at, records_received, dead_letters FROM source_status ORDER BY source');
  const todayCounts = db.exec("SELECT value, requests + errors + insertions + agent_edits FROM daily_totals WHERE dim = 'source' AND event_date = ?", [today]);
  const counts = new Map((todayCounts[0]?.values ?? []).map((v) => [v[0] as string, v[1] as number]));
  return (r[0]?.values ?? []).map((v) => ({
    source: v[0] as string,
    lastEventAt: v[1] === null ? null : new Date(v[1] as number).toISOString(),
    lastReceivedAt: v[2] as string,
    recordsReceived: v[3] as number,
    eventsToday: counts.get(v[0] as string) ?? 0,
    deadLetters: v[4] as number,
  }));
}

export function deadLetters(store: Store): DeadLetterSummary {
  const db = databaseOf(store);
  const total = (db.exec('SELECT COUNT(*) FROM dead_letter')[0]?.values[0]?.[0] as number) ?? 0;
  const by = db.exec('SELECT reason, COUNT(*) FROM dead_letter GROUP BY reason ORDER BY COUNT(*) DESC LIMIT 20');
  // Never the input itself: its size, hash and where it failed (issue 14).
  const recent = db.exec('SELECT received_at, source, reason, input_bytes, input_hash, json_path, count FROM dead_letter ORDER BY id DESC LIMIT 50');
  return {
    total,
    byReason: (by[0]?.values ?? []).map((v) => ({ reason: v[0] as string, count: v[1] as number })),
    recent: (recent[0]?.values ?? []).map((v) => {
      const bytes = v[3] as number | null;
      const hash = (v[4] as string | null)?.slice(0, 16) ?? null;
      const path = v[5] as string | null;
      const count = (v[6] as number | null) ?? 1;
      const detail = [
        bytes === null ? 'input not recorded' : `${bytes} bytes`,
        hash ? `sha256 ${hash}` : '',
        path ? `at ${path}` : '',
        count > 1 ? `${count} records` : '',
      ]
        .filter(Boolean)
        .join(' · ');
      return { receivedAt: v[0] as string, source: v[1] as string, reason: v[2] as string, bytes, hash, path, count, detail };
    }),
  };
}

/** Records received from every source (the report's "total events"). */
export function totalRecordsReceived(store: Store): number {
  return (databaseOf(store).exec('SELECT COALESCE(SUM(records_received), 0) FROM source_status')[0]?.values[0]?.[0] as number) ?? 0;
}

/** The first local day with AI activity, a commit or a pull request; null for an empty store. */
export function firstDataDay(store: Store, zone: DayZone): string | null {
  const r = databaseOf(store).exec(
    `SELECT (SELECT MIN(event_date) FROM daily_totals WHERE dim = 'all'), (SELECT MIN(timestamp) FROM commits), (SELECT MIN(created_at) FROM pull_requests)`,
  );
  const [ai, commit, pr] = (r[0]?.values[0] ?? []) as Array<string | null>;
  const local = [ai ?? null, ...[commit, pr].map((iso) => (iso && Number.isFinite(Date.parse(iso)) ? zone.dayOf(Date.parse(iso)) : null))].filter(
    (d): d is string => !!d,
  );
  return local.length ? local.sort()[0]! : null;
}

/** The values the report's filters offer: repositories (rollups and commits), developers, sources. */
export function filterOptions(store: Store): ReportModel['options'] {
  const col = (sql: string) => (databaseOf(store).exec(sql)[0]?.values ?? []).map((v) => v[0] as string | null);
  const values = (dim: string) => col(`SELECT DISTINCT value FROM daily_totals WHERE dim = '${dim}'`);
  const repos = new Set([...values('repo'), ...col('SELECT DISTINCT repo_slug FROM commits')].map((r) => r || null));
  return {
    repos: [...repos].sort(nullLast),
    developers: values('developer').sort(nullLast),
    sources: values('source')
      .filter((s): s is string => !!s)
      .sort(),
  };
}

function nullLast(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/** Filter on the rollups' day column, or (`instants`, ISO UTC [from, to)) on commits' author time. */
export function whereOf(f: SeriesFilter, devColumn = 'developer_id', instants?: [string, string]): Where {
  const parts = instants ? ['timestamp >= ?', 'timestamp < ?'] : ['event_date >= ?', 'event_date <= ?'];
  const params: SqlValue[] = instants ? [...instants] : [f.since, f.until];
  if (f.repo !== undefined && f.repo !== null) {
    parts.push('repo_slug IS ?');
    params.push(f.repo || null);
  }
  if (f.developer !== undefined && f.developer !== null) {
    parts.push(`${devColumn} IS ?`);
    params.push(f.developer || null);
  }
  if (f.source) {
    parts.push('source = ?');
    params.push(f.source);
  }
  return { sql: parts.join(' AND '), params };
}

/** A coarse rollup's rows of one dimension (`daily_totals`) in a period. */
export function coarseWhere(dim: 'repo' | 'developer', since: string, until: string): Where {
  return { sql: 'dim = ? AND event_date >= ? AND event_date <= ?', params: [dim, since, until] };
}

/** A period on the rollups' day column, no other filter. */
export function daysWhere(since: string, until: string): Where {
  return { sql: 'event_date >= ? AND event_date <= ?', params: [since, until] };
}

/** Commits of the developer running ProdLens only. */
export function mineOnly(w: Where): Where {
  return { sql: `${w.sql} AND is_mine = 1`, params: w.params };
}
