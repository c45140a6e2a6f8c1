import { excerpt } from '../../core/normalize/result';
import { isoUtc } from '../../core/normalize/time';
import { silentLogger, systemClock, type Clock, type Logger } from '../../core/ports';
import { recomputeDailyGithubMetrics, RepoDaySet } from '../../core/store/daily-github-metrics';
import type { Store } from '../../core/store/store';
import { writeCommits, type CommitRecord } from '../outcomes/commits-table';
import { replacePrEvents, upsertPull, type PrEventRecord, type PullRecord } from '../outcomes/pulls-table';
import { transaction } from '../outcomes/transaction';
import type { Fetched, GitHubClient, NotModified } from './client';
import { EtagTable } from './etags';
import { CommitItem, IssueEvent, parseItem, PullDetail, PullListItem } from './schemas';

const DAY_MS = 86_400_000;

export interface GitHubSyncOptions {
  owner: string;
  repo: string;
  /** First sync only: read PRs updated and commits made since this instant (ISO). Default: 365 days back. */
  since?: string;
  /** Items per page (GitHub's maximum is 100). */
  perPage?: number;
  /** Commits are re-listed this far behind the newest one seen, for pushes of older commits. */
  commitLookbackMs?: number;
  clock?: Clock;
  logger?: Logger;
}

/** What one repository's GitHub sync did. */
export interface GitHubSyncSummary {
  repo_slug: string;
  api_url: string;
  /** PRs listed as updated since the checkpoint. */
  pulls_changed: number;
  pulls_inserted: number;
  pulls_updated: number;
  /** `reopened` events stored for the PRs read this run. */
  reopen_events: number;
  commits_inserted: number;
  commits_updated: number;
  days_refreshed: number;
  /** Items that did not have the documented shape (kept as dead letters). */
  rejected: number;
  requests: number;
  /** Requests answered 304 Not Modified (free of rate limit). */
  not_modified: number;
  retries: number;
  waited_ms: number;
  rate_remaining: number | null;
}

/** Checkpoint of one repository. */
interface GitHubJobState {
  /** Newest `updated_at` of the PRs read; the PR list is read down to it. */
  pullsUpdatedAt: string | null;
  /** Commits committed before this instant are not read again (newest seen minus the look-back). */
  commitsFloor: string;
  /** Start of the first sync's window (PRs older than it are not read while no newer checkpoint exists). */
  windowStart: string;
}

/** The etl_runs job name of a repository on an API host. */
export function githubJobName(apiUrl: string, slug: string): string {
  return `github:${new URL(apiUrl).host}/${slug}`;
}

/**
 * Reads a repository's pull requests (with size and reopen events) and default-branch commits into the
 * store, incrementally, and refreshes the affected days of `daily_github_metrics`.
 *
 * - PRs: `GET /pulls?state=all&sort=updated&direction=desc`, page by page down to the checkpoint
 *   (newest `updated_at` seen). Page 1 is conditional: a 304 means no PR changed, and ends the PR part.
 *   Each changed PR: `GET /pulls/{n}` (additions, deletions) and `GET /issues/{n}/events` (reopens), both
 *   conditional on their stored ETags.
 * - Commits: `GET /commits` (default branch, newest first), page 1 conditional, down to the newest commit
 *   seen minus a look-back (7 days: late pushes of older commits). Rows git already measured are kept.
 * Everything a response covers is written with its ETag in one transaction; the checkpoint moves only
 * after the whole sync succeeded, so an interrupted sync is redone (cheaply: unchanged parts answer 304).
 */
