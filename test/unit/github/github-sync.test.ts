import assert from 'node:assert/strict';
import { Store } from '../../../src/core/store/store';
import { GitHubClient } from '../../../src/sources/github/client';
import { githubJobName, syncGitHubRepo, type GitHubSyncSummary } from '../../../src/sources/github/github-sync';
import { RetryBudgetError } from '../../../src/sources/github/retry';
import { sqlLoader } from '../helpers/events';
import { badGateway, FakeGitHub, secondaryRateLimit } from './fake-github';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

const NOW = Date.parse('2026-01-10T00:00:00Z');
const SINCE = '2025-12-01T00:00:00Z';

function rows<T = Record<string, unknown>>(store: Store, sql: string, params: (string | number)[] = []): T[] {
  const r = rawDatabaseForTests(store).exec(sql, params)[0];
  if (!r) return [];
  return r.values.map((v) => Object.fromEntries(r.columns.map((c, i) => [c, v[i]])) as T);
}

/** Everything the sync writes, to compare before and after. */
function outcomeTables(store: Store): string {
  return JSON.stringify(
    ['pull_requests', 'pr_events', 'commits', 'daily_github_metrics', 'etag_state', 'dead_letter'].map((t) =>
      rawDatabaseForTests(store).exec(`SELECT * FROM ${t} ORDER BY 1, 2`),
    ),
  );
}

/** Hours between two ISO times, computed independently of the code under test. */
const hours = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 3_600_000;

