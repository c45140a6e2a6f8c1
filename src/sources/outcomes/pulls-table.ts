import type { Database } from 'sql.js';
import type { RepoDaySet } from '../../core/store/daily-github-metrics';

/** One row of `pull_requests` (open PRs included). Times are ISO 8601 UTC. */
export interface PullRecord {
  repo_slug: string;
  number: number;
  id: number;
  title: string;
  /** The author's login (null for a deleted account). */
  author: string | null;
  /** GitHub's state: `open` or `closed` (merged PRs are closed with `merged_at` set). */
  state: string;
  created_at: string;
  merged_at: string | null;
  closed_at: string | null;
  updated_at: string;
  /** Lines changed; NULL until the PR's own endpoint was read. */
  additions: number | null;
  deletions: number | null;
}

/** A timeline event ProdLens keeps (`reopened`, `closed`, `merged`). */
export interface PrEventRecord {
  event_id: number;
  event: string;
  actor: string | null;
  created_at: string;
}

/** Event kinds stored in `pr_events`; others (labels, reviews requested, …) are not needed. */
export const KEPT_EVENTS = new Set(['reopened', 'closed', 'merged']);

const FIELDS = ['id', 'title', 'author', 'state', 'created_at', 'merged_at', 'closed_at', 'updated_at', 'additions', 'deletions'] as const;

/**
 * Inserts or updates a pull request (call inside a transaction). With `keepSize`, stored additions and
 * deletions are kept (the PR's own endpoint answered 304 or was not read). Adds the merge days before and
 * after to `days`. Returns what happened to the row.
 */
export function upsertPull(db: Database, p: PullRecord, keepSize: boolean, days: RepoDaySet): 'inserted' | 'updated' | 'unchanged' {
  const old = db.exec(`SELECT ${FIELDS.join(', ')} FROM pull_requests WHERE repo_slug = ? AND number = ?`, [p.repo_slug, p.number])[0];
  const before = old ? (Object.fromEntries(old.columns.map((c, i) => [c, old.values[0]![i]])) as Record<string, unknown>) : null;
  const next: PullRecord = keepSize && before ? { ...p, additions: before.additions as number | null, deletions: before.deletions as number | null } : p;
  if (before && FIELDS.every((f) => before[f] === next[f])) return 'unchanged';
  db.run(
    `INSERT INTO pull_requests (repo_slug, number, ${FIELDS.join(', ')}) VALUES (?, ?, ${FIELDS.map(() => '?').join(', ')})
     ON CONFLICT (repo_slug, number) DO UPDATE SET ${FIELDS.map((f) => `${f} = excluded.${f}`).join(', ')}`,
    [next.repo_slug, next.number, ...FIELDS.map((f) => next[f])],
  );
  days.add(p.repo_slug, (before?.merged_at as string | null | undefined)?.slice(0, 10));
  days.add(p.repo_slug, next.merged_at?.slice(0, 10));
  return before ? 'updated' : 'inserted';
}

/**
 * Replaces the stored events of one PR with `events` (the full list GitHub returned) and sets
 * `pull_requests.reopened` to its number of `reopened` events. Adds the days of reopen events before and
 * after to `days`. Returns the number of reopen events.
 */
export function replacePrEvents(db: Database, repoSlug: string, number: number, events: readonly PrEventRecord[], days: RepoDaySet): number {
  const oldDays = db.exec(`SELECT DISTINCT event_date FROM pr_events WHERE repo_slug = ? AND number = ? AND event = 'reopened'`, [repoSlug, number]);
  for (const row of oldDays[0]?.values ?? []) days.add(repoSlug, row[0] as string);
  db.run('DELETE FROM pr_events WHERE repo_slug = ? AND number = ?', [repoSlug, number]);
  const ins = db.prepare(
    `INSERT INTO pr_events (repo_slug, number, event_id, event, actor, created_at, event_date) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (repo_slug, event_id) DO NOTHING`,
  );
  let reopened = 0;
  try {
    for (const e of events) {
      if (!KEPT_EVENTS.has(e.event)) continue;
      ins.run([repoSlug, number, e.event_id, e.event, e.actor, e.created_at, e.created_at.slice(0, 10)]);
      if (e.event === 'reopened') {
        reopened++;
        days.add(repoSlug, e.created_at.slice(0, 10));
      }
    }
  } finally {
    ins.free();
  }
  db.run('UPDATE pull_requests SET reopened = ? WHERE repo_slug = ? AND number = ?', [reopened, repoSlug, number]);
  return reopened;
}
