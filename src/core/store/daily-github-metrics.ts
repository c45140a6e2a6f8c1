import type { Database } from 'sql.js';
import type { Store } from './store';
import { shiftDay } from '../day';
import { databaseOf } from './database-of';

/** A (repository, UTC day) whose `daily_github_metrics` row must be recomputed. */
export interface RepoDay {
  repo_slug: string;
  event_date: string;
}

/** Collects affected (repository, day) pairs without duplicates. */
export class RepoDaySet {
  private readonly keys = new Map<string, RepoDay>();

  add(repo_slug: string, event_date: string | null | undefined): void {
    if (!event_date) return;
    this.keys.set(`${repo_slug}\u0000${event_date}`, { repo_slug, event_date });
  }

  addAll(other: RepoDaySet): void {
    for (const d of other.values()) this.add(d.repo_slug, d.event_date);
  }

  values(): RepoDay[] {
    return [...this.keys.values()].sort((a, b) => a.repo_slug.localeCompare(b.repo_slug) || a.event_date.localeCompare(b.event_date));
  }

  get size(): number {
    return this.keys.size;
  }
}

/**
 * Recomputes `daily_github_metrics` for the given (repository, day) pairs only, from the outcome tables.
 * Call it inside the transaction that changed those tables, so the aggregate never disagrees with them.
 *
 * Definitions (docs/outcomes.md):
 * - commit_count: commits whose author date falls on the UTC day, once per SHA, merges and commits no
 *   longer reachable (rewritten history) excluded; lines_added / lines_removed: their `--numstat` sums.
 * - merged_pr_count: pull requests merged on the UTC day; avg_merge_hours: mean of merged_at − created_at
 *   over them, in hours (NULL when none merged).
 * - reopened_pr_count: pull requests with a `reopened` event on the UTC day (a PR reopened twice the same
 *   day counts once that day; reopened on two days, once on each).
 * A day with nothing to count has no row.
 */
export function recomputeDailyGithubMetrics(store: Store, days: Iterable<RepoDay>): number {
  const db = databaseOf(store);
  const commits = db.prepare(
    `SELECT COUNT(*), COALESCE(SUM(lines_added), 0), COALESCE(SUM(lines_removed), 0) FROM commits
      WHERE repo_slug = ? AND event_date = ? AND is_merge = 0 AND unreachable_at IS NULL`,
  );
  // merged_at is ISO 8601 UTC, so the day's range is a string range (uses idx_pull_requests_merged_at).
  const merged = db.prepare(
    `SELECT COUNT(*), AVG((strftime('%s', merged_at) - strftime('%s', created_at)) / 3600.0) FROM pull_requests
      WHERE merged_at >= ? AND merged_at < ? AND repo_slug = ?`,
  );
  const reopened = db.prepare(`SELECT COUNT(DISTINCT number) FROM pr_events WHERE repo_slug = ? AND event = 'reopened' AND event_date = ?`);
  const del = db.prepare('DELETE FROM daily_github_metrics WHERE event_date = ? AND repo_slug = ?');
  const ins = db.prepare(
    `INSERT INTO daily_github_metrics (event_date, repo_slug, merged_pr_count, commit_count, reopened_pr_count,
       avg_merge_hours, lines_added, lines_removed) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let n = 0;
  try {
    for (const { repo_slug, event_date } of days) {
      const [commitCount, added, removed] = first(commits, [repo_slug, event_date]) as [number, number, number];
      const [mergedCount, avgHours] = first(merged, [event_date, shiftDay(event_date, 1), repo_slug]) as [number, number | null];
      const [reopenedCount] = first(reopened, [repo_slug, event_date]) as [number];
      del.run([event_date, repo_slug]);
      if (commitCount || mergedCount || reopenedCount) {
        ins.run([event_date, repo_slug, mergedCount, commitCount, reopenedCount, avgHours, added, removed]);
      }
      n++;
    }
  } finally {
    for (const s of [commits, merged, reopened, del, ins]) s.free();
  }
  return n;
}

function first(stmt: ReturnType<Database['prepare']>, params: (string | number)[]): unknown[] {
  stmt.bind(params);
  stmt.step();
  const row = stmt.get();
  stmt.reset();
  return row;
}
