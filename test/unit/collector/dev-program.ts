// A developer's own OpenTelemetry-instrumented program (not an AI agent): exports one span and one log record
// wherever its environment says (the official JS SDK exporters read OTEL_EXPORTER_OTLP_* themselves), then exits.
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

async function main() {
  const tracer = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
  tracer.getTracer('shop').startSpan('checkout').end();
  const logs = new LoggerProvider({ processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter() })] });
  logs.getLogger('shop').emit({ body: 'order placed' });
  await Promise.all([tracer.forceFlush(), logs.forceFlush()]);
  await Promise.all([tracer.shutdown(), logs.shutdown()]);
}
main().catch((err) => {
  process.stderr.write(String(err));
  process.exit(3);
});
