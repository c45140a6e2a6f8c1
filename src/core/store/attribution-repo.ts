import type { Store } from './store';
import type { SqlValue } from 'sql.js';
import { databaseOf } from './database-of';

/** `meta` key prefix of the GitHub login a sync ran as, per API root (`github_login:https://api.github.com`). */
export const GITHUB_LOGIN_META = 'github_login:';

/** The GitHub logins ProdLens synced as (one per API host), sorted. */
export function githubLogins(store: Store): string[] {
  const db = databaseOf(store);
  const r = db.exec('SELECT DISTINCT value FROM meta WHERE key LIKE ? ORDER BY value', [`${GITHUB_LOGIN_META}%`]);
  return (r[0]?.values ?? []).map((v) => v[0] as string);
}

/**
 * AI rows of the period (requests, errors, insertions, agent edits) with and without a developer and a
 * repository, read from the fine rollup (`daily_activity`), so the report can say how many it could not attribute.
 */
export function attributionCounts(store: Store, since: string, until: string): { events: number; withoutDeveloper: number; withoutRepo: number } {
  const db = databaseOf(store);
  const params: SqlValue[] = [since, until];
  const r = db.exec(
    `SELECT COALESCE(SUM(n), 0), COALESCE(SUM(CASE WHEN developer_id IS NULL THEN n END), 0), COALESCE(SUM(CASE WHEN repo_slug IS NULL THEN n END), 0)
       FROM (SELECT developer_id, repo_slug, requests + errors + insertions + agent_edits AS n FROM daily_activity WHERE event_date >= ? AND event_date <= ?)`,
    params,
  );
  const v = r[0]?.values[0] ?? [0, 0, 0];
  return { events: v[0] as number, withoutDeveloper: v[1] as number, withoutRepo: v[2] as number };
}

/** Commits of the period (merges excluded, reachable) that are the developer's own, and all of them. */
export function commitCounts(store: Store, since: string, until: string): { mine: number; all: number; unknown: number } {
  const db = databaseOf(store);
  const r = db.exec(
    `SELECT COUNT(*), COALESCE(SUM(is_mine = 1), 0), COALESCE(SUM(is_mine IS NULL), 0) FROM commits
      WHERE event_date >= ? AND event_date <= ? AND is_merge = 0 AND unreachable_at IS NULL`,
    [since, until],
  );
  const v = r[0]?.values[0] ?? [0, 0, 0];
  return { all: v[0] as number, mine: v[1] as number, unknown: v[2] as number };
}

/** Whether any commit was synced knowing the developer's identity (`is_mine` set, true or false). */
export function hasOwnCommitIdentity(store: Store): boolean {
  const db = databaseOf(store);
  return !!db.exec('SELECT 1 FROM commits WHERE is_mine IS NOT NULL LIMIT 1')[0]?.values.length;
}

export function hasPullRequests(store: Store): boolean {
  const db = databaseOf(store);
  return !!db.exec('SELECT 1 FROM pull_requests LIMIT 1')[0]?.values.length;
}
