import type { RepoDaySet } from './daily-github-metrics';
import type { Store } from './store';
import { databaseOf } from './database-of';

/* Outcome tables: commits (git and GitHub), pull requests, their timeline events, and GitHub ETags. */

/** One row of `commits`. Times are ISO 8601 UTC; `event_date` is the author time's UTC day. */
export interface CommitRecord {
  sha: string;
  repo_slug: string;
  /** Git: the author's email; GitHub: the author's login (else the email). */
  author: string | null;
  author_name: string | null;
  author_email: string | null;
  timestamp: string;
  committed_at: string | null;
  event_date: string;
  /** NULL when not measured (merges; commits seen only through GitHub's commit list). */
  lines_added: number | null;
  lines_removed: number | null;
  files_changed: number | null;
  is_merge: boolean;
  /** Whether the developer running ProdLens authored it (git `user.email`); NULL when unknown. */
  is_mine: boolean | null;
  source: 'git' | 'github';
}

export interface CommitWriteCounts {
  inserted: number;
  updated: number;
}

const COLUMNS = [
  'sha',
  'repo_slug',
  'author',
  'author_name',
  'author_email',
  'timestamp',
  'committed_at',
  'event_date',
  'lines_added',
  'lines_removed',
  'files_changed',
  'is_merge',
  'is_mine',
  'source',
] as const;

function named(c: CommitRecord): Record<string, string | number | null> {
  const v = values(c);
  return Object.fromEntries(COLUMNS.map((col, i) => [`:${col}`, v[i]!]));
}

function values(c: CommitRecord): (string | number | null)[] {
  return [
    c.sha,
    c.repo_slug,
    c.author,
    c.author_name,
    c.author_email,
    c.timestamp,
    c.committed_at,
    c.event_date,
    c.lines_added,
    c.lines_removed,
    c.files_changed,
    c.is_merge ? 1 : 0,
    c.is_mine === null ? null : c.is_mine ? 1 : 0,
    c.source,
  ];
}

const INSERT = `INSERT INTO commits (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})
  ON CONFLICT (repo_slug, sha) DO NOTHING`;

/**
 * The git sync owns a commit once it has seen it: it overwrites what the GitHub sync stored and clears
 * `unreachable_at` (the commit is reachable again). Rows are rewritten only when something differs, so a
 * re-read changes nothing and marks no day dirty.
 */
const UPDATE_FROM_GIT = `UPDATE commits SET author = :author, author_name = :author_name, author_email = :author_email, timestamp = :timestamp,
    committed_at = :committed_at, event_date = :event_date, lines_added = :lines_added, lines_removed = :lines_removed, files_changed = :files_changed, is_merge = :is_merge,
    is_mine = :is_mine, source = :source, unreachable_at = NULL
  WHERE sha = :sha AND repo_slug = :repo_slug AND (unreachable_at IS NOT NULL OR source IS NOT :source
    OR author IS NOT :author OR author_name IS NOT :author_name OR author_email IS NOT :author_email OR timestamp IS NOT :timestamp
    OR committed_at IS NOT :committed_at OR event_date IS NOT :event_date OR lines_added IS NOT :lines_added OR lines_removed IS NOT :lines_removed
    OR files_changed IS NOT :files_changed OR is_merge IS NOT :is_merge OR is_mine IS NOT :is_mine)`;

/** GitHub never overwrites what git measured; it refreshes only its own rows. */
const UPDATE_FROM_GITHUB = `UPDATE commits SET author = :author, author_name = :author_name, author_email = :author_email, timestamp = :timestamp,
    committed_at = :committed_at, event_date = :event_date, is_merge = :is_merge
  WHERE sha = :sha AND repo_slug = :repo_slug AND source = 'github' AND (author IS NOT :author OR author_name IS NOT :author_name
    OR author_email IS NOT :author_email OR timestamp IS NOT :timestamp OR committed_at IS NOT :committed_at OR event_date IS NOT :event_date
    OR is_merge IS NOT :is_merge)`;

