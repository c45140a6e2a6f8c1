import { createHash } from 'node:crypto';
import { emptyBatch, type Attrs, type Batch } from '../model';
import { receivedAt, reject, type NormalizeContext } from './context';
import { buildEvent } from './event';
import { developerIdFromText, pickId, sessionIdFromText } from './ids';
import { preciseEpochSeconds } from './litellm-time';
import { redactForExcerpt } from './privacy';
import { repoSlugFromUrl } from './repo';
import { splitInclusiveInput } from './usage';
import { isRecord } from '../guards';

/**
 * A row of the LiteLLM proxy's `LiteLLM_SpendLogs` table, as the proxy stores it (schema.prisma) and hands it
 * out (`GET /spend/logs`, the UI's export, a database dump): `request_id` (the primary key), `spend`,
 * `prompt_tokens`/`completion_tokens`/`total_tokens`, `startTime`/`endTime` (ISO strings, or
 * `YYYY-MM-DD HH:MM:SS.ffffff` from a dump), `metadata` (an object, or the JSON string of one — the
 * SpendLogsPayload type declares it `str`), `cache_hit` as a string (`"True"`, `"False"`, `"None"`, `""`),
 * `request_tags` (array or JSON string), `api_key` (the proxy's SHA-256 of the virtual key), `user`,
 * `team_id`, `end_user`, `session_id`, `status`. `messages`/`response`/`proxy_server_request` hold content
 * and are never read. Source `litellm-spend-logs`; choices in docs/sources.md.
 */

const SOURCE = 'litellm-spend-logs';

/** Shape test: the table's primary key, the spend column and a start time. */
export function isSpendLogRow(doc: unknown): boolean {
  if (!isRecord(doc)) return false;
  if (typeof doc.request_id === 'string' && 'spend' in doc && 'startTime' in doc) return true;
  // `/spend/logs/v2` pages: {data: [rows], total, page, page_size, total_pages}.
  return Array.isArray(doc.data) && 'page' in doc && doc.data.length > 0 && isSpendLogRow(doc.data[0]);
}

/** A JSON-string column (metadata, request_tags) as its value; objects pass through; bad JSON is null. */
function jsonColumn(x: unknown): unknown {
  if (typeof x !== 'string') return x;
  const s = x.trim();
  if (!s || (s[0] !== '{' && s[0] !== '[')) return null;
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return null;
  }
}

/** LiteLLM writes Python's `str()` of the flag: "True"/"False", "None" or "" when unknown. */
function cacheHit(x: unknown): boolean | null {
  if (typeof x === 'boolean') return x;
  if (typeof x !== 'string') return null;
  const s = x.trim().toLowerCase();
  return s === 'true' ? true : s === 'false' ? false : null;
}

