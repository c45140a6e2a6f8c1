import type { Database, Statement } from 'sql.js';
import { bucketOf, encodeHistogram } from '../analyze/latency-histogram';
import type { DayAggregate } from './day-aggregate';

/**
 * Maintains the report's rollups for changed days: `daily_activity` (day × developer × repo × source),
 * `daily_model` (the same × model) and `session_index`. Definitions (docs/report.md):
 * requests = request events; errors = error events or status ≥ 400; insertions = editor edit events
 * (AI insertions with measured survival), accepted_insertions = those with accepted_flag = 1,
 * inserted_lines / accepted_lines = their lines_added / accepted_lines; agent_edits and agent_lines_added =
 * edit events reported by agents themselves (transcripts, telemetry); unpriced_requests = requests whose
 * cost is unknown. Rows repeating another channel's record (duplicate_of set) are excluded.
 */
export class DailyActivity implements DayAggregate {
  private stmts: Record<'activity' | 'model' | 'latency' | 'sessions' | 'delA' | 'delM' | 'insA' | 'insM' | 'upsertSession', Statement> | undefined;

  constructor(private readonly db: Database) {}

  refreshDays(days: string[]): void {
    const s = (this.stmts ??= this.prepare());
    for (const day of days) {
      const hist = new Map<string, Map<number, number>>();
      s.latency.bind([day]);
      while (s.latency.step()) {
        const [dev, repo, source, ms] = s.latency.get() as [string | null, string | null, string, number];
        const key = JSON.stringify([dev, repo, source]);
        let h = hist.get(key);
        if (!h) hist.set(key, (h = new Map()));
        const b = bucketOf(ms);
        h.set(b, (h.get(b) ?? 0) + 1);
      }
      s.latency.reset();

      s.delA.run([day]);
      s.activity.bind([day]);
      while (s.activity.step()) {
        const r = s.activity.get();
        const key = JSON.stringify([r[0], r[1], r[2]]);
        const h = hist.get(key);
        let latencyCount = 0;
        if (h) for (const c of h.values()) latencyCount += c;
        s.insA.run([day, ...r, latencyCount, h ? encodeHistogram(h) : null]);
      }
      s.activity.reset();

      s.delM.run([day]);
      s.model.bind([day]);
      while (s.model.step()) s.insM.run([day, ...s.model.get()]);
      s.model.reset();

      s.sessions.bind([day]);
      while (s.sessions.step()) s.upsertSession.run([...s.sessions.get(), day, day]);
      s.sessions.reset();
    }
  }

  private prepare() {
    const base = `FROM sessions WHERE event_date = ? AND duplicate_of IS NULL`;
    return {
      latency: this.db.prepare(`SELECT developer_id, repo_slug, source, latency_ms ${base} AND kind = 'request' AND latency_ms IS NOT NULL`),
      activity: this.db.prepare(
        `SELECT developer_id, repo_slug, source, COUNT(DISTINCT session_id),
                COALESCE(SUM(kind = 'request'), 0), COALESCE(SUM(kind = 'error' OR status_code >= 400), 0),
                COALESCE(SUM(tokens_in), 0), COALESCE(SUM(tokens_out), 0), COALESCE(SUM(total_tokens), 0),
                COALESCE(SUM(cache_read_tokens), 0), COALESCE(SUM(cache_write_tokens), 0), COALESCE(SUM(cost_usd), 0),
                COALESCE(SUM(kind = 'request' AND cost_source = 'unknown'), 0),
                COALESCE(SUM(kind = 'edit' AND source = 'editor'), 0),
                COALESCE(SUM(kind = 'edit' AND source = 'editor' AND accepted_flag = 1), 0),
                COALESCE(SUM(CASE WHEN kind = 'edit' AND source = 'editor' THEN lines_added END), 0),
                COALESCE(SUM(CASE WHEN kind = 'edit' AND source = 'editor' THEN accepted_lines END), 0),
                COALESCE(SUM(kind = 'edit' AND source <> 'editor'), 0),
                COALESCE(SUM(CASE WHEN kind = 'edit' AND source <> 'editor' THEN lines_added END), 0)
           ${base} GROUP BY developer_id, repo_slug, source`,
      ),
      model: this.db.prepare(
        `SELECT developer_id, repo_slug, source, model,
                COALESCE(SUM(kind = 'request'), 0), COALESCE(SUM(kind = 'error' OR status_code >= 400), 0),
                COALESCE(SUM(tokens_out), 0), COALESCE(SUM(total_tokens), 0),
                COALESCE(SUM(cache_read_tokens), 0), COALESCE(SUM(cache_write_tokens), 0), COALESCE(SUM(cost_usd), 0),
                COALESCE(SUM(kind = 'request' AND cost_source = 'unknown'), 0),
                COALESCE(SUM(kind = 'edit' AND source = 'editor'), 0),
                COALESCE(SUM(kind = 'edit' AND source = 'editor' AND accepted_flag = 1), 0),
                COALESCE(SUM(CASE WHEN kind = 'edit' AND source = 'editor' THEN accepted_lines END), 0)
           ${base} GROUP BY developer_id, repo_slug, source, model`,
      ),
      sessions: this.db.prepare(`SELECT DISTINCT session_id, source, developer_id, repo_slug ${base} AND session_id IS NOT NULL`),
      delA: this.db.prepare('DELETE FROM daily_activity WHERE event_date = ?'),
      delM: this.db.prepare('DELETE FROM daily_model WHERE event_date = ?'),
      insA: this.db.prepare(`INSERT INTO daily_activity VALUES (${Array(22).fill('?').join(', ')})`),
      insM: this.db.prepare(`INSERT INTO daily_model VALUES (${Array(16).fill('?').join(', ')})`),
      upsertSession: this.db.prepare(
        `INSERT INTO session_index (session_id, source, developer_id, repo_slug, first_day, last_day) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(session_id, source) DO UPDATE SET first_day = MIN(first_day, excluded.first_day),
           last_day = MAX(last_day, excluded.last_day), developer_id = COALESCE(developer_id, excluded.developer_id),
           repo_slug = COALESCE(repo_slug, excluded.repo_slug)`,
      ),
    };
  }
}
