import type { Store } from './store';
import { transaction } from './transaction';
import { databaseOf } from './database-of';

/**
 * The same model call can reach ProdLens through two files an agent writes: Gemini CLI's chat recording
 * (source gemini-cli-chat) and its telemetry (gemini-cli-otel: the local `telemetry.outfile` or OTLP through
 * the collector); GitHub Copilot CLI's session log (copilot-cli-session, one row per process × model, from
 * `session.shutdown`) and its OpenTelemetry export (copilot-cli-otel, one row per call). One copy is
 * canonical; the other is marked `duplicate_of` = the canonical row's trace_hash, so aggregates count the
 * call once (rows with duplicate_of set are excluded everywhere). This module holds the SQL; the rules are
 * in src/sources/agents/reconcile.ts.
 */

/** A telemetry row that may repeat a chat row. */
export interface GeminiCopyCandidate {
  traceHash: string;
  sessionId: string;
  kind: 'request' | 'tool';
  model: string | null;
  /** tokens_in + cache reads + cache writes: everything the model read, whatever the split convention. */
  inputAll: number;
  tokensOut: number | null;
  toolName: string | null;
  linesAdded: number | null;
  linesRemoved: number | null;
  tsMs: number;
  day: string;
}

/** Unmarked gemini-cli-otel requests and line-counting tool calls, on `days` (all days when absent). */
export function geminiCopyCandidates(store: Store, days?: readonly string[]): GeminiCopyCandidate[] {
  if (days && !days.length) return [];
  const dayClause = days ? `AND event_date IN (${days.map(() => '?').join(',')})` : '';
  const r = databaseOf(store).exec(
    `SELECT trace_hash, session_id, kind, model, IFNULL(tokens_in, 0) + IFNULL(cache_read_tokens, 0) + IFNULL(cache_write_tokens, 0),
            tokens_out, tool_name, lines_added, lines_removed, ts_ms, event_date
       FROM sessions
      WHERE source = 'gemini-cli-otel' AND duplicate_of IS NULL AND session_id IS NOT NULL
        AND (kind = 'request' OR (kind = 'tool' AND lines_added IS NOT NULL)) ${dayClause}
      ORDER BY ts_ms`,
    days ? [...days] : [],
  )[0];
  return (r?.values ?? []).map((v) => ({
    traceHash: v[0] as string,
    sessionId: v[1] as string,
    kind: v[2] as 'request' | 'tool',
    model: v[3] as string | null,
    inputAll: v[4] as number,
    tokensOut: v[5] as number | null,
    toolName: v[6] as string | null,
    linesAdded: v[7] as number | null,
    linesRemoved: v[8] as number | null,
    tsMs: v[9] as number,
    day: v[10] as string,
  }));
}

/** A chat row that could be the canonical copy of a telemetry row: trace hash and time. */
export interface CanonicalRow {
  traceHash: string;
  tsMs: number;
  model: string | null;
}

/** Looks up the chat rows matching telemetry candidates (prepared once, used per candidate). */
export class GeminiChatMatcher {
  private readonly request;
  private readonly tool;

  constructor(private readonly store: Store) {
    this.request = databaseOf(store).prepare(
      `SELECT trace_hash, ts_ms, model FROM sessions
        WHERE session_id = ? AND ts_ms BETWEEN ? AND ? AND source = 'gemini-cli-chat' AND kind = 'request' AND duplicate_of IS NULL
          AND model IS ? AND IFNULL(tokens_in, 0) + IFNULL(cache_read_tokens, 0) + IFNULL(cache_write_tokens, 0) = ? AND tokens_out IS ?`,
    );
    this.tool = databaseOf(store).prepare(
      `SELECT trace_hash, ts_ms, model FROM sessions
        WHERE session_id = ? AND ts_ms BETWEEN ? AND ? AND source = 'gemini-cli-chat' AND kind = 'edit' AND duplicate_of IS NULL
          AND tool_name IS ? AND lines_added IS ? AND lines_removed IS ?`,
    );
  }

