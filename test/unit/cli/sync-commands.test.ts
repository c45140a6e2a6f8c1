import assert from 'node:assert/strict';
import path from 'node:path';
import type { CliIO } from '../../../src/cli/context';
import { runCli } from '../../../src/cli/main';
import { SqlJsLoader } from '../../../src/core/store/node-sqljs';
import { Store } from '../../../src/core/store/store';
import { tempDir } from '../helpers/events';
import { FakeGitHub } from '../github/fake-github';
import { ANN, lines, ME, TestRepo } from '../git/repo';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

/** Runs the CLI in-process and captures its output. */
async function cli(argv: string[], env: NodeJS.ProcessEnv, cwd: string) {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env, cwd, signal: new AbortController().signal };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

describe('prodlens sync-git / sync-github', () => {
  let tmp: ReturnType<typeof tempDir>;
  let db: string;
  const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    ...extra,
  });

  beforeEach(() => {
    tmp = tempDir();
    db = path.join(tmp.dir, 'prodlens.sqlite');
  });
  afterEach(() => tmp.cleanup());

  async function table(sql: string): Promise<unknown[][]> {
    const store = await Store.open({ path: db, sql: await new SqlJsLoader().load(), journal: false });
    try {
      return rawDatabaseForTests(store).exec(sql)[0]?.values ?? [];
    } finally {
      await store.close();
    }
  }

  it('sync-git reads the repository of the current folder and persists commits and daily metrics', async () => {
    const repo = TestRepo.init({ origin: 'git@github.com:acme/widgets.git' });
    try {
      repo.commit({ author: ME, date: '2026-01-05T09:00:00Z', files: { 'a.txt': lines(3) } });
      repo.commit({ author: ANN, date: '2026-01-05T10:00:00Z', files: { 'b.txt': lines(2) } });
      const r = await cli(['sync-git', '--db', db, '--json'], env(), path.join(repo.dir));
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.deepEqual(out.failed, []);
      assert.equal(out.repos[0].repo_slug, 'acme/widgets');
      assert.equal(out.repos[0].inserted, 2);
      assert.deepEqual(await table('SELECT event_date, commit_count, lines_added FROM daily_github_metrics'), [['2026-01-05', 2, 5]]);

      const text = await cli(['sync-git', '--db', db, '--repo', repo.dir], env(), tmp.dir);
      assert.equal(text.code, 0);
      assert.match(text.stdout, /acme\/widgets .*read 0 commit\(s\): 0 new/);
    } finally {
      repo.cleanup();
    }
  });

  it('sync-git exits 2 with the reason for a folder that is not a repository', async () => {
    const r = await cli(['sync-git', '--db', db, '--repo', tmp.dir], env(), tmp.dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not inside a git working tree/);
  });

  it('sync-github syncs through the API URL with GITHUB_TOKEN and prints a summary', async () => {
    const server = new FakeGitHub();
    const api = await server.start();
    try {
      const r = await cli(
        ['sync-github', '--repo', 'acme/widgets', '--api-url', api, '--since', '2025-12-01', '--db', db, '--json'],
        env({ GITHUB_TOKEN: server.token }),
        tmp.dir,
      );
      assert.equal(r.code, 0, r.stderr);
      const s = JSON.parse(r.stdout);
      assert.deepEqual([s.repo_slug, s.pulls_inserted, s.reopen_events, s.commits_inserted], ['acme/widgets', 6, 3, 5]);
      assert.deepEqual(await table('SELECT SUM(merged_pr_count), SUM(reopened_pr_count) FROM daily_github_metrics'), [[3, 3]]);

      const again = await cli(
        ['sync-github', '--repo', 'https://github.com/acme/widgets', '--api-url', api, '--db', db],
        env({ GITHUB_TOKEN: server.token }),
        tmp.dir,
      );
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /0 pull request\(s\) changed.*\n.*2 request\(s\), 2 answered 304 \(free\)/);
    } finally {
      await server.stop();
    }
  });

  it('sync-github explains a missing token (exit 2), a rejected token (exit 2) and bad arguments (exit 1)', async () => {
    const noToken = await cli(['sync-github', '--repo', 'acme/widgets', '--db', db], env(), tmp.dir);
    assert.equal(noToken.code, 2);
    assert.match(noToken.stderr, /GITHUB_TOKEN is not set/);

    const server = new FakeGitHub();
    const api = await server.start();
    try {
      const bad = await cli(['sync-github', '--repo', 'acme/widgets', '--api-url', api, '--db', db], env({ GITHUB_TOKEN: 'ghp_revoked' }), tmp.dir);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /GitHub rejected the token \(401 Bad credentials/);
    } finally {
      await server.stop();
    }

    for (const args of [
      ['--repo', 'not a repo'],
      [],
      ['--repo', 'acme/widgets', '--api-url', 'ftp://x'],
      ['--repo', 'acme/widgets', '--since', '2026-13-01'],
      ['--repo', 'acme/widgets', '--bogus'],
    ]) {
      const r = await cli(['sync-github', ...args, '--db', db], env({ GITHUB_TOKEN: 't' }), tmp.dir);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    }
  });
});
