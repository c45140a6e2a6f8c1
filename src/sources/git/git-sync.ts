import { createHash } from 'node:crypto';
import { recomputeDailyGithubMetrics, RepoDaySet } from '../../core/store/daily-github-metrics';
import { fail, ok, type Result } from '../../core/normalize/result';
import { silentLogger, systemClock, type Clock, type Logger } from '../../core/ports';
import type { Store } from '../../core/store/store';
import { markUnreachable, reachableGitShas, writeCommits, type CommitRecord } from '../outcomes/commits-table';
import { transaction } from '../outcomes/transaction';
import { LOG_ARGS, LogParser } from './log-parser';
import { GitError, type GitRunner } from './node-git';
import { readRepoInfo } from './repo-info';

export interface GitSyncOptions {
  signal?: AbortSignal;
  clock?: Clock;
  logger?: Logger;
  /** Commits written per transaction. */
  batchSize?: number;
  /**
   * The developer whose commits are `is_mine` (setting prodlens.developerId, CLI --developer,
   * $PRODLENS_DEVELOPER); default git `user.email` of the repository. `.mailmap` is honoured both ways.
   */
  developer?: string | null;
}

/** What one repository's sync did (printed by `prodlens sync-git`, shown by the extension). */
export interface GitSyncSummary {
  root: string;
  repo_slug: string;
  /** Whether git `user.email` is set (without it no commit can be told apart as "mine"). */
  user_email_set: boolean;
  /** Commits read from `git log` this run (new since the checkpoint, or all on a first run). */
  read: number;
  inserted: number;
  updated: number;
  /** Stored commits no longer reachable from any branch (amended, rebased, deleted branch). */
  unreachable: number;
  /** Whether every stored commit was checked against the current history (first run, or a lost checkpoint). */
  full_check: boolean;
  /** (repository, day) rows of daily_github_metrics recomputed. */
  days_refreshed: number;
  /** Lines of `git log` output that could not be read. */
  unreadable: number;
}

/** Checkpoint state of one repository: the branch tips seen by the last successful sync. */
interface GitJobState {
  slug: string;
  tips: string[];
  /**
   * A hash of the identity the commits' `is_mine` was computed for (developer and its .mailmap form).
   * Absent in checkpoints written before it existed.
   */
  identity?: string;
}

/** The checkpoint's form of the developer identity: a hash, so the checkpoint never holds an email. */
function identityKey(me: string | null, aliases: string[]): string {
  return createHash('sha256')
    .update(JSON.stringify([me, ...aliases]))
    .digest('hex')
    .slice(0, 16);
}

/** The etl_runs job name of a repository folder. */
export function gitJobName(root: string): string {
  return `git:${root}`;
}

/**
 * Reads a repository's commits into `commits` incrementally and refreshes the affected days of
 * `daily_github_metrics`.
 *
 * History read: commits reachable from HEAD, local branches and remote-tracking branches. The checkpoint
 * is the set of tips seen last time; the next run reads `git log <tips> ^<old tips>` (only what is new).
 * Rewritten history: commits reachable from the old tips but not from the current ones (amend, rebase,
 * reset, deleted branch) are marked `unreachable_at` and stop counting; they count again if they become
 * reachable. An old tip that no longer exists (garbage-collected) is dropped from the exclusions and every
 * stored commit is checked against the current history instead. Commits are keyed by SHA, so re-reading
 * never double counts.
 */