  matches(c: GeminiCopyCandidate, windowMs: number): CanonicalRow[] {
    const s = c.kind === 'request' ? this.request : this.tool;
    const params =
      c.kind === 'request'
        ? [c.sessionId, c.tsMs - windowMs, c.tsMs + windowMs, c.model, c.inputAll, c.tokensOut]
        : [c.sessionId, c.tsMs - windowMs, c.tsMs + windowMs, c.toolName, c.linesAdded, c.linesRemoved];
    const out: CanonicalRow[] = [];
    try {
      s.bind(params);
      while (s.step()) {
        const [h, ts, m] = s.get() as [string, number, string | null];
        out.push({ traceHash: h, tsMs: ts, model: m });
      }
    } finally {
      s.reset();
    }
    return out;
  }

  dispose(): void {
    this.request.free();
    this.tool.free();
  }
}

/** Canonical rows already absorbing a copy from `source` (each absorbs at most one). */
export function claimedCanonicalRows(store: Store, source: string): Set<string> {
  return new Set(
    (databaseOf(store).exec('SELECT duplicate_of FROM sessions WHERE source = ? AND duplicate_of IS NOT NULL', [source])[0]?.values ?? []).map(
      (r) => r[0] as string,
    ),
  );
}

/** A Copilot OTel call not yet marked, in a session that has session-log rows. */
export interface CopilotCopyCandidate {
  traceHash: string;
  sessionId: string;
  model: string | null;
  tsMs: number;
  day: string;
}

export function copilotCopyCandidates(store: Store): CopilotCopyCandidate[] {
  const r = databaseOf(store).exec(
    `SELECT o.trace_hash, o.session_id, o.model, o.ts_ms, o.event_date FROM sessions o
      WHERE o.source = 'copilot-cli-otel' AND o.kind IN ('request', 'error') AND o.duplicate_of IS NULL AND o.session_id IS NOT NULL
        AND EXISTS (SELECT 1 FROM sessions t WHERE t.session_id = o.session_id AND t.source = 'copilot-cli-session' AND t.kind = 'request')
      ORDER BY o.ts_ms`,
  )[0];
  return (r?.values ?? []).map((v) => ({
    traceHash: v[0] as string,
    sessionId: v[1] as string,
    model: v[2] as string | null,
    tsMs: v[3] as number,
    day: v[4] as string,
  }));
}

/**
 * The session-log rows (one per process × model) of the sessions that have unmarked OTel calls, by session,
 * earliest first: one query, however many calls.
 */
export function copilotShutdownRows(store: Store): Map<string, CanonicalRow[]> {
  const r = databaseOf(store).exec(
    `SELECT session_id, trace_hash, ts_ms, model FROM sessions
      WHERE source = 'copilot-cli-session' AND kind = 'request' AND duplicate_of IS NULL
        AND session_id IN (SELECT session_id FROM sessions WHERE source = 'copilot-cli-otel' AND duplicate_of IS NULL AND session_id IS NOT NULL)
      ORDER BY session_id, ts_ms, trace_hash`,
  )[0];
  const out = new Map<string, CanonicalRow[]>();
  for (const v of r?.values ?? []) {
    const list = out.get(v[0] as string) ?? [];
    list.push({ traceHash: v[1] as string, tsMs: v[2] as number, model: v[3] as string | null });
    out.set(v[0] as string, list);
  }
  return out;
}

/** Marks rows `duplicate_of` their canonical copies (pairs of [copy, canonical]); dirties their days. */
export function markCopies(store: Store, pairs: ReadonlyArray<{ copy: string; canonical: string; day: string }>): void {
  if (!pairs.length) return;
  const mark = databaseOf(store).prepare('UPDATE sessions SET duplicate_of = ? WHERE trace_hash = ?');
  const days = new Set<string>();
  try {
    transaction(databaseOf(store), () => {
      for (const p of pairs) {
        mark.run([p.canonical, p.copy]);
        days.add(p.day);
      }
      for (const d of days) databaseOf(store).run('INSERT OR IGNORE INTO dirty_days (event_date) VALUES (?)', [d]);
    });
  } finally {
    mark.free();
  }
  store.markDirty([...days]);
}
