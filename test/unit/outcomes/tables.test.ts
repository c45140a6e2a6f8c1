import assert from 'node:assert/strict';
import { RepoDaySet, recomputeDailyGithubMetrics } from '../../../src/core/store/daily-github-metrics';
import { Store } from '../../../src/core/store/store';
import { writeCommits, type CommitRecord } from '../../../src/sources/outcomes/commits-table';
import { replacePrEvents, upsertPull } from '../../../src/sources/outcomes/pulls-table';
import { transaction } from '../../../src/sources/outcomes/transaction';
import { sqlLoader } from '../helpers/events';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

const SHA = 'a'.repeat(40);

function commit(over: Partial<CommitRecord>): CommitRecord {
  return {
    sha: SHA,
    repo_slug: 'acme/widgets',
    author: 'mia-me',
    author_name: 'Mia Me',
    author_email: 'me@example.com',
    timestamp: '2026-01-05T09:00:00.000Z',
    committed_at: '2026-01-05T09:05:00.000Z',
    event_date: '2026-01-05',
    lines_added: null,
    lines_removed: null,
    files_changed: null,
    is_merge: false,
    is_mine: null,
    source: 'github',
    ...over,
  };
}

describe('outcome tables', () => {
  let store: Store;
  beforeEach(async () => {
    store = await Store.open({ path: null, sql: await sqlLoader.load() });
  });
  afterEach(() => store.close());

  const write = (rows: CommitRecord[]) => {
    const days = new RepoDaySet();
    const counts = transaction(store, () => {
      const c = writeCommits(store, rows, days);
      recomputeDailyGithubMetrics(store, days.values());
      return c;
    });
    return { counts, days: days.values() };
  };
  const stored = () => rawDatabaseForTests(store).exec('SELECT source, author, lines_added, is_mine FROM commits')[0]!.values;
  const dayRow = () => rawDatabaseForTests(store).exec('SELECT commit_count, lines_added FROM daily_github_metrics')[0]?.values ?? [];

  it('the git sync takes over a commit first seen through GitHub; GitHub never overwrites what git measured', () => {
    assert.deepEqual(write([commit({})]).counts, { inserted: 1, updated: 0 });
    assert.deepEqual(dayRow(), [[1, 0]]);

    const git = commit({ source: 'git', author: 'me@example.com', lines_added: 12, lines_removed: 3, files_changed: 2, is_mine: true });
    const r = write([git]);
    assert.deepEqual(r.counts, { inserted: 0, updated: 1 });
    assert.deepEqual(r.days, [{ repo_slug: 'acme/widgets', event_date: '2026-01-05' }]);
    assert.deepEqual(stored(), [['git', 'me@example.com', 12, 1]]);
    assert.deepEqual(dayRow(), [[1, 12]], 'still one commit: keyed by SHA');

    const again = write([commit({ author: 'someone-else' })]);
    assert.deepEqual(again.counts, { inserted: 0, updated: 0 });
    assert.deepEqual(again.days, [], 'nothing changed, no day to recompute');
    assert.deepEqual(stored(), [['git', 'me@example.com', 12, 1]]);
  });

  it('merged-PR days, reopen days and empty days', () => {
    const days = new RepoDaySet();
    transaction(store, () => {
      upsertPull(
        store,
        {
          repo_slug: 'acme/widgets',
          number: 9,
          id: 9,
          title: 't',
          author: 'ann',
          state: 'closed',
          created_at: '2026-01-05T22:00:00.000Z',
          merged_at: '2026-01-06T01:30:00.000Z',
          closed_at: '2026-01-06T01:30:00.000Z',
          updated_at: '2026-01-06T01:30:00.000Z',
          additions: 1,
          deletions: 1,
        },
        false,
        days,
      );
      replacePrEvents(
        store,
        'acme/widgets',
        9,
        [
          { event_id: 1, event: 'reopened', actor: 'ann', created_at: '2026-01-05T23:00:00.000Z' },
          { event_id: 2, event: 'reopened', actor: 'ann', created_at: '2026-01-05T23:30:00.000Z' },
          { event_id: 3, event: 'labeled', actor: 'ann', created_at: '2026-01-05T23:40:00.000Z' },
        ],
        days,
      );
      recomputeDailyGithubMetrics(store, days.values());
    });
    assert.deepEqual(
      rawDatabaseForTests(store).exec('SELECT event_date, merged_pr_count, reopened_pr_count, avg_merge_hours FROM daily_github_metrics ORDER BY 1')[0]!.values,
      [
        ['2026-01-05', 0, 1, null], // two reopens of one PR on one day: one reopened PR that day
        ['2026-01-06', 1, 0, 3.5],
      ],
    );
    assert.deepEqual(rawDatabaseForTests(store).exec('SELECT reopened FROM pull_requests')[0]!.values, [[2]]);

    // The events disappear (e.g. GitHub lists none any more): their day empties and its row goes.
    const later = new RepoDaySet();
    transaction(store, () => {
      replacePrEvents(store, 'acme/widgets', 9, [], later);
      recomputeDailyGithubMetrics(store, later.values());
    });
    assert.deepEqual(rawDatabaseForTests(store).exec('SELECT event_date FROM daily_github_metrics')[0]!.values, [['2026-01-06']]);
  });
});
