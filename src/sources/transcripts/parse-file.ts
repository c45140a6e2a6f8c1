import type { PriceTable } from '../../core/pricing';
import type { FileCheckpoint } from './checkpoints';
import { ClaudeParser, type ClaudeState, type RawRequest } from './claude';
import { CodexParser, type CodexState } from './codex';
import { isInside, type TranscriptAgent } from './locations';
import type { FileParser, ParseOutput, ParserContext } from './parser';
import { headHash, HEAD_BYTES, tailLines } from './tail';

/**
 * What the scanner decided about one file before reading it (stat and checkpoint, on the thread that owns
 * the store): where to read from, with what parser state, and whether the workspace filter is decided.
 * Plain data, so the reading and parsing can run on a worker thread (scan-worker.ts).
 */
export interface FileJob {
  path: string;
  agent: TranscriptAgent;
  size: number;
  mtimeMs: number;
  ino: string;
  offset: number;
  lineNo: number;
  state: unknown;
  /** The checkpoint's head hash when reading on from its offset. */
  headHash: string | null;
  /** true / false when the filter is decided before reading; undefined: the first `cwd` decides. */
  decided: boolean | undefined;
  workspaceFolders: string[] | null;
  receivedAt: string;
}

export interface FileResult {
  out: ParseOutput;
  /** Claude requests left unbuilt (parseFile with `deferRequests`): buildRawRequests puts them in `out`. */
  raw?: RawRequest[];
  checkpoint: FileCheckpoint;
  cwd: string | null;
  bytesRead: number;
  excluded: boolean;
}

/**
 * Reads and parses what is new in one file (no store access: runs on the scanner's thread or a worker).
 * `deferRequests` (the reading thread): Claude requests come back unbuilt in `raw`.
 */
export function parseFile(job: FileJob, prices: PriceTable, deferRequests = false): FileResult {
  const filter = job.workspaceFolders;
  const base = { path: job.path, agent: job.agent, size: job.size, mtimeMs: job.mtimeMs, ino: job.ino };
  const out: ParseOutput = { items: [], rejects: [] };
  const raw: RawRequest[] | undefined = deferRequests ? [] : undefined;
  const ctx: ParserContext = { file: job.path, prices, receivedAt: job.receivedAt, out, raw };
  const parser: FileParser =
    job.agent === 'claude' ? new ClaudeParser(ctx, job.state as ClaudeState | null) : new CodexParser(ctx, job.state as CodexState | null);
  let included: boolean | undefined = job.decided;
  const res = tailLines(job.path, job.offset, job.lineNo, job.size, (buf, start, end, lineNo) => {
    parser.line(buf, start, end, lineNo);
    if (included === undefined && parser.cwd !== null) {
      included = filter!.some((w) => isInside(parser.cwd!, w));
      if (!included) return false;
    }
    return true;
  });
  parser.finish();
  let bytesRead = res.bytesRead;
  for (const n of res.oversized) {
    out.rejects.push({
      received_at: ctx.receivedAt,
      source: job.agent === 'claude' ? 'claude-code-transcript' : 'codex-transcript',
      reason: `${job.path}:${n}: line longer than the limit, skipped`,
      excerpt: `line ${n} of ${job.path}`,
    });
  }
  if (included !== true) {
    // Outside the workspace, or no line has said where the session ran yet: keep nothing, look again
    // when the file grows.
    return {
      out: { items: [], rejects: [] },
      cwd: parser.cwd,
      bytesRead,
      excluded: true,
      checkpoint: { ...base, offset: 0, lineNo: 0, headHash: '0:', state: parser.state(), included: false },
    };
  }
  let head = job.offset > 0 && job.headHash !== null ? job.headHash : '0:';
  if (Number(head.split(':')[0]) < Math.min(HEAD_BYTES, res.offset)) {
    const h = headHash(job.path, res.offset);
    bytesRead += h.bytesRead;
    head = h.hash;
  }
  return {
    out,
    raw,
    cwd: parser.cwd,
    bytesRead,
    excluded: false,
    checkpoint: { ...base, offset: res.offset, lineNo: res.lineNo, headHash: head, state: parser.state(), included: true },
  };
}
