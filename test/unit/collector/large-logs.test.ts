import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { fixtureText } from '../normalize/helpers';
import { auth, claudeApiRequests, kv, postJson, request, startCollector, type Running } from './harness';

/**
 * Large OTLP/JSON logs requests: parsed in a worker thread, handed back in parts and stored part by part
 * (CollectorServer.storeLargeLogs, Store.ingestStream). `offThreadParseBytes: 1` sends every logs body
 * that way; tiny slices make every request many parts.
 */
const PARTS = { offThreadParseBytes: 1, ingestSliceRecords: 2 };

/** Everything a request leaves in the database, without the time it was stored and the (random) device. */
async function stored(c: Running): Promise<unknown> {
  const cols = (await c.rows("SELECT name FROM pragma_table_info('sessions')"))
    .map((r) => r[0] as string)
    .filter((n) => n !== 'ingested_at' && n !== 'device_id');
  return {
    events: await c.rows(`SELECT ${cols.join(', ')} FROM sessions ORDER BY trace_hash`),
    deadLetters: await c.rows('SELECT source, reason, count, input_bytes, input_hash, json_path FROM dead_letter ORDER BY reason'),
  };
}

/** The OTLP logs fixtures of FORMATS.md (collector-file-export.json holds one request per line). */
function logsFixtures(): Array<{ name: string; body: string }> {
  const one = ['claude-code-logs-bare-ns.json', 'claude-code-logs-go.json', 'claude-code-logs-js.json', 'codex-logs.json', 'gemini-logs.json'];
  const lines = fixtureText('otlp/collector-file-export.json').trim().split('\n');
  return [
    ...one.map((name) => ({ name, body: fixtureText(`otlp/${name}`) })),
    ...lines.filter((l) => l.includes('resourceLogs')).map((body, i) => ({ name: `collector-file-export.json line ${i + 1}`, body })),
  ];
}

