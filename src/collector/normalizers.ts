import { normalizeLiteLlm } from '../core/normalize/litellm';
import { normalizeOtlpLogs } from '../core/normalize/otlp-logs';
import { normalizeOtlpMetrics } from '../core/normalize/otlp-metrics';
import { normalizeOtlpSpans } from '../core/normalize/otlp-spans';
import { normalizeProdLensEvents } from '../core/normalize/prodlens-event';
import type { CollectorNormalizers } from './options';

/**
 * The core normalizers behind each route. Per-route functions (rather than `normalizeDocument`'s format
 * detection) so a body posted to the wrong route is rejected instead of being guessed at.
 */
export function defaultNormalizers(): CollectorNormalizers {
  return {
    logs: (doc, ctx) => normalizeOtlpLogs(doc, ctx),
    metrics: (doc, ctx) => normalizeOtlpMetrics(doc, ctx),
    traces: (doc, ctx) => normalizeOtlpSpans(doc, ctx),
    events: (doc, ctx) => normalizeProdLensEvents(doc, ctx),
    litellm: (doc, ctx) => normalizeLiteLlm(doc, ctx),
  };
}
