import { emptyBatch, type Attrs, type Batch } from '../../core/model';
import { skip } from '../../core/normalize/context';
import { buildEvent } from '../../core/normalize/event';
import { splitInclusiveInput } from '../../core/normalize/usage';
import type { PriceTable } from '../../core/pricing';
import { obj, text } from './kinds';

/**
 * GitHub Copilot CLI's OpenTelemetry file export: `COPILOT_OTEL_FILE_EXPORTER_PATH=<file>` (with
 * `COPILOT_OTEL_ENABLED=true`, `COPILOT_OTEL_EXPORTER_TYPE=file`), by convention `~/.copilot/otel/*.jsonl`
 * — where ccusage looks. One JSON object a line: `{"type":"span", traceId, spanId, parentSpanId, name,
 * kind, startTime: [s, ns], endTime: [s, ns], attributes: {…}, status: {code}, events, resource:
 * {attributes: {"service.name": "github-copilot", "service.version"}}, instrumentationScope}` or
 * `{"type":"metric", …}` (shape: recorded Copilot CLI 1.0.84 exports; attribute names follow the OTel GenAI
 * conventions, docs.github.com "OpenTelemetry monitoring" reference).
 *
 * A `chat <model>` span (`gen_ai.operation.name = chat`) is one model call: `gen_ai.usage.input_tokens`
 * (which includes the cache, as Copilot's own `inputTokens` does), `output_tokens`,
 * `cache_read.input_tokens`, `cache_write.input_tokens` (older: `cache_creation.input_tokens`),
 * `reasoning.output_tokens` (kept apart, as for the session logs: the output count is the billed output).
 * Time = the span's end (the response is complete and its usage known; ccusage uses the same instant), latency
 * = end − start. `invoke_agent` spans repeat their chat spans' usage and `execute_tool` spans carry no
 * usage: both are counted as skipped, as are metric lines. Source `copilot-cli-otel`.
 */

const SOURCE = 'copilot-cli-otel';

export interface CopilotOtelContext {
  prices: PriceTable;
  receivedAt: string;
}

/** `[seconds, nanoseconds]` → epoch ms, or null. */
function hrMs(v: unknown): number | null {
  if (!Array.isArray(v) || v.length !== 2) return null;
  const [s, ns] = v as unknown[];
  if (typeof s !== 'number' || typeof ns !== 'number' || !Number.isFinite(s) || !Number.isFinite(ns) || s < 0 || ns < 0) return null;
  return s * 1000 + Math.floor(ns / 1e6);
}

/** The usage attribute: the first present of `keys`. */
function first(a: Record<string, unknown>, ...keys: string[]): unknown {
  for (const k of keys) if (a[k] !== undefined && a[k] !== null) return a[k];
  return undefined;
}

function isSpan(o: Record<string, unknown>): boolean {
  if (typeof o.type === 'string') return o.type === 'span';
  return (
    typeof o.name === 'string' && (typeof o.spanId === 'string' || typeof o.traceId === 'string' || Array.isArray(o.startTime) || Array.isArray(o.endTime))
  );
}

/** Normalizes one object (a parsed line) of the export into `batch`; returns the call's failure reason, if any. Never throws. */
export function readCopilotOtelObject(o: unknown, ctx: CopilotOtelContext, batch: Batch = emptyBatch()): string | null {
  const rec = obj(o);
  if (!rec) {
    skip(batch, 'line of a Copilot CLI export that is not a JSON object');
    return null;
  }
  if (!isSpan(rec)) {
    skip(batch, rec.type === 'metric' ? 'Copilot CLI metric (its chat spans carry the same calls)' : 'Copilot CLI record that is not a span');
    return null;
  }
  const a = obj(rec.attributes) ?? {};
  const op = text(a['gen_ai.operation.name']) ?? (typeof rec.name === 'string' ? rec.name.split(' ')[0]! : '');
  if (op !== 'chat') {
    skip(
      batch,
      op === 'invoke_agent'
        ? 'Copilot CLI invoke_agent span (repeats its chat spans’ usage)'
        : `Copilot CLI ${op.slice(0, 40) || 'unnamed'} span (no model usage)`,
    );
    return null;
  }
  const split = splitInclusiveInput({
    input: a['gen_ai.usage.input_tokens'],
    output: a['gen_ai.usage.output_tokens'],
    cacheRead: a['gen_ai.usage.cache_read.input_tokens'],
    cacheWrite: first(a, 'gen_ai.usage.cache_write.input_tokens', 'gen_ai.usage.cache_creation.input_tokens'),
  });
  if (!split.ok) return `chat span: ${split.reason}`;
  const start = hrMs(rec.startTime);
  const end = hrMs(rec.endTime);
  const status = obj(rec.status);
  const attrs: Attrs = {};
  const put = (k: string, v: unknown) => {
    if (typeof v === 'number' && Number.isFinite(v)) attrs[k] = v;
    else if (typeof v === 'string' && v.trim()) attrs[k] = v.trim().slice(0, 64);
  };
  put('premium_requests', a['github.copilot.cost']);
  if (typeof a['github.copilot.nano_aiu'] === 'number') attrs.ai_credits = a['github.copilot.nano_aiu'] / 1e9;
  put('initiator', a['github.copilot.initiator']);
  put('provider', a['gen_ai.provider.name']);
  put('agent_version', obj(obj(rec.resource)?.attributes)?.['service.version']);
  const httpStatus = a['http.response.status_code'];
  const built = buildEvent(
    {
      source: SOURCE,
      kind: status?.code === 2 ? 'error' : 'request',
      time: end ?? start,
      timeUnit: 'ms',
      // Trace and span ids are unique per the OTLP spec; without them, the call's own fields.
      identity:
        typeof rec.traceId === 'string' && typeof rec.spanId === 'string'
          ? [rec.traceId, rec.spanId]
          : [text(a['gen_ai.response.id']), text(a['github.copilot.service_request_id']), end, start],
      session_id: text(a['gen_ai.conversation.id']) ?? text(a['session.id']),
      model: text(a['gen_ai.response.model']) ?? text(a['gen_ai.request.model']) ?? (typeof rec.name === 'string' ? text(rec.name.slice(5)) : null),
      tokens_in: split.value.tokens_in,
      tokens_out: split.value.tokens_out,
      cache_read_tokens: split.value.cache_read_tokens,
      cache_write_tokens: split.value.cache_write_tokens,
      reasoning_tokens: first(a, 'gen_ai.usage.reasoning.output_tokens', 'gen_ai.usage.reasoning_tokens'),
      latency_ms: start !== null && end !== null && end >= start ? end - start : null,
      status_code: typeof httpStatus === 'number' ? httpStatus : null,
      agent: 'copilot-cli',
      attrs,
    },
    ctx,
  );
  if (!built.ok) return `chat span: ${built.reason}`;
  batch.events.push(built.value);
  return null;
}
