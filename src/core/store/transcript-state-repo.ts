import type { SqlValue, Statement } from 'sql.js';
import type { Store } from './store';
import { transaction } from './transaction';
import { databaseOf } from './database-of';
import { chunkRows } from './chunk-rows';

/*
 * Transcript state: per-file checkpoints (transcript_files), the Claude message index
 * (transcript_messages) and the duplicate marks the transcript rules put on sessions rows.
 */

/** Where reading a transcript file stopped, and what the parser needs to carry on (table transcript_files). */
export interface FileCheckpoint {
  path: string;
  /** The transcript agent (claude, codex) or history agent (cline, gemini-cli, …) that wrote the file. */
  agent: string;
  size: number;
  mtimeMs: number;
  ino: string;
  offset: number;
  lineNo: number;
  headHash: string;
  state: unknown;
  /** Whether the file's session passed the workspace filter when it was last looked at. */
  included: boolean;
}

/** Reads and writes per-file checkpoints through prepared statements (thousands of files a pass). */
export class CheckpointTable {
  private get_: Statement | undefined;
  private put_: Statement | undefined;

  constructor(private readonly store: Store) {}

  get(path: string): FileCheckpoint | null {
    const s = (this.get_ ??= databaseOf(this.store).prepare(
      'SELECT agent, size, mtime_ms, ino, offset, line_no, head_hash, state, included FROM transcript_files WHERE path = ?',
    ));
    try {
      s.bind([path]);
      if (!s.step()) return null;
      const [agent, size, mtime, ino, offset, lineNo, head, state, included] = s.get() as [
        string,
        number,
        number,
        string,
        number,
        number,
        string,
        string | null,
        number,
      ];
      return {
        path,
        agent,
        size,
        mtimeMs: mtime,
        ino,
        offset,
        lineNo,
        headHash: head,
        state: state ? (JSON.parse(state) as unknown) : null,
        included: included === 1,
      };
    } finally {
      s.reset();
    }
  }

  put(cp: FileCheckpoint, nowIso: string): void {
    const s = (this.put_ ??= databaseOf(this.store).prepare(
      `INSERT INTO transcript_files (path, agent, size, mtime_ms, ino, offset, line_no, head_hash, state, included, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(path) DO UPDATE SET agent = excluded.agent, size = excluded.size, mtime_ms = excluded.mtime_ms,
         ino = excluded.ino, offset = excluded.offset, line_no = excluded.line_no, head_hash = excluded.head_hash,
         state = excluded.state, included = excluded.included, updated_at = excluded.updated_at`,
    ));
    s.run([
      cp.path,
      cp.agent,
      cp.size,
      cp.mtimeMs,
      cp.ino,
      cp.offset,
      cp.lineNo,
      cp.headHash,
      cp.state === null ? null : JSON.stringify(cp.state),
      cp.included ? 1 : 0,
      nowIso,
    ]);
  }

  /** Number of files with a checkpoint. */
  count(): number {
    return (databaseOf(this.store).exec('SELECT count(*) FROM transcript_files')[0]?.values[0]?.[0] as number) ?? 0;
  }

  dispose(): void {
    this.get_?.free();
    this.put_?.free();
    this.get_ = this.put_ = undefined;
  }
}

/**
 * Rows whose key is one of `keys`: the keys go in as one JSON array parameter (`json_each`), not one bound
 * parameter each: sql.js binds each parameter with a call into WebAssembly and a malloc'd copy, and a new
 * statement per chunk of 500 was compiled for every batch (a cold transcript scan looks up every request).
 */
function selectIn(store: Store, sqlPrefix: string, keys: string[]): SqlValue[][] {
  if (!keys.length) return [];
  return databaseOf(store).exec(`${sqlPrefix} (SELECT value FROM json_each(?))`, [JSON.stringify(keys)])[0]?.values ?? [];
}

/** Whether the store holds no Claude transcript row and no indexed message id (a first scan's store). */
export function holdsNoClaudeRequests(store: Store): boolean {
  const db = databaseOf(store);
  return (
    !db.exec('SELECT 1 FROM transcript_messages LIMIT 1').length && !db.exec(`SELECT 1 FROM sessions WHERE source = 'claude-code-transcript' LIMIT 1`).length
  );
}

