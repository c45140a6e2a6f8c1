import { emptyBatch, type Attrs, type Batch, type MetricPoint, type Source, type Temporality } from '../model';
import { receivedAt, reject, skip, type NormalizeContext } from './context';
import { stableHash } from './hash';
import { asId, normalizeDeveloperId } from './ids';
import { attrScalar, attrText, flattenAttributes, type AttrMap, type AttrValue } from './otlp-anyvalue';
import { AGENT_SOURCE, DEVELOPER_KEYS, SESSION_KEYS, developerIdOf, resourceInfo, sessionIdOf, timeKey, recordVcs, type ResourceInfo } from './otlp-common';
import { redactForExcerpt } from './privacy';
import { firstOtlpTime, isoUtc } from './time';
import { isRecord } from '../guards';

/**
 * OTLP metrics (an `ExportMetricsServiceRequest` in OTLP/JSON) → `MetricPoint` rows: one row per data point
 * of a sum or gauge (`asInt` / `asDouble`, numbers or decimal strings), and two rows per histogram data
 * point (`<name>.sum` and `<name>.count`). Only metrics of the AI agents and the GenAI conventions are kept
 * (`claude_code.*`, `codex.*`, `gemini_cli.*`, `gen_ai.*`, `litellm.*`); others are counted as skipped.
 * Data point attributes (type, model, decision, language, tool, …) are kept in `attrs`; ids, model and
 * repository are lifted into their columns.
 */

const FORMAT = 'otlp-metrics';
const PREFIX_SOURCE: Array<[string, Source]> = [
  ['claude_code.', 'claude-code-otel'],
  ['codex.', 'codex-otel'],
  ['gemini_cli.', 'gemini-cli-otel'],
  ['litellm.', 'litellm'],
  ['gen_ai.', 'genai-otel'],
];
/** Attributes lifted into columns or identifying a person, not repeated in `attrs`. */
const LIFTED = new Set<string>([
  ...SESSION_KEYS,
  ...DEVELOPER_KEYS,
  'model',
  'vcs.repository.url.full',
  'vcs.repository.name',
  'vcs.ref.head.name',
  'organization.id',
]);
const MAX_ATTRS = 32;

function sourceOf(name: string, res: ResourceInfo): Source | null {
  for (const [p, s] of PREFIX_SOURCE) {
    if (!name.startsWith(p)) continue;
    // gen_ai.* metrics from an agent or LiteLLM belong to that producer.
    if (s === 'genai-otel' && res.agent) return res.agent === 'litellm' ? 'litellm' : AGENT_SOURCE[res.agent];
    return s;
  }
  return null;
}

/** 1 = DELTA, 2 = CUMULATIVE (numbers or proto enum names); unspecified is treated as cumulative. */
function temporalityOf(v: unknown): Temporality {
  return v === 1 || v === '1' || v === 'AGGREGATION_TEMPORALITY_DELTA' ? 'delta' : 'cumulative';
}

function numberOf(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** A stable text form of a resource's attributes, computed once per resource for point hashes. */
function resourceKey(res: ResourceInfo): string {
  return stableHash([JSON.stringify([...res.attrs.entries()].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)))]);
}

/** Normalizes one `ExportMetricsServiceRequest`; appends to `batch` when given. Never throws on any input. */
export function normalizeOtlpMetrics(req: unknown, ctx: NormalizeContext, batch: Batch = emptyBatch()): Batch {
  const at = receivedAt(ctx);
  const resourceMetrics = isRecord(req) ? req.resourceMetrics : undefined;
  if (!Array.isArray(resourceMetrics)) {
    reject(batch, at, FORMAT, 'not an OTLP metrics request: resourceMetrics is missing or not an array', redactForExcerpt(req));
    return batch;
  }
  for (const rm of resourceMetrics) {
    if (!isRecord(rm)) {
      reject(batch, at, FORMAT, 'resourceMetrics entry is not an object', rm);
      continue;
    }
    const res = resourceInfo(rm.resource);
    let resKey: string | null = null;
    const scopes = rm.scopeMetrics ?? rm.instrumentationLibraryMetrics;
    if (!Array.isArray(scopes)) continue;
    for (const sm of scopes) {
      const metrics = isRecord(sm) ? sm.metrics : undefined;
      if (!Array.isArray(metrics)) continue;
      for (const metric of metrics) {
        if (!isRecord(metric) || typeof metric.name !== 'string' || !metric.name) {
          reject(batch, at, FORMAT, 'metric has no name', redactForExcerpt(metric));
          continue;
        }
        const source = sourceOf(metric.name, res);
        if (!source) {
          skip(batch, 'metric outside the AI namespaces');
          continue;
        }
        resKey ??= resourceKey(res);
        normalizeMetric(metric, metric.name, source, res, resKey, batch, at);
      }
    }
  }
  return batch;
}

