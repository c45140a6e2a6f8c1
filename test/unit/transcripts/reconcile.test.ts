import assert from 'node:assert/strict';
import { batchOf, event } from '../helpers/events';
import { reconcileOtelCopies, RECONCILE_WINDOW_MS } from '../../../src/sources/transcripts';
import { count, memoryStore } from './helpers';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

const usage = { model: 'claude-sonnet-4-5-20250929', tokens_in: 6, tokens_out: 150, cache_read_tokens: 17000, cache_write_tokens: 800, session_id: 'sess-r' };
const transcript = (id: string, time: string, extra = {}) =>
  event({ id, source: 'claude-code-transcript', time, identity: [id, `req-${id}`], latency_ms: null, status_code: null, ...usage, ...extra });
const otel = (id: string, time: string, extra = {}) => event({ id, source: 'claude-code-otel', time, identity: [id], latency_ms: 4200, ...usage, ...extra });

function dupOf(store: Awaited<ReturnType<typeof memoryStore>>, hash: string): string | null {
  return (rawDatabaseForTests(store).exec('SELECT duplicate_of FROM sessions WHERE trace_hash = ?', [hash])[0]?.values[0]?.[0] as string | null) ?? null;
}

describe('transcripts: reconciling OpenTelemetry copies of transcript requests', () => {
  it('marks the OTel copy when the transcript row came first', async () => {
    const store = await memoryStore();
    const t = transcript('m1', '2026-01-05T10:00:15Z');
    await store.ingest(batchOf([t]));
    const o = otel('o1', '2026-01-05T10:00:17Z');
    await store.ingest(batchOf([o]));
    assert.equal(reconcileOtelCopies(store), 1);
    assert.equal(dupOf(store, o.trace_hash), t.trace_hash);
    assert.equal(dupOf(store, t.trace_hash), null);
    // Aggregates count the request once.
    store.refreshDailyMetrics();
    assert.equal(count(store, "SELECT request_count FROM daily_session_metrics WHERE event_date = '2026-01-05'"), 1);
    await store.close();
  });

  it('marks the OTel copy when it came first, and only once', async () => {
    const store = await memoryStore();
    const o = otel('o1', '2026-01-05T10:00:17Z');
    await store.ingest(batchOf([o]));
    assert.equal(reconcileOtelCopies(store), 0);
    const t = transcript('m1', '2026-01-05T10:00:15Z');
    await store.ingest(batchOf([t]));
    assert.equal(reconcileOtelCopies(store, { days: ['2026-01-05'] }), 1);
    assert.equal(dupOf(store, o.trace_hash), t.trace_hash);
    assert.equal(reconcileOtelCopies(store), 0);
    await store.close();
  });

  it('leaves rows that differ in session, model, any token count or time apart', async () => {
    const store = await memoryStore();
    const t = transcript('m1', '2026-01-05T10:00:15Z');
    const others = [
      otel('a', '2026-01-05T10:00:16Z', { session_id: 'other' }),
      otel('b', '2026-01-05T10:00:16Z', { model: 'claude-opus-4-1-20250805' }),
      otel('c', '2026-01-05T10:00:16Z', { cache_read_tokens: 17001 }),
      otel('d', '2026-01-05T10:00:16Z', { tokens_out: 151 }),
      otel('e', new Date(Date.parse('2026-01-05T10:00:15Z') + RECONCILE_WINDOW_MS + 1000).toISOString()),
    ];
    await store.ingest(batchOf([t, ...others]));
    assert.equal(reconcileOtelCopies(store), 0);
    assert.equal(count(store, 'SELECT count(*) FROM sessions WHERE duplicate_of IS NOT NULL'), 0);
    await store.close();
  });

  it('pairs two identical requests one to one, closest in time', async () => {
    const store = await memoryStore();
    const t1 = transcript('m1', '2026-01-05T10:00:00Z');
    const t2 = transcript('m2', '2026-01-05T10:00:30Z');
    const o1 = otel('o1', '2026-01-05T10:00:02Z');
    const o2 = otel('o2', '2026-01-05T10:00:31Z');
    const o3 = otel('o3', '2026-01-05T10:00:32Z');
    await store.ingest(batchOf([t1, t2, o1, o2, o3]));
    assert.equal(reconcileOtelCopies(store), 2);
    assert.equal(dupOf(store, o1.trace_hash), t1.trace_hash);
    assert.equal(dupOf(store, o2.trace_hash), t2.trace_hash);
    assert.equal(dupOf(store, o3.trace_hash), null, 'a third identical request stays counted');
    await store.close();
  });
});