export async function syncGitHubRepo(store: Store, gh: GitHubClient, opts: GitHubSyncOptions): Promise<GitHubSyncSummary> {
  const { owner, repo, perPage = 100, commitLookbackMs = 7 * DAY_MS, clock = systemClock, logger = silentLogger } = opts;
  const slug = `${owner}/${repo}`;
  const job = githubJobName(gh.baseUrl, slug);
  const etags = new EtagTable(store);
  const now = () => new Date(clock.now()).toISOString();
  const before = { ...gh.stats };
  const summary: GitHubSyncSummary = {
    repo_slug: slug,
    api_url: gh.baseUrl,
    pulls_changed: 0,
    pulls_inserted: 0,
    pulls_updated: 0,
    reopen_events: 0,
    commits_inserted: 0,
    commits_updated: 0,
    days_refreshed: 0,
    rejected: 0,
    requests: 0,
    not_modified: 0,
    retries: 0,
    waited_ms: 0,
    rate_remaining: null,
  };
  const touched = new RepoDaySet();
  const rejects: { reason: string; item: unknown }[] = [];
  const parse = <T>(r: { ok: true; value: T } | { ok: false; reason: string }, item: unknown): T | null => {
    if (r.ok) return r.value;
    rejects.push({ reason: r.reason, item });
    return null;
  };
  /** Writes in one transaction and recomputes the days it touched. */
  const write = (fn: (days: RepoDaySet) => void) => {
    const days = new RepoDaySet();
    transaction(store, () => {
      fn(days);
      summary.days_refreshed += recomputeDailyGithubMetrics(store, days.values());
    });
    touched.addAll(days);
  };

  try {
    const state = store.getJobState<GitHubJobState>(job);
    const windowStart = state?.windowStart ?? opts.since ?? isoUtc(clock.now() - 365 * DAY_MS);

    // 1. Pull requests changed since the checkpoint.
    const floor = state?.pullsUpdatedAt ?? windowStart;
    const listUrl = gh.url('/repos/{owner}/{repo}/pulls', { owner, repo, state: 'all', sort: 'updated', direction: 'desc', per_page: perPage });
    const changed: PullListItem[] = [];
    let page: Fetched | NotModified | null = await gh.get(listUrl, state ? etags.get(listUrl) : null);
    const listEtag = page.status === 200 ? page.etag : null;
    while (page?.status === 200) {
      let reachedFloor = false;
      for (const raw of asArray(page.data)) {
        const pr = parse(parseItem(PullListItem, raw, 'pull request'), raw);
        if (!pr) continue;
        if (floor && pr.updated_at < floor) {
          reachedFloor = true;
          break;
        }
        changed.push(pr);
      }
      page = !reachedFloor && page.next ? await gh.get(page.next, null) : null;
    }
    summary.pulls_changed = changed.length;
    for (const pr of changed) {
      const detailUrl = gh.url('/repos/{owner}/{repo}/pulls/{pull_number}', { owner, repo, pull_number: pr.number });
      const detail = await gh.get(detailUrl, etags.get(detailUrl));
      const d = detail.status === 200 ? parse(parseItem(PullDetail, detail.data, 'pull request'), detail.data) : null;
      const eventsUrl = gh.url('/repos/{owner}/{repo}/issues/{issue_number}/events', { owner, repo, issue_number: pr.number, per_page: perPage });
      const first = await gh.get(eventsUrl, etags.get(eventsUrl));
      const events = first.status === 200 ? await readEvents(gh, first, parse) : null;
      write((days) => {
        const record: PullRecord = {
          repo_slug: slug,
          number: pr.number,
          id: (d ?? pr).id,
          title: (d ?? pr).title,
          author: (d ?? pr).user?.login ?? null,
          state: (d ?? pr).state,
          created_at: (d ?? pr).created_at,
          merged_at: (d ?? pr).merged_at,
          closed_at: (d ?? pr).closed_at,
          updated_at: (d ?? pr).updated_at,
          additions: d?.additions ?? null,
          deletions: d?.deletions ?? null,
        };
        const r = upsertPull(store, record, !d, days);
        if (r === 'inserted') summary.pulls_inserted++;
        if (r === 'updated') summary.pulls_updated++;
        if (events) summary.reopen_events += replacePrEvents(store, slug, pr.number, events, days);
        // ETags only for data stored: an unparseable detail must be fetched again next time.
        if (detail.status === 200 && d) etags.put(detailUrl, detail.etag, now());
        if (first.status === 200 && events) etags.put(eventsUrl, first.etag, now());
      });
    }
    const newest = changed.reduce<string | null>((m, p) => (m && m > p.updated_at ? m : p.updated_at), state?.pullsUpdatedAt ?? null);

    // 2. Commits of the default branch, newest first, down to the checkpoint. The URL carries no `since`,
    // so it stays the same from sync to sync and its page-1 ETag can answer 304 when nothing was pushed.
    const commitFloor = state?.commitsFloor ?? windowStart;
    const commitsUrl = gh.url('/repos/{owner}/{repo}/commits', { owner, repo, per_page: perPage });
    let cpage: Fetched | NotModified | null = await gh.get(commitsUrl, state ? etags.get(commitsUrl) : null);
    const commitsEtag = cpage.status === 200 ? cpage.etag : null;
    let newestCommit: string | null = null;
    while (cpage?.status === 200) {
      const rows: CommitRecord[] = [];
      let older = 0;
      const items = asArray(cpage.data);
      for (const raw of items) {
        const c = parse(parseItem(CommitItem, raw, 'commit'), raw);
        const record = c && toCommitRecord(slug, c);
        if (!record) {
          if (c) rejects.push({ reason: 'commit: no author date', item: raw });
          continue;
        }
        const committed = record.committed_at ?? record.timestamp;
        if (committed < commitFloor) {
          older++;
          continue;
        }
        rows.push(record);
        if (!newestCommit || committed > newestCommit) newestCommit = committed;
      }
      write((days) => {
        const w = writeCommits(store, rows, days);
        summary.commits_inserted += w.inserted;
        summary.commits_updated += w.updated;
      });
      // The list is in reverse commit-date order (as `git log`): a page entirely below the floor ends it.
      cpage = cpage.next && older < items.length ? await gh.get(cpage.next, null) : null;
    }
    const nextFloor = newestCommit ? maxIso(commitFloor, isoUtc(Date.parse(newestCommit) - commitLookbackMs)) : commitFloor;

    // 3. Checkpoint, with the ETags of the two list heads (valid only now that everything is stored).
    write(() => {
      if (listEtag) etags.put(listUrl, listEtag, now());
      if (commitsEtag) etags.put(commitsUrl, commitsEtag, now());
      store.setCheckpoint(job, newest, { pullsUpdatedAt: newest, commitsFloor: nextFloor, windowStart } satisfies GitHubJobState);
    });
  } catch (err) {
    store.recordJobError(job, (err as Error).message);
    throw err;
  } finally {
    if (rejects.length) {
      summary.rejected = rejects.length;
      const at = now();
      store.ingestUnjournaled({
        events: [],
        metrics: [],
        rejects: rejects.map((r) => ({ received_at: at, source: 'github', reason: r.reason, excerpt: excerpt(r.item) })),
      });
      logger.warn(`${slug}: ${rejects.length} GitHub item(s) did not have the documented shape (see dead_letter)`);
    }
    summary.requests = gh.stats.requests - before.requests;
    summary.not_modified = gh.stats.notModified - before.notModified;
    summary.retries = gh.stats.retries - before.retries;
    summary.waited_ms = gh.stats.waitedMs - before.waitedMs;
    summary.rate_remaining = gh.stats.rateRemaining;
    if (touched.size) store.markDirty([...new Set(touched.values().map((d) => d.event_date))]);
  }
  return summary;
}

