/**
 * Reads for the report filtered to one model (a click on a model row): the per-day measures of the
 * `daily_model` rollup, the model names for the filter control, and the sessions that used the model.
 * `daily_model` has no session, input-token, inserted-line, agent-edit or latency columns, so under a
 * model filter those series are not measured (null) except sessions, which are counted from the events.
 */
import type { SqlValue } from 'sql.js';
import type { Store } from './store';
import { databaseOf } from './database-of';
import { sessionIndexWhere, whereOf } from './report-reader';

export interface ModelFilter {
  since: string;
  until: string;
  repo?: string | null;
  developer?: string | null;
  source?: string | null;
  /** A model name; `''` selects requests that name no model. */
  model: string;
}

export interface ModelDay {
  day: string;
  requests: number;
  errors: number;
  tokensOut: number;
  totalTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
  insertions: number;
  acceptedInsertions: number;
  acceptedLines: number;
}

/** The WHERE clause of a model filter over a table with event_date, repo_slug, developer_id, source, model. */
export function modelWhere(f: ModelFilter, devColumn = 'developer_id'): { sql: string; params: SqlValue[] } {
  const w = whereOf(f, devColumn);
  return { sql: `${w.sql} AND model IS ?`, params: [...w.params, f.model === '' ? null : f.model] };
}

/** One row per day with activity of the model (days without are absent). */
export function modelDays(store: Store, f: ModelFilter): ModelDay[] {
  const db = databaseOf(store);
  const w = modelWhere(f);
  const r = db.exec(
    `SELECT event_date, SUM(requests), SUM(errors), SUM(tokens_out), SUM(total_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens),
            SUM(cost_usd), SUM(insertions), SUM(accepted_insertions), SUM(accepted_lines)
       FROM daily_model WHERE ${w.sql} GROUP BY event_date ORDER BY event_date`,
    w.params,
  );
  return (r[0]?.values ?? []).map((v) => ({
    day: v[0] as string,
    requests: Number(v[1]),
    errors: Number(v[2]),
    tokensOut: Number(v[3]),
    totalTokens: Number(v[4]),
    cacheReadTokens: Number(v[5]),
    cacheWriteTokens: Number(v[6]),
    costUsd: Number(v[7]),
    insertions: Number(v[8]),
    acceptedInsertions: Number(v[9]),
    acceptedLines: Number(v[10]),
  }));
}

/** Distinct sessions per day that made a request to the model, and over the whole period. */
export function modelSessions(store: Store, f: ModelFilter): { perDay: Map<string, number>; total: number } {
  const db = databaseOf(store);
  const w = modelWhere(f);
  const base = `FROM sessions WHERE ${w.sql} AND kind = 'request' AND session_id IS NOT NULL AND duplicate_of IS NULL`;
  const perDay = new Map(
    (db.exec(`SELECT event_date, COUNT(DISTINCT session_id) ${base} GROUP BY event_date`, w.params)[0]?.values ?? []).map((v) => [
      v[0] as string,
      Number(v[1]),
    ]),
  );
  const total = Number(db.exec(`SELECT COUNT(DISTINCT session_id) ${base}`, w.params)[0]?.values[0]?.[0] ?? 0);
  return { perDay, total };
}

/** Every model name in the rollups (null for requests naming none), for the filter control. */
export function modelNames(store: Store): Array<string | null> {
  const db = databaseOf(store);
  return (db.exec('SELECT DISTINCT model FROM daily_model_totals ORDER BY model IS NULL, model')[0]?.values ?? []).map((v) => v[0] as string | null);
}

/** Distinct sessions active in a period (each once, whatever its sources), from the session index. */
export function distinctSessions(
  store: Store,
  since: string,
  until: string,
  f: { repo?: string | null; developer?: string | null; source?: string | null },
): number {
  const where = sessionIndexWhere(since, until, f);
  return Number(databaseOf(store).exec(`SELECT COUNT(DISTINCT session_id) FROM session_index WHERE ${where.sql}`, where.params)[0]?.values[0]?.[0] ?? 0);
}