/** The first 16 hex characters of a SHA-256: a stable, non-reversible name for an API key. */
export function keyHash(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

function str(x: unknown): string | null {
  return typeof x === 'string' && x.trim() ? x.trim() : null;
}

/** Normalizes one row or an array of rows (what `/spend/logs` answers); appends to `batch`. Never throws. */
export function normalizeSpendLogs(doc: unknown, ctx: NormalizeContext, batch: Batch = emptyBatch()): Batch {
  const at = receivedAt(ctx);
  const rows = Array.isArray(doc) ? doc : isRecord(doc) && Array.isArray(doc.data) && !('request_id' in doc) ? doc.data : [doc];
  for (const row of rows) normalizeRow(row, ctx, batch, at);
  return batch;
}

function normalizeRow(row: unknown, ctx: NormalizeContext, batch: Batch, at: string): void {
  if (!isRecord(row) || typeof row.request_id !== 'string' || !row.request_id) {
    reject(batch, at, SOURCE, 'invalid LiteLLM spend log row: request_id is missing', redactForExcerpt(row));
    return;
  }
  const rawMeta = row.metadata;
  const md = jsonColumn(rawMeta);
  if (rawMeta !== undefined && rawMeta !== null && rawMeta !== '' && !isRecord(md)) {
    reject(
      batch,
      at,
      SOURCE,
      'invalid LiteLLM spend log row: metadata is neither an object nor the JSON text of one',
      redactForExcerpt({ ...row, metadata: '[unreadable]' }),
    );
    return;
  }
  const meta = isRecord(md) ? md : {};
  const extra = isRecord(meta.additional_usage_values) ? meta.additional_usage_values : isRecord(meta.usage_object) ? meta.usage_object : {};
  const details = isRecord(extra.prompt_tokens_details) ? extra.prompt_tokens_details : {};
  const outDetails = isRecord(extra.completion_tokens_details) ? extra.completion_tokens_details : {};
  // Spend logs carry OpenAI-style usage: prompt_tokens includes cache reads (and Anthropic's cache writes).
  const split = splitInclusiveInput({
    input: row.prompt_tokens,
    output: row.completion_tokens,
    total: row.total_tokens,
    cacheRead: extra.cache_read_input_tokens ?? details.cached_tokens,
    cacheWrite: extra.cache_creation_input_tokens ?? details.cache_creation_tokens,
  });
  if (!split.ok) {
    reject(batch, at, SOURCE, split.reason, redactForExcerpt(row));
    return;
  }
  const tagsCol = jsonColumn(row.request_tags);
  const tags = Array.isArray(tagsCol) ? tagsCol.filter((t): t is string => typeof t === 'string') : [];
  const spend = isRecord(meta.spend_logs_metadata) ? meta.spend_logs_metadata : {};
  const texts = () => [...tags, JSON.stringify(spend)];
  const status = str(row.status) ?? str(meta.status);
  const errInfo = isRecord(meta.error_information) ? meta.error_information : {};
  const start = preciseEpochSeconds(row.startTime);
  const end = preciseEpochSeconds(row.endTime);
  const apiKey = str(row.api_key) ?? str(meta.user_api_key);
  const duration = typeof row.request_duration_ms === 'number' ? row.request_duration_ms : null;

  const attrs: Attrs = {};
  const put = (k: string, x: unknown) => {
    if (typeof x === 'string' && x.trim()) attrs[k] = x.trim().slice(0, 200);
    else if (typeof x === 'number' || typeof x === 'boolean') attrs[k] = x;
  };
  put('call_type', row.call_type);
  put('model_group', row.model_group);
  put('provider', row.custom_llm_provider);
  put('cache_hit', cacheHit(row.cache_hit));
  put('team_id', row.team_id ?? meta.user_api_key_team_id);
  put('team_alias', meta.user_api_key_team_alias);
  put('key_alias', meta.user_api_key_alias);
  if (apiKey) attrs.api_key_hash = keyHash(apiKey);
  put('error_class', errInfo.error_class);

  // Developer: the key's user, the request's `user`, the end user, then the key's alias, then the key itself
  // (hashed) — a team key shared by one developer still groups their requests.
  const developer =
    pickId(meta.user_api_key_user_email, meta.user_api_key_user_id, row.user, row.end_user, meta.user_api_key_end_user_id) ??
    developerIdFromText(...texts()) ??
    pickId(meta.user_api_key_alias) ??
    (apiKey ? `key:${keyHash(apiKey)}` : null);

  const built = buildEvent(
    {
      source: SOURCE,
      kind: status === 'failure' ? 'error' : 'request',
      time: row.startTime,
      // request_id is the table's primary key: the same row pulled or imported twice is one event.
      identity: [row.request_id],
      session_id: pickId(row.session_id, meta.session_id, spend.session_id) ?? sessionIdFromText(...texts()),
      developer_id: developer,
      repo_slug: repoSlugFromUrl(spend['vcs.repository.url.full']) ?? repoSlugFromUrl(spend['vcs.repository.name']) ?? repoSlugFromUrl(spend.repo),
      branch: pickId(spend['vcs.ref.head.name'], spend.branch),
      model: str(row.model) ?? str(row.model_group),
      tokens_in: split.value.tokens_in,
      tokens_out: split.value.tokens_out,
      cache_read_tokens: split.value.cache_read_tokens,
      cache_write_tokens: split.value.cache_write_tokens,
      reasoning_tokens: outDetails.reasoning_tokens,
      latency_ms: duration ?? (start !== null && end !== null && end >= start ? Math.round((end - start) * 1e6) / 1e3 : null),
      status_code: softStatus(errInfo.error_code),
      cost_usd: row.spend,
      attrs,
    },
    ctx,
  );
  if (built.ok) batch.events.push(built.value);
  else reject(batch, at, SOURCE, built.reason, redactForExcerpt(row));
}

function softStatus(x: unknown): number | null {
  const n = typeof x === 'number' ? x : typeof x === 'string' ? Number(x) : NaN;
  return Number.isInteger(n) && n >= 100 && n <= 599 ? n : null;
}
