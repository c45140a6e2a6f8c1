import * as v from 'valibot';
import { EVENT_KINDS, SOURCES, emptyBatch, type Attrs, type Batch } from '../model';
import { receivedAt, reject, type NormalizeContext } from './context';
import { buildEvent, type EventDraft } from './event';
import { isNullish, isNum, isObjectLike, nullishBool, nullishNumLike } from './guards';
import { asId } from './ids';
import { redactForExcerpt } from './privacy';
import { repoSlugFromUrl } from './repo';
import { isRecord } from '../guards';

/**
 * ProdLens's own event JSON (docs/events.md): the canonical column names in snake_case, one object per
 * event, sent to `POST /v1/events` or imported from `.json` / `.ndjson` files. Unknown fields are rejected so
 * a misspelt column is reported instead of silently dropped; the derived columns of an exported row
 * (`event_date`, `trace_hash`, …) are accepted and recomputed.
 */

const FORMAT = 'prodlens';
const NumLike = v.nullish(v.union([v.number(), v.string()]));
const Text = v.nullish(v.pipe(v.string(), v.maxLength(1024)));
const Scalar = v.union([v.string(), v.number(), v.boolean(), v.null()]);

const EventSchema = v.strictObject({
  timestamp: v.union([v.string(), v.number()]),
  kind: v.picklist(EVENT_KINDS),
  source: v.optional(v.picklist(SOURCES)),
  event_id: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(256))),
  session_id: Text,
  developer_id: Text,
  model: Text,
  tokens_in: NumLike,
  tokens_out: NumLike,
  total_tokens: NumLike,
  cache_read_tokens: NumLike,
  cache_write_tokens: NumLike,
  reasoning_tokens: NumLike,
  latency_ms: NumLike,
  status_code: NumLike,
  accepted_flag: v.nullish(v.boolean()),
  accepted_lines: NumLike,
  diff_ratio: NumLike,
  lines_added: NumLike,
  lines_removed: NumLike,
  cost_usd: NumLike,
  repo_slug: Text,
  branch: Text,
  tool_name: Text,
  language: Text,
  agent: Text,
  attrs: v.nullish(
    v.pipe(
      v.record(v.string(), Scalar),
      v.check((r) => Object.keys(r).length <= 32, 'attrs has more than 32 keys'),
    ),
  ),
  // Derived columns of an exported row: accepted, ignored, recomputed.
  event_date: v.optional(v.unknown()),
  trace_hash: v.optional(v.unknown()),
  ts_ms: v.optional(v.unknown()),
  cost_source: v.optional(v.unknown()),
  price_version: v.optional(v.unknown()),
  device_id: v.optional(v.unknown()),
});

/** Shape test used by the detector: an object with `timestamp` and a string `kind`. */
export function isProdLensEvent(doc: unknown): boolean {
  return isRecord(doc) && typeof doc.kind === 'string' && 'timestamp' in doc;
}

/** Normalizes one event or an array of events; appends to `batch` when given. Never throws on any input. */
export function normalizeProdLensEvents(doc: unknown, ctx: NormalizeContext, batch: Batch = emptyBatch()): Batch {
  const at = receivedAt(ctx);
  if (Array.isArray(doc)) for (const item of doc) normalizeOne(item, ctx, batch, at);
  else normalizeOne(doc, ctx, batch, at);
  return batch;
}

function copyAttrs(a: Record<string, string | number | boolean | null>): Attrs {
  const out: Attrs = {};
  for (const [k, x] of Object.entries(a)) if (k !== '__proto__') out[k] = typeof x === 'string' && x.length > 1024 ? x.slice(0, 1024) : x;
  return out;
}

const TEXT_KEYS = ['session_id', 'developer_id', 'model', 'repo_slug', 'branch', 'tool_name', 'language', 'agent'];
const NUM_KEYS = [
  'tokens_in',
  'tokens_out',
  'total_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'reasoning_tokens',
  'latency_ms',
  'status_code',
  'accepted_lines',
  'diff_ratio',
  'lines_added',
  'lines_removed',
  'cost_usd',
];
const KNOWN_KEYS = new Set(Object.keys(EventSchema.entries));
const KIND_SET = new Set<string>(EVENT_KINDS);
const SOURCE_SET = new Set<string>(SOURCES);
const isScalar = (x: unknown) => x === null || typeof x === 'string' || typeof x === 'boolean' || isNum(x);

