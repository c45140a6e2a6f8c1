import assert from 'node:assert/strict';
import path from 'node:path';
import { Store } from '../../../src/core/store/store';
import { GitRunner } from '../../../src/sources/git/node-git';
import { GitHubClient } from '../../../src/sources/github/client';
import { syncWorkspace, webHost, type GitHubAccess } from '../../../src/sources/outcomes/workspace-sync';
import { sqlLoader, tempDir } from '../helpers/events';
import { FakeGitHub } from '../github/fake-github';
import { lines, ME, TestRepo } from '../git/repo';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

const git = new GitRunner('git', { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' });

describe('workspace outcome sync', () => {
  let store: Store;
  let server: FakeGitHub;
  let api: string;
  const cleanups: (() => void)[] = [];

  beforeEach(async () => {
    store = await Store.open({ path: null, sql: await sqlLoader.load() });
    server = new FakeGitHub();
    api = await server.start();
  });
  afterEach(async () => {
    await store.close();
    await server.stop();
    for (const c of cleanups.splice(0)) c();
  });

  const access = (token: string | undefined, calls: { n: number }): GitHubAccess => ({
    apiUrl: api,
    tokenSource: 'test',
    getToken: async () => {
      calls.n++;
      return token;
    },
    client: (t, signal) =>
      new GitHubClient({ token: t, baseUrl: api, signal, sleep: async () => {}, clock: { now: () => Date.parse('2026-01-10T00:00:00Z') } }),
  });

  it('syncs git for every repository once and GitHub only for repositories on the API host', async () => {
    const onHost = TestRepo.init({ origin: `${api}/acme/widgets.git` });
    const elsewhere = TestRepo.init({ origin: 'git@gitlab.com:acme/tools.git' });
    const plain = tempDir();
    cleanups.push(onHost.cleanup, elsewhere.cleanup, plain.cleanup);
    onHost.commit({ author: ME, date: '2026-01-05T09:00:00Z', files: { 'a.txt': lines(2) } });
    elsewhere.commit({ author: ME, date: '2026-01-05T09:00:00Z', files: { 'a.txt': lines(1) } });
    const sub = path.join(onHost.dir, 'src');
    onHost.commit({ author: ME, date: '2026-01-05T10:00:00Z', files: { 'src/b.txt': lines(1) } });

    const calls = { n: 0 };
    const progress: string[] = [];
    const r = await syncWorkspace(store, {
      folders: [onHost.dir, sub, elsewhere.dir, plain.dir],
      git,
      github: access(server.token, calls),
      onProgress: (m) => progress.push(m),
    });
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.git.map((g) => g.repo_slug).sort(), ['acme/tools', 'acme/widgets']);
    assert.deepEqual(
      r.github.map((g) => g.repo_slug),
      ['acme/widgets'],
    );
    assert.equal(calls.n, 1);
    assert.ok(r.skipped.some((s) => s.startsWith(`${plain.dir}: not a git repository`)));
    assert.ok(r.skipped.some((s) => s.startsWith('acme/tools: origin is not on 127.0.0.1')));
    assert.deepEqual(progress, ['git: acme/widgets', 'git: acme/tools', 'GitHub: acme/widgets']);
    // The local commits and GitHub's share the repository's daily rows.
    const jan5 = rawDatabaseForTests(store).exec(
      `SELECT commit_count FROM daily_github_metrics WHERE repo_slug = 'acme/widgets' AND event_date = '2026-01-05'`,
    )[0]!.values;
    assert.deepEqual(jan5, [[3]]);
  });

  it('skips GitHub without a token, and asks for none when no repository is on the host', async () => {
    const onHost = TestRepo.init({ origin: `${api}/acme/widgets.git` });
    const elsewhere = TestRepo.init({ origin: 'https://gitlab.com/acme/tools.git' });
    cleanups.push(onHost.cleanup, elsewhere.cleanup);
    const calls = { n: 0 };
    const r = await syncWorkspace(store, { folders: [onHost.dir], git, github: access(undefined, calls) });
    assert.deepEqual(r.github, []);
    assert.ok(r.skipped.some((s) => /not signed in/.test(s)));
    assert.equal(server.seen.length, 0);

    const none = { n: 0 };
    await syncWorkspace(store, { folders: [elsewhere.dir], git, github: access('x', none) });
    assert.equal(none.n, 0);
  });

  it('reports a GitHub failure as a sentence and keeps the git results', async () => {
    const onHost = TestRepo.init({ origin: `${api}/acme/widgets.git` });
    cleanups.push(onHost.cleanup);
    onHost.commit({ author: ME, date: '2026-01-05T09:00:00Z', files: { 'a.txt': lines(2) } });
    const r = await syncWorkspace(store, { folders: [onHost.dir], git, github: access('ghp_revoked', { n: 0 }) });
    assert.equal(r.git.length, 1);
    assert.equal(r.errors.length, 1);
    assert.match(r.errors[0]!, /^acme\/widgets: GitHub rejected the token \(401/);
  });

  it('maps API roots to the host their repositories live on', () => {
    assert.equal(webHost('https://api.github.com'), 'github.com');
    assert.equal(webHost('https://api.acme.ghe.com'), 'acme.ghe.com');
    assert.equal(webHost('https://ghe.example.com/api/v3'), 'ghe.example.com');
  });
});
