import assert from 'node:assert/strict';
import { dayRange } from '../../../src/core/analyze/series';
import { buildDailySeries } from '../../../src/core/store/series-reader';
import { Store } from '../../../src/core/store/store';
import { batchOf, event, sqlLoader } from '../helpers/events';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

async function storeWith() {
  const store = await Store.open({ path: null, sql: await sqlLoader.load() });
  await store.ingest(
    batchOf([
      // AI activity on the 3rd and the 5th; nothing on the 4th (a true zero inside the span).
      event({ id: 'r1', time: '2026-03-03T09:00:00Z', latency_ms: 100, repo_slug: 'acme/api' }),
      event({ id: 'r2', time: '2026-03-03T10:00:00Z', latency_ms: 300, repo_slug: 'acme/api', developer_id: 'other@example.com', session_id: 's2' }),
      event({
        id: 'e1',
        time: '2026-03-05T10:00:00Z',
        kind: 'error',
        status_code: 529,
        tokens_in: null,
        tokens_out: null,
        latency_ms: 50,
        repo_slug: 'acme/web',
      }),
      event({
        id: 'ed1',
        source: 'editor',
        kind: 'edit',
        time: '2026-03-05T11:00:00Z',
        tokens_in: null,
        tokens_out: null,
        model: null,
        latency_ms: null,
        lines_added: 10,
        accepted_lines: 8,
        accepted_flag: true,
        diff_ratio: 0.9,
        repo_slug: 'acme/web',
      }),
      event({
        id: 'ed2',
        source: 'editor',
        kind: 'edit',
        time: '2026-03-05T12:00:00Z',
        tokens_in: null,
        tokens_out: null,
        model: null,
        latency_ms: null,
        lines_added: 4,
        accepted_lines: 0,
        accepted_flag: false,
        diff_ratio: 0.1,
        repo_slug: 'acme/web',
      }),
    ]),
  );
  // Commits synced for the 2nd..4th (a merge on the 4th does not count).
  const c = rawDatabaseForTests(store).prepare(
    'INSERT INTO commits (sha, repo_slug, author, author_email, timestamp, event_date, lines_added, lines_removed, is_merge) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  c.run(['a1', 'acme/api', 'Dev', 'dev@example.com', '2026-03-02T10:00:00Z', '2026-03-02', 5, 1, 0]);
  c.run(['a2', 'acme/api', 'Other', 'other@example.com', '2026-03-04T10:00:00Z', '2026-03-04', 7, 0, 0]);
  c.run(['a3', 'acme/api', 'Dev', 'dev@example.com', '2026-03-04T11:00:00Z', '2026-03-04', 0, 0, 1]);
  c.free();
  return store;
}

describe('daily series', () => {
  it('lists every UTC day of a period, across month ends', () => {
    assert.deepEqual(dayRange('2026-02-27', '2026-03-02'), ['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
  });

  it('is zero inside the measured span, missing outside it, and has no rate without a denominator', async () => {
    const store = await storeWith();
    store.refreshDailyMetrics();
    const { days, series, coverage } = buildDailySeries(store, { since: '2026-03-01', until: '2026-03-06' });
    assert.deepEqual(days, ['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06']);
    assert.deepEqual(coverage.ai, { first: '2026-03-03', last: '2026-03-05' });
    assert.deepEqual(series.requests, [null, null, 2, 0, 0, null]);
    assert.deepEqual(series.errors, [null, null, 0, 0, 1, null]);
    assert.deepEqual(series.error_rate, [null, null, 0, null, 1, null], 'no requests and no errors → no rate');
    assert.equal(series.latency_p50_ms[3], null, 'a quiet day has no latency, not 0');
    assert.ok(Math.abs(series.latency_p50_ms[2]! - 100) <= 1, `median of 100 and 300 by nearest rank ≈ 100, got ${series.latency_p50_ms[2]}`);
    assert.deepEqual(series.insertions, [null, null, 0, 0, 2, null]);
    assert.deepEqual(series.accepted_lines, [null, null, 0, 0, 8, null]);
    assert.deepEqual(series.acceptance_rate, [null, null, null, null, 0.5, null]);
    assert.deepEqual(series.commits, [null, 1, 0, 1, null, null], 'commits measured 2nd..4th; merges excluded');
    assert.deepEqual(series.lines_changed, [null, 6, 0, 7, null, null]);
    assert.deepEqual(series.merged_prs, [null, null, null, null, null, null], 'no PR data at all → missing, not zero');
    await store.close();
  });

  it('narrows by repository, developer and source', async () => {
    const store = await storeWith();
    store.refreshDailyMetrics();
    const byRepo = buildDailySeries(store, { since: '2026-03-03', until: '2026-03-05', repo: 'acme/web' });
    assert.deepEqual(byRepo.series.requests, [0, 0, 0]);
    assert.deepEqual(byRepo.series.insertions, [0, 0, 2]);
    assert.deepEqual(byRepo.series.commits, [0, 0, null], 'no commits in acme/web, inside the commit span');
    const byDev = buildDailySeries(store, { since: '2026-03-03', until: '2026-03-05', developer: 'other@example.com' });
    assert.deepEqual(byDev.series.requests, [1, 0, 0]);
    assert.deepEqual(byDev.series.commits, [0, 1, null], "the developer's own commits by author email");
    const bySource = buildDailySeries(store, { since: '2026-03-03', until: '2026-03-05', source: 'editor' });
    assert.deepEqual(bySource.series.requests, [0, 0, 0]);
    assert.deepEqual(bySource.series.insertions, [0, 0, 2]);
    await store.close();
  });
});
