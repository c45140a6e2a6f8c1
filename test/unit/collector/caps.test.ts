import assert from 'node:assert/strict';
import { auth, claudeApiRequests, postJson, request, startCollector, type Running } from './harness';

const good = (i: number) =>
  JSON.stringify({
    timestamp: '2026-01-05T10:00:00.000Z',
    kind: 'request',
    event_id: `ev-${i}`,
    session_id: 's-1',
    model: 'claude-sonnet-4-5',
    tokens_in: 10,
    tokens_out: 5,
  });

describe('collector caps per request', function () {
  this.timeout(120_000);
  let c: Running;
  afterEach(async () => c?.close());

  it('keeps one dead letter per reason with a count for a request of junk lines, never one per line', async () => {
    c = await startCollector();
    const junk = Array.from({ length: 20_000 }, (_, i) => (i % 2 ? `not json ${i} sk-secret-${i}` : `{"broken": ${i}`));
    const body = [good(1), ...junk, good(2)].join('\n');
    const r = await request(c.url, { path: '/v1/events', headers: { ...auth, 'Content-Type': 'application/x-ndjson' }, body });
    assert.equal(r.status, 200, r.body.toString());
    assert.equal(r.json().accepted, 2);
    assert.equal(r.json().rejected, 20_000);
    const rows = await c.rows('SELECT count(*), sum(count) FROM dead_letter');
    assert.ok((rows[0]![0] as number) <= 20, `${rows[0]![0]} letters`);
    assert.equal(rows[0]![1], 20_000, 'the counts add up to every rejected line');
    assert.ok(!JSON.stringify(await c.rows('SELECT * FROM dead_letter')).includes('sk-secret'));
  });

  it('refuses a request with more records than the cap (413) and keeps one dead letter for it', async () => {
    c = await startCollector({ limits: { maxRecordsPerRequest: 100 } });
    const r = await postJson(c.url, '/v1/logs', claudeApiRequests(150));
    assert.equal(r.status, 413);
    assert.match(r.json().message, /150 records .* limit of 100/);
    assert.deepEqual(await c.rows('SELECT count(*) FROM sessions'), [[0]]);
    assert.deepEqual(await c.rows("SELECT count(*) FROM dead_letter WHERE reason LIKE '%record limit'"), [[1]]);
    assert.equal((await postJson(c.url, '/v1/logs', claudeApiRequests(100))).status, 200);
  });

  it('stores a large request in slices and acknowledges it once all are on disk', async () => {
    c = await startCollector({ limits: { ingestSliceRecords: 50 } });
    const r = await postJson(c.url, '/v1/logs', claudeApiRequests(420));
    assert.equal(r.status, 200);
    assert.deepEqual(await c.rows('SELECT count(*) FROM sessions'), [[420]]);
  });

  it('a large request into a day that has events updates the day tables by deltas, never recomputing the day', async () => {
    c = await startCollector({ limits: { ingestSliceRecords: 50 } });
    assert.equal((await postJson(c.url, '/v1/logs', claudeApiRequests(60))).status, 200);
    const store = await c.store();
    const before = store.dayTableStats;
    const r = await postJson(c.url, '/v1/logs', claudeApiRequests(420, { offset: 1000, session: 'c0ffee00-0000-4000-8000-000000000002' }));
    assert.equal(r.status, 200);
    const after = store.dayTableStats;
    assert.equal(after.recomputedDays, before.recomputedDays, 'no day recomputed from its events');
    assert.ok(after.incrementalDays > before.incrementalDays, 'the day tables were updated by deltas');
    assert.deepEqual(await c.rows('SELECT sum(request_count), sum(session_count) FROM daily_session_metrics'), [[480, 2]]);
  });

  it('parses a large OTLP/JSON logs body in a worker thread and normalizes it in slices, with the same result', async () => {
    c = await startCollector({ limits: { offThreadParseBytes: 1000, ingestSliceRecords: 40 } });
    const r = await postJson(c.url, '/v1/logs', claudeApiRequests(333));
    assert.equal(r.status, 200, r.body.toString());
    assert.deepEqual(await c.rows('SELECT count(*), count(DISTINCT session_id) FROM sessions'), await reference(333));
    const bad = await request(c.url, {
      path: '/v1/logs',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: `{"resourceLogs": [${'{"x":1},'.repeat(500)}`,
    });
    assert.equal(bad.status, 400);
    assert.match(bad.json().message, /^invalid JSON/);
  });
});

/** What the collector stores for the same records parsed in place (no worker). */
async function reference(n: number): Promise<unknown[][]> {
  const ref = await startCollector();
  try {
    assert.equal((await postJson(ref.url, '/v1/logs', claudeApiRequests(n))).status, 200);
    return await ref.rows('SELECT count(*), count(DISTINCT session_id) FROM sessions');
  } finally {
    await ref.close();
  }
}
