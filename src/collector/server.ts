import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { emptyBatch, type Batch, type DeadLetter } from '../core/model';
import { parseLogsOffThread } from './offthread-json';
import { describeInput, excerpt } from '../core/normalize/result';
import { scoped, silentLogger, systemClock, type Clock, type Logger } from '../core/ports';
import { collectorLastIngested } from '../core/store/source-status-repo';
import type { Store } from '../core/store/store';
import { ActivityTracker, countBySource, type SourceCounts } from './activity';
import { checkBearer, MIN_TOKEN_LENGTH } from './auth';
import { BodyError, readBody } from './body';
import { fillWorkspaceDefaults } from './defaults';
import { DEFAULT_COLLECTOR_PORT, DEFAULT_LIMITS, isLoopbackHost, type CollectorLimits, type CollectorOptions } from './options';
import { encodeOtlpResponse, encodeRpcStatus, type Signal } from './otlp-proto';
import { bodyFormat, MalformedBody, parseAndNormalize, ROUTES, type BodyFormat, type Route } from './routes';

/** gRPC status codes used in error bodies (OTLP/HTTP answers errors with a google.rpc.Status). */
const GRPC = {
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

/** What GET /health answers (no secrets: never the token or the database path). */
export interface HealthReport {
  status: 'ok';
  service: 'prodlens-collector';
  version: string;
  uptimeSeconds: number;
  /** open once the first request opened it; error when opening failed. */
  store: 'not opened' | 'open' | 'error';
  requests: { accepted: number; refused: number; inFlight: number };
  /** Per source: ISO times of the last events and metric points received, and counts since start. */
  sources: Record<string, { lastEventAt: string | null; lastMetricAt: string | null; events: number; metrics: number }>;
}

/**
 * The local collector: OTLP/HTTP (JSON and protobuf) logs, metrics and traces, ProdLens events and LiteLLM
 * payloads, on the loopback interface only. Every POST needs the bearer token; a request is answered 200
 * only once its records are in the journal.
 */
export class CollectorServer {
  readonly activity = new ActivityTracker();
  private readonly server: http.Server;
  private readonly limits: CollectorLimits;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly host: string;
  private readonly startedAt: number;
  private storePromise: Promise<Store> | undefined;
  private storeState: HealthReport['store'] = 'not opened';
  private inFlight = 0;
  private accepted = 0;
  private refused = 0;
  private boundPort: number | undefined;

  constructor(private readonly opts: CollectorOptions) {
    this.host = opts.host ?? '127.0.0.1';
    if (!isLoopbackHost(this.host)) {
      throw new Error(`the collector listens on the loopback interface only; refusing to bind ${this.host}`);
    }
    if (!opts.token || opts.token.length < MIN_TOKEN_LENGTH) throw new Error(`the collector token must have at least ${MIN_TOKEN_LENGTH} characters`);
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.logger = scoped(opts.logger ?? silentLogger, 'collector');
    this.clock = opts.clock ?? systemClock;
    this.startedAt = this.clock.now();
    this.server = http.createServer(
      {
        headersTimeout: this.limits.headersTimeoutMs,
        requestTimeout: this.limits.requestTimeoutMs,
        keepAliveTimeout: this.limits.keepAliveTimeoutMs,
        // How often Node checks the two timeouts above; its default (30 s) would let a stalled client
        // hold a connection far longer than the limit.
        connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(this.limits.headersTimeoutMs / 4))),
      },
      (req, res) => void this.handle(req, res),
    );
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      if (socket.writable && err.code !== 'ECONNRESET') {
        const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
        socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      } else socket.destroy();
    });
  }

  /** Listens; on a busy port falls back to a free one unless `fallbackToFreePort` is false. Returns the port. */
  async start(): Promise<number> {
    const wanted = this.opts.port ?? DEFAULT_COLLECTOR_PORT;
    try {
      this.boundPort = await this.listen(wanted);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || wanted === 0 || this.opts.fallbackToFreePort === false) throw err;
      this.logger.warn(`port ${wanted} is in use; listening on a free port instead`);
      this.boundPort = await this.listen(0);
    }
    this.logger.info(`listening on http://${this.host}:${this.boundPort}`);
    return this.boundPort;
  }

  get port(): number | undefined {
    return this.boundPort;
  }

  /** The base URL clients use (`OTEL_EXPORTER_OTLP_ENDPOINT`). */
  get endpoint(): string | undefined {
    if (this.boundPort === undefined) return undefined;
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `http://${host}:${this.boundPort}`;
  }

  /** Stops accepting, lets requests in flight finish (their ingests complete), closes idle connections. */
  async stop(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const deadline = setTimeout(() => this.server.closeAllConnections(), 5000);
    await closed;
    clearTimeout(deadline);
    this.boundPort = undefined;
  }

  health(): HealthReport {
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
    const sources: HealthReport['sources'] = {};
    for (const [k, v] of Object.entries(this.activity.snapshot())) {
      sources[k] = { lastEventAt: iso(v.lastEventAt), lastMetricAt: iso(v.lastMetricAt), events: v.events, metrics: v.metrics };
    }
    return {
      status: 'ok',
      service: 'prodlens-collector',
      version: this.opts.version ?? 'unknown',
      uptimeSeconds: Math.round((this.clock.now() - this.startedAt) / 1000),
      store: this.storeState,
      requests: { accepted: this.accepted, refused: this.refused, inFlight: this.inFlight },
      sources,
    };
  }

  private listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, this.host, () => {
        this.server.off('error', onError);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    try {
      // A web page that rebinds its own domain to 127.0.0.1 could otherwise reach the collector as same-origin.
      if (!hostIsLoopback(req.headers.host))
        return this.fail(res, null, 403, GRPC.PERMISSION_DENIED, 'the Host header must name a loopback address (127.0.0.1, localhost or [::1])');
      if (path === '/health' || path === '/healthz') {
        if (req.method !== 'GET' && req.method !== 'HEAD') return this.fail(res, null, 405, GRPC.UNIMPLEMENTED, 'use GET', { Allow: 'GET, HEAD' });
        return this.send(res, 200, 'application/json', JSON.stringify(this.health()));
      }
      const route = ROUTES.get(path);
      if (!route) return this.fail(res, null, 404, GRPC.NOT_FOUND, `no route ${path}; POST to ${[...ROUTES.keys()].join(', ')} or GET /health`);
      if (req.method !== 'POST') return this.fail(res, null, 405, GRPC.UNIMPLEMENTED, `${path} accepts POST only`, { Allow: 'POST' });
      const format = bodyFormat(route, req.headers['content-type']);
      const protobuf = format === 'protobuf';
      if (!checkBearer(req.headers.authorization, this.opts.token)) {
        return this.fail(res, protobuf, 401, GRPC.UNAUTHENTICATED, 'missing or wrong bearer token (Authorization: Bearer <token>)', {
          'WWW-Authenticate': 'Bearer realm="prodlens-collector"',
        });
      }
      if (!format) {
        return this.fail(
          res,
          null,
          415,
          GRPC.INVALID_ARGUMENT,
          `unsupported Content-Type ${JSON.stringify(req.headers['content-type'] ?? '')} for ${path} (accepted: ${route.formats.join(', ')})`,
        );
      }
      if (this.inFlight >= this.limits.maxConcurrent) {
        return this.fail(res, protobuf, 429, GRPC.RESOURCE_EXHAUSTED, 'the collector is busy; retry later', {
          'Retry-After': String(this.limits.retryAfterSeconds),
        });
      }
      this.inFlight += 1;
      try {
        await this.ingest(req, res, route, format);
      } finally {
        this.inFlight -= 1;
      }
    } catch (err) {
      this.logger.error(`unexpected error on ${req.method} ${path}: ${(err as Error).stack ?? err}`);
      if (!res.headersSent) this.fail(res, null, 500, GRPC.INTERNAL, 'internal error in the collector (see the ProdLens log)');
      else res.destroy();
    }
  }

  private async ingest(req: IncomingMessage, res: ServerResponse, route: Route, format: BodyFormat): Promise<void> {
    const protobuf = format === 'protobuf';
    let body: Buffer;
    try {
      body = await readBody(req, this.limits.maxBodyBytes);
    } catch (err) {
      if (!(err instanceof BodyError)) throw err;
      if (res.destroyed || !req.socket || req.socket.destroyed) return; // client gone or cut off by the timeout
      const code = err.status === 413 ? GRPC.RESOURCE_EXHAUSTED : GRPC.INVALID_ARGUMENT;
      if (err.status === 400) await this.deadLetter(route, err.message, '');
      return this.fail(res, protobuf, err.status, code, err.message);
    }

    const receivedAt = new Date(this.clock.now()).toISOString();
    let batch: Batch;
    let signal: Signal | null;
    try {
      const large = await this.parseLargeLogs(route, format, body);
      if (large) return await this.storeLargeLogs(res, route, body, large, receivedAt);
      ({ batch, signal } = parseAndNormalize(route, format, body, this.opts.normalizers, { prices: this.opts.prices(), receivedAt }));
    } catch (err) {
      if (!(err instanceof MalformedBody)) throw err;
      await this.deadLetter(route, err.message, body, err.path);
      return this.fail(res, protobuf, 400, GRPC.INVALID_ARGUMENT, err.message);
    }
    const records = batch.events.length + batch.metrics.length + batch.rejects.length;
    if (records > this.limits.maxRecordsPerRequest) {
      await this.deadLetter(route, `request of ${records} records is over the ${this.limits.maxRecordsPerRequest}-record limit`, body);
      return this.fail(
        res,
        protobuf,
        413,
        GRPC.RESOURCE_EXHAUSTED,
        `${records} records in one request is over the limit of ${this.limits.maxRecordsPerRequest}; send smaller batches`,
      );
    }
    poolRejects(batch, this.limits.maxDeadLettersPerRequest);
    fillWorkspaceDefaults(batch, this.opts.defaults?.());

    let store: Store;
    try {
      store = await this.openStore();
      await store.ingestSliced(batch, this.limits.ingestSliceRecords);
    } catch (err) {
      this.logger.error(`cannot store a batch from ${route.path}: ${(err as Error).message}`);
      return this.fail(res, protobuf, 503, GRPC.UNAVAILABLE, 'the ProdLens database is unavailable; retry later', {
        'Retry-After': String(Math.max(5, this.limits.retryAfterSeconds)),
      });
    }
    this.accepted += 1;
    this.activity.record(batch, this.clock.now());
    this.reply(res, signal, protobuf, batch);
  }

  /**
   * A large OTLP/JSON logs body (the big batches agents send) is parsed in a worker thread, which hands it
   * back in parts. Null when the body is small or not logs (the caller parses it in place); MalformedBody
   * when it is not JSON.
   */
  private async parseLargeLogs(
    route: Route,
    format: BodyFormat,
    body: Buffer,
  ): Promise<{ records: number; chunks: AsyncGenerator<string>; stop(): Promise<void> } | null> {
    if (format !== 'json' || (route.signal !== 'logs' && route.signal !== 'auto') || body.length < this.limits.offThreadParseBytes) return null;
    const r = await parseLogsOffThread(body, this.limits.ingestSliceRecords);
    if (r.kind === 'notLogs') return null;
    if (r.kind === 'invalid') throw new MalformedBody(`invalid JSON: ${r.reason}`);
    return r;
  }

  /**
   * Normalizes and stores a large logs request part by part, so the whole request never sits on the event
   * loop's heap as rows (its garbage collection pauses grew with it): each part is normalized, given the
   * workspace defaults and stored in slices (Store.ingestStream) before the next is read. The rejects of
   * all parts are pooled and stored last. Answered 200 only once every slice is on disk; the record cap is
   * checked on the worker's count before anything is stored. (The OTLP logs normalizer never throws, so no
   * part can turn the request into a 400 after earlier parts were stored.)
   */
  private async storeLargeLogs(
    res: ServerResponse,
    route: Route,
    body: Buffer,
    large: { records: number; chunks: AsyncGenerator<string>; stop(): Promise<void> },
    receivedAt: string,
  ): Promise<void> {
    if (large.records > this.limits.maxRecordsPerRequest) {
      await large.stop();
      await this.deadLetter(route, `request of ${large.records} records is over the ${this.limits.maxRecordsPerRequest}-record limit`, body);
      return this.fail(
        res,
        false,
        413,
        GRPC.RESOURCE_EXHAUSTED,
        `${large.records} records in one request is over the limit of ${this.limits.maxRecordsPerRequest}; send smaller batches`,
      );
    }
    const ctx = { prices: this.opts.prices(), receivedAt };
    const defaults = this.opts.defaults?.();
    const max = this.limits.maxDeadLettersPerRequest;
    const counts: SourceCounts = new Map();
    const rejects = emptyBatch();
    let partsFailed: unknown;
    const normalizers = this.opts.normalizers;
    async function* parts(): AsyncGenerator<Batch> {
      try {
        for await (const chunk of large.chunks) {
          const part = normalizers.logs(JSON.parse(chunk), ctx);
          fillWorkspaceDefaults(part, defaults);
          countBySource(part, counts);
          if (part.rejects.length) {
            rejects.rejects.push(...part.rejects);
            if (rejects.rejects.length > 4 * max) poolRejects(rejects, max);
          }
          // Normalizing a chunk and storing it are separate tasks of the event loop.
          await new Promise<void>((resolve) => setImmediate(resolve));
          yield { events: part.events, metrics: part.metrics, rejects: [] };
        }
      } catch (err) {
        partsFailed = err;
        throw err;
      }
      poolRejects(rejects, max);
      if (rejects.rejects.length) yield rejects;
    }
    try {
      const store = await this.openStore();
      await store.ingestStream(parts(), this.limits.ingestSliceRecords);
    } catch (err) {
      if (partsFailed) throw partsFailed;
      this.logger.error(`cannot store a batch from ${route.path}: ${(err as Error).message}`);
      return this.fail(res, false, 503, GRPC.UNAVAILABLE, 'the ProdLens database is unavailable; retry later', {
        'Retry-After': String(Math.max(5, this.limits.retryAfterSeconds)),
      });
    } finally {
      await large.stop();
    }
    this.accepted += 1;
    this.activity.recordCounts(counts, this.clock.now());
    this.reply(res, 'logs', false, rejects);
  }

  /** 200 with `{}`, or OTLP `partialSuccess` naming how many records were dead-lettered and why. */
  private reply(res: ServerResponse, signal: Signal | null, protobuf: boolean, batch: Batch): void {
    const rejected = batch.rejects.reduce((n, r) => n + (r.count ?? 1), 0);
    const message = rejected ? summarizeRejects(batch) : '';
    if (signal && protobuf) return this.send(res, 200, 'application/x-protobuf', encodeOtlpResponse(signal, rejected, message));
    if (signal) {
      const field = { logs: 'rejectedLogRecords', metrics: 'rejectedDataPoints', traces: 'rejectedSpans' }[signal];
      return this.send(res, 200, 'application/json', rejected ? JSON.stringify({ partialSuccess: { [field]: rejected, errorMessage: message } }) : '{}');
    }
    const out: Record<string, unknown> = { accepted: batch.events.length + batch.metrics.length, rejected };
    if (rejected) out.errorMessage = message;
    return this.send(res, 200, 'application/json', JSON.stringify(out));
  }

  /** Keeps an unreadable body as a dead letter (best effort: the 400 goes out even if the store is down). */
  private async deadLetter(route: Route, reason: string, payload: Buffer | string, path?: string): Promise<void> {
    try {
      const store = await this.openStore();
      const d = describeInput(payload);
      await store.ingest({
        events: [],
        metrics: [],
        rejects: [
          {
            received_at: new Date(this.clock.now()).toISOString(),
            source: route.source,
            reason,
            excerpt: excerpt(payload),
            bytes: d.bytes,
            hash: d.hash,
            path: path ?? '$',
          },
        ],
      });
    } catch (err) {
      this.logger.warn(`cannot record a dead letter: ${(err as Error).message}`);
    }
  }

  private openStore(): Promise<Store> {
    this.storePromise ??= this.opts.store().then(
      (store) => {
        this.storeState = 'open';
        this.seedActivity(store);
        return store;
      },
      (err: Error) => {
        this.storePromise = undefined;
        this.storeState = 'error';
        throw err;
      },
    );
    return this.storePromise;
  }

  /** After a restart, the status bar should still know when each source last sent data. */
  private seedActivity(store: Store): void {
    try {
      this.activity.seed(collectorLastIngested(store));
    } catch (err) {
      this.logger.debug(`cannot read last-seen times: ${(err as Error).message}`);
    }
  }

  private fail(res: ServerResponse, protobuf: boolean | null, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
    this.refused += 1;
    // The body may not have been read: close the connection rather than read the rest of it.
    res.setHeader('Connection', 'close');
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    if (protobuf) this.send(res, status, 'application/x-protobuf', encodeRpcStatus(code, message));
    else this.send(res, status, 'application/json', JSON.stringify({ code, message }));
  }

  private send(res: ServerResponse, status: number, contentType: string, body: string | Uint8Array): void {
    res.statusCode = status;
    res.setHeader('Content-Type', contentType);
    res.setHeader('Content-Length', typeof body === 'string' ? Buffer.byteLength(body) : body.length);
    res.end(body);
  }
}

