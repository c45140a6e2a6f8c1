import assert from 'node:assert/strict';
import { emptyBatch } from '../../../src/core/model';
import type { DocumentDetector } from '../../../src/core/normalize/context';
import { detectFormat, normalizeDocument } from '../../../src/core/normalize/detect';
import { ctx, fixture, fixtureText } from './helpers';

describe('document detection', () => {
  it('recognises each supported shape', () => {
    assert.equal(detectFormat(fixture('otlp/claude-code-logs-js.json')), 'otlp');
    assert.equal(detectFormat(fixture('otlp/genai-spans.json')), 'otlp');
    assert.equal(detectFormat(fixture('otlp/claude-code-metrics.json')), 'otlp');
    assert.equal(detectFormat(fixture('litellm/single.json')), 'litellm');
    assert.equal(detectFormat((fixture('prodlens/events.json') as unknown[])[0]), 'prodlens');
    assert.equal(detectFormat([]), 'empty');
    assert.equal(detectFormat({ type: 'assistant', sessionId: 'x' }), null);
  });

  it('normalizes each line an OpenTelemetry Collector file exporter writes (logs, metrics and traces requests)', () => {
    const lines = fixtureText('otlp/collector-file-export.json').trim().split('\n');
    assert.equal(lines.length, 4);
    const batches = lines.map((l) => normalizeDocument(JSON.parse(l), ctx()));
    for (const b of batches) assert.equal(b.rejects.length, 0);
    assert.ok(batches[0]!.events.length > 0);
    assert.ok(batches[1]!.events.some((e) => e.source === 'codex-otel'));
    assert.ok(batches[2]!.metrics.length > 0);
    assert.ok(batches[3]!.events.some((e) => e.source === 'litellm'));
  });

  it('reads a mixed array element by element and dead-letters what it cannot recognise', () => {
    const mixed = [
      ...(fixture('litellm/payloads-json-array.json') as unknown[]).slice(0, 1),
      (fixture('prodlens/events.json') as unknown[])[0],
      { hello: 'world' },
      42,
      [1],
    ];
    const b = normalizeDocument(mixed, ctx());
    assert.equal(b.events.length, 2);
    assert.equal(b.rejects.length, 3);
    assert.match(b.rejects[0]!.reason, /unrecognised array element.*keys: hello/);
    assert.match(b.rejects[1]!.reason, /unrecognised document: a JSON number/);
    assert.match(b.rejects[2]!.reason, /nested array/);
    for (const r of b.rejects) assert.equal(r.source, 'unknown');
  });

  it('dead-letters a document that is no supported format, naming what it saw', () => {
    for (const doc of [null, 'text', 3.5, { type: 'assistant', message: {} }]) {
      const b = normalizeDocument(doc, ctx());
      assert.equal(b.events.length + b.metrics.length, 0);
      assert.equal(b.rejects.length, 1);
      assert.match(b.rejects[0]!.reason, /unrecognised/);
    }
  });

  it('tries detectors from the context first (the hook for transcript readers)', () => {
    const seen: unknown[] = [];
    const transcript: DocumentDetector = {
      name: 'claude-transcript',
      matches: (d) => typeof d === 'object' && d !== null && 'sessionId' in d,
      normalize: (d) => {
        seen.push(d);
        const b = emptyBatch();
        b.skipped = { 'transcript line seen': 1 };
        return b;
      },
    };
    const throwing: DocumentDetector = {
      name: 'broken',
      matches: () => {
        throw new Error('boom');
      },
      normalize: () => emptyBatch(),
    };
    const b = normalizeDocument({ type: 'user', sessionId: 's1' }, ctx({ detectors: [throwing, transcript] }));
    assert.equal(seen.length, 1);
    assert.deepEqual(b.skipped, { 'transcript line seen': 1 });
    assert.equal(b.rejects.length, 0);
    // Built-in formats still work when no detector matches.
    assert.ok(normalizeDocument(fixture('litellm/single.json'), ctx({ detectors: [transcript] })).events.length === 1);
  });
});
