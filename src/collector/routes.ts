import { emptyBatch, mergeBatch, type Batch } from '../core/model';
import { describeInput, excerpt } from '../core/normalize/result';
import type { CollectorNormalizeContext, CollectorNormalizers } from './options';
import { decodeOtlpProtobuf, type Signal } from './otlp-proto';
import { isRecord } from '../core/guards';

/** How a request body is encoded. */
export type BodyFormat = 'json' | 'protobuf' | 'ndjson';

/** A POST endpoint of the collector. */
export interface Route {
  path: string;
  /**
   * OTLP routes answer in the OTLP response shape (and in protobuf to protobuf requests); `auto` takes
   * OTLP/JSON of any signal, recognised by its top-level key.
   */
  signal: Signal | 'auto' | null;
  normalizer: keyof CollectorNormalizers;
  /** Source name used on dead letters of bodies that cannot be parsed at all. */
  source: string;
  formats: readonly BodyFormat[];
  /** Accepted when the request names no content type. */
  defaultFormat: BodyFormat | null;
}

/** The collector's POST routes (README "Collector"). */
export const ROUTES: ReadonlyMap<string, Route> = new Map(
  (
    [
      { path: '/v1/logs', signal: 'logs', normalizer: 'logs', source: 'otlp-logs', formats: ['json', 'protobuf'], defaultFormat: null },
      { path: '/v1/metrics', signal: 'metrics', normalizer: 'metrics', source: 'otlp-metrics', formats: ['json', 'protobuf'], defaultFormat: null },
      { path: '/v1/traces', signal: 'traces', normalizer: 'traces', source: 'otlp-traces', formats: ['json', 'protobuf'], defaultFormat: null },
      // Gemini CLI's OTLP/HTTP exporters post every signal, as JSON, to the endpoint URL itself.
      { path: '/', signal: 'auto', normalizer: 'logs', source: 'otlp', formats: ['json'], defaultFormat: null },
      { path: '/v1/events', signal: null, normalizer: 'events', source: 'prodlens-events', formats: ['json', 'ndjson'], defaultFormat: 'json' },
      // LiteLLM's generic API logger (callback_type: generic_api) posts StandardLoggingPayload batches:
      // log_format json_array (default), ndjson or single, all with a JSON content type.
      { path: '/v1/litellm', signal: null, normalizer: 'litellm', source: 'litellm', formats: ['json', 'ndjson'], defaultFormat: 'json' },
    ] satisfies Route[]
  ).map((r) => [r.path, r]),
);

const CONTENT_TYPES: Record<string, BodyFormat> = {
  'application/json': 'json',
  'text/json': 'json',
  'application/x-protobuf': 'protobuf',
  'application/protobuf': 'protobuf',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
  'application/x-jsonlines': 'ndjson',
  'application/jsonlines': 'ndjson',
};

/** The body format named by a Content-Type header if the route accepts it, else null (415). */
export function bodyFormat(route: Route, contentType: string | undefined): BodyFormat | null {
  const mime = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (!mime) return route.defaultFormat;
  const f = CONTENT_TYPES[mime];
  return f && route.formats.includes(f) ? f : null;
}

/** A body that could not be parsed at all: the request is answered 400 and the body dead-lettered. */
export class MalformedBody extends Error {
  constructor(
    message: string,
    /** Where in the body it failed (`$`, `$ at byte 123`). */
    readonly path = '$',
  ) {
    super(message);
  }
}

/**
 * Parses and normalizes one request body. Throws MalformedBody when nothing in it can be read; lines of
 * an NDJSON body that fail on their own become dead letters beside the records that were read.
 */
export function parseAndNormalize(
  route: Route,
  format: BodyFormat,
  body: Buffer,
  normalizers: CollectorNormalizers,
  ctx: CollectorNormalizeContext,
): { batch: Batch; signal: Signal | null } {
  const normalize = normalizers[route.normalizer];
  if (format === 'protobuf') {
    const signal = route.signal as Signal;
    const r = decodeOtlpProtobuf(signal, body);
    if (!r.ok) throw new MalformedBody(r.reason);
    return { batch: normalize(r.value, ctx), signal };
  }
  const text = body.toString('utf8');
  if (route.signal) {
    const doc = parseJson(text);
    if (!doc.ok) throw new MalformedBody(`invalid JSON: ${doc.reason}`, jsonErrorPath(doc.reason));
    if (!isRecord(doc.value)) throw new MalformedBody(`an OTLP request must be a JSON object`);
    const signal = route.signal === 'auto' ? signalOf(doc.value) : route.signal;
    if (!signal) throw new MalformedBody('not an OTLP request: expected resourceLogs, resourceMetrics or resourceSpans');
    return { batch: normalizers[signal](doc.value, ctx), signal };
  }
  // Events and LiteLLM: one JSON document (object or array), else one document per line.
  const whole = format === 'json' ? parseJson(text) : undefined;
  if (whole?.ok) {
    if (!isRecord(whole.value) && !Array.isArray(whole.value)) throw new MalformedBody('expected a JSON object or array');
    return { batch: normalize(whole.value, ctx), signal: null };
  }
  const batch = emptyBatch();
  let read = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    const doc = parseJson(line);
    if (doc.ok && (isRecord(doc.value) || Array.isArray(doc.value))) {
      read += 1;
      mergeBatch(batch, normalize(doc.value, ctx));
    } else {
      const reason = doc.ok ? 'expected a JSON object' : doc.reason;
      const d = describeInput(line);
      batch.rejects.push({
        received_at: ctx.receivedAt,
        source: route.source,
        reason: `line ${i + 1}: ${reason}`,
        excerpt: excerpt(line),
        bytes: d.bytes,
        hash: d.hash,
        path: `line ${i + 1}${doc.ok ? '' : jsonErrorPath(doc.reason).slice(1)}`,
      });
    }
  }
  if (!read)
    throw new MalformedBody(
      whole && !whole.ok ? `invalid JSON: ${whole.reason}` : 'no JSON document in the body',
      whole && !whole.ok ? jsonErrorPath(whole.reason) : '$',
    );
  return { batch, signal: null };
}

/** The signal of an OTLP/JSON request posted to `/`. */
function signalOf(doc: Record<string, unknown>): Signal | null {
  if (Array.isArray(doc.resourceLogs)) return 'logs';
  if (Array.isArray(doc.resourceMetrics)) return 'metrics';
  if (Array.isArray(doc.resourceSpans)) return 'traces';
  return null;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}

/** `$ at byte N` from a JSON.parse message that names a position, else `$`. */
function jsonErrorPath(message: string): string {
  const m = /position (\d+)/.exec(message);
  return m ? `$ at byte ${m[1]}` : '$';
}
