import * as v from 'valibot';
import { emptyBatch, type Attrs, type Batch } from '../model';
import { receivedAt, reject, type NormalizeContext } from './context';
import { buildEvent, type EventDraft } from './event';
import { isNullish, isNumLike, isObjectLike, nullishBool, nullishNumLike, nullishStr } from './guards';
import { developerIdFromText, pickId, sessionIdFromText } from './ids';
import { preciseEpochSeconds } from './litellm-time';
import { redactForExcerpt } from './privacy';
import { repoSlugFromUrl } from './repo';
import { splitInclusiveInput } from './usage';
import { isRecord } from '../guards';

/**
 * LiteLLM's `StandardLoggingPayload` (what its generic API logger, S3/GCS loggers and custom callbacks
 * emit; `log_format` json_array, ndjson or single) → events with source `litellm`. The schema below names
 * only the fields ProdLens reads; the rest (messages, response, model_parameters, …) is never read.
 * Choices (ids, tokens, cost): docs/sources.md.
 */

const SOURCE = 'litellm';
const NumLike = v.nullish(v.union([v.number(), v.string()]));
const Str = v.nullish(v.string());

const Metadata = v.looseObject({
  user_api_key_user_email: Str,
  user_api_key_user_id: Str,
  user_api_key_end_user_id: Str,
  user_api_key_alias: Str,
  user_api_key_team_alias: Str,
  session_id: Str,
  litellm_session_id: Str,
  spend_logs_metadata: v.nullish(v.union([v.record(v.string(), v.unknown()), v.string()])),
  requester_metadata: v.nullish(v.union([v.record(v.string(), v.unknown()), v.string()])),
  usage_object: v.nullish(v.record(v.string(), v.unknown())),
});

const Payload = v.looseObject({
  id: Str,
  trace_id: Str,
  call_type: Str,
  status: Str,
  model: Str,
  model_group: Str,
  custom_llm_provider: Str,
  response_cost: NumLike,
  prompt_tokens: NumLike,
  completion_tokens: NumLike,
  total_tokens: NumLike,
  startTime: v.union([v.number(), v.string()]),
  endTime: NumLike,
  completionStartTime: NumLike,
  // A boolean in the payload; the string "None"/"True"/"False" where it passed through Python's str().
  cache_hit: v.nullish(v.union([v.boolean(), v.string()])),
  response_time: NumLike,
  stream: v.nullish(v.boolean()),
  end_user: Str,
  request_tags: v.nullish(v.array(v.unknown())),
  error_str: Str,
  error_information: v.nullish(v.looseObject({ error_code: NumLike, error_class: Str })),
  metadata: v.nullish(Metadata),
});
type Payload = v.InferOutput<typeof Payload>;

/** Shape test used by the detector: a StandardLoggingPayload always has `call_type` or `response_cost`, and a start time. */
export function isLiteLlmPayload(doc: unknown): boolean {
  return isRecord(doc) && 'startTime' in doc && (typeof doc.call_type === 'string' || 'response_cost' in doc);
}

/** Normalizes one payload or an array of them; appends to `batch` when given. Never throws on any input. */
export function normalizeLiteLlm(doc: unknown, ctx: NormalizeContext, batch: Batch = emptyBatch()): Batch {
  const at = receivedAt(ctx);
  if (Array.isArray(doc)) {
    for (const item of doc) normalizeOne(item, ctx, batch, at);
  } else normalizeOne(doc, ctx, batch, at);
  return batch;
}

function num(x: unknown): number | null {
  const n = typeof x === 'number' ? x : typeof x === 'string' && x.trim() !== '' ? Number(x) : NaN;
  return Number.isFinite(n) ? n : null;
}

function text(x: unknown): string | null {
  if (typeof x === 'string') return x;
  if (x === null || x === undefined) return null;
  try {
    return JSON.stringify(x);
  } catch {
    return null;
  }
}

function softStatus(x: unknown): number | null {
  const n = num(x);
  return n !== null && Number.isInteger(n) && n >= 100 && n <= 599 ? n : null;
}

const META_STR = [
  'user_api_key_user_email',
  'user_api_key_user_id',
  'user_api_key_end_user_id',
  'user_api_key_alias',
  'user_api_key_team_alias',
  'session_id',
  'litellm_session_id',
];
const TOP_STR = ['id', 'trace_id', 'call_type', 'status', 'model', 'model_group', 'custom_llm_provider', 'end_user', 'error_str'];
const TOP_NUM = ['response_cost', 'prompt_tokens', 'completion_tokens', 'total_tokens', 'endTime', 'completionStartTime', 'response_time'];
const recordOrText = (x: unknown) => isNullish(x) || isObjectLike(x) || typeof x === 'string';

/**
 * The `Payload` schema's verdict, computed without copying the payload (valibot's object schemas rebuild
 * it key by key, which costs more than the rest of the normalizer on large payloads). A unit test checks
 * this agrees with `v.is(Payload, …)`; on failure the schema produces the message.
 */
export function isValidPayload(x: unknown): x is Payload {
  if (!isObjectLike(x) || !isNumLike(x.startTime)) return false;
  for (const k of TOP_STR) if (!nullishStr(x[k])) return false;
  for (const k of TOP_NUM) if (!nullishNumLike(x[k])) return false;
  if (!(nullishBool(x.cache_hit) || typeof x.cache_hit === 'string') || !nullishBool(x.stream)) return false;
  if (!isNullish(x.request_tags) && !Array.isArray(x.request_tags)) return false;
  const err = x.error_information;
  if (!isNullish(err) && (!isObjectLike(err) || !nullishNumLike(err.error_code) || !nullishStr(err.error_class))) return false;
  const md = x.metadata;
  if (isNullish(md)) return true;
  if (!isObjectLike(md)) return false;
  for (const k of META_STR) if (!nullishStr(md[k])) return false;
  return recordOrText(md.spend_logs_metadata) && recordOrText(md.requester_metadata) && (isNullish(md.usage_object) || isObjectLike(md.usage_object));
}