/** Whether a Host header names the loopback interface (absent is allowed: HTTP/1.0 clients). */
function hostIsLoopback(host: string | undefined): boolean {
  if (!host) return true;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
  return isLoopbackHost(name);
}

/**
 * One dead letter per reason (the first of its kind, with a count), at most `max` letters: further reasons
 * are pooled into one. Reasons that differ only in numbers (`line 7: …`, `line 9: …`) are one reason. A
 * request of junk lines therefore leaves a handful of letters, not one per line.
 */
export function poolRejects(batch: Batch, max: number): void {
  if (batch.rejects.length <= 1) return;
  const groups = new Map<string, DeadLetter>();
  let other: DeadLetter | undefined;
  for (const r of batch.rejects) {
    const key = `${r.source}\u0000${r.reason.replace(/\d+/g, '#')}`;
    const g = groups.get(key);
    if (g) g.count = (g.count ?? 1) + (r.count ?? 1);
    else if (groups.size < max - 1 || (groups.size < max && batch.rejects.length <= max)) groups.set(key, { ...r, count: r.count ?? 1 });
    else if (other) other.count = (other.count ?? 1) + (r.count ?? 1);
    else other = { ...r, reason: `other reasons (first: ${r.reason})`, count: r.count ?? 1 };
  }
  batch.rejects = [...groups.values(), ...(other ? [other] : [])];
}

/** "3 record(s) rejected: reason (2); other reason (1)" — the most frequent reasons first, bounded. */
function summarizeRejects(batch: Batch): string {
  const counts = new Map<string, number>();
  let total = 0;
  for (const r of batch.rejects) {
    counts.set(r.reason, (counts.get(r.reason) ?? 0) + (r.count ?? 1));
    total += r.count ?? 1;
  }
  const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 3);
  const text = `${total} record(s) rejected: ${top.map(([r, n]) => `${r} (${n})`).join('; ')}`;
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}
