/**
 * Survey answers (events of kind 'survey') in a period, each next to what ProdLens measured in the session
 * it is about: requests, AI lines (accepted in the editor, or written by the agent), active minutes and cost.
 */
import { utcDay } from '../day';
import type { Store } from './store';
import type { SurveyAnswerRow, SurveyMeasured } from './survey-rows';
import { databaseOf } from './database-of';

export function surveyAnswers(store: Store, since: string, until: string): SurveyAnswerRow[] {
  const db = databaseOf(store);
  const rows =
    db.exec(
      `SELECT timestamp, session_id, agent, json_extract(attrs, '$.trigger'), json_extract(attrs, '$.productivity'), json_extract(attrs, '$.faster_without_ai')
       FROM sessions WHERE kind = 'survey' AND event_date >= ? AND event_date <= ? AND duplicate_of IS NULL ORDER BY ts_ms`,
      [since, until],
    )[0]?.values ?? [];
  const measure = db.prepare(
    `SELECT COALESCE(SUM(kind = 'request'), 0),
            COALESCE(SUM(CASE WHEN kind = 'edit' AND source = 'editor' THEN accepted_lines WHEN kind = 'edit' THEN lines_added END), 0),
            MIN(ts_ms), MAX(ts_ms), COALESCE(SUM(cost_usd), 0), COUNT(*)
       FROM sessions WHERE session_id = ? AND kind <> 'survey' AND duplicate_of IS NULL`,
  );
  try {
    return rows.map((r) => {
      const sessionId = r[1] as string | null;
      let measured: SurveyMeasured | null = null;
      if (sessionId) {
        measure.bind([sessionId]);
        if (measure.step()) {
          const [requests, lines, first, last, cost, n] = measure.get() as number[];
          if (n) measured = { requests: requests!, aiLines: lines!, minutes: (last! - first!) / 60_000, costUsd: cost! };
        }
        measure.reset();
      }
      const p = r[4];
      return {
        at: r[0] as string,
        sessionId,
        agent: r[2] as string | null,
        trigger: r[3] as string | null,
        productivity: typeof p === 'number' ? p : null,
        fasterWithoutAi: (r[5] as string | null) ?? null,
        measured,
      };
    });
  } finally {
    measure.free();
  }
}

/** A moment worth a question, found in the events (see src/core/survey/policy.ts for whether to ask). */
export interface SurveyCandidate {
  kind: 'agent-session-end' | 'ai-insertion';
  sessionId: string | null;
  key: string;
  atMs: number;
  agent: string | null;
  repoSlug: string | null;
  developerId: string | null;
  lines: number | null;
}

/**
 * Agent sessions whose last event is between `sinceMs` and `nowMs − idleMs` (quiet since: ended) with at
 * least `minRequests` requests, and accepted editor insertions of at least `minLines` lines since `sinceMs`;
 * moments already answered are left out. Oldest first.
 */
export function surveyCandidates(
  store: Store,
  o: { sinceMs: number; nowMs: number; idleMs: number; minRequests: number; minLines: number },
): SurveyCandidate[] {
  const db = databaseOf(store);
  const sinceDay = utcDay(o.sinceMs - 86_400_000);
  const out: SurveyCandidate[] = [];
  const answered = `SELECT json_extract(attrs, '$.key') FROM sessions WHERE kind = 'survey' AND event_date >= $day`;
  const sessions =
    db.exec(
      `SELECT session_id, MAX(agent), MAX(ts_ms), SUM(kind = 'request'), MAX(repo_slug), MAX(developer_id)
       FROM sessions
      WHERE event_date >= $day AND session_id IS NOT NULL AND source <> 'editor' AND kind <> 'survey' AND duplicate_of IS NULL
      GROUP BY session_id
     HAVING MAX(ts_ms) >= $since AND MAX(ts_ms) <= $ended AND SUM(kind = 'request') >= $minRequests
        AND session_id NOT IN (SELECT session_id FROM sessions WHERE kind = 'survey' AND event_date >= $day AND session_id IS NOT NULL)`,
      { $day: sinceDay, $since: o.sinceMs, $ended: o.nowMs - o.idleMs, $minRequests: o.minRequests },
    )[0]?.values ?? [];
  for (const [sid, agent, last, , repo, dev] of sessions as Array<[string, string | null, number, number, string | null, string | null]>) {
    out.push({ kind: 'agent-session-end', sessionId: sid, key: sid, atMs: last, agent, repoSlug: repo, developerId: dev, lines: null });
  }
  const insertions =
    db.exec(
      `SELECT trace_hash, session_id, agent, ts_ms, COALESCE(accepted_lines, lines_added), repo_slug, developer_id
       FROM sessions
      WHERE event_date >= $day AND source = 'editor' AND kind = 'edit' AND accepted_flag = 1 AND duplicate_of IS NULL
        AND ts_ms >= $since AND COALESCE(accepted_lines, lines_added) >= $minLines
        AND trace_hash NOT IN (${answered} AND json_extract(attrs, '$.key') IS NOT NULL)`,
      { $day: sinceDay, $since: o.sinceMs, $minLines: o.minLines },
    )[0]?.values ?? [];
  for (const [hash, sid, agent, at, lines, repo, dev] of insertions as Array<
    [string, string | null, string | null, number, number, string | null, string | null]
  >) {
    out.push({ kind: 'ai-insertion', sessionId: sid, key: hash, atMs: at, agent, repoSlug: repo, developerId: dev, lines });
  }
  return out.sort((a, b) => a.atMs - b.atMs);
}
