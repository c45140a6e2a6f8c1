// Interim stand-in for the normalizers being written on branch `normalizers` (replaced by
// src/collector/normalizers.ts once merged): turns OTLP log records, spans and sum points into canonical
// records through the real buildEvent, enough to test the server's transport and durability.
import type { CollectorNormalizers, NormalizeFn } from '../../../src/collector/options';
import { emptyBatch, type Batch } from '../../../src/core/model';
import { buildEvent } from '../../../src/core/normalize/event';
import { stableHash } from '../../../src/core/normalize/hash';

type Any = any;
const attrs = (list: Any[] | undefined): Record<string, unknown> => {
  const o: Record<string, unknown> = {};
  for (const { key, value } of list ?? []) o[key] = value?.stringValue ?? value?.intValue ?? value?.doubleValue ?? value?.boolValue;
  return o;
};

const logs: NormalizeFn = (doc, ctx) => {
  const b: Batch = emptyBatch();
  for (const rl of (doc as Any).resourceLogs ?? []) {
    for (const sl of rl.scopeLogs ?? []) {
      for (const lr of sl.logRecords ?? []) {
        const a = attrs(lr.attributes);
        const r = buildEvent({ source: 'claude-code-otel', kind: 'request', time: a['event.timestamp'] ?? lr.timeUnixNano, identity: [a['session.id'] as string, a['event.sequence'] as number, lr.timeUnixNano], session_id: (a['session.id'] as string) ?? null, model: a.model, tokens_in: a.input_tokens, tokens_out: a.output_tokens, cost_usd: a.cost_usd }, ctx);
        if (r.ok) b.events.push(r.value);
        else b.rejects.push({ received_at: ctx.receivedAt, source: 'claude-code-otel', reason: r.reason, excerpt: JSON.stringify(lr).slice(0, 200) });
      }
    }
  }
  return b;
};

const traces: NormalizeFn = (doc, ctx) => {
  const b: Batch = emptyBatch();
  for (const rs of (doc as Any).resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) {
    const a = attrs(s.attributes);
    const r = buildEvent({ source: 'openinference', kind: 'request', time: s.startTimeUnixNano, identity: [s.traceId, s.spanId], model: a['llm.model_name'], tokens_in: a['llm.token_count.prompt'], tokens_out: a['llm.token_count.completion'] }, ctx);
    if (r.ok) b.events.push(r.value);
    else b.rejects.push({ received_at: ctx.receivedAt, source: 'openinference', reason: r.reason, excerpt: '' });
  }
  return b;
};

const metrics: NormalizeFn = (doc) => {
  const b: Batch = emptyBatch();
  for (const rm of (doc as Any).resourceMetrics ?? []) for (const sm of rm.scopeMetrics ?? []) for (const m of sm.metrics ?? []) for (const p of m.sum?.dataPoints ?? []) {
    const ts = Number(BigInt(p.timeUnixNano) / 1000000n);
    b.metrics.push({ point_hash: stableHash([m.name, p.timeUnixNano, JSON.stringify(p.attributes)]), source: 'claude-code-otel', name: m.name, unit: m.unit ?? null, temporality: 'delta', value: Number(p.asDouble ?? p.asInt), start_ms: null, ts_ms: ts, timestamp: new Date(ts).toISOString(), event_date: new Date(ts).toISOString().slice(0, 10), session_id: null, developer_id: null, model: null, repo_slug: null, branch: null, device_id: null, attrs: null });
  }
  return b;
};

const unsupported: NormalizeFn = (doc, ctx) => ({ events: [], metrics: [], rejects: [{ received_at: ctx.receivedAt, source: 'stand-in', reason: 'not supported by the stand-in', excerpt: JSON.stringify(doc).slice(0, 100) }] });

export const standInNormalizers: CollectorNormalizers = { logs, metrics, traces, events: unsupported, litellm: unsupported };