/**
 * The `EventSchema` verdict without valibot's key-by-key copy (the hot path of NDJSON imports). A unit
 * test checks it agrees with `v.is(EventSchema, …)`; on failure the schema produces the message.
 */
export function isValidEvent(x: unknown): x is v.InferOutput<typeof EventSchema> {
  if (!isObjectLike(x)) return false;
  for (const k in x) if (!KNOWN_KEYS.has(k)) return false;
  if (!(typeof x.timestamp === 'string' || isNum(x.timestamp))) return false;
  if (typeof x.kind !== 'string' || !KIND_SET.has(x.kind)) return false;
  if (x.source !== undefined && (typeof x.source !== 'string' || !SOURCE_SET.has(x.source))) return false;
  if (x.event_id !== undefined && (typeof x.event_id !== 'string' || x.event_id.length < 1 || x.event_id.length > 256)) return false;
  for (const k of TEXT_KEYS) {
    const t = x[k];
    if (!isNullish(t) && (typeof t !== 'string' || t.length > 1024)) return false;
  }
  for (const k of NUM_KEYS) if (!nullishNumLike(x[k])) return false;
  if (!nullishBool(x.accepted_flag)) return false;
  const a = x.attrs;
  if (isNullish(a)) return true;
  if (!isObjectLike(a)) return false;
  let n = 0;
  for (const k in a) {
    if (!isScalar(a[k])) return false;
    n++;
  }
  return n <= 32;
}

export { EventSchema as ProdLensEventSchema };

function normalizeOne(item: unknown, ctx: NormalizeContext, batch: Batch, at: string): void {
  let e: v.InferOutput<typeof EventSchema>;
  if (isValidEvent(item)) e = item;
  else {
    const parsed = v.safeParse(EventSchema, item);
    if (!parsed.success) {
      const issue = parsed.issues[0];
      const path = v.getDotPath(issue);
      reject(batch, at, FORMAT, `invalid ProdLens event: ${path ? `${path}: ` : ''}${issue.message}`, redactForExcerpt(item));
      return;
    }
    e = parsed.output;
  }
  const source = e.source ?? 'prodlens';
  const repo = e.repo_slug ? repoSlugFromUrl(e.repo_slug) : null;
  if (e.repo_slug && !repo) {
    reject(batch, at, source, `repo_slug ${JSON.stringify(e.repo_slug.slice(0, 80))} is not owner/name or a git URL`, redactForExcerpt(item));
    return;
  }
  const explicitId = e.event_id ?? (typeof e.trace_hash === 'string' && e.trace_hash ? e.trace_hash : undefined);
  const draft: EventDraft = {
    source,
    kind: e.kind,
    time: e.timestamp,
    // Identity: the sender's event_id (re-sending it updates the event), else the event's own fields.
    identity: explicitId
      ? ['id', explicitId]
      : [
          'content',
          e.session_id ?? null,
          e.developer_id ?? null,
          String(e.timestamp),
          e.model ?? null,
          e.tool_name ?? null,
          String(e.tokens_in ?? ''),
          String(e.tokens_out ?? ''),
          String(e.latency_ms ?? ''),
          e.repo_slug ?? null,
        ],
    session_id: asId(e.session_id),
    developer_id: asId(e.developer_id),
    model: e.model,
    tokens_in: e.tokens_in,
    tokens_out: e.tokens_out,
    total_tokens: e.total_tokens,
    cache_read_tokens: e.cache_read_tokens,
    cache_write_tokens: e.cache_write_tokens,
    reasoning_tokens: e.reasoning_tokens,
    latency_ms: e.latency_ms,
    status_code: e.status_code,
    accepted_flag: e.accepted_flag ?? null,
    accepted_lines: e.accepted_lines,
    diff_ratio: e.diff_ratio,
    lines_added: e.lines_added,
    lines_removed: e.lines_removed,
    cost_usd: e.cost_usd,
    repo_slug: repo,
    branch: asId(e.branch),
    tool_name: asId(e.tool_name),
    language: asId(e.language),
    agent: asId(e.agent),
    attrs: e.attrs ? copyAttrs(e.attrs) : null,
  };
  const built = buildEvent(draft, ctx);
  if (built.ok) batch.events.push(built.value);
  else reject(batch, at, source, built.reason, redactForExcerpt(item));
}
