import assert from 'node:assert/strict';
import path from 'node:path';
import { Store } from '../../../src/core/store/store';
import { syncGitRepo, type GitSyncSummary } from '../../../src/sources/git/git-sync';
import { GitRunner } from '../../../src/sources/git/node-git';
import { sqlLoader, tempDir } from '../helpers/events';
import { ANN, lines, ME, TestRepo } from './repo';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

/** The sync's git, isolated from this machine's global and system git configuration. */
const git = new GitRunner('git', { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' });

interface CommitRow {
  sha: string;
  repo_slug: string;
  author: string;
  author_name: string;
  timestamp: string;
  committed_at: string;
  event_date: string;
  lines_added: number | null;
  lines_removed: number | null;
  files_changed: number | null;
  is_merge: number;
  is_mine: number | null;
  source: string;
  unreachable_at: string | null;
}

function rows<T>(store: Store, sql: string, params: (string | number)[] = []): T[] {
  const r = rawDatabaseForTests(store).exec(sql, params)[0];
  if (!r) return [];
  return r.values.map((v) => Object.fromEntries(r.columns.map((c, i) => [c, v[i]])) as T);
}

function commits(store: Store): Map<string, CommitRow> {
  return new Map(rows<CommitRow>(store, 'SELECT * FROM commits').map((c) => [c.sha, c]));
}

function daily(store: Store, repo: string) {
  return rows<{ event_date: string; commit_count: number; lines_added: number; lines_removed: number }>(
    store,
    'SELECT event_date, commit_count, lines_added, lines_removed FROM daily_github_metrics WHERE repo_slug = ? ORDER BY event_date',
    [repo],
  );
}

async function sync(store: Store, dir: string): Promise<GitSyncSummary> {
  const r = await syncGitRepo(store, git, dir);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}

describe('git sync', () => {
  let store: Store;
  const repos: TestRepo[] = [];
  const repo = (opts?: Parameters<typeof TestRepo.init>[0]) => {
    const r = TestRepo.init(opts);
    repos.push(r);
    return r;
  };

  beforeEach(async () => {
    store = await Store.open({ path: null, sql: await sqlLoader.load() });
  });
  afterEach(async () => {
    await store.close();
    for (const r of repos.splice(0)) r.cleanup();
  });

  it('stores each commit once with its UTC author day, numstat lines, merge flag and "mine"', async () => {
    const r = repo({ origin: 'git@github.com:acme/widgets.git' });
    const c1 = r.commit({ author: ME, date: '2026-01-05T09:00:00+00:00', files: { 'a.txt': lines(3) } });
    // 01:30 at +05:00 is 20:30 UTC the day before: the commit belongs to 2026-01-05.
    const c2 = r.commit({
      author: ANN,
      date: '2026-01-06T01:30:00+05:00',
      files: { 'a.txt': lines(3).replace('line 2', 'line two'), 'logo.bin': Buffer.from([0, 1, 2, 0, 255]) },
    });
    r.git(['checkout', '-q', '-b', 'feature']);
    const c3 = r.commit({ author: ME, date: '2026-01-06T10:00:00Z', files: { 'c.txt': lines(5) } });
    r.git(['checkout', '-q', 'main']);
    const c4 = r.commit({ author: ANN, date: '2026-01-06T11:00:00Z', files: { 'd.txt': lines(2) } });
    const m = r.merge('feature', ME, '2026-01-07T09:00:00Z');

    const s = await sync(store, r.dir);
    assert.equal(s.repo_slug, 'acme/widgets');
    assert.equal(s.inserted, 5);
    assert.equal(s.unreachable, 0);

    const stored = commits(store);
    assert.deepEqual([...stored.keys()].sort(), [c1, c2, c3, c4, m].sort());
    assert.deepEqual(r.git(['rev-list', '--all']).split('\n').sort(), [...stored.keys()].sort());

    const two = stored.get(c2)!;
    assert.equal(two.timestamp, '2026-01-05T20:30:00.000Z');
    assert.equal(two.event_date, '2026-01-05');
    assert.equal(two.author, ANN.email);
    assert.equal(two.author_name, ANN.name);
    assert.deepEqual([two.lines_added, two.lines_removed, two.files_changed], [1, 1, 2], 'binary file counts as a file, not as lines');
    assert.equal(two.is_mine, 0);

    assert.deepEqual([stored.get(c1)!.lines_added, stored.get(c1)!.is_mine], [3, 1]);
    const merge = stored.get(m)!;
    assert.equal(merge.is_merge, 1);
    assert.equal(merge.lines_added, null);
    assert.equal(merge.is_mine, 1);
    assert.equal(stored.get(c3)!.is_merge, 0);

    assert.deepEqual(daily(store, 'acme/widgets'), [
      { event_date: '2026-01-05', commit_count: 2, lines_added: 4, lines_removed: 1 },
      { event_date: '2026-01-06', commit_count: 2, lines_added: 7, lines_removed: 0 },
      // 2026-01-07 holds only the merge, which does not count: no row.
    ]);
  });

  it('reads only new commits after the checkpoint and changes nothing on a re-read', async () => {
    const r = repo({ origin: 'https://github.com/acme/widgets' });
    r.commit({ author: ME, date: '2026-01-05T09:00:00Z', files: { 'a.txt': lines(3) } });
    r.commit({ author: ANN, date: '2026-01-05T10:00:00Z', files: { 'b.txt': lines(2) } });
    assert.equal((await sync(store, r.dir)).read, 2);

    const again = await sync(store, r.dir);
    assert.deepEqual([again.read, again.inserted, again.updated, again.unreachable, again.days_refreshed], [0, 0, 0, 0, 0]);
    assert.equal(again.full_check, false);

    const c3 = r.commit({ author: ME, date: '2026-01-06T09:00:00Z', files: { 'c.txt': lines(4) } });
    const third = await sync(store, r.dir);
    assert.deepEqual([third.read, third.inserted], [1, 1]);
    assert.ok(commits(store).has(c3));
    assert.deepEqual(
      daily(store, 'acme/widgets').map((d) => [d.event_date, d.commit_count]),
      [
        ['2026-01-05', 2],
        ['2026-01-06', 1],
      ],
    );
  });

  it('a changed developer identity re-reads the history, so earlier commits are "mine" for the new identity', async () => {
    const r = repo({ origin: 'https://github.com/acme/widgets' });
    const mine = r.commit({ author: ME, date: '2026-01-05T09:00:00Z', files: { 'a.txt': lines(3) } });
    const anns = r.commit({ author: ANN, date: '2026-01-05T10:00:00Z', files: { 'b.txt': lines(2) } });
    await sync(store, r.dir);
    const flags = () => [commits(store).get(mine)!.is_mine, commits(store).get(anns)!.is_mine];
    assert.deepEqual(flags(), [1, 0]);

    // The developer setting now names Ann: the commits already stored are attributed again, not only new ones.
    const asAnn = await syncGitRepo(store, git, r.dir, { developer: ANN.email });
    assert.ok(asAnn.ok);
    assert.deepEqual([asAnn.value.read, asAnn.value.updated, asAnn.value.inserted], [2, 2, 0]);
    assert.deepEqual(flags(), [0, 1]);

    // Same identity again: incremental, nothing read.
    const again = await syncGitRepo(store, git, r.dir, { developer: ANN.email });
    assert.ok(again.ok);
    assert.equal(again.value.read, 0);

    // Back to the repository's user.email.
    const back = await sync(store, r.dir);
    assert.equal(back.updated, 2);
    assert.deepEqual(flags(), [1, 0]);
    assert.doesNotMatch(JSON.stringify(rows(store, 'SELECT state FROM etl_runs')), /example\.com/, 'the checkpoint holds no email');
  });

  it('an amended commit replaces the original in the counts', async () => {
    const r = repo({ origin: 'https://github.com/acme/widgets.git' });
    r.commit({ author: ME, date: '2026-01-05T09:00:00Z', files: { 'a.txt': lines(3) } });
    const before = r.commit({ author: ME, date: '2026-01-08T09:00:00Z', files: { 'b.txt': lines(2) } });
    await sync(store, r.dir);
    const after = r.commit({ author: ME, date: '2026-01-08T09:00:00Z', committerDate: '2026-01-08T09:30:00Z', files: { 'b.txt': lines(6) }, amend: true });
    assert.notEqual(before, after);

    const s = await sync(store, r.dir);
    assert.deepEqual([s.inserted, s.unreachable, s.full_check], [1, 1, false]);
    const stored = commits(store);
    assert.ok(stored.get(before)!.unreachable_at, 'the amended-away commit is kept but marked');
    assert.equal(stored.get(after)!.unreachable_at, null);
    assert.equal(stored.get(after)!.event_date, '2026-01-08', 'amend keeps the author date');
    assert.deepEqual(
      daily(store, 'acme/widgets').find((d) => d.event_date === '2026-01-08'),
      {
        event_date: '2026-01-08',
        commit_count: 1,
        lines_added: 6,
        lines_removed: 0,
      },
    );
  });

  it('a rebased branch counts its commits once, under their unchanged author days', async () => {
    const r = repo({ origin: 'https://github.com/acme/widgets.git' });
    r.commit({ author: ANN, date: '2026-01-05T09:00:00Z', files: { 'a.txt': lines(3) } });
    r.git(['checkout', '-q', '-b', 'topic']);
    const t1 = r.commit({ author: ME, date: '2026-01-09T09:00:00Z', files: { 't1.txt': lines(2) } });
    const t2 = r.commit({ author: ME, date: '2026-01-09T10:00:00Z', files: { 't2.txt': lines(3) } });
    r.git(['checkout', '-q', 'main']);
    r.commit({ author: ANN, date: '2026-01-09T11:00:00Z', files: { 'm.txt': lines(1) } });
    await sync(store, r.dir);
    assert.equal(daily(store, 'acme/widgets').find((d) => d.event_date === '2026-01-09')!.commit_count, 3);

    r.git(['checkout', '-q', 'topic']);
    r.rebase('main', '2026-01-10T08:00:00Z');
    const s = await sync(store, r.dir);
    assert.deepEqual([s.inserted, s.unreachable], [2, 2]);
    const stored = commits(store);
    assert.ok(stored.get(t1)!.unreachable_at && stored.get(t2)!.unreachable_at);
    const rebased = r.git(['rev-list', 'main..topic']).split('\n');
    for (const sha of rebased) {
      assert.equal(stored.get(sha)!.unreachable_at, null);
      assert.equal(stored.get(sha)!.event_date, '2026-01-09');
      assert.equal(stored.get(sha)!.committed_at, '2026-01-10T08:00:00.000Z');
    }
    assert.deepEqual(
      daily(store, 'acme/widgets').find((d) => d.event_date === '2026-01-09'),
      {
        event_date: '2026-01-09',
        commit_count: 3,
        lines_added: 6,
        lines_removed: 0,
      },
    );
  });

  it('falls back to a full check when the checkpoint commit was garbage-collected', async () => {
    const r = repo({ origin: 'https://github.com/acme/widgets.git' });
    const keep = r.commit({ author: ME, date: '2026-01-05T09:00:00Z', files: { 'a.txt': lines(3) } });
    const lost = r.commit({ author: ME, date: '2026-01-06T09:00:00Z', files: { 'b.txt': lines(2) } });
    await sync(store, r.dir);
    const amended = r.commit({ author: ME, date: '2026-01-06T09:00:00Z', files: { 'b.txt': lines(5) }, amend: true });
    r.git(['reflog', 'expire', '--expire=now', '--all']);
    r.git(['gc', '-q', '--prune=now']);
    assert.throws(() => r.git(['cat-file', '-e', `${lost}^{commit}`]), 'the old tip is really gone');

    const s = await sync(store, r.dir);
    assert.equal(s.full_check, true);
    assert.deepEqual([s.inserted, s.updated, s.unreachable], [1, 0, 1]);
    const stored = commits(store);
    assert.equal(stored.get(keep)!.unreachable_at, null);
    assert.ok(stored.get(lost)!.unreachable_at);
    assert.equal(stored.get(amended)!.unreachable_at, null);
    assert.deepEqual(
      daily(store, 'acme/widgets').map((d) => [d.event_date, d.commit_count, d.lines_added]),
      [
        ['2026-01-05', 1, 3],
        ['2026-01-06', 1, 5],
      ],
    );
  });

  it('a commit that becomes reachable again counts again', async () => {
    const r = repo({ origin: 'https://github.com/acme/widgets.git' });
    r.commit({ author: ME, date: '2026-01-05T09:00:00Z', files: { 'a.txt': lines(3) } });
    const y = r.commit({ author: ME, date: '2026-01-06T09:00:00Z', files: { 'b.txt': lines(2) } });
    await sync(store, r.dir);
    r.git(['reset', '-q', '--hard', 'HEAD~1']);
    assert.equal((await sync(store, r.dir)).unreachable, 1);
    assert.equal(
      daily(store, 'acme/widgets').some((d) => d.event_date === '2026-01-06'),
      false,
    );

    r.git(['reset', '-q', '--hard', y]);
    const s = await sync(store, r.dir);
    assert.deepEqual([s.read, s.updated], [1, 1]);
    assert.equal(commits(store).get(y)!.unreachable_at, null);
    assert.equal(daily(store, 'acme/widgets').find((d) => d.event_date === '2026-01-06')!.commit_count, 1);
  });

  it('keeps several repositories apart; slug from origin (credentials dropped) or the folder name', async () => {
    const a = repo({ origin: 'https://x-access-token:secret@github.com/acme/api.git' });
    const b = repo({ name: 'scratch-pad' });
    const c = repo({ email: null });
    a.commit({ author: ME, date: '2026-01-05T09:00:00Z', files: { 'a.txt': lines(1) } });
    b.commit({ author: ME, date: '2026-01-05T09:00:00Z', files: { 'a.txt': lines(2) } });
    c.commit({ author: ME, date: '2026-01-05T09:00:00Z', files: { 'a.txt': lines(3) } });
    const sa = await sync(store, path.join(a.dir));
    const sb = await sync(store, b.dir);
    assert.equal(sa.repo_slug, 'acme/api');
    assert.equal(sb.repo_slug, 'scratch-pad');
    assert.deepEqual(
      daily(store, 'acme/api').map((d) => d.lines_added),
      [1],
    );
    assert.deepEqual(
      daily(store, 'scratch-pad').map((d) => d.lines_added),
      [2],
    );
    assert.ok(!JSON.stringify(rawDatabaseForTests(store).exec('SELECT * FROM etl_runs')).includes('secret'));

    // Without user.email (the machine's global config is ignored here) "mine" is unknown, not false.
    const sc = await sync(store, c.dir);
    assert.equal(sc.user_email_set, false);
    assert.deepEqual(rows<{ is_mine: number | null }>(store, 'SELECT is_mine FROM commits WHERE repo_slug = ?', [sc.repo_slug]), [{ is_mine: null }]);
  });

  it('a folder outside any git repository is a clear failure, not an exception', async () => {
    const t = tempDir();
    try {
      const r = await syncGitRepo(store, git, t.dir);
      assert.equal(r.ok, false);
      assert.match(!r.ok ? r.reason : '', /not inside a git working tree/);
      const missing = await syncGitRepo(store, git, path.join(t.dir, 'nope'));
      assert.equal(missing.ok, false);
    } finally {
      t.cleanup();
    }
  });
});
