/**
 * Reads for the everyday views (the ProdLens view, the status bar, budgets): usage totals between two
 * instants, the most recent agent sessions, and what each source last sent. Instants rather than days, so a
 * caller's local day (or week, or month) in any time zone is one range; the UTC `event_date` index narrows
 * the scan to the days the range touches. Reads only: nothing here writes or refreshes a table.
 */
import type { SqlValue } from 'sql.js';
import { daysBetween, shiftDay, utcDay } from '../day';
import { eachRow } from './day-aggregate';
import type { Store } from './store';
import { databaseOf } from './database-of';

/** Totals of the events in a time range, with the report's definitions (src/core/store/day-rollups.ts). */
export interface UsageTotals {
  /** Successful model requests. */
  requests: number;
  /** Error events and requests with HTTP status ≥ 400. */
  errors: number;
  /** tokens_in + tokens_out (cache tokens separately). */
  totalTokens: number;
  cacheTokens: number;
  costUsd: number;
  /** Requests to a model the price table does not know: counted, not priced. */
  unpricedRequests: number;
  /** AI insertions measured in the editor, those accepted, and their accepted lines. */
  insertions: number;
  acceptedInsertions: number;
  acceptedLines: number;
}

/** An instant range [startMs, endMs). */
export interface TimeRange {
  startMs: number;
  endMs: number;
}

/** Usage totals of the events with startMs ≤ ts_ms < endMs (records repeating another channel's excluded). */
export function usageBetween(store: Store, range: TimeRange): UsageTotals {
  const totals: UsageTotals = {
    requests: 0,
    errors: 0,
    totalTokens: 0,
    cacheTokens: 0,
    costUsd: 0,
    unpricedRequests: 0,
    insertions: 0,
    acceptedInsertions: 0,
    acceptedLines: 0,
  };
  if (range.endMs <= range.startMs) return totals;
  const r = databaseOf(store).exec(
    `SELECT COALESCE(SUM(kind = 'request'), 0), COALESCE(SUM(kind = 'error' OR status_code >= 400), 0),
            COALESCE(SUM(total_tokens), 0), COALESCE(SUM(COALESCE(cache_read_tokens, 0) + COALESCE(cache_write_tokens, 0)), 0),
            COALESCE(SUM(cost_usd), 0), COALESCE(SUM(kind = 'request' AND cost_source = 'unknown'), 0),
            COALESCE(SUM(kind = 'edit' AND source = 'editor'), 0), COALESCE(SUM(kind = 'edit' AND source = 'editor' AND accepted_flag = 1), 0),
            COALESCE(SUM(CASE WHEN kind = 'edit' AND source = 'editor' THEN accepted_lines END), 0)
       FROM sessions
      WHERE event_date >= ? AND event_date <= ? AND ts_ms >= ? AND ts_ms < ? AND duplicate_of IS NULL`,
    [utcDay(range.startMs), utcDay(range.endMs - 1), range.startMs, range.endMs],
  )[0]?.values[0] as number[] | undefined;
  if (!r) return totals;
  [
    totals.requests,
    totals.errors,
    totals.totalTokens,
    totals.cacheTokens,
    totals.costUsd,
    totals.unpricedRequests,
    totals.insertions,
    totals.acceptedInsertions,
    totals.acceptedLines,
  ] = r.map(Number) as [number, number, number, number, number, number, number, number, number];
  return totals;
}

/** One agent session: every event carrying its session id, across sources (transcript, telemetry, editor). */
export interface SessionSummary {
  sessionId: string;
  /** The agent (claude-code, codex, gemini-cli, …): the events' own, else from the source's name; null if unknown. */
  agent: string | null;
  sources: string[];
  /** The model with the most requests (null when the requests name none). */
  model: string | null;
  /** How many models the session used. */
  modelCount: number;
  developerId: string | null;
  /** The repository most of its events name. */
  repoSlug: string | null;
  startMs: number;
  endMs: number;
  requests: number;
  errors: number;
  totalTokens: number;
  cacheTokens: number;
  costUsd: number;
  unpricedRequests: number;
}

export interface RecentSessionsOptions {
  /** At most this many sessions, newest (by last event) first. */
  limit: number;
  /**
   * UTC days to look back from the last day any agent made a request, widened step by step (tripled, then
   * to everything) until `limit` sessions are found: a busy database is read a few days deep on the
   * event_date index, a quiet one still lists its last sessions however old.
   */
  windowDays: number;
}

