// Sends real-shaped telemetry through the official OpenTelemetry JS SDKs and OTLP/HTTP exporters (the
// clients Claude Code and Gemini CLI are built on): fixture records are re-emitted through the SDK APIs, so
// the bodies on the wire are whatever the official serializers make of them, in JSON or protobuf.
import { context, trace, type Attributes, type AttributeValue } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPLogExporter as LogsJson } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as LogsProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as MetricsJson } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as MetricsProto } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as TracesJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as TracesProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';

export type Protocol = 'http/json' | 'http/protobuf';

type Any = any;

/** An OTLP/JSON AnyValue as an SDK attribute value. */
function value(v: Any): AttributeValue | undefined {
  if (!v) return undefined;
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return Number(v.doubleValue);
  if ('arrayValue' in v) return (v.arrayValue.values ?? []).map(value) as AttributeValue;
  return undefined;
}

function attrs(list: Any[] | undefined): Attributes {
  const out: Attributes = {};
  for (const { key, value: v } of list ?? []) {
    const x = value(v);
    if (x !== undefined) out[key] = x;
  }
  return out;
}

/** Nanosecond string → the SDK's [seconds, nanos] time. */
function hr(ns: string | undefined): [number, number] | undefined {
  if (!ns) return undefined;
  const n = BigInt(ns);
  return [Number(n / 1_000_000_000n), Number(n % 1_000_000_000n)];
}

/** Wraps an exporter to keep every export result (the tests assert the collector said yes). */
function recording<T extends { export(items: Any, cb: (r: ExportResult) => void): void }>(inner: T, results: ExportResult[]): T {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'export') return (items: Any, cb: (r: ExportResult) => void) => target.export(items, (r) => (results.push(r), cb(r)));
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

export interface ClientOptions {
  endpoint: string;
  token: string;
  protocol: Protocol;
  gzip?: boolean;
}

function exporterConfig(o: ClientOptions, signal: string) {
  return { url: `${o.endpoint}/v1/${signal}`, headers: { Authorization: `Bearer ${o.token}` }, compression: (o.gzip ? 'gzip' : 'none') as Any };
}

/** Re-emits the log records of an OTLP/JSON logs document through LoggerProvider + the official exporter. */
export async function sendLogs(doc: Any, o: ClientOptions): Promise<ExportResult[]> {
  const results: ExportResult[] = [];
  for (const rl of doc.resourceLogs) {
    const raw: LogRecordExporter = o.protocol === 'http/json' ? new LogsJson(exporterConfig(o, 'logs')) : new LogsProto(exporterConfig(o, 'logs'));
    const exporter = recording(raw, results);
    const provider = new LoggerProvider({
      resource: resourceFromAttributes(attrs(rl.resource?.attributes)),
      processors: [new BatchLogRecordProcessor({ exporter, maxExportBatchSize: 512, scheduledDelayMillis: 60_000 })],
    });
    for (const sl of rl.scopeLogs) {
      const logger = provider.getLogger(sl.scope?.name ?? 'unknown', sl.scope?.version);
      for (const r of sl.logRecords) {
        logger.emit({
          timestamp: hr(r.timeUnixNano),
          observedTimestamp: hr(r.observedTimeUnixNano),
          severityNumber: r.severityNumber,
          severityText: r.severityText,
          body: r.body ? (value(r.body) as string) : undefined,
          attributes: attrs(r.attributes),
        });
      }
    }
    await provider.forceFlush();
    await provider.shutdown();
  }
  return results;
}

/** Re-creates the spans of an OTLP/JSON traces document (names, kinds, times, attributes, status, parents). */
export async function sendSpans(doc: Any, o: ClientOptions): Promise<ExportResult[]> {
  const results: ExportResult[] = [];
  for (const rs of doc.resourceSpans) {
    const raw: SpanExporter = o.protocol === 'http/json' ? new TracesJson(exporterConfig(o, 'traces')) : new TracesProto(exporterConfig(o, 'traces'));
    const exporter = recording(raw, results);
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes(attrs(rs.resource?.attributes)),
      spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 60_000 })],
    });
    const byId = new Map<string, Any>();
    for (const ss of rs.scopeSpans) {
      const tracer = provider.getTracer(ss.scope?.name ?? 'unknown', ss.scope?.version);
      for (const s of ss.spans) {
        const parent = s.parentSpanId ? byId.get(s.parentSpanId) : undefined;
        const ctx = parent ? trace.setSpan(context.active(), parent) : context.active();
        const span = tracer.startSpan(
          s.name,
          { kind: Math.max(0, (s.kind ?? 1) - 1), attributes: attrs(s.attributes), startTime: hr(s.startTimeUnixNano) },
          ctx,
        );
        if (s.status?.code) span.setStatus({ code: s.status.code, message: s.status.message });
        byId.set(s.spanId, span);
        span.end(hr(s.endTimeUnixNano));
      }
    }
    await provider.forceFlush();
    await provider.shutdown();
  }
  return results;
}

/** Records metric points through MeterProvider counters/histograms and exports them once (delta). */
export async function sendMetrics(
  points: Array<{ name: string; unit?: string; kind: 'counter' | 'histogram'; value: number; attributes: Attributes }>,
  resource: Attributes,
  o: ClientOptions,
): Promise<ExportResult[]> {
  const results: ExportResult[] = [];
  const config = { ...exporterConfig(o, 'metrics'), temporalityPreference: AggregationTemporality.DELTA };
  const raw: PushMetricExporter = o.protocol === 'http/json' ? new MetricsJson(config) : new MetricsProto(config);
  const exporter = recording(raw, results);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
  const provider = new MeterProvider({ resource: resourceFromAttributes(resource), readers: [reader] });
  const meter = provider.getMeter('com.anthropic.claude_code', '2.0.76');
  const counters = new Map<string, Any>();
  for (const p of points) {
    let inst = counters.get(p.name);
    if (!inst) {
      inst = p.kind === 'counter' ? meter.createCounter(p.name, { unit: p.unit }) : meter.createHistogram(p.name, { unit: p.unit });
      counters.set(p.name, inst);
    }
    if (p.kind === 'counter') inst.add(p.value, p.attributes);
    else inst.record(p.value, p.attributes);
  }
  await provider.forceFlush();
  await provider.shutdown();
  return results;
}

export function allSucceeded(results: ExportResult[]): boolean {
  return results.length > 0 && results.every((r) => r.code === ExportResultCode.SUCCESS);
}
