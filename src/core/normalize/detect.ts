import { emptyBatch, mergeBatch, type Batch } from '../model';
import { receivedAt, reject, type NormalizeContext } from './context';
import { isLiteLlmPayload, normalizeLiteLlm } from './litellm';
import { isSpendLogRow, normalizeSpendLogs } from './litellm-spend-logs';
import { normalizeOtlpLogs } from './otlp-logs';
import { normalizeOtlpMetrics } from './otlp-metrics';
import { normalizeOtlpSpans } from './otlp-spans';
import { redactForExcerpt } from './privacy';
import { isProdLensEvent, normalizeProdLensEvents } from './prodlens-event';
import { isRecord } from '../guards';

/**
 * Recognises any supported document from its parsed JSON and normalizes it: an OTLP request (any mix of
 * `resourceLogs`, `resourceSpans`, `resourceMetrics` — one such request per line is what an OpenTelemetry
 * Collector `file` exporter writes), a LiteLLM StandardLoggingPayload, a ProdLens event, or an array of
 * payloads/events (mixed arrays are recognised element by element). Detectors in `ctx.detectors` are tried
 * first. Anything unrecognised becomes a dead letter with the reason.
 */

export type DocumentFormat = 'otlp' | 'litellm' | 'litellm-spend-logs' | 'prodlens' | 'array' | 'empty';

function isOtlp(doc: Record<string, unknown>): boolean {
  return 'resourceLogs' in doc || 'resourceSpans' in doc || 'resourceMetrics' in doc;
}

/** The built-in format of a parsed document, or null when none applies. */
export function detectFormat(doc: unknown): DocumentFormat | null {
  if (Array.isArray(doc)) return doc.length ? 'array' : 'empty';
  if (!isRecord(doc)) return null;
  if (isOtlp(doc)) return 'otlp';
  if (isProdLensEvent(doc)) return 'prodlens';
  // Before the payload test: a spend-log row also has call_type and startTime.
  if (isSpendLogRow(doc)) return 'litellm-spend-logs';
  if (isLiteLlmPayload(doc)) return 'litellm';
  return null;
}

/** Normalizes one parsed JSON document into a batch; appends to `batch` when given. Never throws. */
export function normalizeDocument(doc: unknown, ctx: NormalizeContext, batch: Batch = emptyBatch()): Batch {
  try {
    return normalizeInto(doc, ctx, batch, 0);
  } catch (err) {
    // A bug, not bad input: keep the input as a dead letter rather than lose it or stop the import.
    reject(batch, receivedAt(ctx), 'unknown', `internal error while normalizing: ${err instanceof Error ? err.message : String(err)}`, redactForExcerpt(doc));
    return batch;
  }
}

function normalizeInto(doc: unknown, ctx: NormalizeContext, batch: Batch, depth: number): Batch {
  for (const d of ctx.detectors ?? []) {
    let hit = false;
    try {
      hit = d.matches(doc);
    } catch {
      hit = false;
    }
    if (hit) {
      return mergeBatch(batch, d.normalize(doc, ctx));
    }
  }
  const format = detectFormat(doc);
  switch (format) {
    case 'otlp': {
      const o = doc as Record<string, unknown>;
      if ('resourceLogs' in o) normalizeOtlpLogs({ resourceLogs: o.resourceLogs }, ctx, batch);
      if ('resourceSpans' in o) normalizeOtlpSpans({ resourceSpans: o.resourceSpans }, ctx, batch);
      if ('resourceMetrics' in o) normalizeOtlpMetrics({ resourceMetrics: o.resourceMetrics }, ctx, batch);
      return batch;
    }
    case 'prodlens':
      return normalizeProdLensEvents(doc, ctx, batch);
    case 'litellm':
      return normalizeLiteLlm(doc, ctx, batch);
    case 'litellm-spend-logs':
      return normalizeSpendLogs(doc, ctx, batch);
    case 'empty':
      return batch;
    case 'array':
      if (depth === 0) {
        for (const item of doc as unknown[]) normalizeInto(item, ctx, batch, 1);
        return batch;
      }
      break;
    default:
      break;
  }
  reject(batch, receivedAt(ctx), 'unknown', unrecognisedReason(doc, depth), redactForExcerpt(doc));
  return batch;
}

function unrecognisedReason(doc: unknown, depth: number): string {
  if (Array.isArray(doc)) return 'nested array: expected an object (OTLP request, LiteLLM payload or ProdLens event) in the array';
  if (!isRecord(doc)) return `unrecognised document: a JSON ${doc === null ? 'null' : typeof doc}, expected an object`;
  const keys = Object.keys(doc)
    .slice(0, 8)
    .map((k) => k.slice(0, 40))
    .join(', ');
  return `unrecognised ${depth ? 'array element' : 'document'}: not an OTLP request, LiteLLM payload or spend log row, or ProdLens event (keys: ${keys || 'none'})`;
}
