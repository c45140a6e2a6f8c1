import { emptyBatch, type Attrs, type Batch, type EventKind, type Source } from '../model';
import { receivedAt, reject, skip, type NormalizeContext } from './context';
import { buildEvent, type EventDraft } from './event';
import { attrScalar, attrText, flattenAttributes, type AttrMap, type AttrValue } from './otlp-anyvalue';
import { developerIdOf, hexId, idPart, resourceInfo, sessionIdOf, timeKey, recordVcs, type ResourceInfo } from './otlp-common';
import { redactForExcerpt } from './privacy';
import { firstOtlpTime } from './time';
import { splitInclusiveInput } from './usage';
import { isRecord } from '../guards';

/**
 * OTLP spans (an `ExportTraceServiceRequest` in OTLP/JSON) → request, error and tool events for LLM spans
 * in three conventions: OpenInference (`openinference.span.kind = LLM`, `llm.*`), the OpenTelemetry GenAI
 * conventions (`gen_ai.*`, old and new attribute names) and LiteLLM's own `litellm_request` span. Every
 * other span is not an event; it is counted in `batch.skipped` under a reason (docs/sources.md).
 */

const FORMAT = 'otlp-spans';
const LLM_OPERATIONS = new Set(['chat', 'text_completion', 'completion', 'generate_content', 'responses']);
/** Extra developer id keys LiteLLM puts on its spans (its proxy's key metadata), after the standard ones. */
const LITELLM_DEV_KEYS = ['metadata.user_api_key_user_email', 'metadata.user_api_key_user_id', 'metadata.user_api_key_end_user_id'];
const LITELLM_SESSION_KEYS = ['metadata.session_id', 'metadata.litellm_session_id'];

type Convention = 'openinference' | 'genai' | 'litellm';
type Classified = { convention: Convention; kind: 'llm' | 'tool' } | { skip: string };

function classify(name: string, a: AttrMap, res: ResourceInfo): Classified {
  if (res.agent && res.agent !== 'litellm') return { skip: `${res.agent} span (its log events are the record)` };
  const oi = attrText(a.get('openinference.span.kind'));
  if (oi) return oi.toUpperCase() === 'LLM' ? { convention: 'openinference', kind: 'llm' } : { skip: 'non-LLM span (OpenInference)' };
  if (name === 'litellm_request') return { convention: 'litellm', kind: 'llm' };
  if (name === 'raw_gen_ai_request') return { skip: 'LiteLLM raw provider span (duplicates litellm_request)' };
  const op = attrText(a.get('gen_ai.operation.name'))?.toLowerCase();
  if (op === 'execute_tool') return { convention: 'genai', kind: 'tool' };
  if (op !== undefined && !LLM_OPERATIONS.has(op)) return { skip: 'non-LLM span (GenAI operation)' };
  const hasUsage =
    a.has('gen_ai.usage.input_tokens') || a.has('gen_ai.usage.prompt_tokens') || a.has('gen_ai.usage.output_tokens') || a.has('gen_ai.usage.completion_tokens');
  if (op !== undefined || hasUsage || a.has('gen_ai.request.model') || a.has('gen_ai.response.model')) {
    return { convention: res.agent === 'litellm' ? 'litellm' : 'genai', kind: 'llm' };
  }
  return { skip: 'non-LLM span' };
}

const SOURCE: Record<Convention, Source> = { openinference: 'openinference', genai: 'genai-otel', litellm: 'litellm' };

function first(a: AttrMap, ...keys: string[]): AttrValue | undefined {
  for (const k of keys) {
    const v = a.get(k);
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
}

/** An OTLP time as nanoseconds (exact for decimal strings), or null when unset. */
function nanos(v: unknown): bigint | null {
  try {
    if (typeof v === 'string' && /^\d{1,20}$/.test(v) && v !== '0') return BigInt(v);
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) return BigInt(Math.round(v));
  } catch {
    return null;
  }
  return null;
}

/** Span status ERROR (enum 2, or its proto name) or an HTTP status ≥ 400 makes an error event. */
function isErrorStatus(status: unknown): boolean {
  const code = isRecord(status) ? status.code : undefined;
  return code === 2 || code === '2' || code === 'STATUS_CODE_ERROR';
}

function softStatus(v: AttrValue | undefined): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d{3}\s*$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= 100 && n <= 599 ? n : null;
}

/** Normalizes one `ExportTraceServiceRequest`; appends to `batch` when given. Never throws on any input. */
export function normalizeOtlpSpans(req: unknown, ctx: NormalizeContext, batch: Batch = emptyBatch()): Batch {
  const at = receivedAt(ctx);
  const resourceSpans = isRecord(req) ? req.resourceSpans : undefined;
  if (!Array.isArray(resourceSpans)) {
    reject(batch, at, FORMAT, 'not an OTLP traces request: resourceSpans is missing or not an array', redactForExcerpt(req));
    return batch;
  }
  for (const rs of resourceSpans) {
    if (!isRecord(rs)) {
      reject(batch, at, FORMAT, 'resourceSpans entry is not an object', rs);
      continue;
    }
    const res = resourceInfo(rs.resource);
    const scopes = rs.scopeSpans ?? rs.instrumentationLibrarySpans;
    if (!Array.isArray(scopes)) continue;
    for (const ss of scopes) {
      const spans = isRecord(ss) ? ss.spans : undefined;
      if (!Array.isArray(spans)) continue;
      for (const span of spans) normalizeSpan(span, res, ctx, batch, at);
    }
  }
  return batch;
}

