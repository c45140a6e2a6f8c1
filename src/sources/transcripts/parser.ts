import { createHash } from 'node:crypto';
import type { AiEvent, DeadLetter } from '../../core/model';
import type { PriceTable } from '../../core/pricing';
import type { RawRequest } from './claude';

/** What the Claude parser adds to a request so the scanner can apply the dedup rules across files. */
export interface ClaudeRequestKey {
  messageId: string;
  /** `isSidechain: true` (subagent and side-question logs). */
  sidechain: boolean;
  /** input + output + cache read + cache write: the larger copy of a repeated request wins. */
  total: number;
}

export interface ParsedEvent {
  event: AiEvent;
  claude?: ClaudeRequestKey;
}

/** What parsing one file's new lines produced. */
export interface ParseOutput {
  items: ParsedEvent[];
  rejects: DeadLetter[];
}

export interface ParserContext {
  /** The transcript file, named in dead letters. */
  file: string;
  prices: PriceTable;
  /** ISO time stamped on dead letters. */
  receivedAt: string;
  out: ParseOutput;
  /**
   * Claude requests are collected here unbuilt, for the scanner's thread to build (claude.ts RawRequest);
   * absent, they are built while parsing.
   */
  raw?: RawRequest[];
}

/** One parser per file and pass; its state survives between passes through the checkpoint. */
export interface FileParser {
  /** The session's working folder once a line has told it (the workspace filter decides on it). */
  readonly cwd: string | null;
  line(buf: Buffer, start: number, end: number, lineNo: number): void;
  /** Emits what the parser still holds (called once at the end of a pass). */
  finish(): void;
  /** State to keep in the checkpoint for the next pass (JSON-serializable). */
  state(): unknown;
}

/**
 * A dead letter for a transcript line. The excerpt names the line by size and hash only: transcript lines
 * hold prompts and code, which ProdLens never stores.
 */
export function lineReject(ctx: ParserContext, source: string, lineNo: number, reason: string, buf: Buffer, start: number, end: number): DeadLetter {
  const hash = createHash('sha256').update(buf.subarray(start, end)).digest('hex').slice(0, 16);
  return {
    received_at: ctx.receivedAt,
    source,
    reason: `${ctx.file}:${lineNo}: ${reason}`,
    excerpt: `line ${lineNo} of ${ctx.file}: ${end - start} bytes, sha256 ${hash}`,
  };
}

/** Whether a line looks like one whole JSON object (a torn write fails this without parsing). */
export function looksWhole(buf: Buffer, start: number, end: number): boolean {
  while (start < end && (buf[start] === 32 || buf[start] === 9)) start++;
  while (end > start && (buf[end - 1] === 32 || buf[end - 1] === 9)) end--;
  return end - start >= 2 && buf[start] === 123 && buf[end - 1] === 125;
}

/** Parses a line, or returns the parse error's message. */
export function parseLine(buf: Buffer, start: number, end: number): { value: Record<string, unknown> } | { error: string } {
  try {
    const v = JSON.parse(buf.toString('utf8', start, end)) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return { error: 'line is not a JSON object' };
    return { value: v as Record<string, unknown> };
  } catch (err) {
    return { error: `invalid JSON (${(err as Error).message.slice(0, 120)})` };
  }
}

export { asRecord as obj } from '../../core/guards';

export function text(v: unknown): string | null {
  return typeof v === 'string' && v.length ? v : null;
}
