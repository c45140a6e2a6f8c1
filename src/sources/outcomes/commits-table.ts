import type { Database } from 'sql.js';
import type { RepoDaySet } from '../../core/store/daily-github-metrics';

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
export function writeCommits(db: Database, rows: readonly CommitRecord[], days: RepoDaySet): CommitWriteCounts {
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
export function markUnreachable(db: Database, repoSlug: string, shas: Iterable<string>, at: string, days: RepoDaySet): number {
  const upd = db.prepare(`UPDATE commits SET unreachable_at = ? WHERE repo_slug = ? AND sha = ? AND unreachable_at IS NULL RETURNING event_date`);
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
export function reachableGitShas(db: Database, repoSlug: string): string[] {
  const r = db.exec(`SELECT sha FROM commits WHERE repo_slug = ? AND source = 'git' AND unreachable_at IS NULL`, [repoSlug]);
  return (r[0]?.values ?? []).map((row) => row[0] as string);
}