export { Payload as LiteLlmPayloadSchema };

function normalizeOne(item: unknown, ctx: NormalizeContext, batch: Batch, at: string): void {
  let p: Payload;
  if (isValidPayload(item)) p = item;
  else {
    const parsed = v.safeParse(Payload, item);
    if (!parsed.success) {
      const issue = parsed.issues[0];
      const path = v.getDotPath(issue);
      reject(batch, at, SOURCE, `invalid LiteLLM payload: ${path ? `${path}: ` : ''}${issue.message}`, redactForExcerpt(item));
      return;
    }
    p = parsed.output;
  }
  const md = p.metadata ?? {};
  const usage = md.usage_object ?? {};
  const details = isRecord(usage.prompt_tokens_details) ? usage.prompt_tokens_details : {};
  const outDetails = isRecord(usage.completion_tokens_details) ? usage.completion_tokens_details : {};
  // LiteLLM reports OpenAI-style usage: prompt_tokens includes cache reads (and, for Anthropic, writes).
  const split = splitInclusiveInput({
    input: p.prompt_tokens,
    output: p.completion_tokens,
    total: p.total_tokens,
    cacheRead: details.cached_tokens ?? usage.cache_read_input_tokens,
    cacheWrite: usage.cache_creation_input_tokens ?? details.cache_creation_tokens,
  });
  if (!split.ok) {
    reject(batch, at, SOURCE, split.reason, redactForExcerpt(item));
    return;
  }
  // Epoch-second floats, or strings like `2025-01-24 09:20:46.847371` in some versions.
  const start = preciseEpochSeconds(p.startTime);
  const end = preciseEpochSeconds(p.endTime);
  const firstToken = preciseEpochSeconds(p.completionStartTime);
  const responseTime = num(p.response_time);
  const tags = (p.request_tags ?? []).filter((t): t is string => typeof t === 'string');
  const spend = md.spend_logs_metadata;
  // Free text for the regex id fallback, built only when no id field has one.
  const texts = () => [...tags, text(spend), text(md.requester_metadata)];
  const spendObj = isRecord(spend) ? spend : {};
  const failed = p.status === 'failure' || (!p.status && !!p.error_str);

  const attrs: Attrs = {};
  const put = (k: string, x: unknown) => {
    if (typeof x === 'string' && x) attrs[k] = x.slice(0, 200);
    else if (typeof x === 'number' || typeof x === 'boolean') attrs[k] = x;
  };
  put('call_type', p.call_type);
  put('model_group', p.model_group);
  put('provider', p.custom_llm_provider);
  put('cache_hit', typeof p.cache_hit === 'string' ? (/^true$/i.test(p.cache_hit) ? true : /^false$/i.test(p.cache_hit) ? false : null) : p.cache_hit);
  put('stream', p.stream);
  put('key_alias', md.user_api_key_alias);
  put('team_alias', md.user_api_key_team_alias);
  put('error_class', p.error_information?.error_class);
  if (start !== null && firstToken !== null && firstToken >= start && p.stream) attrs.ttft_ms = Math.round((firstToken - start) * 1e6) / 1e3;

  const draft: EventDraft = {
    source: SOURCE,
    kind: failed ? 'error' : 'request',
    time: p.startTime,
    // Identity: LiteLLM's call id, unique per call; without it the call's own fields.
    identity: p.id ? [p.id] : [p.trace_id ?? null, String(p.startTime), p.model ?? null, String(p.prompt_tokens ?? ''), String(p.completion_tokens ?? '')],
    session_id:
      pickId(md.session_id, md.litellm_session_id, isRecord(md.requester_metadata) ? md.requester_metadata.session_id : undefined, spendObj.session_id) ??
      sessionIdFromText(...texts()),
    developer_id: pickId(md.user_api_key_user_email, md.user_api_key_user_id, p.end_user, md.user_api_key_end_user_id) ?? developerIdFromText(...texts()),
    repo_slug: repoSlugFromUrl(spendObj['vcs.repository.url.full']) ?? repoSlugFromUrl(spendObj['vcs.repository.name']) ?? repoSlugFromUrl(spendObj.repo),
    branch: pickId(spendObj['vcs.ref.head.name'], spendObj.branch),
    model: p.model,
    tokens_in: split.value.tokens_in,
    tokens_out: split.value.tokens_out,
    cache_read_tokens: split.value.cache_read_tokens,
    cache_write_tokens: split.value.cache_write_tokens,
    reasoning_tokens: outDetails.reasoning_tokens as unknown,
    // end − start; else `response_time` (seconds; for a stream LiteLLM documents it as time to first token,
    // so it is used only when the payload is not a stream).
    latency_ms:
      start !== null && end !== null && end >= start
        ? Math.round((end - start) * 1e6) / 1e3
        : responseTime !== null && responseTime >= 0 && !p.stream
          ? Math.round(responseTime * 1e6) / 1e3
          : null,
    status_code: softStatus(p.error_information?.error_code),
    cost_usd: p.response_cost,
    attrs,
  };
  const built = buildEvent(draft, ctx);
  if (built.ok) batch.events.push(built.value);
  else reject(batch, at, SOURCE, built.reason, redactForExcerpt(item));
}
