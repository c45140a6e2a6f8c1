import protobuf from 'protobufjs';
import { fail, ok, type Result } from '../core/normalize/result';
import { OTLP_PROTO } from './otlp-schema';

/** The three OTLP signals. */
export type Signal = 'logs' | 'metrics' | 'traces';

type Msg = Record<string, unknown>;
type Json = Record<string, unknown>;

interface Types {
  request: Record<Signal, protobuf.Type>;
  response: Record<Signal, protobuf.Type>;
  status: protobuf.Type;
}

let types: Types | undefined;

/** Parses the schema once, on the first protobuf request (keeps extension activation free of it). */
function load(): Types {
  if (types) return types;
  const root = protobuf.parse(OTLP_PROTO, { keepCase: false }).root;
  const t = (n: string) => root.lookupType(`otlp.${n}`);
  types = {
    request: { logs: t('ExportLogsServiceRequest'), metrics: t('ExportMetricsServiceRequest'), traces: t('ExportTraceServiceRequest') },
    response: { logs: t('ExportLogsServiceResponse'), metrics: t('ExportMetricsServiceResponse'), traces: t('ExportTraceServiceResponse') },
    status: t('RpcStatus'),
  };
  return types;
}

/**
 * Decodes an OTLP protobuf export request into the OTLP/JSON mapping (camelCase names, trace and span ids
 * as lowercase hex, 64-bit integers as decimal strings, enums as integers, `bytesValue` as base64), so the
 * JSON normalizers apply unchanged.
 */
export function decodeOtlpProtobuf(signal: Signal, body: Uint8Array): Result<Json> {
  let msg: Msg;
  try {
    msg = load().request[signal].decode(body) as unknown as Msg;
  } catch (err) {
    return fail(`invalid OTLP protobuf ${signal} request: ${(err as Error).message}`);
  }
  try {
    if (signal === 'logs') return ok({ resourceLogs: list(msg.resourceLogs, resourceLogs) });
    if (signal === 'metrics') return ok({ resourceMetrics: list(msg.resourceMetrics, resourceMetrics) });
    return ok({ resourceSpans: list(msg.resourceSpans, resourceSpans) });
  } catch (err) {
    return fail(`invalid OTLP protobuf ${signal} request: ${(err as Error).message}`);
  }
}

/** An `Export*ServiceResponse`, with `partialSuccess` when some records were rejected. */
export function encodeOtlpResponse(signal: Signal, rejected: number, errorMessage: string): Uint8Array {
  const t = load().response[signal];
  if (rejected <= 0) return t.encode(t.create({})).finish();
  const field = { logs: 'rejectedLogRecords', metrics: 'rejectedDataPoints', traces: 'rejectedSpans' }[signal];
  return t.encode(t.fromObject({ partialSuccess: { [field]: rejected, errorMessage } })).finish();
}

/** A `google.rpc.Status` body for an error reply to a protobuf request. */
export function encodeRpcStatus(code: number, message: string): Uint8Array {
  const t = load().status;
  return t.encode(t.create({ code, message })).finish();
}

// --- conversion to the JSON mapping -------------------------------------------------------------------

function list<T>(v: unknown, f: (m: Msg) => T): T[] {
  if (!Array.isArray(v)) return [];
  const out = new Array<T>(v.length);
  for (let i = 0; i < v.length; i++) out[i] = f(v[i] as Msg);
  return out;
}

/** protobufjs decodes 64-bit fields to `Long` (the `long` package); JSON wants exact decimal strings. */
function u64(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return String(v);
  const l = v as { low: number; high: number; unsigned: boolean; toString(): string };
  if (l.high === 0 && (l.unsigned || l.low >= 0)) return String(l.low >>> 0);
  return l.toString();
}

function hex(v: unknown): string | undefined {
  return v instanceof Uint8Array && v.length ? Buffer.from(v.buffer, v.byteOffset, v.length).toString('hex') : undefined;
}

/** Copies the listed scalar fields that are set (proto3 leaves defaults off the decoded message). */
function put(out: Json, m: Msg, keys: readonly string[]): void {
  for (const k of keys) if (Object.hasOwn(m, k)) out[k] = m[k];
}

function anyValue(m: Msg | undefined): Json {
  if (!m) return {};
  switch (m.value as string | undefined) {
    case 'stringValue':
      return { stringValue: m.stringValue };
    case 'boolValue':
      return { boolValue: m.boolValue };
    case 'intValue':
      return { intValue: u64(m.intValue) };
    case 'doubleValue':
      return { doubleValue: m.doubleValue };
    case 'arrayValue':
      return { arrayValue: { values: list((m.arrayValue as Msg).values, anyValue) } };
    case 'kvlistValue':
      return { kvlistValue: { values: list((m.kvlistValue as Msg).values, keyValue) } };
    case 'bytesValue':
      return { bytesValue: Buffer.from(m.bytesValue as Uint8Array).toString('base64') };
    default:
      return {};
  }
}

function keyValue(m: Msg): Json {
  return { key: m.key ?? '', value: anyValue(m.value as Msg | undefined) };
}

function resource(m: unknown): Json | undefined {
  if (!m) return undefined;
  const r = m as Msg;
  const out: Json = { attributes: list(r.attributes, keyValue) };
  put(out, r, ['droppedAttributesCount']);
  return out;
}

function scope(m: unknown): Json | undefined {
  if (!m) return undefined;
  const s = m as Msg;
  const out: Json = {};
  put(out, s, ['name', 'version', 'droppedAttributesCount']);
  if (Array.isArray(s.attributes) && s.attributes.length) out.attributes = list(s.attributes, keyValue);
  return out;
}

