import { transaction } from '../../core/store/transaction';
import type { Store } from '../../core/store/store';

/**
 * A Claude Code request can reach ProdLens twice: in the transcript (source claude-code-transcript, with the
 * message id) and through OpenTelemetry (source claude-code-otel, event api_request, without it). The
 * transcript row is the canonical one; the OTel copy is marked `duplicate_of` = the transcript row's
 * trace_hash, so aggregates count the request once.
 *
 * A pair matches when the session id and model are equal, all four token counts are equal (input, output,
 * cache read, cache write) and the two times are within RECONCILE_WINDOW_MS. The transcript's time is the
 * time its last content-block line was written and the OTel event's is when the response completed: for a
 * long streamed answer they can differ by more than a few seconds, and with four equal token counts in one
 * session a wider window costs nothing in false matches. Each transcript row absorbs at most one OTel row
 * (the closest in time), so two identical requests in one minute stay two.
 *
 * Order does not matter: the scanner calls this after storing transcript rows, and the extension calls it
 * whenever events change (for example when the collector stores OTel rows after the transcript was read).
 */
export const RECONCILE_WINDOW_MS = 60_000;

export interface ReconcileOptions {
  /** Only OTel rows on these UTC days (and transcript rows beside them); all days when absent. */
  days?: string[];
}

/** Marks OTel copies of transcript requests; returns how many were marked. */
export function reconcileOtelCopies(store: Store, options: ReconcileOptions = {}): number {
  const db = store.db;
  const days = options.days;
  if (days && !days.length) return 0;
  // Only sessions with transcript requests can hold a copy: one scan for them first, so an import of OTel
  // rows alone (no transcripts) does not look each of its rows up.
  const transcriptSessions = new Set(
    (
      db.exec(
        `SELECT DISTINCT session_id FROM sessions
        WHERE source = 'claude-code-transcript' AND kind = 'request' AND duplicate_of IS NULL AND session_id IS NOT NULL`,
      )[0]?.values ?? []
    ).map((r) => r[0] as string),
  );
  if (!transcriptSessions.size) return 0;
  const dayClause = days ? `AND o.event_date IN (${days.map(() => '?').join(',')})` : '';
  const candidates = db.exec(
    `SELECT o.trace_hash, o.session_id, o.model, o.tokens_in, o.tokens_out, IFNULL(o.cache_read_tokens, 0),
            IFNULL(o.cache_write_tokens, 0), o.ts_ms, o.event_date
       FROM sessions o
      WHERE o.source = 'claude-code-otel' AND o.kind = 'request' AND o.duplicate_of IS NULL
        AND o.session_id IS NOT NULL ${dayClause}
      ORDER BY o.ts_ms`,
    days ?? [],
  )[0]?.values;
  if (!candidates?.length) return 0;
  const find = db.prepare(
    `SELECT t.trace_hash, t.ts_ms FROM sessions t
      WHERE t.session_id = ? AND t.ts_ms BETWEEN ? AND ?
        AND t.source = 'claude-code-transcript' AND t.kind = 'request' AND t.duplicate_of IS NULL
        AND t.model IS ? AND t.tokens_in IS ? AND t.tokens_out IS ?
        AND IFNULL(t.cache_read_tokens, 0) = ? AND IFNULL(t.cache_write_tokens, 0) = ?`,
  );
  const mark = db.prepare('UPDATE sessions SET duplicate_of = ? WHERE trace_hash = ?');
  // Transcript rows already absorbing an OTel copy.
  const claimed = new Set<string>(
    (db.exec("SELECT duplicate_of FROM sessions WHERE source = 'claude-code-otel' AND duplicate_of IS NOT NULL")[0]?.values ?? []).map((r) => r[0] as string),
  );
  const touched = new Set<string>();
  let marked = 0;
  try {
    transaction(db, () => {
      for (const row of candidates) {
        const [hash, session, model, tin, tout, cr, cw, ts, day] = row as [
          string,
          string,
          string | null,
          number | null,
          number | null,
          number,
          number,
          number,
          string,
        ];
        if (!transcriptSessions.has(session)) continue;
        const t = ts;
        find.bind([session, t - RECONCILE_WINDOW_MS, t + RECONCILE_WINDOW_MS, model, tin, tout, cr, cw]);
        let bestHash: string | null = null;
        let bestGap = Infinity;
        while (find.step()) {
          const [th, tts] = find.get() as [string, number];
          const gap = Math.abs(tts - t);
          if (!claimed.has(th) && gap < bestGap) {
            bestGap = gap;
            bestHash = th;
          }
        }
        find.reset();
        if (!bestHash) continue;
        claimed.add(bestHash);
        mark.run([bestHash, hash as string]);
        touched.add(day as string);
        marked++;
      }
      for (const d of touched) db.run('INSERT OR IGNORE INTO dirty_days (event_date) VALUES (?)', [d]);
    });
  } finally {
    find.free();
    mark.free();
  }
  if (marked) store.markDirty([...touched]);
  return marked;
}
