import assert from 'node:assert/strict';
import { context, trace } from '@opentelemetry/api';
import {
  JsonLogsSerializer,
  JsonMetricsSerializer,
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { decodeOtlpProtobuf, encodeOtlpResponse } from '../../../src/collector/otlp-proto';

type Any = any;
const DOUBLES = new Set(['doubleValue', 'asDouble', 'sum', 'min', 'max', 'explicitBounds']);

/**
 * Compares OTLP/JSON documents as the spec defines them: proto3 defaults (0, '', false, []) may be written or
 * left out, and 64-bit integers may be numbers or decimal strings.
 */
function canonical(x: Any, key = ''): Any {
  if (Array.isArray(x)) return x.map((v) => canonical(v, key));
  if (x && typeof x === 'object') {
    const o: Any = {};
    for (const [k, v] of Object.entries(x)) {
      if (v === undefined || v === 0 || v === '0' || v === '' || (v === false && k !== 'boolValue') || (Array.isArray(v) && !v.length)) continue;
      o[k] = canonical(v, k);
    }
    return o;
  }
  return typeof x === 'number' && !DOUBLES.has(key) ? String(x) : x;
}

const resource = resourceFromAttributes({ 'service.name': 'claude-code', 'service.version': '2.0.76', big: 2 ** 40, ratio: 0.25, ok: true, tags: ['a', 'b'] });

describe('OTLP protobuf decoding (schema written from the spec) against the official JS serializers', () => {
  it('decodes logs to exactly what the JSON serializer writes for the same records', async () => {
    const mem = new InMemoryLogRecordExporter();
    const lp = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter: mem })] });
    const logger = lp.getLogger('com.anthropic.claude_code.events', '2.0.76');
    logger.emit({
      body: 'claude_code.api_request',
      severityNumber: 9,
      severityText: 'INFO',
      timestamp: [1767607200, 123456789],
      attributes: {
        'event.name': 'api_request',
        input_tokens: 1234,
        cost_usd: 0.0123,
        big: 2 ** 53 - 1,
        neg: -7,
        ok: false,
        nested: { a: 1 } as Any,
        arr: [1, 2],
      },
    });
    logger.emit({ body: { structured: 'body', n: 3 } as Any, attributes: { bytes: new Uint8Array([0, 1, 254, 255]) as Any } });
    await lp.forceFlush();
    const recs = mem.getFinishedLogRecords();
    const decoded = decodeOtlpProtobuf('logs', ProtobufLogsSerializer.serializeRequest(recs)!);
    assert.ok(decoded.ok);
    const json = JSON.parse(Buffer.from(JsonLogsSerializer.serializeRequest(recs)!).toString());
    assert.deepEqual(canonical(decoded.value), canonical(json));
    const rec = (decoded.value as Any).resourceLogs[0].scopeLogs[0].logRecords[0];
    assert.equal(rec.timeUnixNano, '1767607200123456789', 'nanosecond times stay exact');
    assert.deepEqual(rec.attributes.find((a: Any) => a.key === 'input_tokens').value, { intValue: 1234 });
  });

  it('decodes spans with hex ids, parent ids, kinds, events and status', async () => {
    const mem = new InMemorySpanExporter();
    const tp = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(mem)] });
    const tracer = tp.getTracer('openinference.instrumentation.openai', '0.1.30');
    const parent = tracer.startSpan('agent.run');
    const s = tracer.startSpan(
      'ChatCompletion',
      { kind: 2, attributes: { 'openinference.span.kind': 'LLM', 'llm.token_count.prompt': 2048 } },
      trace.setSpan(context.active(), parent),
    );
    s.addEvent('first_token', { at: 5 });
    s.setStatus({ code: 2, message: 'rate limited' });
    s.end();
    parent.end();
    await tp.forceFlush();
    const spans = mem.getFinishedSpans();
    const decoded = decodeOtlpProtobuf('traces', ProtobufTraceSerializer.serializeRequest(spans)!);
    assert.ok(decoded.ok);
    const json = JSON.parse(Buffer.from(JsonTraceSerializer.serializeRequest(spans)!).toString());
    assert.deepEqual(canonical(decoded.value), canonical(json));
    const child = (decoded.value as Any).resourceSpans[0].scopeSpans[0].spans.find((s: Any) => s.name === 'ChatCompletion');
    assert.match(child.traceId, /^[0-9a-f]{32}$/);
    assert.match(child.parentSpanId, /^[0-9a-f]{16}$/);
    assert.equal(child.kind, 3, 'SpanKind CLIENT is 3 on the wire');
  });

  it('decodes sums, gauges and histograms (packed repeated fields)', async () => {
    const mem = new InMemoryMetricExporter(AggregationTemporality.DELTA);
    const mp = new MeterProvider({ resource, readers: [new PeriodicExportingMetricReader({ exporter: mem, exportIntervalMillis: 3_600_000 })] });
    const meter = mp.getMeter('com.anthropic.claude_code', '2.0.76');
    meter.createCounter('claude_code.token.usage', { unit: 'tokens' }).add(1500, { type: 'input', model: 'claude-sonnet-4-5' });
    meter.createCounter('claude_code.cost.usage', { unit: 'USD' }).add(0.75, { model: 'claude-sonnet-4-5' });
    meter.createHistogram('latency').record(12.5);
    meter.createGauge('g').record(-3);
    await mp.forceFlush();
    const rm = mem.getMetrics()[0]!;
    const decoded = decodeOtlpProtobuf('metrics', ProtobufMetricsSerializer.serializeRequest(rm)!);
    assert.ok(decoded.ok);
    const json = JSON.parse(Buffer.from(JsonMetricsSerializer.serializeRequest(rm)!).toString());
    assert.deepEqual(canonical(decoded.value), canonical(json));
  });

  it('rejects truncated bodies, wrong wire types and garbage with a reason', () => {
    const good = ProtobufLogsSerializer.serializeRequest([])!;
    assert.ok(decodeOtlpProtobuf('logs', good).ok);
    for (const bad of [Buffer.from([0x0a, 0x05, 0x01]), Buffer.from([0x0b]), Buffer.from([0x0d, 1, 2, 3, 4]), Buffer.from('{"resourceLogs":[]}')]) {
      const r = decodeOtlpProtobuf('logs', bad);
      assert.equal(r.ok, false, bad.toString('hex'));
      if (!r.ok) assert.match(r.reason, /^invalid OTLP protobuf logs request: /);
    }
  });

  it('encodes partialSuccess responses the official clients read back', () => {
    const bytes = encodeOtlpResponse('logs', 2, '2 record(s) rejected');
    assert.deepEqual(ProtobufLogsSerializer.deserializeResponse(bytes), { partialSuccess: { rejectedLogRecords: 2, errorMessage: '2 record(s) rejected' } });
    assert.deepEqual(ProtobufLogsSerializer.deserializeResponse(encodeOtlpResponse('logs', 0, '')), {});
  });
});
