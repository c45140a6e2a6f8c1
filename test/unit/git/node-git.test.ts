import assert from 'node:assert/strict';
import { GitError, GitRunner } from '../../../src/sources/git/node-git';
import { lines, ME, TestRepo } from './repo';

describe('GitRunner', () => {
  const repos: TestRepo[] = [];
  afterEach(() => {
    for (const r of repos.splice(0)) r.cleanup();
  });

  it('says so when git is not installed', async () => {
    const missing = new GitRunner('/nonexistent/git-binary');
    await assert.rejects(
      missing.run(['--version'], { cwd: process.cwd() }),
      (err: unknown) => err instanceof GitError && err.notFound && /install git/.test(err.message),
    );
  });

  it('passes a consumer failure through untouched and stops git', async () => {
    const repo = TestRepo.init();
    repos.push(repo);
    for (let i = 0; i < 3; i++) repo.commit({ author: ME, date: `2026-01-0${i + 1}T09:00:00Z`, files: { [`f${i}.txt`]: lines(2) } });
    const bug = new Error('database is broken');
    await assert.rejects(
      new GitRunner().stream(['log', '--format=%H'], { cwd: repo.dir }, () => {
        throw bug;
      }),
      (err: unknown) => err === bug,
    );
  });

  it('reports a failing git command with its exit code and message', async () => {
    const repo = TestRepo.init();
    repos.push(repo);
    await assert.rejects(
      new GitRunner().run(['rev-parse', '--verify', 'no-such-ref'], { cwd: repo.dir }),
      (err: unknown) => err instanceof GitError && err.exitCode === 128 && /rev-parse failed \(exit 128\)/.test(err.message),
    );
  });
});