function normalizeSpan(span: unknown, res: ResourceInfo, ctx: NormalizeContext, batch: Batch, at: string): void {
  if (!isRecord(span)) {
    reject(batch, at, FORMAT, 'span is not an object', span);
    return;
  }
  const a = flattenAttributes(span.attributes);
  const name = typeof span.name === 'string' ? span.name : '';
  const c = classify(name, a, res);
  if ('skip' in c) {
    skip(batch, c.skip);
    return;
  }
  const source = SOURCE[c.convention];
  const time = firstOtlpTime(span.startTimeUnixNano, span.endTimeUnixNano);
  if (!time.ok) {
    reject(batch, at, source, `span ${JSON.stringify(name.slice(0, 60))}: ${time.reason}`, redactForExcerpt(span));
    return;
  }
  const start = nanos(span.startTimeUnixNano);
  const end = nanos(span.endTimeUnixNano);
  const latency = start !== null && end !== null ? Number(end - start) / 1e6 : null;
  const http = softStatus(first(a, 'http.response.status_code', 'http.status_code'));
  const kind: EventKind = c.kind === 'tool' ? 'tool' : isErrorStatus(span.status) || (http !== null && http >= 400) ? 'error' : 'request';

  const oi = c.convention === 'openinference';
  const model = oi
    ? first(a, 'llm.model_name')
    : c.convention === 'litellm'
      ? first(a, 'gen_ai.request.model', 'gen_ai.response.model')
      : first(a, 'gen_ai.response.model', 'gen_ai.request.model');
  const usage = oi
    ? splitInclusiveInput({
        input: first(a, 'llm.token_count.prompt'),
        output: first(a, 'llm.token_count.completion'),
        total: first(a, 'llm.token_count.total'),
        cacheRead: first(a, 'llm.token_count.prompt_details.cache_read'),
        cacheWrite: first(a, 'llm.token_count.prompt_details.cache_write'),
      })
    : splitInclusiveInput({
        input: first(a, 'gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens'),
        output: first(a, 'gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens'),
        total: first(a, 'gen_ai.usage.total_tokens', 'llm.usage.total_tokens'),
        cacheRead: first(a, 'gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_read_input_tokens'),
        cacheWrite: first(a, 'gen_ai.usage.cache_creation.input_tokens', 'gen_ai.usage.cache_creation_input_tokens'),
      });
  if (!usage.ok) {
    reject(batch, at, source, `span ${JSON.stringify(name.slice(0, 60))}: ${usage.reason}`, redactForExcerpt(span));
    return;
  }
  const reasoning = oi
    ? first(a, 'llm.token_count.completion_details.reasoning')
    : first(a, 'gen_ai.usage.reasoning_tokens', 'gen_ai.usage.output_tokens_details.reasoning_tokens', 'codex.usage.reasoning_output_tokens');
  const cost = oi ? first(a, 'llm.cost.total') : first(a, 'gen_ai.usage.cost', 'gen_ai.cost.total_cost', 'litellm.cost.total');
  const lite = c.convention === 'litellm';
  const session_id = sessionIdOf(a, res.attrs, lite ? LITELLM_SESSION_KEYS : []);
  const traceId = hexId(span.traceId);
  const spanId = hexId(span.spanId);
  const u = usage.value;
  const attrs: Attrs = {};
  const provider = attrScalar(first(a, 'llm.provider', 'llm.system', 'gen_ai.provider.name', 'gen_ai.system'));
  if (provider !== null) attrs.provider = provider;
  if (name) attrs.span = name.slice(0, 120);
  if (kind === 'error' && isRecord(span.status) && typeof span.status.message === 'string' && span.status.message)
    attrs.status_message = span.status.message.slice(0, 200);

  const vcs = recordVcs(a, res);
  const draft: EventDraft = {
    source,
    kind,
    agent: lite ? null : res.agent,
    time: time.value,
    timeUnit: 'ms',
    // Span ids are unique by the OTLP spec; without them the span's own fields identify it.
    identity:
      traceId || spanId
        ? [traceId, spanId]
        : [
            name,
            timeKey(span.startTimeUnixNano),
            timeKey(span.endTimeUnixNano),
            attrText(model),
            idPart(u.tokens_in ?? undefined),
            idPart(u.tokens_out ?? undefined),
          ],
    session_id,
    developer_id: developerIdOf(a, res.attrs, lite ? LITELLM_DEV_KEYS : []),
    repo_slug: vcs.repo_slug,
    branch: vcs.branch,
    model,
    tokens_in: u.tokens_in,
    tokens_out: u.tokens_out,
    cache_read_tokens: u.cache_read_tokens,
    cache_write_tokens: u.cache_write_tokens,
    reasoning_tokens: reasoning,
    latency_ms: latency,
    status_code: http,
    cost_usd: cost,
    tool_name: c.kind === 'tool' ? attrText(first(a, 'gen_ai.tool.name')) : null,
    attrs,
  };
  const built = buildEvent(draft, ctx);
  if (built.ok) batch.events.push(built.value);
  else reject(batch, at, source, `span ${JSON.stringify(name.slice(0, 60))}: ${built.reason}`, redactForExcerpt(span));
}
