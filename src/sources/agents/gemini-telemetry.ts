import { emptyBatch, type Batch } from '../../core/model';
import { skip } from '../../core/normalize/context';
import { normalizeOtlpLogs } from '../../core/normalize/otlp-logs';
import type { PriceTable } from '../../core/pricing';
import { obj } from './kinds';

/**
 * Gemini CLI's local telemetry file (`telemetry.outfile` in `.gemini/settings.json`, `--telemetry-outfile`,
 * `GEMINI_TELEMETRY_OUTFILE`). gemini-cli's FileLogExporter/FileSpanExporter/FileMetricExporter
 * (packages/core/src/telemetry/file-exporters.ts) append `safeJsonStringify(item, 2) + '\n'` for every log
 * record, span and metrics batch: the OpenTelemetry SDK's own objects, pretty-printed and concatenated — not
 * OTLP JSON. A log record serializes as the SDK's LogRecordImpl: `resource` (`_rawAttributes` as [key, value]
 * pairs in @opentelemetry/resources 2.x; `attributes` as an object in older SDKs), `instrumentationScope`,
 * `attributes` (a plain object), `_hrTime` / `_hrTimeObserved` ([seconds, nanoseconds]; `hrTime` in older
 * SDKs), `_body` (`body`), optional `spanContext`.
 *
 * Each log record is turned into the OTLP log record it would have been on the wire and goes through the
 * same normalizer as the collector's `/v1/logs` (source `gemini-cli-otel`): `gemini_cli.api_response` →
 * request (tokens, cached, thoughts, duration, status), `gemini_cli.tool_call` → tool (diffStat line counts
 * from its `metadata` JSON text), the rest skipped or ignored as on the wire. Spans and metrics are counted
 * as skipped: the log events carry the same calls (reading them too would count each call twice).
 */

/** What one object of the file is. */
export type TelemetryObject = { kind: 'log'; record: Record<string, unknown> } | { kind: 'span' } | { kind: 'metrics' } | { kind: 'other' };

export function classifyTelemetryObject(o: Record<string, unknown>): TelemetryObject {
  if (Array.isArray(o.scopeMetrics) || Array.isArray(o.resourceMetrics)) return { kind: 'metrics' };
  const hasTime = Array.isArray(o._hrTime) || Array.isArray(o.hrTime);
  const isSpan = typeof o.name === 'string' && (Array.isArray(o.startTime) || Array.isArray(o._startTime) || 'kind' in o || obj(o._spanContext) !== undefined);
  if (isSpan && !('_body' in o || 'body' in o)) return { kind: 'span' };
  if (obj(o.attributes) && (hasTime || '_body' in o || 'body' in o)) return { kind: 'log', record: o };
  return { kind: 'other' };
}

/** An OTLP AnyValue for a plain attribute value. */
function anyValue(v: unknown, depth = 0): Record<string, unknown> {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: v } : { doubleValue: v };
  if (Array.isArray(v)) return depth > 4 ? { stringValue: '[nested]' } : { arrayValue: { values: v.map((x) => anyValue(x, depth + 1)) } };
  const o = obj(v);
  if (o)
    return depth > 4 ? { stringValue: '[nested]' } : { kvlistValue: { values: Object.entries(o).map(([key, x]) => ({ key, value: anyValue(x, depth + 1) })) } };
  return {};
}

/**
 * gemini-cli sends `metadata` (a tool call's diffStat) as the JSON text of an object; on the wire and here
 * it becomes a key-value list so its fields read as `metadata.model_added_lines`.
 */
function expand(key: string, v: unknown): unknown {
  if (key === 'metadata' && typeof v === 'string' && v.trimStart().startsWith('{')) {
    try {
      return obj(JSON.parse(v)) ?? v;
    } catch {
      return v;
    }
  }
  return v;
}

function keyValues(attrs: Record<string, unknown>): Array<{ key: string; value: Record<string, unknown> }> {
  return Object.entries(attrs).map(([key, v]) => ({ key, value: anyValue(expand(key, v)) }));
}

/** `[seconds, nanoseconds]` → decimal nanoseconds text (exact), or undefined. */
function hrTimeNanos(v: unknown): string | undefined {
  if (!Array.isArray(v) || v.length !== 2) return undefined;
  const [s, ns] = v as unknown[];
  if (typeof s !== 'number' || typeof ns !== 'number' || !Number.isSafeInteger(s) || !Number.isSafeInteger(ns) || s < 0 || ns < 0) return undefined;
  return (BigInt(s) * 1_000_000_000n + BigInt(ns)).toString();
}

/** The resource's attributes in any of the SDK serializations; service.name defaults to gemini-cli. */
function resourceAttributes(r: unknown): Record<string, unknown> {
  const res = obj(r);
  const out: Record<string, unknown> = {};
  const pairs = res?._rawAttributes;
  if (Array.isArray(pairs)) {
    for (const p of pairs) if (Array.isArray(p) && typeof p[0] === 'string' && p[1] !== undefined && obj(p[1]) === undefined) out[p[0]] = p[1];
  }
  for (const k of ['attributes', '_attributes', '_syncAttributes'] as const) {
    const a = obj(res?.[k]);
    if (a) for (const [key, v] of Object.entries(a)) out[key] ??= v;
  }
  // The file is Gemini CLI's own: a record trimmed of its resource is still one of its events.
  out['service.name'] ??= 'gemini-cli';
  return out;
}

/** One serialized log record as the OTLP request the collector would have received for it. */
export function toOtlpLogs(record: Record<string, unknown>): Record<string, unknown> {
  const attrs = obj(record.attributes) ?? {};
  const body = record._body ?? record.body;
  const span = obj(record.spanContext) ?? obj(record._spanContext);
  const rec: Record<string, unknown> = {
    timeUnixNano: hrTimeNanos(record._hrTime ?? record.hrTime),
    observedTimeUnixNano: hrTimeNanos(record._hrTimeObserved ?? record.hrTimeObserved),
    attributes: keyValues(attrs),
  };
  if (typeof body === 'string') rec.body = { stringValue: body };
  if (typeof span?.traceId === 'string') rec.traceId = span.traceId;
  if (typeof span?.spanId === 'string') rec.spanId = span.spanId;
  return {
    resourceLogs: [
      {
        resource: { attributes: keyValues(resourceAttributes(record.resource)) },
        scopeLogs: [{ scope: obj(record.instrumentationScope) ?? {}, logRecords: [rec] }],
      },
    ],
  };
}

/** Normalizes one object of the file (already parsed) into `batch`. Never throws. */
export function readGeminiTelemetryObject(o: unknown, ctx: { prices: PriceTable; receivedAt: string }, batch: Batch = emptyBatch()): Batch {
  const v = obj(o);
  const t = v ? classifyTelemetryObject(v) : ({ kind: 'other' } as const);
  switch (t.kind) {
    case 'log':
      return normalizeOtlpLogs(toOtlpLogs(t.record), ctx, batch);
    case 'span':
      skip(batch, 'Gemini CLI span (its log events carry the same calls)');
      return batch;
    case 'metrics':
      skip(batch, 'Gemini CLI metrics (its log events carry the same calls)');
      return batch;
    default:
      skip(batch, 'object in a telemetry file that is not an OpenTelemetry log record, span or metric');
      return batch;
  }
}
