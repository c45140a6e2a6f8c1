import type { AiEvent, Attrs, CostSource, EventKind, Source } from '../model';
import type { PriceTable } from '../pricing';
import { stableHash } from './hash';
import { normalizeDeveloperId } from './ids';
import { fail, ok, type Result } from './result';
import { isoUtc, toEpochMs, type TimeUnit } from './time';
import { coerceCount, coerceReal, coerceStatus, deriveTokens } from './tokens';

/**
 * What a normalizer extracts from one source record, still raw (numbers may be strings, times any
 * supported representation). `buildEvent` applies the canonical rules in one place.
 */
export interface EventDraft {
  source: Source;
  kind: EventKind;
  time: unknown;
  timeUnit?: TimeUnit;
  /**
   * The fields that identify this record within its source (e.g. a message id and request id, or session,
   * time and sequence). Hashed with `source` and `kind` into `trace_hash`.
   */
  identity: ReadonlyArray<string | number | boolean | null | undefined>;
  /** Hash under another source name, so the same record arriving through two channels dedups. */
  hashSource?: string;
  session_id?: string | null;
  developer_id?: string | null;
  model?: unknown;
  tokens_in?: unknown;
  tokens_out?: unknown;
  total_tokens?: unknown;
  cache_read_tokens?: unknown;
  cache_write_tokens?: unknown;
  reasoning_tokens?: unknown;
  latency_ms?: unknown;
  status_code?: unknown;
  /** The cost the source reported, if any. */
  cost_usd?: unknown;
  accepted_flag?: boolean | null;
  diff_ratio?: unknown;
  accepted_lines?: unknown;
  lines_added?: unknown;
  lines_removed?: unknown;
  language?: string | null;
  agent?: string | null;
  tool_name?: string | null;
  repo_slug?: string | null;
  branch?: string | null;
  attrs?: Attrs | null;
}

export interface BuildContext {
  prices: PriceTable;
}

function str(v: unknown): string | null {
  if (typeof v === 'string') {
    const s = v.trim();
    return s ? s.slice(0, 256) : null;
  }
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

/** Applies the canonical rules (UTC time, token coercion and derivation, cost, hash) to a draft. */
export function buildEvent(d: EventDraft, ctx: BuildContext): Result<AiEvent> {
  const t = toEpochMs(d.time, d.timeUnit ?? 'auto');
  if (!t.ok) return fail(t.reason);
  const ts = t.value;

  // Unrolled (not a loop over field names): this runs once per record on the import hot path.
  const tIn = coerceCount(d.tokens_in, 'tokens_in');
  if (!tIn.ok) return fail(tIn.reason);
  const tOut = coerceCount(d.tokens_out, 'tokens_out');
  if (!tOut.ok) return fail(tOut.reason);
  const tTotal = coerceCount(d.total_tokens, 'total_tokens');
  if (!tTotal.ok) return fail(tTotal.reason);
  const cRead = coerceCount(d.cache_read_tokens, 'cache_read_tokens');
  if (!cRead.ok) return fail(cRead.reason);
  const cWrite = coerceCount(d.cache_write_tokens, 'cache_write_tokens');
  if (!cWrite.ok) return fail(cWrite.reason);
  const reasoning = coerceCount(d.reasoning_tokens, 'reasoning_tokens');
  if (!reasoning.ok) return fail(reasoning.reason);
  const acceptedLines = coerceCount(d.accepted_lines, 'accepted_lines');
  if (!acceptedLines.ok) return fail(acceptedLines.reason);
  const added = coerceCount(d.lines_added, 'lines_added');
  if (!added.ok) return fail(added.reason);
  const removed = coerceCount(d.lines_removed, 'lines_removed');
  if (!removed.ok) return fail(removed.reason);
  const tri = deriveTokens({ tokens_in: tIn.value, tokens_out: tOut.value, total_tokens: tTotal.value });
  if (!tri.ok) return fail(tri.reason);

  const latency = coerceReal(d.latency_ms, 'latency_ms');
  if (!latency.ok) return fail(latency.reason);
  const status = coerceStatus(d.status_code);
  if (!status.ok) return fail(status.reason);
  const reported = coerceReal(d.cost_usd, 'cost_usd');
  if (!reported.ok) return fail(reported.reason);
  const ratio = coerceReal(d.diff_ratio, 'diff_ratio');
  if (!ratio.ok) return fail(ratio.reason);
  if (ratio.value !== null && ratio.value > 1) return fail(`diff_ratio ${ratio.value} is above 1`);

  const model = str(d.model);
  const base = {
    tokens_in: tri.value.tokens_in,
    tokens_out: tri.value.tokens_out,
    cache_read_tokens: cRead.value,
    cache_write_tokens: cWrite.value,
  };
  let cost_usd: number | null = null;
  let cost_source: CostSource = 'unknown';
  let price_version: string | null = null;
  if (reported.value !== null) {
    cost_usd = reported.value;
    cost_source = 'reported';
  } else {
    const est = ctx.prices.estimate(model, base, ts);
    if (est) {
      cost_usd = est.cost_usd;
      cost_source = 'estimated';
      price_version = est.price_version;
    }
  }

  const timestamp = isoUtc(ts);
  return ok({
    session_id: d.session_id ?? null,
    developer_id: normalizeDeveloperId(d.developer_id ?? null),
    timestamp,
    model,
    tokens_in: base.tokens_in,
    tokens_out: base.tokens_out,
    latency_ms: latency.value,
    status_code: status.value,
    accepted_flag: d.accepted_flag ?? null,
    repo_slug: d.repo_slug ?? null,
    event_date: timestamp.slice(0, 10),
    total_tokens: tri.value.total_tokens,
    cost_usd,
    diff_ratio: ratio.value,
    accepted_lines: acceptedLines.value,
    trace_hash: stableHash([d.hashSource ?? d.source, d.kind, ...d.identity]),
    source: d.source,
    kind: d.kind,
    cache_read_tokens: base.cache_read_tokens,
    cache_write_tokens: base.cache_write_tokens,
    tool_name: d.tool_name ?? null,
    branch: d.branch ?? null,
    device_id: null,
    cost_source,
    ts_ms: ts,
    reasoning_tokens: reasoning.value,
    lines_added: added.value,
    lines_removed: removed.value,
    language: d.language ?? null,
    agent: d.agent ?? null,
    price_version,
    attrs: d.attrs && Object.keys(d.attrs).length ? d.attrs : null,
  });
}
