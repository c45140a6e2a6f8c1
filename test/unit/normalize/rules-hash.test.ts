import assert from 'node:assert/strict';
import type { Batch } from '../../../src/core/model';
import { normalizeDocument } from '../../../src/core/normalize/detect';
import { clone, ctx, fixture, logRecords, setAttr } from './helpers';

const FILES = [
  'otlp/claude-code-logs-js.json',
  'otlp/claude-code-logs-go.json',
  'otlp/claude-code-logs-bare-ns.json',
  'otlp/codex-logs.json',
  'otlp/gemini-logs.json',
  'otlp/openinference-spans.json',
  'otlp/genai-spans.json',
  'otlp/litellm-spans.json',
  'otlp/claude-code-metrics.json',
  'litellm/payloads-json-array.json',
  'prodlens/events.json',
];

function hashes(b: Batch): string[] {
  return [...b.events.map((e) => e.trace_hash), ...b.metrics.map((m) => m.point_hash)];
}

/** trace_hash / point_hash: stable across re-normalization, distinct across records. */
describe('record identity (trace_hash)', () => {
  it('is the same when the same input is normalized again, with another receive time and price table state', () => {
    for (const f of FILES) {
      const a = hashes(normalizeDocument(fixture(f), ctx()));
      const b = hashes(normalizeDocument(fixture(f), ctx({ receivedAt: '2030-01-01T00:00:00.000Z' })));
      assert.ok(a.length > 0, f);
      assert.deepEqual(b, a, f);
    }
  });

  it('is distinct for every record across all fixtures', () => {
    const all = FILES.flatMap((f) => hashes(normalizeDocument(fixture(f), ctx())));
    assert.equal(new Set(all).size, all.length);
  });

  it('does not depend on whether a sender wrote a count as intValue number, intValue string or stringValue', () => {
    const base = fixture('otlp/claude-code-logs-js.json');
    const variant = clone(base);
    const attrs = logRecords(variant)[2]!.attributes; // intValue numbers in the fixture
    setAttr(attrs, 'input_tokens', { intValue: '512' });
    setAttr(attrs, 'output_tokens', { stringValue: '64' });
    const a = normalizeDocument(base, ctx()).events[2]!;
    const b = normalizeDocument(variant, ctx()).events[2]!;
    assert.equal(a.tokens_in, b.tokens_in);
    assert.equal(b.trace_hash, a.trace_hash);
  });

  it('separates records that differ only in their sequence number or time', () => {
    const doc = clone(fixture('otlp/claude-code-logs-js.json'));
    const recs = logRecords(doc);
    const copy = clone(recs[2]!);
    setAttr(copy.attributes, 'event.sequence', { intValue: 99 });
    recs.push(copy);
    const later = clone(recs[2]!);
    later.timeUnixNano = String(BigInt(later.timeUnixNano as string) + 1n);
    recs.push(later);
    const b = normalizeDocument(doc, ctx());
    const hs = b.events.map((e) => e.trace_hash);
    assert.equal(new Set(hs).size, hs.length);
  });

  it('lets a ProdLens sender update an event by re-sending its event_id', () => {
    const first = normalizeDocument({ timestamp: '2026-01-05T10:00:00Z', kind: 'edit', source: 'editor', event_id: 'ed-1', accepted_lines: 3 }, ctx())
      .events[0]!;
    const later = normalizeDocument({ timestamp: '2026-01-05T10:00:00Z', kind: 'edit', source: 'editor', event_id: 'ed-1', accepted_lines: 2 }, ctx())
      .events[0]!;
    assert.equal(later.trace_hash, first.trace_hash);
    assert.notEqual(later.accepted_lines, first.accepted_lines);
  });
});
