import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Batch } from '../../../src/core/model';
import { EVENT_KINDS, SOURCES } from '../../../src/core/model';
import { normalizeDocument } from '../../../src/core/normalize/detect';
import { normalizeLiteLlm } from '../../../src/core/normalize/litellm';
import { normalizeSpendLogs } from '../../../src/core/normalize/litellm-spend-logs';
import { normalizeOtlpLogs } from '../../../src/core/normalize/otlp-logs';
import { normalizeOtlpMetrics } from '../../../src/core/normalize/otlp-metrics';
import { normalizeOtlpSpans } from '../../../src/core/normalize/otlp-spans';
import { normalizeProdLensEvents } from '../../../src/core/normalize/prodlens-event';
import { clone, ctx, fixture } from './helpers';

const NORMALIZERS: Record<string, (doc: unknown) => Batch> = {
  normalizeDocument: (d) => normalizeDocument(d, ctx()),
  normalizeOtlpLogs: (d) => normalizeOtlpLogs(d, ctx()),
  normalizeOtlpSpans: (d) => normalizeOtlpSpans(d, ctx()),
  normalizeOtlpMetrics: (d) => normalizeOtlpMetrics(d, ctx()),
  normalizeLiteLlm: (d) => normalizeLiteLlm(d, ctx()),
  normalizeSpendLogs: (d) => normalizeSpendLogs(d, ctx()),
  normalizeProdLensEvents: (d) => normalizeProdLensEvents(d, ctx()),
};

const FIXTURES = [
  'otlp/claude-code-logs-js.json',
  'otlp/claude-code-logs-go.json',
  'otlp/codex-logs.json',
  'otlp/gemini-logs.json',
  'otlp/openinference-spans.json',
  'otlp/genai-spans.json',
  'otlp/litellm-spans.json',
  'otlp/claude-code-metrics.json',
  'litellm/payloads-json-array.json',
  'litellm/spend-logs.json',
  'prodlens/events.json',
].map((f) => fixture(f));

/** What every batch must satisfy, whatever the input. */
function checkBatch(b: Batch): void {
  assert.ok(Array.isArray(b.events) && Array.isArray(b.metrics) && Array.isArray(b.rejects));
  for (const r of b.rejects) {
    assert.equal(typeof r.reason, 'string');
    assert.ok(r.reason.length > 0, 'a dead letter has a reason');
    assert.equal(typeof r.excerpt, 'string');
    assert.ok(r.excerpt.length <= 1001, `excerpt of ${r.excerpt.length} characters`);
    assert.equal(typeof r.source, 'string');
  }
  for (const e of b.events) {
    assert.equal(e.event_date, e.timestamp.slice(0, 10));
    assert.equal(new Date(e.ts_ms).toISOString(), e.timestamp);
    assert.match(e.trace_hash, /^[0-9a-f]{32}$/);
    assert.ok((SOURCES as readonly string[]).includes(e.source));
    assert.ok((EVENT_KINDS as readonly string[]).includes(e.kind));
    for (const k of [
      'tokens_in',
      'tokens_out',
      'total_tokens',
      'cache_read_tokens',
      'cache_write_tokens',
      'reasoning_tokens',
      'accepted_lines',
      'lines_added',
      'lines_removed',
    ] as const) {
      const v = e[k];
      assert.ok(v === null || (Number.isSafeInteger(v) && v >= 0), `${k} = ${v}`);
    }
    for (const k of ['latency_ms', 'cost_usd'] as const) assert.ok(e[k] === null || (Number.isFinite(e[k]) && e[k]! >= 0), `${k} = ${e[k]}`);
    if (e.cost_source === 'unknown') assert.equal(e.cost_usd, null);
    if (e.cost_source === 'estimated') assert.ok(e.price_version);
  }
  for (const m of b.metrics) {
    assert.ok(Number.isFinite(m.value));
    assert.equal(m.event_date, m.timestamp.slice(0, 10));
  }
}

type Path = Array<string | number>;

function paths(v: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...prefix, i], out));
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) paths((v as Record<string, unknown>)[k], [...prefix, k], out);
  return out;
}

function mutate(doc: unknown, path: Path, replacement: unknown, remove: boolean): unknown {
  if (path.length === 0) return replacement;
  let parent = doc as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (remove && !Array.isArray(parent)) delete parent[last];
  else parent[last] = replacement;
  return doc;
}

/** Values that stress the coercion rules more than random JSON alone. */
const awkward = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom('', '-1', '1e400', 'NaN', '0', '9007199254740993', '1767607200000000000', '2026-02-30T00:00:00Z', 'null', '__proto__', '\ud800'),
  fc.constantFrom(-1, 0, 1.5, 2 ** 53 + 2, 1767607200000000000, -0, Number.MAX_VALUE),
  fc.record({ stringValue: fc.string() }),
  fc.record({ intValue: fc.oneof(fc.integer(), fc.string()) }),
  fc.record({ kvlistValue: fc.record({ values: fc.array(fc.record({ key: fc.string(), value: fc.jsonValue() }), { maxLength: 3 }) }) }),
);

describe('normalizers never throw (property-based)', function () {
  this.timeout(120_000);

  it('on arbitrary JSON: every normalizer yields records or dead letters', () => {
    for (const [name, fn] of Object.entries(NORMALIZERS)) {
      fc.assert(
        fc.property(fc.jsonValue({ maxDepth: 6 }), (doc) => {
          try {
            checkBatch(fn(doc));
          } catch (err) {
            throw new Error(`${name}: ${(err as Error).message}`);
          }
        }),
        { numRuns: 200 },
      );
    }
  });

  it('on arbitrary mutations of valid fixtures (values replaced with awkward ones, keys removed)', () => {
    fc.assert(
      fc.property(fc.nat(FIXTURES.length - 1), fc.array(fc.tuple(fc.nat(), awkward, fc.boolean()), { minLength: 1, maxLength: 6 }), (fi, edits) => {
        let doc = clone(FIXTURES[fi]);
        for (const [pi, value, remove] of edits) {
          const ps = paths(doc);
          doc = mutate(doc, ps[pi % ps.length]!, value, remove);
        }
        for (const fn of Object.values(NORMALIZERS)) checkBatch(fn(doc));
      }),
      { numRuns: 400 },
    );
  });

  it('on pathological structures: deep nesting, huge strings, non-JSON values', () => {
    let deep: unknown = { stringValue: 'x' };
    for (let i = 0; i < 5000; i++) deep = { kvlistValue: { values: [{ key: 'k', value: deep }] } };
    const hostile = [
      { resourceLogs: [{ scopeLogs: [{ logRecords: [{ attributes: [{ key: 'event.name', value: deep }] }] }] }] },
      { resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'x'.repeat(1_000_000) }, attributes: [] }] }] }] },
      {
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  {
                    name: 'chat',
                    attributes: [{ key: 'gen_ai.request.model', value: { stringValue: 'y'.repeat(100_000) } }],
                    startTimeUnixNano: '1767607200000000000',
                  },
                ],
              },
            ],
          },
        ],
      },
      Array.from({ length: 3 }, () => Object.create(null) as object),
      { call_type: 'x', startTime: 1767607200, metadata: { __proto__: { polluted: true } } },
      new Uint8Array([1, 2, 3]),
      () => 1,
      Symbol('s'),
      10n,
    ];
    for (const doc of hostile) for (const fn of Object.values(NORMALIZERS)) checkBatch(fn(doc));
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution');
  });
});
