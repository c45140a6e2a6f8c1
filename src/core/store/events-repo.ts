/* Reads of `sessions` rows for other parts of ProdLens (the editor capture's agent matching). */

import { utcDay } from '../normalize/time';
import type { Store } from './store';
import { databaseOf } from './database-of';

/** An agent's own edit event that an editor insertion was matched to. */
export interface AgentEditMatch {
  traceHash: string;
  sessionId: string | null;
  agent: string;
  tsMs: number;
  /**
   * The model behind the agent's edit: its own, else the model of the session's last request at or before
   * it (the request that called the tool). Null when the session has no request with a model.
   */
  model: string | null;
  /** The edit's developer and repository (the insertion takes them when it has none). */
  developerId: string | null;
  repoSlug: string | null;
}

/** How far before and after an insertion an agent's edit event may be to match it. */
export interface MatchWindow {
  beforeMs: number;
  afterMs: number;
}

export const DEFAULT_MATCH_WINDOW: MatchWindow = { beforeMs: 60_000, afterMs: 15_000 };

/**
 * Finds the agent edit event (kind `edit`, from a source other than the editor, with a named agent —
 * e.g. a Claude Code Edit/Write tool result read from its transcript) on the same file (`attrs.path_hash`)
 * closest in time to an insertion seen in the editor. `fileHash` is the transcript reader's current key
 * (`transcriptFileHash`), accepted beside the agreed `path_hash`. The agent's event can arrive after the insertion
 * (transcripts are read later), so callers retry at later checkpoints. With `lines` (the insertion's line count),
 * an edit that added as many lines wins over a closer one that did not.
 */
export function findAgentEdit(
  store: Store,
  file: { pathHash: string; fileHash?: string; lines?: number | null },
  atMs: number,
  window: MatchWindow = DEFAULT_MATCH_WINDOW,
): AgentEditMatch | null {
  const from = atMs - window.beforeMs;
  const to = atMs + window.afterMs;
  const db = databaseOf(store);
  const rows = db.exec(
    `SELECT trace_hash, session_id, agent, ts_ms, model, developer_id, repo_slug FROM sessions
     WHERE event_date BETWEEN ? AND ? AND kind = 'edit' AND source <> 'editor' AND agent IS NOT NULL
       AND ts_ms BETWEEN ? AND ? AND (json_extract(attrs, '$.path_hash') = ? OR json_extract(attrs, '$.file') = ?)
     ORDER BY (lines_added IS ?) DESC, abs(ts_ms - ?) LIMIT 1`,
    [utcDay(from), utcDay(to), from, to, file.pathHash, file.fileHash ?? file.pathHash, file.lines ?? -1, atMs],
  );
  const r = rows[0]?.values[0];
  if (!r) return null;
  const sessionId = (r[1] as string | null) ?? null;
  const tsMs = r[3] as number;
  let model = (r[4] as string | null) ?? null;
  if (model === null && sessionId !== null) {
    const m = db.exec(
      `SELECT model FROM sessions WHERE session_id = ? AND ts_ms <= ? AND kind = 'request' AND model IS NOT NULL AND duplicate_of IS NULL
       ORDER BY ts_ms DESC LIMIT 1`,
      [sessionId, tsMs],
    );
    model = (m[0]?.values[0]?.[0] as string | undefined) ?? null;
  }
  return {
    traceHash: r[0] as string,
    sessionId,
    agent: r[2] as string,
    tsMs,
    model,
    developerId: (r[5] as string | null) ?? null,
    repoSlug: (r[6] as string | null) ?? null,
  };
}
