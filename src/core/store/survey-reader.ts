/**
 * Survey answers (events of kind 'survey') in a period, each next to what ProdLens measured in the session
 * it is about: requests, AI lines (accepted in the editor, or written by the agent), active minutes and cost.
 */
import type { Database } from 'sql.js';

export interface SurveyMeasured {
  requests: number;
  /** Editor insertions of the session still present (accepted_lines) plus lines the agent's edits added. */
  aiLines: number;
  /** First to last event of the session, in minutes. */
  minutes: number;
  costUsd: number;
}

export interface SurveyAnswerRow {
  at: string;
  sessionId: string | null;
  agent: string | null;
  trigger: string | null;
  productivity: number | null;
  fasterWithoutAi: string | null;
  measured: SurveyMeasured | null;
}

export function surveyAnswers(db: Database, since: string, until: string): SurveyAnswerRow[] {
  const rows = db.exec(
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