/** `Resource*` → `Scope*` → items, the nesting shared by the three signals. */
function container(m: Msg, inner: string, items: string, item: (m: Msg) => Json): Json {
  const out: Json = {
    resource: resource(m.resource),
    [inner]: list(m[inner], (s) => {
      const sc: Json = { scope: scope(s.scope), [items]: list(s[items], item) };
      if (s.schemaUrl) sc.schemaUrl = s.schemaUrl;
      return sc;
    }),
  };
  if (m.schemaUrl) out.schemaUrl = m.schemaUrl;
  return out;
}

function resourceLogs(m: Msg): Json {
  return container(m, 'scopeLogs', 'logRecords', logRecord);
}

function logRecord(m: Msg): Json {
  const out: Json = {};
  const t = u64(m.timeUnixNano);
  if (t) out.timeUnixNano = t;
  const o = u64(m.observedTimeUnixNano);
  if (o) out.observedTimeUnixNano = o;
  put(out, m, ['severityNumber', 'severityText', 'droppedAttributesCount', 'flags', 'eventName']);
  if (m.body) out.body = anyValue(m.body as Msg);
  out.attributes = list(m.attributes, keyValue);
  const tid = hex(m.traceId);
  if (tid) out.traceId = tid;
  const sid = hex(m.spanId);
  if (sid) out.spanId = sid;
  return out;
}

function resourceMetrics(m: Msg): Json {
  return container(m, 'scopeMetrics', 'metrics', metric);
}

function metric(m: Msg): Json {
  const out: Json = {};
  put(out, m, ['name', 'description', 'unit']);
  if (Array.isArray(m.metadata) && m.metadata.length) out.metadata = list(m.metadata, keyValue);
  const data = m.data as string | undefined;
  const d = data ? (m[data] as Msg) : undefined;
  if (!d) return out;
  const body: Json = {};
  put(body, d, ['aggregationTemporality', 'isMonotonic']);
  const conv = data === 'histogram' ? histogramPoint : data === 'exponentialHistogram' ? expHistogramPoint : data === 'summary' ? summaryPoint : numberPoint;
  body.dataPoints = list(d.dataPoints, conv);
  out[data!] = body;
  return out;
}

function pointBase(m: Msg): Json {
  const out: Json = { attributes: list(m.attributes, keyValue) };
  const s = u64(m.startTimeUnixNano);
  if (s) out.startTimeUnixNano = s;
  const t = u64(m.timeUnixNano);
  if (t) out.timeUnixNano = t;
  put(out, m, ['flags']);
  return out;
}

function numberPoint(m: Msg): Json {
  const out = pointBase(m);
  if (m.value === 'asDouble') out.asDouble = m.asDouble;
  else if (m.value === 'asInt') out.asInt = u64(m.asInt);
  return out;
}

function histogramPoint(m: Msg): Json {
  const out = pointBase(m);
  out.count = u64(m.count) ?? '0';
  put(out, m, ['sum', 'min', 'max', 'explicitBounds']);
  out.bucketCounts = Array.isArray(m.bucketCounts) ? m.bucketCounts.map((c) => u64(c)) : [];
  return out;
}

function expHistogramPoint(m: Msg): Json {
  const out = pointBase(m);
  out.count = u64(m.count) ?? '0';
  put(out, m, ['sum', 'min', 'max', 'scale', 'zeroThreshold']);
  const z = u64(m.zeroCount);
  if (z) out.zeroCount = z;
  for (const side of ['positive', 'negative'] as const) {
    const b = m[side] as Msg | undefined;
    if (b) out[side] = { offset: b.offset ?? 0, bucketCounts: Array.isArray(b.bucketCounts) ? b.bucketCounts.map((c) => u64(c)) : [] };
  }
  return out;
}

function summaryPoint(m: Msg): Json {
  const out = pointBase(m);
  out.count = u64(m.count) ?? '0';
  put(out, m, ['sum']);
  out.quantileValues = list(m.quantileValues, (q) => ({ quantile: q.quantile ?? 0, value: q.value ?? 0 }));
  return out;
}

function resourceSpans(m: Msg): Json {
  return container(m, 'scopeSpans', 'spans', span);
}

function span(m: Msg): Json {
  const out: Json = {};
  const tid = hex(m.traceId);
  if (tid) out.traceId = tid;
  const sid = hex(m.spanId);
  if (sid) out.spanId = sid;
  const pid = hex(m.parentSpanId);
  if (pid) out.parentSpanId = pid;
  put(out, m, ['traceState', 'flags', 'name', 'kind', 'droppedAttributesCount', 'droppedEventsCount', 'droppedLinksCount']);
  const s = u64(m.startTimeUnixNano);
  if (s) out.startTimeUnixNano = s;
  const e = u64(m.endTimeUnixNano);
  if (e) out.endTimeUnixNano = e;
  out.attributes = list(m.attributes, keyValue);
  if (Array.isArray(m.events) && m.events.length) {
    out.events = list(m.events, (ev) => ({ timeUnixNano: u64(ev.timeUnixNano), name: ev.name ?? '', attributes: list(ev.attributes, keyValue) }));
  }
  if (Array.isArray(m.links) && m.links.length) {
    out.links = list(m.links, (l) => ({ traceId: hex(l.traceId), spanId: hex(l.spanId), attributes: list(l.attributes, keyValue) }));
  }
  if (m.status) {
    const st: Json = {};
    put(st, m.status as Msg, ['code', 'message']);
    out.status = st;
  }
  return out;
}