/** Stored rows of these trace hashes: [trace_hash, tokens_in, tokens_out, cache_read_tokens, cache_write_tokens, attrs]. */
export function storedRequestTotals(store: Store, hashes: string[]): SqlValue[][] {
  return selectIn(store, 'SELECT trace_hash, tokens_in, tokens_out, cache_read_tokens, cache_write_tokens, attrs FROM sessions WHERE trace_hash IN', hashes);
}

/** Indexed Claude messages of these ids: [message_id, trace_hash, sidechain]. */
export function storedMessages(store: Store, messageIds: string[]): SqlValue[][] {
  return selectIn(store, 'SELECT message_id, trace_hash, sidechain FROM transcript_messages WHERE message_id IN', messageIds);
}

/** The statements of dedup passes (a scan's batches); `free` when done. */
export interface MessageIndexWriter {
  /** Marks a stored replay `duplicate_of` the main-chain request; returns the replay's days. */
  markReplay(hash: string, replayHash: string): string[];
  /** Indexes a message (written by `write`, in call order: the last call for a message id wins). */
  upsertMessage(messageId: string, hash: string, sidechain: boolean): void;
  /** Writes the messages indexed so far. */
  write(): void;
  free(): void;
}

/** Most rows per statement writing the message index. */
const INDEX_ROWS = 128;

export function messageIndexWriter(store: Store): MessageIndexWriter {
  // Replays are rare: prepared on first use.
  let markDup: Statement | undefined;
  const upserts: Array<[string, string, number]> = [];
  const inserts = new Map<number, Statement>();
  return {
    markReplay(hash, replayHash) {
      markDup ??= databaseOf(store).prepare('UPDATE sessions SET duplicate_of = ? WHERE trace_hash = ? AND duplicate_of IS NULL RETURNING event_date');
      const days: string[] = [];
      markDup.bind([hash, replayHash]);
      while (markDup.step()) days.push(markDup.get()[0] as string);
      markDup.reset();
      return days;
    },
    upsertMessage(messageId, hash, sidechain) {
      upserts.push([messageId, hash, sidechain ? 1 : 0]);
    },
    write() {
      // Multi-row statements of up to INDEX_ROWS rows, in call order (a later row for a message id wins): a
      // third less time than one `INSERT … SELECT FROM json_each` of the batch (33k messages: ~110 against
      // ~175 ms), which parsed each row's JSON three times.
      for (let i = 0; i < upserts.length;) {
        const n = chunkRows(upserts.length - i, INDEX_ROWS);
        let st = inserts.get(n);
        if (!st) {
          st = databaseOf(store).prepare(
            `INSERT INTO transcript_messages (message_id, trace_hash, sidechain) VALUES ${Array(n).fill('(?, ?, ?)').join(', ')}
               ON CONFLICT(message_id) DO UPDATE SET trace_hash = excluded.trace_hash, sidechain = excluded.sidechain`,
          );
          inserts.set(n, st);
        }
        st.run(upserts.slice(i, i + n).flat());
        i += n;
      }
      upserts.length = 0;
    },
    free() {
      markDup?.free();
      for (const st of inserts.values()) st.free();
    },
  };
}

/** Days whose rows were marked duplicates: left dirty for the day tables, and the change announced. */
export function markDuplicateDays(store: Store, days: string[]): void {
  for (const d of days) databaseOf(store).run('INSERT OR IGNORE INTO dirty_days (event_date) VALUES (?)', [d]);
  store.markDirty(days);
}

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
  const db = databaseOf(store);
  const days = options.days;
  if (days && !days.length) return 0;
  const dayClause = days ? `AND o.event_date IN (${days.map(() => '?').join(',')})` : '';
  // No OTel request on those days (a transcript scan without telemetry): nothing to look at. The day
  // index answers this at once; the transcript sessions below take a pass over every row.
  if (!db.exec(`SELECT 1 FROM sessions o WHERE o.source = 'claude-code-otel' AND o.kind = 'request' ${dayClause} LIMIT 1`, days ?? []).length) return 0;
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