/** The newest agent sessions: sessions with at least one model request. */
export function recentSessions(store: Store, o: RecentSessionsOptions): SessionSummary[] {
  const db = databaseOf(store);
  const last = db.exec(
    "SELECT event_date FROM sessions WHERE kind = 'request' AND session_id IS NOT NULL AND duplicate_of IS NULL ORDER BY event_date DESC LIMIT 1",
  )[0]?.values[0]?.[0] as string | undefined;
  if (!last) return [];
  const lastMs = Date.parse(`${last}T00:00:00Z`);
  let found: Fold[] = [];
  for (let days: number | null = o.windowDays; ; days = days !== null && days < 3 * 365 ? days * 3 : null) {
    const since = days === null ? '0000-01-01' : utcDay(lastMs - (days - 1) * 86_400_000);
    found = sessionsBetween(store, since, last);
    if (found.length >= o.limit || days === null) break;
  }
  return found
    .sort((a, b) => b.s.endMs - a.s.endMs || a.s.sessionId.localeCompare(b.s.sessionId))
    .slice(0, o.limit)
    .map(finish);
}

/** Which events of a period's sessions count: the report's filter dimensions (null: all; '' : none). */
export interface SessionFilter {
  repo?: string | null;
  developer?: string | null;
  source?: string | null;
  model?: string | null;
}

/**
 * The newest `limit` agent sessions (by start) with events between two UTC days (inclusive) that match the
 * filter (the report's sessions table). A session reaching before `since` is cut there; with a filter, only
 * the matching events count (a repository filter keeps that repository's events).
 *
 * Reads the last week of the range first and widens it (×3) until `limit` sessions started inside what was
 * read, so a year-long report does not aggregate a year of events for a table of the newest sessions. The
 * sessions found are then read over the whole range by their ids (the session index), so one that began
 * before the window read is complete and ranks by its true start.
 */