/** All pages of a PR's issue events, starting from an already fetched first page. */
async function readEvents(
  gh: GitHubClient,
  first: Fetched,
  parse: <T>(r: { ok: true; value: T } | { ok: false; reason: string }, item: unknown) => T | null,
): Promise<PrEventRecord[]> {
  const out: PrEventRecord[] = [];
  let page: Fetched | NotModified | null = first;
  while (page?.status === 200) {
    for (const raw of asArray(page.data)) {
      const e = parse(parseItem(IssueEvent, raw, 'issue event'), raw);
      if (e) out.push({ event_id: e.id, event: e.event, actor: e.actor?.login ?? null, created_at: e.created_at });
    }
    page = page.next ? await gh.get(page.next, null) : null;
  }
  return out;
}

/** A GitHub commit as a `commits` row: author day from the git author date; lines unknown (not listed). */
function toCommitRecord(slug: string, c: CommitItem): CommitRecord | null {
  const authored = c.commit.author?.date ?? c.commit.committer?.date;
  if (!authored) return null;
  const email = c.commit.author?.email?.toLowerCase() || null;
  return {
    sha: c.sha,
    repo_slug: slug,
    author: c.author?.login ?? email,
    author_name: c.commit.author?.name ?? null,
    author_email: email,
    timestamp: authored,
    committed_at: c.commit.committer?.date ?? null,
    event_date: authored.slice(0, 10),
    lines_added: null,
    lines_removed: null,
    files_changed: null,
    is_merge: c.parents.length > 1,
    is_mine: null,
    source: 'github',
  };
}

function asArray(data: unknown): unknown[] {
  if (!Array.isArray(data)) throw new Error(`GitHub answered with ${typeof data === 'object' ? 'an object' : typeof data} where a list was expected`);
  return data;
}

function maxIso(a: string, b: string): string {
  return a > b ? a : b;
}
