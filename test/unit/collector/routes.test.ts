import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { normalizeLiteLlm } from '../../../src/core/normalize/litellm';
import { normalizeOtlpLogs } from '../../../src/core/normalize/otlp-logs';
import { normalizeProdLensEvents } from '../../../src/core/normalize/prodlens-event';
import { BundledPriceTable } from '../../../src/core/pricing';
import { auth, request, startCollector, type Running } from './harness';

const FIX = path.join(__dirname, '..', '..', 'fixtures');
const text = (p: string) => readFileSync(path.join(FIX, p), 'utf8');
const ctx = { prices: new BundledPriceTable(), receivedAt: '2026-01-05T00:00:00.000Z' };

/** The trace hashes the core normalizer makes of a document (what the collector must store). */
const hashes = (b: { events: Array<{ trace_hash: string }> }) => b.events.map((e) => e.trace_hash).sort();

describe('collector routes: ProdLens events, LiteLLM, OTLP/JSON at /', function () {
  this.timeout(20_000);
  let c: Running;
  beforeEach(async () => {
    c = await startCollector();
  });
  afterEach(async () => c.close());
  const stored = async () => (await c.rows('SELECT trace_hash FROM sessions ORDER BY trace_hash')).map((r) => r[0]);

  it('takes ProdLens NDJSON events; a broken line is dead-lettered and named, the rest stored', async () => {
    const lines = text('prodlens/events.ndjson').trimEnd().split('\n');
    const body = [lines[0], '{"timestamp": "2026-01-05T10:00:00Z", "kind": ', ...lines.slice(1)].join('\n');
    const r = await request(c.url, { path: '/v1/events', headers: { ...auth, 'Content-Type': 'application/x-ndjson' }, body });
    assert.equal(r.status, 200);
    const expected = lines.map((l) => normalizeProdLensEvents(JSON.parse(l), ctx));
    const want = expected.flatMap((b) => b.events.map((e) => e.trace_hash)).sort();
    const wantRejects = expected.reduce((n, b) => n + b.rejects.length, 0);
    assert.deepEqual(await stored(), want);
    const reply = r.json();
    assert.equal(reply.accepted, want.length);
    assert.equal(reply.rejected, wantRejects + 1);
    assert.match(reply.errorMessage, /line 2: /);
  });

  it('takes a ProdLens JSON document (array of events)', async () => {
    const doc = JSON.parse(text('prodlens/events.json'));
    const r = await request(c.url, { path: '/v1/events', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify(doc) });
    assert.equal(r.status, 200);
    assert.deepEqual(await stored(), hashes(normalizeProdLensEvents(doc, ctx)));
  });

  for (const [name, file] of [
    ['json_array', 'litellm/payloads-json-array.json'],
    ['ndjson', 'litellm/payloads.ndjson'],
    ['single', 'litellm/single.json'],
  ] as const) {
    it(`takes LiteLLM generic API logger batches (log_format ${name}, sent as application/json)`, async () => {
      const body = text(file);
      const r = await request(c.url, { path: '/v1/litellm', headers: { ...auth, 'Content-Type': 'application/json' }, body });
      assert.equal(r.status, 200, r.body.toString());
      const docs =
        name === 'ndjson'
          ? body
              .trim()
              .split('\n')
              .map((l) => JSON.parse(l))
          : [JSON.parse(body)];
      const want = docs.flatMap((d) => hashes(normalizeLiteLlm(d, ctx))).sort();
      assert.ok(want.length > 0);
      assert.deepEqual(await stored(), want);
      assert.equal(r.json().accepted, want.length);
    });
  }

  it('takes OTLP/JSON of any signal posted to / (how Gemini CLI posts), answering 415 to protobuf there', async () => {
    const doc = JSON.parse(text('otlp/gemini-logs.json'));
    const r = await request(c.url, { path: '/', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify(doc) });
    assert.equal(r.status, 200);
    assert.deepEqual(await stored(), hashes(normalizeOtlpLogs(doc, ctx)));
    const proto = await request(c.url, { path: '/', headers: { ...auth, 'Content-Type': 'application/x-protobuf' }, body: Buffer.from([0x0a, 0x00]) });
    assert.equal(proto.status, 415);
    const notOtlp = await request(c.url, { path: '/', headers: { ...auth, 'Content-Type': 'application/json' }, body: '{"hello": 1}' });
    assert.equal(notOtlp.status, 400);
    assert.match(notOtlp.json().message, /not an OTLP request/);
  });

  it('rejects a whole body that is not JSON on the events route with 400 and a dead letter', async () => {
    const r = await request(c.url, { path: '/v1/events', headers: { ...auth, 'Content-Type': 'application/json' }, body: 'not json at all' });
    assert.equal(r.status, 400);
    assert.deepEqual(await c.rows('SELECT source FROM dead_letter'), [['prodlens-events']]);
  });
});