export function sessionsInRange(store: Store, since: string, until: string, filter: SessionFilter, limit: number): SessionSummary[] {
  const steps = sessionsInRangeSteps(store, since, until, filter, limit);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * `sessionsInRange` in steps, yielding between its queries (the report's async build lets the event loop
 * turn there). A window that cannot hold `limit` sessions is skipped without reading its events: fewer
 * sessions in session_index reach into it (their last day on or after its first, less a day: the index
 * keeps the store's local days, at most a day from the UTC event_date; spans there only widen, so the count
 * is an upper bound of what the window would find). Skipping only windows the loop would widen anyway, the
 * result is the same.
 */
export function* sessionsInRangeSteps(store: Store, since: string, until: string, filter: SessionFilter, limit: number): Generator<void, SessionSummary[]> {
  const parts: string[] = [];
  const params: SqlValue[] = [];
  const dim = (col: string, v: string | null | undefined) => {
    if (v === undefined || v === null) return;
    parts.push(`${col} IS ?`);
    params.push(v === '' ? null : v);
  };
  dim('repo_slug', filter.repo);
  dim('developer_id', filter.developer);
  if (filter.source) {
    parts.push('source = ?');
    params.push(filter.source);
  }
  dim('model', filter.model);
  const extra = { sql: parts.map((p) => ` AND ${p}`).join(''), params };
  const newest = (f: Fold[]) => f.sort((a, b) => b.s.startMs - a.s.startMs || a.s.sessionId.localeCompare(b.s.sessionId));
  const reaching = (day: string) =>
    Number(databaseOf(store).exec('SELECT COUNT(DISTINCT session_id) FROM session_index WHERE last_day >= ?', [day])[0]?.values[0]?.[0] ?? 0);
  for (let days = 7; ; days *= 3) {
    const from = daysBetween(since, until) < days ? since : shiftDay(until, -(days - 1));
    if (from !== since && reaching(shiftDay(from, -1)) < limit) continue;
    if (from === since)
      return newest(sessionsBetween(store, from, until, extra))
        .slice(0, limit)
        .map(finish);
    // Which sessions the window holds (with a request in it) is all that is used of it: the sessions are
    // read whole below. So it is read a week at a time, a step each (a session with a request in the window
    // has one in some week of it).
    const found = new Set<string>();
    for (let end = until; end >= from; end = shiftDay(end, -7)) {
      const start = shiftDay(end, -6) > from ? shiftDay(end, -6) : from;
      for (const f of sessionsBetween(store, start, end, extra)) found.add(f.s.sessionId);
      yield;
    }
    const fromMs = Date.parse(`${from}T00:00:00Z`);
    if (found.size < limit) continue;
    // Complete each found session over the whole range (by id, on the session index).
    const ids = [...found];
    const full: Fold[] = [];
    // In chunks of 50 ids (each session whole in one chunk: the same rows as one query), a step each.
    for (let i = 0; i < ids.length; i += 50) {
      if (i) yield;
      const chunk = ids.slice(i, i + 50);
      full.push(
        ...sessionsBetween(
          store,
          since,
          until,
          { sql: `${extra.sql} AND session_id IN (${chunk.map(() => '?').join(', ')})`, params: [...extra.params, ...chunk] },
          'idx_sessions_session_ts',
        ),
      );
    }
    if (full.filter((f) => f.s.startMs >= fromMs).length >= limit) return newest(full).slice(0, limit).map(finish);
    yield;
  }
}

/** Agent sessions with events between two UTC days (a session reaching earlier is cut at `since`). */
function sessionsBetween(
  store: Store,
  since: string,
  until: string,
  extra: { sql: string; params: SqlValue[] } = { sql: '', params: [] },
  index?: string,
): Fold[] {
  const byId = new Map<string, Fold>();
  eachRow(
    databaseOf(store),
    `SELECT session_id, source, agent, model, developer_id, repo_slug, MIN(ts_ms), MAX(ts_ms), SUM(kind = 'request'),
            SUM(kind = 'error' OR status_code >= 400), COALESCE(SUM(total_tokens), 0),
            COALESCE(SUM(COALESCE(cache_read_tokens, 0) + COALESCE(cache_write_tokens, 0)), 0), COALESCE(SUM(cost_usd), 0),
            SUM(kind = 'request' AND cost_source = 'unknown'), COUNT(*)
       FROM sessions${index ? ` INDEXED BY ${index}` : ''}
      WHERE event_date >= ? AND event_date <= ? AND session_id IS NOT NULL AND duplicate_of IS NULL AND kind <> 'survey'${extra.sql}
      GROUP BY 1, 2, 3, 4, 5, 6`,
    (row) => fold(byId, row),
    [since, until, ...extra.params] as SqlValue[],
  );
  return [...byId.values()].filter((f) => f.s.requests > 0);
}

interface Fold {
  s: SessionSummary;
  agents: Map<string, number>;
  models: Map<string, number>;
  repos: Map<string, number>;
}

function fold(byId: Map<string, Fold>, row: SqlValue[]): void {
  const [id, source, agent, model, dev, repo] = row as [string, string, string | null, string | null, string | null, string | null];
  const [start, end, requests, errors, tokens, cache, cost, unpriced, events] = row.slice(6).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  let f = byId.get(id);
  if (!f) {
    f = {
      s: {
        sessionId: id,
        agent: null,
        sources: [],
        model: null,
        modelCount: 0,
        developerId: null,
        repoSlug: null,
        startMs: start,
        endMs: end,
        requests: 0,
        errors: 0,
        totalTokens: 0,
        cacheTokens: 0,
        costUsd: 0,
        unpricedRequests: 0,
      },
      agents: new Map(),
      models: new Map(),
      repos: new Map(),
    };
    byId.set(id, f);
  }
  const s = f.s;
  if (!s.sources.includes(source)) s.sources.push(source);
  s.startMs = Math.min(s.startMs, start);
  s.endMs = Math.max(s.endMs, end);
  s.requests += requests;
  s.errors += errors;
  s.totalTokens += tokens;
  s.cacheTokens += cache;
  s.costUsd += cost;
  s.unpricedRequests += unpriced;
  s.developerId ??= dev;
  // The editor records insertions under an agent's session id; the agent's own records name it best.
  const who = agent ?? agentOfSource(source);
  if (who && source !== 'editor') add(f.agents, who, events);
  if (model && requests > 0) add(f.models, model, requests);
  if (repo) add(f.repos, repo, events);
}

function finish(f: Fold): SessionSummary {
  const s = f.s;
  s.sources.sort();
  s.agent = top(f.agents);
  s.model = top(f.models);
  s.modelCount = f.models.size;
  s.repoSlug = top(f.repos);
  return s;
}

function add(m: Map<string, number>, key: string, n: number): void {
  m.set(key, (m.get(key) ?? 0) + n);
}

/** The key with the largest count; ties go to the alphabetically first, so results are stable. */
function top(m: Map<string, number>): string | null {
  let best: string | null = null;
  let count = -1;
  for (const [k, n] of m) {
    if (n > count || (n === count && best !== null && k < best)) {
      best = k;
      count = n;
    }
  }
  return best;
}

/** The agent a source's name says (claude-code-otel → claude-code), or null for sources that are not one agent. */
export function agentOfSource(source: string): string | null {
  const m = /^(claude-code|codex|gemini-cli|copilot-cli|copilot|cline|roo-code|kilo-code|cursor)(?:-|$)/.exec(source);
  if (m) return m[1]!;
  return source.startsWith('litellm') ? 'litellm' : null;
}

/** What a source last sent (the `source_status` table). */
export interface SourceStatus {
  source: string;
  /** Time of the newest record from it (epoch ms), null when none had a time. */
  lastEventMs: number | null;
  /** When ProdLens last received anything from it (epoch ms). */
  lastReceivedMs: number | null;
  recordsReceived: number;
  deadLetters: number;
}

export function sourceStatuses(store: Store): SourceStatus[] {
  const rows =
    databaseOf(store).exec('SELECT source, last_event_ms, last_received_at, records_received, dead_letters FROM source_status ORDER BY source')[0]?.values ??
    [];
  return rows.map((v) => {
    const received = typeof v[2] === 'string' ? Date.parse(v[2]) : NaN;
    return {
      source: v[0] as string,
      lastEventMs: v[1] === null ? null : Number(v[1]),
      lastReceivedMs: Number.isFinite(received) ? received : null,
      recordsReceived: Number(v[3]),
      deadLetters: Number(v[4]),
    };
  });
}