function normalizeMetric(metric: Record<string, unknown>, name: string, source: Source, res: ResourceInfo, resKey: string, batch: Batch, at: string): void {
  const unit = typeof metric.unit === 'string' && metric.unit ? metric.unit.slice(0, 32) : null;
  const data = (metric.sum ?? metric.gauge ?? metric.histogram ?? metric.exponentialHistogram ?? metric.summary) as Record<string, unknown> | undefined;
  if (!isRecord(data) || !Array.isArray(data.dataPoints)) {
    reject(batch, at, source, `metric ${name}: no sum, gauge or histogram data points`, redactForExcerpt(metric));
    return;
  }
  const isHistogram = metric.sum === undefined && metric.gauge === undefined;
  const temporality: Temporality = metric.gauge !== undefined ? 'gauge' : temporalityOf(data.aggregationTemporality);
  for (const dp of data.dataPoints) {
    if (!isRecord(dp)) {
      reject(batch, at, source, `metric ${name}: data point is not an object`, dp);
      continue;
    }
    const values: Array<[string, number | null]> = isHistogram
      ? [
          [`${name}.sum`, numberOf(dp.sum)],
          [`${name}.count`, numberOf(dp.count)],
        ]
      : [[name, numberOf(dp.asDouble ?? dp.asInt)]];
    if (isHistogram && values[0]![1] === null && dp.sum === undefined) values.shift(); // sum is optional
    const time = firstOtlpTime(dp.timeUnixNano);
    if (!time.ok) {
      reject(batch, at, source, `metric ${name}: ${time.reason}`, redactForExcerpt(dp));
      continue;
    }
    const start = firstOtlpTime(dp.startTimeUnixNano);
    const a: AttrMap = flattenAttributes(dp.attributes);
    const base = pointBase(a, res);
    const pointKey = JSON.stringify([...a.entries()].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)));
    const timestamp = time.ok ? isoUtc(time.value) : '';
    for (const [pointName, value] of values) {
      if (value === null) {
        reject(batch, at, source, `metric ${pointName}: value is missing or not a finite number`, redactForExcerpt(dp));
        continue;
      }
      const point: MetricPoint = {
        // Identity: producer, metric, temporality, the exact point times as sent, the point's attributes and
        // the resource's attributes. Cumulative re-exports at later times are distinct points by design.
        point_hash: stableHash([source, pointName, temporality, timeKey(dp.startTimeUnixNano), timeKey(dp.timeUnixNano), pointKey, resKey]),
        source,
        name: pointName,
        unit: pointName.endsWith('.count') && isHistogram ? null : unit,
        temporality,
        value,
        start_ms: start.ok ? start.value : null,
        ts_ms: time.value,
        timestamp,
        event_date: timestamp.slice(0, 10),
        session_id: base.session_id,
        developer_id: base.developer_id,
        model: base.model,
        repo_slug: base.repo_slug,
        branch: base.branch,
        device_id: null,
        attrs: base.attrs,
      };
      batch.metrics.push(point);
    }
  }
}

function pointBase(a: AttrMap, res: ResourceInfo): Pick<MetricPoint, 'session_id' | 'developer_id' | 'model' | 'repo_slug' | 'branch' | 'device_id' | 'attrs'> {
  const attrs: Attrs = {};
  let n = 0;
  for (const [k, v] of a) {
    if (LIFTED.has(k) || k === '__proto__' || n >= MAX_ATTRS) continue;
    const s = attrScalar(v as AttrValue);
    if (s === null) continue;
    attrs[k] = s;
    n++;
  }
  const vcs = recordVcs(a, res);
  return {
    session_id: sessionIdOf(a, res.attrs),
    developer_id: normalizeDeveloperId(developerIdOf(a, res.attrs)),
    model: asId(attrText(a.get('model') ?? a.get('gen_ai.response.model') ?? a.get('gen_ai.request.model'))),
    repo_slug: vcs.repo_slug,
    branch: vcs.branch,
    device_id: null,
    attrs: n ? attrs : null,
  };
}
