import type { Statement } from 'sql.js';
import type { Store } from '../../core/store/store';

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
    const s = (this.get_ ??= this.store.db.prepare(
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
    const s = (this.put_ ??= this.store.db.prepare(
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
    return (this.store.db.exec('SELECT count(*) FROM transcript_files')[0]?.values[0]?.[0] as number) ?? 0;
  }

  dispose(): void {
    this.get_?.free();
    this.put_?.free();
    this.get_ = this.put_ = undefined;
  }
}
