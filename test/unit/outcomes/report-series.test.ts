import assert from 'node:assert/strict';
import { buildDailySeries } from '../../../src/core/store/series-reader';
import { Store } from '../../../src/core/store/store';
import { syncGitRepo } from '../../../src/sources/git/git-sync';
import { GitRunner } from '../../../src/sources/git/node-git';
import { sqlLoader } from '../helpers/events';
import { lines, ME, TestRepo } from '../git/repo';

const git = new GitRunner('git', { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' });

describe('outcomes in the report series', () => {
  it('an amended-away commit no longer counts in the daily series, and the developer filter matches git authors', async () => {
    const store = await Store.open({ path: null, sql: await sqlLoader.load() });
    const repo = TestRepo.init({ origin: 'https://github.com/acme/widgets.git' });
    try {
      repo.commit({ author: ME, date: '2026-01-05T09:00:00Z', files: { 'a.txt': lines(3) } });
      await syncGitRepo(store, git, repo.dir);
      repo.commit({ author: ME, date: '2026-01-05T09:00:00Z', files: { 'a.txt': lines(4) }, amend: true });
      const r = await syncGitRepo(store, git, repo.dir);
      assert.ok(r.ok && r.value.unreachable === 1);

      const all = buildDailySeries(store, { since: '2026-01-05', until: '2026-01-05' });
      assert.deepEqual([all.series.commits[0], all.series.lines_added[0]], [1, 4]);
      const mine = buildDailySeries(store, { since: '2026-01-05', until: '2026-01-05', developer: ME.email });
      assert.equal(mine.series.commits[0], 1);
    } finally {
      await store.close();
      repo.cleanup();
    }
  });
});
