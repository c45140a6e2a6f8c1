import type { Batch } from '../core/model';
import type { PriceTable } from '../core/pricing';
import type { Clock, Logger } from '../core/ports';
import type { Store } from '../core/store/store';

/**
 * The collector's default port. Not 4318: that is the standard OTLP/HTTP port, so a real OpenTelemetry
 * Collector (or another tool) on this machine would clash. When this port is busy the collector falls back
 * to a free one and reports it (the terminal environment always carries the port actually bound).
 */
export const DEFAULT_COLLECTOR_PORT = 14318;

/** Largest request body accepted, before and after decompression (the OTLP spec recommends 20 MiB). */
export const DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024;

export interface CollectorLimits {
  /** Largest body, compressed and decompressed, in bytes (413 above). */
  maxBodyBytes: number;
  /** Time allowed to receive the request headers (Node closes the connection after it). */
  headersTimeoutMs: number;
  /** Time allowed to receive the whole request, headers and body (408 after it). */
  requestTimeoutMs: number;
  /** Requests read and ingested at once; more get 429 with Retry-After. */
  maxConcurrent: number;
  /** Idle keep-alive connections are closed after this. */
  keepAliveTimeoutMs: number;
  /** Seconds sent in Retry-After when saturated or when the database is unavailable. */
  retryAfterSeconds: number;
  /** Records (events, metric points and rejects) one request may carry; more is refused with 413. */
  maxRecordsPerRequest: number;
  /** Dead letters one request may leave: rejects are pooled per reason (with a count), then into one. */
  maxDeadLettersPerRequest: number;
  /** Records stored per slice of a large request; the event loop is released between slices. */
  ingestSliceRecords: number;
  /** OTLP/JSON logs bodies at least this large are parsed in a worker thread and normalized in slices. */
  offThreadParseBytes: number;
}

export const DEFAULT_LIMITS: CollectorLimits = {
  maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxConcurrent: 8,
  keepAliveTimeoutMs: 5_000,
  retryAfterSeconds: 1,
  maxRecordsPerRequest: 200_000,
  maxDeadLettersPerRequest: 20,
  ingestSliceRecords: 50,
  offThreadParseBytes: 1024 * 1024,
};

/** What the normalizers need from the collector for one document. */
export interface CollectorNormalizeContext {
  prices: PriceTable;
  /** ISO 8601 UTC of the request, stamped on dead letters. */
  receivedAt: string;
}

export type NormalizeFn = (doc: unknown, ctx: CollectorNormalizeContext) => Batch;

/** One normalizer per kind of input the collector accepts (plugged in by the caller). */
export interface CollectorNormalizers {
  /** OTLP `ExportLogsServiceRequest` in the JSON mapping. */
  logs: NormalizeFn;
  metrics: NormalizeFn;
  traces: NormalizeFn;
  /** One ProdLens event document (an object, or an array of them). */
  events: NormalizeFn;
  /** One LiteLLM `StandardLoggingPayload`, or an array of them. */
  litellm: NormalizeFn;
}

/** The workspace's repository and branch (and the developer), given to records that arrive without them. */
export interface WorkspaceDefaults {
  repo_slug: string | null;
  branch: string | null;
  /** The developer running the collector (setting/flag, else git user.email); null when unknown. */
  developer_id?: string | null;
}

export interface CollectorOptions {
  /** Bearer token every POST must carry. */
  token: string;
  /** 0 picks a free port. Default DEFAULT_COLLECTOR_PORT. */
  port?: number;
  /** Loopback only: 127.0.0.1 (default), another 127.x address, ::1 or localhost. */
  host?: string;
  /** When the port is busy, bind a free port instead of failing (default true). */
  fallbackToFreePort?: boolean;
  /** Opens the database; called on the first request that needs it, not at start. */
  store: () => Promise<Store>;
  normalizers: CollectorNormalizers;
  prices: () => PriceTable;
  /** Read on every request, so a branch switch applies at once. */
  defaults?: () => WorkspaceDefaults;
  logger?: Logger;
  clock?: Clock;
  /** Reported by GET /health. */
  version?: string;
  limits?: Partial<CollectorLimits>;
}

/** Whether a bind address is on the loopback interface (the collector never listens elsewhere). */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1') return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return !!m && m.slice(1).every((p) => Number(p) <= 255);
}
