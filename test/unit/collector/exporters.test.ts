import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Attributes } from '@opentelemetry/api';
import { normalizeOtlpLogs } from '../../../src/core/normalize/otlp-logs';
import { normalizeOtlpSpans } from '../../../src/core/normalize/otlp-spans';
import { BundledPriceTable } from '../../../src/core/pricing';
import { startCollector, TOKEN, type Running } from './harness';
import { allSucceeded, sendLogs, sendMetrics, sendSpans, type Protocol } from './otel-clients';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'otlp');
const fixture = (name: string) => JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8'));
const ctx = { prices: new BundledPriceTable(), receivedAt: '2026-01-05T00:00:00.000Z' };

type Any = any;

/** Plain attributes of an OTLP/JSON list (the values the SDK is given). */
function plain(list: Any[]): Attributes {
  const o: Attributes = {};
  for (const { key, value } of list ?? [])
    o[key] = value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : (value.doubleValue ?? value.boolValue));
  return o;
}

for (const [protocol, gzip] of [
  ['http/json', false],
  ['http/protobuf', false],
  ['http/protobuf', true],
] as Array<[Protocol, boolean]>) {
  describe(`official OpenTelemetry JS exporters → collector → store (${protocol}${gzip ? ', gzip' : ''})`, function () {
    this.timeout(30_000);
    let c: Running;
    beforeEach(async () => {
      c = await startCollector({ defaults: { repo_slug: 'acme/workspace', branch: 'dev' } });
    });
    afterEach(async () => c.close());
    const client = () => ({ endpoint: c.url, token: TOKEN, protocol, gzip });

    for (const [file, source] of [
      ['claude-code-logs-js.json', 'claude-code-otel'],
      ['codex-logs.json', 'codex-otel'],
      ['gemini-logs.json', 'gemini-cli-otel'],
    ]) {
      it(`stores ${source} events from ${file} exactly as normalizing the document directly would`, async () => {
        const doc = fixture(file!);
        const expected = normalizeOtlpLogs(doc, ctx);
        assert.ok(expected.events.length > 0, 'the fixture has events');
        assert.ok(allSucceeded(await sendLogs(doc, client())), 'the exporter reported success');
        const stored = await c.rows(`SELECT trace_hash, source, tokens_in, tokens_out, repo_slug FROM sessions ORDER BY trace_hash`);
        const want = expected.events.map((e) => [e.trace_hash, e.source, e.tokens_in, e.tokens_out]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
        assert.deepEqual(
          stored.map((r) => r.slice(0, 4)),
          want,
        );
        assert.ok(stored.every((r) => r[1] === source));
        // Records that named their repository keep it; the others get the workspace's.
        for (const e of expected.events) {
          const row = stored.find((r) => r[0] === e.trace_hash)!;
          assert.equal(row[4], e.repo_slug ?? 'acme/workspace');
        }
      });
    }

    for (const file of ['openinference-spans.json', 'genai-spans.json', 'litellm-spans.json']) {
      it(`stores the model calls of ${file} (LLM spans; other spans skipped)`, async () => {
        const doc = fixture(file);
        const expected = normalizeOtlpSpans(doc, ctx);
        assert.ok(expected.events.length > 0);
        assert.ok(allSucceeded(await sendSpans(doc, client())));
        const stored = await c.rows(
          "SELECT source, model, tokens_in, tokens_out, cache_read_tokens, session_id FROM sessions ORDER BY IFNULL(model, ''), IFNULL(tokens_in, -1)",
        );
        const want = expected.events
          .map((e) => [e.source, e.model, e.tokens_in, e.tokens_out, e.cache_read_tokens, e.session_id])
          .sort((a, b) => String(a[1] ?? '').localeCompare(String(b[1] ?? '')) || Number(a[2] ?? -1) - Number(b[2] ?? -1));
        assert.deepEqual(stored, want);
      });
    }

    it('stores Claude Code metric points (counters by type and model)', async () => {
      const doc = fixture('claude-code-metrics.json');
      const rm = doc.resourceMetrics[0];
      const points: Array<{ name: string; unit?: string; kind: 'counter'; value: number; attributes: Attributes }> = [];
      for (const sm of rm.scopeMetrics) {
        for (const m of sm.metrics) {
          for (const p of m.sum?.dataPoints ?? [])
            points.push({ name: m.name, unit: m.unit, kind: 'counter', value: Number(p.asDouble ?? p.asInt), attributes: plain(p.attributes) });
        }
      }
      assert.ok(points.length >= 3);
      assert.ok(allSucceeded(await sendMetrics(points, plain(rm.resource.attributes), client())));
      const stored = await c.rows('SELECT name, SUM(value), MIN(repo_slug) FROM metric_points GROUP BY name ORDER BY name');
      const want = new Map<string, number>();
      for (const p of points) want.set(p.name, (want.get(p.name) ?? 0) + p.value);
      assert.deepEqual(
        stored.map((r) => [r[0], Math.round(Number(r[1]) * 1e6) / 1e6]),
        [...want].sort(([a], [b]) => a.localeCompare(b)).map(([n, v]) => [n, Math.round(v * 1e6) / 1e6]),
      );
      assert.ok(
        stored.every((r) => r[2] === 'acme/api'),
        'the resource VCS attributes name the repository',
      );
    });
  });
}
