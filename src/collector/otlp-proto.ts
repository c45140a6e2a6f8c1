import protobuf from 'protobufjs';
import { fail, ok, type Result } from '../core/normalize/result';
import { OtlpJsonDecoder } from './otlp-json-decoder';
import { OTLP_PROTO } from './otlp-schema';

/** The three OTLP signals. */
export type Signal = 'logs' | 'metrics' | 'traces';

type Json = Record<string, unknown>;

interface Types {
  decoder: OtlpJsonDecoder;
  request: Record<Signal, string>;
  response: Record<Signal, protobuf.Type>;
  status: protobuf.Type;
}

let types: Types | undefined;

/** Parses the schema once, on the first protobuf request (keeps extension activation free of it). */
function load(): Types {
  if (types) return types;
  const root = protobuf.parse(OTLP_PROTO, { keepCase: false }).root;
  root.resolveAll();
  const t = (n: string) => root.lookupType(`otlp.${n}`);
  types = {
    decoder: new OtlpJsonDecoder(root),
    request: { logs: 'otlp.ExportLogsServiceRequest', metrics: 'otlp.ExportMetricsServiceRequest', traces: 'otlp.ExportTraceServiceRequest' },
    response: { logs: t('ExportLogsServiceResponse'), metrics: t('ExportMetricsServiceResponse'), traces: t('ExportTraceServiceResponse') },
    status: t('RpcStatus'),
  };
  return types;
}

/**
 * Decodes an OTLP protobuf export request into the OTLP/JSON mapping (camelCase names, trace and span ids
 * as lowercase hex, 64-bit times as decimal strings, enums as integers, `bytesValue` as base64, `intValue`
 * as a number when exact, as the OpenTelemetry JS JSON exporter writes it), so the JSON normalizers apply
 * unchanged.
 */
export function decodeOtlpProtobuf(signal: Signal, body: Uint8Array): Result<Json> {
  const t = load();
  try {
    return ok(t.decoder.decode(t.request[signal], body));
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
