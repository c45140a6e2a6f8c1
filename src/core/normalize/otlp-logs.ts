import { emptyBatch, type Batch } from '../model';
import { receivedAt, reject, skip, type NormalizeContext } from './context';
import { buildEvent, type EventDraft } from './event';
import { AGENT_EVENTS, handlerFor, type AgentEvents, type LogPart, type LogView } from './otlp-log-events';
import { attrText, flattenAttributes, type AttrMap } from './otlp-anyvalue';
import { AGENT_SOURCE, developerIdOf, hexId, idPart, lookup, resourceInfo, safeName, sessionIdOf, timeKey, recordVcs, type ResourceInfo } from './otlp-common';
import { redactForExcerpt } from './privacy';
import { firstOtlpTime, toEpochMs } from './time';
import { isRecord } from '../guards';

/**
 * OTLP log records (an `ExportLogsServiceRequest` in OTLP/JSON) → events, for the log events of Claude Code,
 * Codex CLI and Gemini CLI. Rules per event: otlp-log-events.ts; the choices are documented in
 * docs/sources.md. Records that are not agent events, and agent events ProdLens deliberately ignores, are
 * counted in `batch.skipped`; records that cannot be normalized become dead letters.
 */

const FORMAT = 'otlp-logs';
const NAMESPACED = /^[a-z][a-z0-9_]*\.[a-z0-9_.]+$/;

/** Claude Code puts the short name in `event.name` and the full one in the body; others use `event.name`. */
function resolveName(eventName: string | null, body: string | null, res: ResourceInfo): string | null {
  if (eventName && eventName.includes('.')) return eventName;
  if (body && body.length <= 120 && NAMESPACED.test(body) && (!eventName || body.endsWith(`.${eventName}`))) return body;
  if (eventName && res.agent && res.agent !== 'litellm') return AGENT_EVENTS[res.agent].prefix + eventName;
  return eventName ?? body;
}

function agentOf(name: string): keyof typeof AGENT_EVENTS | null {
  for (const a of ['claude-code', 'codex', 'gemini-cli'] as const) if (name.startsWith(AGENT_EVENTS[a].prefix)) return a;
  return null;
}

/** Normalizes one `ExportLogsServiceRequest`; appends to `batch` when given. Never throws on any input. */
export function normalizeOtlpLogs(req: unknown, ctx: NormalizeContext, batch: Batch = emptyBatch()): Batch {
  const at = receivedAt(ctx);
  const resourceLogs = isRecord(req) ? req.resourceLogs : undefined;
  if (!Array.isArray(resourceLogs)) {
    reject(batch, at, FORMAT, 'not an OTLP logs request: resourceLogs is missing or not an array', redactForExcerpt(req));
    return batch;
  }
  for (const rl of resourceLogs) {
    if (!isRecord(rl)) {
      reject(batch, at, FORMAT, 'resourceLogs entry is not an object', rl);
      continue;
    }
    const res = resourceInfo(rl.resource);
    const scopes = rl.scopeLogs ?? rl.instrumentationLibraryLogs;
    if (!Array.isArray(scopes)) continue;
    for (const sl of scopes) {
      const records = isRecord(sl) ? (sl.logRecords ?? sl.logs) : undefined;
      if (!Array.isArray(records)) continue;
      for (const record of records) normalizeRecord(record, res, ctx, batch, at);
    }
  }
  return batch;
}

function normalizeRecord(record: unknown, res: ResourceInfo, ctx: NormalizeContext, batch: Batch, at: string): void {
  if (!isRecord(record)) {
    reject(batch, at, FORMAT, 'log record is not an object', record);
    return;
  }
  const rec: AttrMap = flattenAttributes(record.attributes);
  const bodyValue = isRecord(record.body) ? record.body.stringValue : undefined;
  const body = typeof bodyValue === 'string' ? bodyValue.trim() || null : null;
  const name = resolveName(attrText(rec.get('event.name')), body, res);
  if (!name) {
    reject(batch, at, FORMAT, 'log record has no event name (no event.name attribute and no string body)', redactForExcerpt(record));
    return;
  }
  const agent = agentOf(name);
  if (!agent) {
    if (name.startsWith('gen_ai.')) skip(batch, 'GenAI semantic-convention log event (the agent event carries the same data)');
    else skip(batch, 'log record that is not an AI agent event');
    return;
  }
  const source = AGENT_SOURCE[agent];
  const events: AgentEvents = AGENT_EVENTS[agent];
  const handler = handlerFor(events, name);
  const label = (): string => safeName(name) ?? `${events.prefix}*`;
  if (handler === undefined) {
    skip(batch, `unsupported event ${label()}`);
    return;
  }
  if (handler === 'noise') {
    skip(batch, `${label()} (telemetry noise)`);
    return;
  }
  const view: LogView = { name, rec, get: (k) => lookup(rec, res.attrs, k) };
  const out = handler(view);
  if ('skip' in out) {
    skip(batch, out.skip);
    return;
  }
  if ('reject' in out) {
    reject(batch, at, source, `${label()}: ${out.reject}`, redactForExcerpt(record));
    return;
  }

  // Time: timeUnixNano, else observedTimeUnixNano (0 means unset), else the event.timestamp attribute.
  let rawTime: unknown = record.timeUnixNano;
  let ms = firstOtlpTime(rawTime);
  if (!ms.ok) {
    rawTime = record.observedTimeUnixNano;
    ms = firstOtlpTime(rawTime);
  }
  if (!ms.ok) {
    const ts = view.get('event.timestamp');
    const alt = toEpochMs(ts);
    if (alt.ok) {
      ms = alt;
      rawTime = ts;
    } else {
      reject(batch, at, source, `${label()}: no usable time (${ms.reason}; event.timestamp: ${alt.reason})`, redactForExcerpt(record));
      return;
    }
  }

  // The handler's object becomes the draft: filling it in place avoids object spreads, which cost more
  // than the rest of this function on the import hot path. (`key` stays on it; buildEvent ignores it.)
  const draft = out as LogPart & EventDraft;
  const session_id = sessionIdOf(rec, res.attrs);
  const appVersion = attrText(view.get('app.version')) ?? attrText(res.attrs.get('service.version'));
  if (appVersion && draft.attrs) draft.attrs.app_version = appVersion;
  const vcs = recordVcs(rec, res);
  draft.source = source;
  draft.agent = agent;
  draft.time = ms.value;
  draft.timeUnit = 'ms';
  draft.session_id = session_id;
  draft.developer_id = developerIdOf(rec, res.attrs);
  draft.repo_slug = vcs.repo_slug;
  draft.branch = vcs.branch;
  // Identity: the event, its session, its exact time as sent, the agent's sequence number when it has
  // one, trace/span ids when set, and the event's own distinguishing fields (see docs/sources.md).
  draft.identity = [name, session_id, timeKey(rawTime), idPart(rec.get('event.sequence')), hexId(record.traceId), hexId(record.spanId), ...out.key];
  const built = buildEvent(draft, ctx);
  if (built.ok) batch.events.push(built.value);
  else reject(batch, at, source, `${label()}: ${built.reason}`, redactForExcerpt(record));
}