describe('collector: large OTLP/JSON logs requests, stored part by part', function () {
  this.timeout(180_000);
  const running: Running[] = [];
  const start = async (limits = {}) => {
    const c = await startCollector({ limits });
    running.push(c);
    return c;
  };
  afterEach(async () => {
    for (const c of running.splice(0)) await c.close();
  });

  it('stores exactly what the in-place path stores, for every OTLP logs fixture', async () => {
    for (const f of logsFixtures()) {
      const inPlace = await start();
      const parts = await start(PARTS);
      const post = (c: Running) => request(c.url, { path: '/v1/logs', headers: { ...auth, 'Content-Type': 'application/json' }, body: f.body });
      const a = await post(inPlace);
      const b = await post(parts);
      assert.equal(b.status, a.status, f.name);
      assert.deepEqual(b.json(), a.json(), f.name);
      const expected = await stored(inPlace);
      assert.ok((expected as { events: unknown[] }).events.length > 0, `${f.name} stores events`);
      assert.deepEqual(await stored(parts), expected, f.name);
      for (const c of running.splice(0)) await c.close();
    }
  });

  it('keeps resources and scopes apart across parts, and pools the rejects of all parts (one dead letter per reason)', async () => {
    const good = claudeApiRequests(7) as { resourceLogs: Array<{ resource: unknown; scopeLogs: Array<{ logRecords: unknown[] }> }> };
    const records = good.resourceLogs[0]!.scopeLogs[0]!.logRecords;
    // A record without a time is rejected ("no timestamp"); one per part.
    const broken = records.map((r, i) => ({
      ...(r as object),
      timeUnixNano: undefined,
      observedTimeUnixNano: undefined,
      attributes: kv({ 'event.name': 'api_request', 'prompt.id': `x-${i}` }),
    }));
    const doc = {
      resourceLogs: [
        good.resourceLogs[0],
        {
          resource: { attributes: kv({ 'service.name': 'gemini-cli' }) },
          scopeLogs: [{ scope: { name: 'gemini-cli' }, logRecords: broken }],
        },
        { resource: { attributes: kv({ 'service.name': 'claude-code' }) }, scopeLogs: [{ scope: { name: 'other' }, logRecords: records }] },
      ],
    };
    const inPlace = await start();
    const parts = await start(PARTS);
    const a = await postJson(inPlace.url, '/v1/logs', doc);
    const b = await postJson(parts.url, '/v1/logs', doc);
    assert.equal(a.status, 200);
    assert.deepEqual(b.json(), a.json());
    assert.deepEqual(await stored(parts), await stored(inPlace));
    const [letters, rejected] = (await parts.rows('SELECT count(*), sum(count) FROM dead_letter'))[0]! as number[];
    assert.equal(rejected, broken.length, 'every broken record counted');
    assert.ok(letters! < broken.length, `pooled into ${letters} letter(s)`);
  });

  it('refuses a large request over the record cap (413) before storing any of it', async () => {
    const c = await start({ ...PARTS, maxRecordsPerRequest: 100 });
    const r = await postJson(c.url, '/v1/logs', claudeApiRequests(150));
    assert.equal(r.status, 413);
    assert.match(r.json().message, /150 records .* limit of 100/);
    assert.deepEqual(await c.rows('SELECT count(*) FROM sessions'), [[0]]);
    assert.deepEqual(await c.rows("SELECT count(*) FROM dead_letter WHERE reason LIKE '%record limit'"), [[1]]);
    assert.equal((await postJson(c.url, '/v1/logs', claudeApiRequests(100))).status, 200);
    assert.deepEqual(await c.rows('SELECT count(*) FROM sessions'), [[100]]);
  });

  it('answers 400 for a large body that is not JSON, storing nothing but the dead letter', async () => {
    const c = await start(PARTS);
    const r = await request(c.url, {
      path: '/v1/logs',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: `{"resourceLogs": [${'{"x":1},'.repeat(200_000)}`,
    });
    assert.equal(r.status, 400);
    assert.match(r.json().message, /^invalid JSON/);
    assert.deepEqual(await c.rows('SELECT count(*) FROM sessions'), [[0]]);
    assert.deepEqual(await c.rows('SELECT count(*) FROM dead_letter'), [[1]]);
  });

  it('reads a gzip body and a body without Content-Length (chunked) the same way', async () => {
    const c = await start({ offThreadParseBytes: 1 });
    const body = JSON.stringify(claudeApiRequests(300));
    const gz = await request(c.url, {
      path: '/v1/logs',
      headers: { ...auth, 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      body: zlib.gzipSync(body),
    });
    assert.equal(gz.status, 200, gz.body.toString());
    const chunked = await request(c.url, {
      path: '/v1/logs',
      headers: { ...auth, 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
      body: JSON.stringify(claudeApiRequests(300, { offset: 1000 })),
    });
    assert.equal(chunked.status, 200, chunked.body.toString());
    assert.deepEqual(await c.rows('SELECT count(*), count(DISTINCT trace_hash) FROM sessions'), [[600, 600]]);
  });

  it('stores a 19.5 MiB batch (just under the 20 MiB limit) exactly once and answers 200', async () => {
    const c = await start();
    const per = JSON.stringify(claudeApiRequests(1000)).length / 1000;
    const n = Math.floor((19.5 * 1048576) / per);
    const body = JSON.stringify(claudeApiRequests(n));
    assert.ok(body.length >= 19 * 1048576 && body.length < 20 * 1048576, `${body.length} bytes`);
    const r = await request(c.url, { path: '/v1/logs', headers: { ...auth, 'Content-Type': 'application/json' }, body });
    assert.equal(r.status, 200, r.body.toString());
    assert.deepEqual(r.json(), {});
    assert.deepEqual(await c.rows('SELECT count(*), count(DISTINCT trace_hash) FROM sessions'), [[n, n]]);
    const health = (await request(c.url, { path: '/health', method: 'GET' })).json();
    assert.equal(health.sources['claude-code-otel'].events, n);
  });
});