/**
 * Writes commits (call inside a transaction) and records the (repository, day) pairs whose
 * `daily_github_metrics` must be recomputed.
 */
export function writeCommits(store: Store, rows: readonly CommitRecord[], days: RepoDaySet): CommitWriteCounts {
  const db = databaseOf(store);
  const counts: CommitWriteCounts = { inserted: 0, updated: 0 };
  if (!rows.length) return counts;
  const ins = db.prepare(INSERT);
  const gitUpd = db.prepare(UPDATE_FROM_GIT);
  const ghUpd = db.prepare(UPDATE_FROM_GITHUB);
  const oldDay = db.prepare('SELECT event_date FROM commits WHERE repo_slug = ? AND sha = ?');
  try {
    for (const c of rows) {
      const v = values(c);
      ins.run(v);
      if (db.getRowsModified() > 0) {
        counts.inserted++;
        days.add(c.repo_slug, c.event_date);
        continue;
      }
      oldDay.bind([c.repo_slug, c.sha]);
      const before = oldDay.step() ? (oldDay.get()[0] as string) : null;
      oldDay.reset();
      (c.source === 'git' ? gitUpd : ghUpd).run(named(c));
      if (db.getRowsModified() > 0) {
        counts.updated++;
        days.add(c.repo_slug, before);
        days.add(c.repo_slug, c.event_date);
      }
    }
  } finally {
    for (const s of [ins, gitUpd, ghUpd, oldDay]) s.free();
  }
  return counts;
}

/** Marks stored commits of a repository as no longer reachable; returns how many changed. */
export function markUnreachable(store: Store, repoSlug: string, shas: Iterable<string>, at: string, days: RepoDaySet): number {
  const upd = databaseOf(store).prepare(
    `UPDATE commits SET unreachable_at = ? WHERE repo_slug = ? AND sha = ? AND unreachable_at IS NULL RETURNING event_date`,
  );
  let n = 0;
  try {
    for (const sha of shas) {
      upd.bind([at, repoSlug, sha]);
      while (upd.step()) {
        n++;
        days.add(repoSlug, upd.get()[0] as string);
      }
      upd.reset();
    }
  } finally {
    upd.free();
  }
  return n;
}

/** SHAs the git sync stored for a repository that still count as reachable. */
export function reachableGitShas(store: Store, repoSlug: string): string[] {
  const r = databaseOf(store).exec(`SELECT sha FROM commits WHERE repo_slug = ? AND source = 'git' AND unreachable_at IS NULL`, [repoSlug]);
  return (r[0]?.values ?? []).map((row) => row[0] as string);
}

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
export function upsertPull(store: Store, p: PullRecord, keepSize: boolean, days: RepoDaySet): 'inserted' | 'updated' | 'unchanged' {
  const db = databaseOf(store);
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
export function replacePrEvents(store: Store, repoSlug: string, number: number, events: readonly PrEventRecord[], days: RepoDaySet): number {
  const db = databaseOf(store);
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

/**
 * ETags of GitHub responses whose data is stored (`etag_state`). An ETag is written in the same
 * transaction as the rows it covers, so a 304 always means "what we have is current".
 */
export class EtagTable {
  constructor(private readonly store: Store) {}

  get(url: string): string | null {
    const r = databaseOf(this.store).exec('SELECT etag FROM etag_state WHERE url = ?', [url]);
    return (r[0]?.values[0]?.[0] as string | null | undefined) ?? null;
  }

  put(url: string, etag: string | null, at: string): void {
    if (!etag) {
      databaseOf(this.store).run('DELETE FROM etag_state WHERE url = ?', [url]);
      return;
    }
    databaseOf(this.store).run(
      `INSERT INTO etag_state (url, etag, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, updated_at = excluded.updated_at`,
      [url, etag, at],
    );
  }
}