export async function syncGitRepo(store: Store, git: GitRunner, dir: string, opts: GitSyncOptions = {}): Promise<Result<GitSyncSummary>> {
  const { signal, clock = systemClock, logger = silentLogger, batchSize = 2000 } = opts;
  const override = opts.developer?.trim().toLowerCase() || null;
  let job = gitJobName(dir);
  try {
    const info = await readRepoInfo(git, dir, signal);
    if (!info) return fail(`${dir} is not inside a git working tree`);
    job = gitJobName(info.root);
    const summary: GitSyncSummary = {
      root: info.root,
      repo_slug: info.slug,
      user_email_set: (override ?? info.userEmail) !== null,
      read: 0,
      inserted: 0,
      updated: 0,
      unreachable: 0,
      full_check: false,
      days_refreshed: 0,
      unreadable: 0,
    };
    const allDays = new RepoDaySet();
    const tips = await listTips(git, info.root, signal);
    const me = override ?? info.userEmail;
    const canonical = me ? await mailmapEmail(git, info.root, me, signal) : null;
    const aliases = canonical && canonical !== me ? [canonical] : [];
    const identity = identityKey(me, aliases);
    const state = store.getJobState<GitJobState>(job);
    // A new identity (setting, --developer, user.email or .mailmap changed) re-reads the whole history, so
    // every stored commit's `is_mine` is computed again for it; otherwise only what is new is read.
    const sameIdentity = state?.identity === identity;
    if (state && state.slug === info.slug && !sameIdentity) logger.info(`${info.slug}: the developer identity changed; re-reading every commit`);
    const prevTips = state?.slug === info.slug && sameIdentity ? state.tips : [];
    const kept = await existingCommits(git, info.root, prevTips, signal);
    summary.full_check = prevTips.length === 0 || kept.length < prevTips.length;
    if (kept.length < prevTips.length)
      logger.info(`${info.slug}: ${prevTips.length - kept.length} checkpoint commit(s) no longer exist; checking all stored commits`);

    const flush = (batch: CommitRecord[]) => {
      if (!batch.length) return;
      const days = new RepoDaySet();
      transaction(store, () => {
        const c = writeCommits(store, batch, days);
        summary.inserted += c.inserted;
        summary.updated += c.updated;
        summary.days_refreshed += recomputeDailyGithubMetrics(store, days.values());
      });
      allDays.addAll(days);
      batch.length = 0;
    };

    if (tips.length) {
      const batch: CommitRecord[] = [];
      const parser = new LogParser(
        { repoSlug: info.slug, userEmail: me, aliases },
        (c) => {
          summary.read++;
          batch.push(c);
          if (batch.length >= batchSize) flush(batch);
        },
        (r) => {
          summary.unreadable++;
          logger.warn(`${info.slug}: ${r.reason}: ${r.line}`);
        },
      );
      const input = [...tips, ...kept.map((s) => `^${s}`)].join('\n') + '\n';
      await git.stream(LOG_ARGS, { cwd: info.root, input, signal }, (line) => parser.push(line));
      parser.end();
      flush(batch);
    }

    // Commits that were reachable and are not any more.
    let gone: string[];
    if (summary.full_check) {
      const reachable = new Set(tips.length ? await revList(git, info.root, tips, [], signal) : []);
      gone = reachableGitShas(store, info.slug).filter((s) => !reachable.has(s));
    } else {
      gone = kept.length ? await revList(git, info.root, kept, tips, signal) : [];
    }
    const days = new RepoDaySet();
    transaction(store, () => {
      summary.unreachable = markUnreachable(store, info.slug, gone, new Date(clock.now()).toISOString(), days);
      summary.days_refreshed += recomputeDailyGithubMetrics(store, days.values());
      store.setCheckpoint(job, tips[0] ?? null, { slug: info.slug, tips, identity } satisfies GitJobState);
    });
    allDays.addAll(days);
    store.markDirty([...new Set(allDays.values().map((d) => d.event_date))]);
    return ok(summary);
  } catch (err) {
    // git failures and cancellation are outcomes to report; anything else is a bug.
    if (!(err instanceof GitError) && !signal?.aborted) throw err;
    const reason = signal?.aborted ? 'cancelled' : (err as GitError).message;
    store.recordJobError(job, reason);
    return fail(reason);
  }
}

/** The `.mailmap` form of an email (`git check-mailmap`), lower case; null when git cannot say. */
async function mailmapEmail(git: GitRunner, cwd: string, email: string, signal?: AbortSignal): Promise<string | null> {
  try {
    const out = (await git.run(['check-mailmap', `<${email}>`], { cwd, signal })).trim();
    const m = /<([^<>]*)>\s*$/.exec(out);
    return m?.[1] ? m[1].toLowerCase() : null;
  } catch (err) {
    if (err instanceof GitError && !signal?.aborted) return null;
    throw err;
  }
}

/** SHAs of HEAD and every local and remote-tracking branch, HEAD first, without duplicates. */
async function listTips(git: GitRunner, cwd: string, signal?: AbortSignal): Promise<string[]> {
  const out: string[] = [];
  try {
    out.push((await git.run(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { cwd, signal })).trim());
  } catch (err) {
    // An unborn HEAD (no commit yet) exits 1.
    if (!(err instanceof GitError) || err.exitCode !== 1) throw err;
  }
  const refs = await git.run(['for-each-ref', '--format=%(objectname)', 'refs/heads', 'refs/remotes'], { cwd, signal });
  out.push(...refs.split('\n').map((s) => s.trim()));
  return [...new Set(out.filter((s) => /^[0-9a-f]{40,64}$/.test(s)))];
}

/** The given SHAs that still exist as commits in the repository. */
async function existingCommits(git: GitRunner, cwd: string, shas: string[], signal?: AbortSignal): Promise<string[]> {
  if (!shas.length) return [];
  const out = await git.run(['cat-file', '--batch-check'], { cwd, signal, input: shas.join('\n') + '\n' });
  const present = new Set<string>();
  for (const line of out.split('\n')) {
    const [sha, type] = line.split(' ');
    if (sha && type === 'commit') present.add(sha);
  }
  return shas.filter((s) => present.has(s));
}

/** `git rev-list` of commits reachable from `include` and not from `exclude`. */
async function revList(git: GitRunner, cwd: string, include: string[], exclude: string[], signal?: AbortSignal): Promise<string[]> {
  const input = [...include, ...exclude.map((s) => `^${s}`)].join('\n') + '\n';
  const out = await git.run(['rev-list', '--stdin'], { cwd, signal, input });
  return out.split('\n').filter(Boolean);
}