describe('GitHub sync (real Octokit against a local GitHub stand-in)', () => {
  let server: FakeGitHub;
  let baseUrl: string;
  let store: Store;
  let waits: number[];

  const client = (opts: { signal?: AbortSignal; maxTotalWaitMs?: number; sleep?: (ms: number, s?: AbortSignal) => Promise<void>; token?: string } = {}) =>
    new GitHubClient({
      token: opts.token ?? server.token,
      baseUrl,
      signal: opts.signal,
      clock: { now: () => NOW },
      // Records the wait instead of sleeping: Retry-After: 1 costs no real second.
      sleep: opts.sleep ?? (async (ms) => void waits.push(ms)),
      retry: opts.maxTotalWaitMs === undefined ? {} : { maxTotalWaitMs: opts.maxTotalWaitMs },
    });
  const sync = (gh = client()): Promise<GitHubSyncSummary> =>
    syncGitHubRepo(store, gh, { owner: 'acme', repo: 'widgets', since: SINCE, perPage: 2, clock: { now: () => NOW } });

  beforeEach(async () => {
    server = new FakeGitHub();
    baseUrl = await server.start();
    store = await Store.open({ path: null, sql: await sqlLoader.load() });
    waits = [];
  });
  afterEach(async () => {
    await store.close();
    await server.stop();
  });

  it('first sync follows Link pagination down to the window and stores PRs, reopens, sizes and daily metrics', async () => {
    const s = await sync();

    const first = server.requestsTo('/repos/acme/widgets/pulls');
    assert.equal(first.length, 1);
    assert.deepEqual(Object.fromEntries(first[0]!.query), { state: 'all', sort: 'updated', direction: 'desc', per_page: '2' });
    assert.equal(first[0]!.headers.authorization, `token ${server.token}`);
    assert.equal(first[0]!.headers['if-none-match'], undefined, 'nothing to be conditional on yet');
    // Pages 2..4 come from the Link header (GitHub points them at /repositories/{id}/…); #7 (Nov 2025) ends the walk.
    assert.deepEqual(
      server.requestsTo('/repositories/734219845/pulls').map((r) => r.query.get('page')),
      ['2', '3', '4'],
    );
    assert.deepEqual(
      server.requestsTo('/repositories/734219845/issues/4/events').map((r) => r.query.get('page')),
      ['2', '3'],
    );
    assert.equal(server.requestsTo('/repos/acme/widgets/pulls/7').length, 0);

    assert.equal(s.pulls_changed, 6);
    assert.equal(s.pulls_inserted, 6);
    assert.equal(s.reopen_events, 3);
    assert.equal(s.rejected, 0);

    const prs = new Map(
      rows<{
        number: number;
        state: string;
        reopened: number;
        merged_at: string | null;
        closed_at: string | null;
        additions: number;
        deletions: number;
        author: string;
      }>(store, 'SELECT * FROM pull_requests').map((p) => [p.number, p]),
    );
    assert.deepEqual([...prs.keys()].sort(), [1, 2, 3, 4, 5, 6]);
    // Reopened, then merged after the reopen.
    assert.deepEqual([prs.get(2)!.reopened, prs.get(2)!.merged_at, prs.get(2)!.additions, prs.get(2)!.deletions], [1, '2026-01-08T12:00:00.000Z', 40, 12]);
    // Closed without merging, never reopened.
    assert.deepEqual([prs.get(3)!.state, prs.get(3)!.merged_at, prs.get(3)!.closed_at, prs.get(3)!.reopened], ['closed', null, '2026-01-07T08:00:00.000Z', 0]);
    // Closed and reopened twice, still open.
    assert.deepEqual([prs.get(4)!.state, prs.get(4)!.reopened, prs.get(4)!.merged_at], ['open', 2, null]);
    assert.equal(prs.get(6)!.author, 'dependabot[bot]');

    const kept = rows<{ number: number; event: string; event_date: string }>(store, 'SELECT number, event, event_date FROM pr_events ORDER BY event_id');
    assert.ok(
      kept.every((e) => ['reopened', 'closed', 'merged'].includes(e.event)),
      'labels, references and review requests are not kept',
    );

    assert.deepEqual(rows(store, 'SELECT * FROM daily_github_metrics ORDER BY event_date'), [
      {
        event_date: '2026-01-05',
        repo_slug: 'acme/widgets',
        merged_pr_count: 0,
        commit_count: 1,
        reopened_pr_count: 0,
        avg_merge_hours: null,
        lines_added: 0,
        lines_removed: 0,
      },
      // #1 (09:00 Jan 5 → 15:00 Jan 6) and #6 (00:00 → 06:00); the merge commit of #6 does not count as a commit.
      {
        event_date: '2026-01-06',
        repo_slug: 'acme/widgets',
        merged_pr_count: 2,
        commit_count: 1,
        reopened_pr_count: 0,
        avg_merge_hours: (hours('2026-01-05T09:00:00Z', '2026-01-06T15:00:00Z') + hours('2026-01-06T00:00:00Z', '2026-01-06T06:00:00Z')) / 2,
        lines_added: 0,
        lines_removed: 0,
      },
      {
        event_date: '2026-01-07',
        repo_slug: 'acme/widgets',
        merged_pr_count: 0,
        commit_count: 1,
        reopened_pr_count: 1,
        avg_merge_hours: null,
        lines_added: 0,
        lines_removed: 0,
      },
      // #2 merged after its reopen: hours count from creation, not from the reopen.
      {
        event_date: '2026-01-08',
        repo_slug: 'acme/widgets',
        merged_pr_count: 1,
        commit_count: 0,
        reopened_pr_count: 1,
        avg_merge_hours: hours('2026-01-05T10:00:00Z', '2026-01-08T12:00:00Z'),
        lines_added: 0,
        lines_removed: 0,
      },
      {
        event_date: '2026-01-09',
        repo_slug: 'acme/widgets',
        merged_pr_count: 0,
        commit_count: 0,
        reopened_pr_count: 1,
        avg_merge_hours: null,
        lines_added: 0,
        lines_removed: 0,
      },
    ]);

    const commits = rows<{ is_merge: number; source: string; lines_added: number | null; author: string }>(store, 'SELECT * FROM commits');
    assert.equal(commits.length, 5);
    assert.equal(commits.filter((c) => c.is_merge).length, 2);
    assert.ok(commits.every((c) => c.source === 'github' && c.lines_added === null));
    assert.equal(store.getLastCheckpoint(githubJobName(baseUrl, 'acme/widgets')), '2026-01-09T10:00:00.000Z');
  });

  it('an unchanged second sync sends If-None-Match, gets 304s, spends no rate limit and stores nothing new', async () => {
    await sync();
    const before = outcomeTables(store);
    const used = server.rateUsed;
    const from = server.seen.length;

    const s = await sync();
    const second = server.seen.slice(from);
    assert.deepEqual(
      second.map((r) => r.path),
      ['/repos/acme/widgets/pulls', '/repos/acme/widgets/commits'],
    );
    for (const r of second) {
      assert.match(String(r.headers['if-none-match']), /^W\/"[0-9a-f]{64}"$/);
      assert.equal(r.status, 304);
    }
    assert.equal(server.rateUsed, used);
    assert.deepEqual([s.requests, s.not_modified, s.pulls_changed, s.commits_inserted, s.days_refreshed], [2, 2, 0, 0, 0]);
    assert.equal(outcomeTables(store), before);
  });

  it('a later reopen and merge of a closed-unmerged PR lands on their own days; unchanged PRs answer 304', async () => {
    await sync();
    const pr3 = { updated_at: '2026-01-10T15:00:03Z', state: 'closed', closed_at: '2026-01-10T15:00:00Z', merged_at: '2026-01-10T15:00:00Z' };
    Object.assign(
      server.data.pulls.find((p) => p.number === 3)!,
      pr3,
    );
    Object.assign(server.data.details.get(3)!, pr3, { merged: true });
    server.data.events
      .get(3)!
      .push(
        { ...server.data.events.get(3)![0]!, id: 15001000100, event: 'reopened', created_at: '2026-01-10T09:00:00Z', commit_id: null, commit_url: null },
        { ...server.data.events.get(3)![0]!, id: 15001000101, event: 'merged', created_at: '2026-01-10T15:00:00Z' },
        { ...server.data.events.get(3)![0]!, id: 15001000102, event: 'closed', created_at: '2026-01-10T15:00:00Z' },
      );
    const from = server.seen.length;

    const s = await sync();
    assert.equal(s.pulls_changed, 2, '#3 (changed) and #5 (updated exactly at the checkpoint)');
    const again = server.seen.slice(from);
    assert.equal(again.find((r) => r.path === '/repos/acme/widgets/pulls/5')!.status, 304);
    assert.equal(again.find((r) => r.path === '/repos/acme/widgets/issues/5/events')!.status, 304);

    const [row] = rows<{ reopened: number; merged_at: string; state: string }>(store, 'SELECT reopened, merged_at, state FROM pull_requests WHERE number = 3');
    assert.deepEqual(row, { reopened: 1, merged_at: '2026-01-10T15:00:00.000Z', state: 'closed' });
    const [jan10] = rows(store, `SELECT merged_pr_count, reopened_pr_count, avg_merge_hours FROM daily_github_metrics WHERE event_date = '2026-01-10'`);
    assert.deepEqual(jan10, { merged_pr_count: 1, reopened_pr_count: 1, avg_merge_hours: hours('2026-01-06T08:00:00Z', '2026-01-10T15:00:00Z') });
    const [jan07] = rows(store, `SELECT reopened_pr_count FROM daily_github_metrics WHERE event_date = '2026-01-07'`);
    assert.deepEqual(jan07, { reopened_pr_count: 1 }, 'the earlier close of #3 adds no reopen to Jan 7');
  });

  it('retries a 403 secondary rate limit after its Retry-After and a 502 with backoff, then succeeds', async () => {
    server.faults.push(secondaryRateLimit('/repos/acme/widgets/pulls/2', 1), badGateway('/repos/acme/widgets/issues/4/events'));
    const s = await sync();

    assert.deepEqual(
      server.requestsTo('/repos/acme/widgets/pulls/2').map((r) => r.status),
      [403, 200],
    );
    assert.deepEqual(
      server.requestsTo('/repos/acme/widgets/issues/4/events').map((r) => r.status),
      [502, 200],
    );
    assert.deepEqual(waits, [1000, 1000]);
    assert.deepEqual([s.retries, s.waited_ms], [2, 2000]);
    const [pr2] = rows(store, 'SELECT additions, reopened FROM pull_requests WHERE number = 2');
    assert.deepEqual(pr2, { additions: 40, reopened: 1 });
    const [pr4] = rows(store, 'SELECT reopened FROM pull_requests WHERE number = 4');
    assert.deepEqual(pr4, { reopened: 2 });
  });

  it('waits for x-ratelimit-reset when the primary limit is exhausted, within the wait budget', async () => {
    const reset = Math.floor(NOW / 1000) + 30;
    server.faults.push({
      path: '/repos/acme/widgets/commits',
      times: 1,
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      body: JSON.stringify({
        message:
          'API rate limit exceeded for user ID 5301001. If you reach out to GitHub Support for help, please include the request ID C2A4:3B1F:1E0B6A7:1F5D2C8:65A0F1B2.',
        documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
        status: '403',
      }),
    });
    await sync();
    // The fault's own x-ratelimit-remaining header wins over the server's default one.
    assert.deepEqual(waits, [31_000]);
    assert.equal(rows(store, 'SELECT * FROM commits').length, 5);
  });

  it('gives up (no checkpoint) when the rate limit outlasts the wait budget, and the redo is cheap', async () => {
    server.faults.push({
      path: '/repos/acme/widgets/commits',
      times: 1,
      status: 429,
      headers: { 'retry-after': '3600' },
      body: JSON.stringify({ message: 'You have exceeded a secondary rate limit.', documentation_url: 'https://docs.github.com/rest', status: '429' }),
    });
    await assert.rejects(
      sync(client({ maxTotalWaitMs: 60_000 })),
      (err: unknown) => err instanceof RetryBudgetError && /try again after 2026-01-10T01:00:00/.test(err.message),
    );
    assert.deepEqual(waits, []);
    const job = githubJobName(baseUrl, 'acme/widgets');
    assert.equal(store.getLastCheckpoint(job), null);
    assert.deepEqual(rows(store, 'SELECT last_status FROM etl_runs WHERE job = ?', [job]), [{ last_status: 'error' }]);

    const from = server.seen.length;
    const s = await sync();
    const redo = server.seen.slice(from).filter((r) => /\/pulls\/\d+$/.test(r.path));
    assert.equal(redo.length, 6);
    assert.ok(
      redo.every((r) => r.status === 304),
      'PRs stored before the failure are not downloaded again',
    );
    assert.equal(s.commits_inserted, 5);
    assert.equal(store.getLastCheckpoint(job), '2026-01-09T10:00:00.000Z');
  });

  it('stops waiting and requesting when cancelled', async () => {
    server.faults.push(badGateway('/repos/acme/widgets/pulls', 5));
    const controller = new AbortController();
    const gh = client({
      signal: controller.signal,
      sleep: async (_ms, signal) => {
        controller.abort(new Error('cancelled by the user'));
        signal?.throwIfAborted();
      },
    });
    await assert.rejects(sync(gh), /cancelled by the user/);
    assert.equal(server.requestsTo('/repos/acme/widgets/pulls').length, 1);
  });

  it('does not retry a rejected token', async () => {
    await assert.rejects(sync(client({ token: 'ghp_wrong' })), (err: { status?: number }) => err.status === 401);
    assert.equal(server.seen.length, 1);
    assert.deepEqual(waits, []);
  });

  it('keeps an item that does not have the documented shape as a dead letter', async () => {
    (server.data.pulls.find((p) => p.number === 5) as Record<string, unknown>).created_at = 'yesterday';
    const s = await sync();
    assert.equal(s.rejected, 1);
    const [letter] = rows<{ source: string; reason: string }>(store, 'SELECT source, reason FROM dead_letter');
    assert.equal(letter!.source, 'github');
    assert.match(letter!.reason, /pull request: .*ISO 8601/);
    assert.equal(rows(store, 'SELECT * FROM pull_requests').length, 5);
  });
});
