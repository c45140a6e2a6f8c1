/**
 * The canonical records every source is normalized into. Column names follow the seed schema (see
 * ARCHITECTURE.md, "Canonical AI event"); they are a contract read by the Parquet export and the central
 * team's tooling, so they are snake_case and must not be renamed.
 */

/** What an event describes. */
/** `survey`: the developer's answer to an experience-sampling question (src/core/survey), tied to a session. */
export const EVENT_KINDS = ['request', 'error', 'edit', 'tool', 'prompt', 'session', 'survey'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** Where `cost_usd` came from: the source itself, the price table, or nowhere (unknown model). */
export type CostSource = 'reported' | 'estimated' | 'unknown';

/**
 * Known `source` values. A source names the producer and the channel, so the same agent seen through
 * OpenTelemetry and through its transcript files stays distinguishable.
 */
export const SOURCES = [
  'claude-code-otel',
  'claude-code-transcript',
  'codex-otel',
  'codex-transcript',
  'gemini-cli-otel',
  'gemini-cli-chat',
  'cline-history',
  'roo-code-history',
  'kilo-code-history',
  'copilot-cli-session',
  'copilot-cli-otel',
  'litellm',
  'litellm-spend-logs',
  'openinference',
  'genai-otel',
  'prodlens',
  'editor',
] as const;
export type Source = (typeof SOURCES)[number];

/** Small metadata attached to an event. Never prompt text or source code. */
export type Attrs = Record<string, string | number | boolean | null>;

/** One row per model request, error, tool call or AI edit. Times are UTC. */
export interface AiEvent {
  session_id: string | null;
  developer_id: string | null;
  /** ISO 8601 UTC with milliseconds, e.g. `2026-01-05T10:00:00.123Z`. */
  timestamp: string;
  model: string | null;
  /** Input tokens not served from or written to a cache (Anthropic's convention; see README). */
  tokens_in: number | null;
  tokens_out: number | null;
  latency_ms: number | null;
  status_code: number | null;
  accepted_flag: boolean | null;
  /** `owner/name`. */
  repo_slug: string | null;
  /** `YYYY-MM-DD` of `timestamp` in UTC. */
  event_date: string;
  /** `tokens_in + tokens_out` (the seed's definition); cache tokens are in their own columns. */
  total_tokens: number | null;
  cost_usd: number | null;
  diff_ratio: number | null;
  accepted_lines: number | null;
  /** Stable hash of the identifying fields; re-ingesting the same input changes nothing. */
  trace_hash: string;
  source: Source;
  kind: EventKind;
  cache_read_tokens: number | null;
  cache_write_tokens: number | null;
  tool_name: string | null;
  branch: string | null;
  /** Random per installation; filled by ingest. */
  device_id: string | null;
  cost_source: CostSource;

  // ProdLens additions (after the seed's columns).
  /** `timestamp` as epoch milliseconds. */
  ts_ms: number;
  reasoning_tokens: number | null;
  lines_added: number | null;
  lines_removed: number | null;
  /** Editor language id or file extension, for edits. */
  language: string | null;
  /** The agent behind the event (claude-code, codex, gemini-cli, copilot, …) when known. */
  agent: string | null;
  /** Version/date of the price table that produced an estimated cost. */
  price_version: string | null;
  attrs: Attrs | null;
}

/** OTLP aggregation temporality, as text. */
export type Temporality = 'delta' | 'cumulative' | 'gauge';

/** One metric data point (e.g. a Claude Code counter), stored so the report can use it. */
export interface MetricPoint {
  point_hash: string;
  source: Source;
  name: string;
  unit: string | null;
  temporality: Temporality;
  value: number;
  start_ms: number | null;
  ts_ms: number;
  timestamp: string;
  event_date: string;
  session_id: string | null;
  developer_id: string | null;
  model: string | null;
  repo_slug: string | null;
  branch: string | null;
  device_id: string | null;
  /** Data point attributes that matter for analysis (type, decision, language, tool, …). */
  attrs: Attrs | null;
}

/** A record that could not be normalized, kept with its reason. */
export interface DeadLetter {
  /** ISO 8601 UTC. */
  received_at: string;
  source: string;
  reason: string;
  /**
   * A description of the offending input: its kind, size and hash (see `excerpt()`), never its text. The
   * store keeps only `bytes`, `hash` and `path` (computed from this string if absent), never this field.
   */
  excerpt: string;
  /** Size of the offending input in bytes (UTF-8 for text). */
  bytes?: number;
  /** sha256 of the offending input, hex (a prefix is enough to match two letters). */
  hash?: string;
  /** Where in the input the failure is: a JSON path (`$.resourceLogs[0].scopeLogs[1]`), a line or an offset. */
  path?: string;
  /** How many records this letter stands for (a request's rejects over the cap are pooled per reason). */
  count?: number;
}

/** What a normalizer or a whole import yields. */
export interface Batch {
  events: AiEvent[];
  metrics: MetricPoint[];
  rejects: DeadLetter[];
  /**
   * Records deliberately not stored, counted per reason (telemetry noise such as Codex stream-progress
   * events, non-LLM spans; see docs/sources.md). Not errors, but never silent.
   */
  skipped?: Record<string, number>;
}

export function emptyBatch(): Batch {
  return { events: [], metrics: [], rejects: [] };
}

/** Appends `b` to `a` in place and returns `a`. */
export function mergeBatch(a: Batch, b: Batch): Batch {
  for (const e of b.events) a.events.push(e);
  for (const m of b.metrics) a.metrics.push(m);
  for (const r of b.rejects) a.rejects.push(r);
  if (b.skipped) {
    const s = (a.skipped ??= {});
    for (const [k, n] of Object.entries(b.skipped)) s[k] = (Object.hasOwn(s, k) ? s[k]! : 0) + n;
  }
  return a;
}

/** Counts reported by every ingest (CLI `import --json`, collector, tests). */
export interface IngestResult {
  inserted: number;
  /** Records already stored with identical content. */
  duplicates: number;
  /** Records already stored whose content changed (e.g. a later editor checkpoint). */
  updated: number;
  deadLettered: number;
  /** Metric points newly stored (not part of `inserted`, which counts events). */
  metricPoints: number;
}

export function emptyIngestResult(): IngestResult {
  return { inserted: 0, duplicates: 0, updated: 0, deadLettered: 0, metricPoints: 0 };
}

export function addIngestResult(a: IngestResult, b: IngestResult): IngestResult {
  a.inserted += b.inserted;
  a.duplicates += b.duplicates;
  a.updated += b.updated;
  a.deadLettered += b.deadLettered;
  a.metricPoints += b.metricPoints;
  return a;
}
