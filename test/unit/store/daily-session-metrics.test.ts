import assert from 'node:assert/strict';
import { Store } from '../../../src/core/store/store';
import { batchOf, event, sqlLoader } from '../helpers/events';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

type Row = [string, string | null, number, number, number, number, number, number | null, number];

function rows(store: Store): Row[] {
  return (rawDatabaseForTests(store).exec(
    `SELECT event_date, developer_id, session_count, request_count, total_tokens, accepted_count, error_count,
            median_latency_ms, round(cost_usd, 9) FROM daily_session_metrics ORDER BY event_date, developer_id`,
  )[0]?.values ?? []) as Row[];
}

describe('daily_session_metrics', () => {
  it('aggregates per UTC day and developer with an exact median, current when each ingest returns', async () => {
    const store = await Store.open({ path: null, sql: await sqlLoader.load() });
    await store.ingest(
      batchOf([
        event({ id: '1', time: '2026-01-05T23:30:00-02:00', latency_ms: 100, session_id: 's1', cost_usd: 0.5 }), // 2026-01-06 UTC
        event({ id: '2', time: '2026-01-05T10:00:00Z', latency_ms: 300, session_id: 's1', cost_usd: 0.25 }),
        event({ id: '3', time: '2026-01-05T11:00:00Z', latency_ms: 100, session_id: 's2', cost_usd: 0.25 }),
        event({ id: '4', time: '2026-01-05T12:00:00Z', latency_ms: 200, session_id: 's2', cost_usd: 0.25 }),
        event({
          id: '5',
          time: '2026-01-05T12:00:00Z',
          latency_ms: 1000,
          session_id: 's2',
          kind: 'error',
          status_code: 529,
          tokens_in: null,
          tokens_out: null,
          model: null,
        }),
        event({
          id: '6',
          time: '2026-01-05T13:00:00Z',
          latency_ms: null,
          session_id: null,
          kind: 'edit',
          accepted_flag: true,
          accepted_lines: 5,
          tokens_in: null,
          tokens_out: null,
          model: null,
        }),
        event({ id: '7', time: '2026-01-05T13:00:00Z', latency_ms: 50, session_id: 's9', developer_id: null, cost_usd: 1 }),
      ]),
    );
    assert.deepEqual(store.pendingDays(), [], 'nothing left for a reader to do');
    assert.deepEqual(rows(store), [
      ['2026-01-05', null, 1, 1, 150, 0, 0, 50, 1],
      // latencies 100, 200, 300, 1000 → median 250; error counted; the edit is accepted.
      ['2026-01-05', 'dev@example.com', 2, 3, 450, 1, 1, 250, 0.75],
      ['2026-01-06', 'dev@example.com', 1, 1, 150, 0, 0, 100, 0.5],
    ]);
    assert.deepEqual(store.refreshDailyMetrics(), [], 'a reader finds nothing to refresh');
    const before = rows(store);
    await store.ingest(batchOf([event({ id: '2', time: '2026-01-05T10:00:00Z', latency_ms: 300, session_id: 's1', cost_usd: 0.25 })]));
    assert.deepEqual(rows(store), before, 'a duplicate changes no day');
    const changed: string[][] = [];
    store.onDidChange((c) => changed.push(c.days));
    await store.ingest(batchOf([event({ id: '8', time: '2026-01-06T08:00:00Z', latency_ms: 300, session_id: 's3' })]));
    assert.deepEqual(changed, [['2026-01-06']]);
    assert.deepEqual(store.pendingDays(), []);
    assert.deepEqual(
      rows(store).filter((r) => r[0] !== '2026-01-06'),
      before.filter((r) => r[0] !== '2026-01-06'),
      'other days untouched',
    );
    const day6 = rows(store).filter((r) => r[0] === '2026-01-06');
    assert.equal(day6.length, 1);
    assert.equal(day6[0]![2], 2, 'two sessions');
    assert.equal(day6[0]![7], 200, 'median of 100 and 300');
    await store.close();
  });
});
