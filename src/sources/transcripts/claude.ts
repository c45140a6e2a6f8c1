import path from 'node:path';
import type { Attrs } from '../../core/model';
import { pathHash } from '../../core/retention/path-hash';
import { buildEvent, type EventDraft } from '../../core/normalize/event';
import { stringField } from './tail';
import { lineReject, looksWhole, obj, parseLine, text, type FileParser, type ParseOutput, type ParserContext } from './parser';
import type { PriceTable } from '../../core/pricing';
import { pick, type PickSpec } from './pick';

/**
 * Claude Code transcripts (FORMATS.md §3): one JSON object a line. What becomes an event:
 * - a line carrying `message.usage` (assistant lines, and the nested `data.message` of subagent `progress`
 *   lines): a `request` identified by `message.id` + `requestId`. Claude Code writes one line per content
 *   block, each repeating the usage (early ones with partial output counts), so the scanner keeps one row per
 *   identity, the copy with the largest token total. `<synthetic>` model lines (written by Claude Code, not
 *   the API) are skipped;
 * - an API error line (`isApiErrorMessage: true`): an `error` with `apiErrorStatus` and the `error` code;
 * - an `Edit`/`Write`/`MultiEdit` result (`toolUseResult.structuredPatch`): an `edit` with lines added and
 *   removed, whether the user modified it, and a hash of the file's path relative to the session folder.
 * No prompt, response or code text is kept.
 */

export const CLAUDE_SOURCE = 'claude-code-transcript' as const;

export interface ClaudeState {
  cwd: string | null;
}

// Raw-byte markers: a `"` inside a JSON string is always escaped, so in a well-formed line these bytes can
// only be the key itself (at any depth), never text inside a prompt, tool output or file content.
const USAGE = Buffer.from('"usage":{', 'latin1');
const PATCH = Buffer.from('"structuredPatch":', 'latin1');
const API_ERROR = Buffer.from('"isApiErrorMessage":true', 'latin1');
/**
 * What `hasApiError` looks for first: Node's backward search for the whole marker ran at a third of the
 * speed of this fragment's on the bench tree's lines (92 against 32 ms per 159 MB, line splitting 26 ms of
 * each); the lines that hold no marker are most of the bytes.
 */
const API_ERROR_ANCHOR = Buffer.from('isApiE', 'latin1');

/** Whether the line holds `"isApiErrorMessage":true` (found through API_ERROR_ANCHOR, then compared whole). */
export function hasApiError(line: Buffer): boolean {
  for (let at = line.lastIndexOf(API_ERROR_ANCHOR); at > 0; at = line.lastIndexOf(API_ERROR_ANCHOR, at - 1)) {
    if (line[at - 1] === 0x22 && line.subarray(at - 1, at - 1 + API_ERROR.length).equals(API_ERROR)) return true;
  }
  return false;
}
const ERROR_CODE_RE = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * Lines at least this long are picked from rather than parsed whole: on the bench tree's lines JSON.parse
 * took ~2.4 µs per KB and the picker ~4.5 µs + 0.6 µs per KB (crossing near 4 KB).
 */
export const PICK_FROM_BYTES = 4 * 1024;

/** The line fields `request`, `error` and `edit` read (they read nothing else of the line). */
const ENTRY = {
  cwd: true,
  timestamp: true,
  uuid: true,
  sessionId: true,
  gitBranch: true,
  version: true,
  isSidechain: true,
  requestId: true,
  costUSD: true,
  isApiErrorMessage: true,
  error: true,
  apiErrorStatus: true,
} as const satisfies PickSpec;
const MESSAGE = { id: true, model: true, usage: true } as const satisfies PickSpec;
const REQUEST_FIELDS: PickSpec = {
  ...ENTRY,
  message: MESSAGE,
  // Subagent progress lines: data.message is the subagent's line.
  data: { message: { ...ENTRY, message: MESSAGE } },
};
const EDIT_FIELDS: PickSpec = {
  ...REQUEST_FIELDS,
  message: { ...MESSAGE, content: true },
  toolUseResult: { structuredPatch: true, filePath: true, edits: true, type: true, content: true, userModified: true },
};

interface Held {
  raw: RawRequest;
  key: string | null;
  total: number;
}

/**
 * A Claude request as read from its line, before the canonical rules (buildEvent): flat, so a reading
 * thread can hand it over packed (pack.ts) and the scanner's thread build it (`buildRawRequests`), which
 * moves ~0.3 s of a 500 MB cold scan off the reading thread, the scan's longest. Field values are as the
 * line holds them (any JSON value).
 */
export interface RawRequest {
  lineNo: number;
  messageId: string | null;
  /** isSidechain on the line (or its nested entry). */
  sidechain: boolean;
  time: unknown;
  /** The identity: [messageId, requestId], else ['line', uuid or file:line]. */
  id0: string;
  id1: string | null;
  session_id: string | null;
  model: string | null;
  tokens_in: unknown;
  tokens_out: unknown;
  cache_read_tokens: unknown;
  cache_write_tokens: unknown;
  cost_usd: unknown;
  branch: string | null;
  fast: boolean;
  agent_version: string | null;
  /** How many built items and dead letters of the file came before it (to put it back in order). */
  itemsBefore: number;
  rejectsBefore: number;
}

function requestDraft(r: RawRequest): EventDraft {
  const attrs: Attrs = {};
  if (r.sidechain) attrs.sidechain = true;
  if (r.fast) attrs.speed = 'fast';
  if (r.agent_version) attrs.agent_version = r.agent_version;
  return {
    source: CLAUDE_SOURCE,
    kind: 'request',
    time: r.time,
    identity: [r.id0, r.id1],
    session_id: r.session_id,
    model: r.model,
    tokens_in: r.tokens_in,
    tokens_out: r.tokens_out,
    cache_read_tokens: r.cache_read_tokens,
    cache_write_tokens: r.cache_write_tokens,
    cost_usd: r.cost_usd,
    agent: 'claude-code',
    branch: r.branch,
    attrs,
  };
}

/** Builds one request into `out` (an item, or a dead letter naming its file and line). */
function buildRequest(r: RawRequest, file: string, receivedAt: string, prices: PriceTable, out: ParseOutput): void {
  const built = buildEvent(requestDraft(r), { prices });
  if (!built.ok) {
    out.rejects.push({
      received_at: receivedAt,
      source: CLAUDE_SOURCE,
      reason: `${file}:${r.lineNo}: ${built.reason}`,
      excerpt: `line ${r.lineNo} of ${file} (a request line)`,
    });
    return;
  }
  const e = built.value;
  out.items.push({
    event: e,
    claude: r.messageId
      ? {
          messageId: r.messageId,
          sidechain: r.sidechain,
          total: (e.tokens_in ?? 0) + (e.tokens_out ?? 0) + (e.cache_read_tokens ?? 0) + (e.cache_write_tokens ?? 0),
        }
      : undefined,
  });
}

/**
 * Builds the requests a reading thread left raw (ParserContext.deferRequests) into `out`, each in the place
 * among the file's items and dead letters that building it while parsing would have given it.
 */
export function buildRawRequests(out: ParseOutput, raw: RawRequest[], file: string, receivedAt: string, prices: PriceTable): void {
  if (!raw.length) return;
  const merged: ParseOutput = { items: [], rejects: [] };
  let i = 0;
  let j = 0;
  for (const r of raw) {
    while (i < r.itemsBefore) merged.items.push(out.items[i++]!);
    while (j < r.rejectsBefore) merged.rejects.push(out.rejects[j++]!);
    buildRequest(r, file, receivedAt, prices, merged);
  }
  while (i < out.items.length) merged.items.push(out.items[i++]!);
  while (j < out.rejects.length) merged.rejects.push(out.rejects[j++]!);
  out.items = merged.items;
  out.rejects = merged.rejects;
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : Number(v) || 0;
}

export class ClaudeParser implements FileParser {
  cwd: string | null;
  private held: Held | undefined;

  constructor(
    private readonly ctx: ParserContext,
    state: ClaudeState | null,
  ) {
    this.cwd = state?.cwd ?? null;
  }

  state(): ClaudeState {
    return { cwd: this.cwd };
  }

  line(buf: Buffer, start: number, end: number, lineNo: number): void {
    if (end <= start) return;
    // Searched within the line from its end: Claude Code writes `usage` last in `message` and the tool
    // result (with `structuredPatch` after the file's text) last in the line, so a line that has the key is
    // mostly decided in its last bytes. A line that is parsed tells `isApiErrorMessage` itself; only the
    // others are searched for it.
    const line = buf.subarray(start, end);
    const hasUsage = line.lastIndexOf(USAGE) !== -1;
    const hasPatch = !hasUsage && line.lastIndexOf(PATCH) !== -1;
    const hasError = !hasUsage && !hasPatch && hasApiError(line);
    if (!hasUsage && !hasPatch && !hasError) {
      // Lines that cannot carry usage or an edit are not parsed (they hold most of the bytes); a torn
      // one is still reported.
      if (!looksWhole(buf, start, end)) this.reject(lineNo, 'not a whole JSON object (torn or corrupt line)', buf, start, end);
      else if (this.cwd === null) this.cwd = stringField(buf, start, end, 'cwd');
      return;
    }
    // A long line (a large tool result or file beside the usage or patch): only the fields read below, not
    // the text around them; a line the picker finds malformed is parsed in full (which reports it). Short
    // lines go straight to JSON.parse, which is faster than walking them in JS.
    let o = end - start >= PICK_FROM_BYTES ? pick(buf, start, end, hasPatch ? EDIT_FIELDS : REQUEST_FIELDS) : null;
    if (o === null) {
      const parsed = parseLine(buf, start, end);
      if ('error' in parsed) {
        this.reject(lineNo, parsed.error, buf, start, end);
        return;
      }
      o = parsed.value;
    }
    if (this.cwd === null) this.cwd = text(o.cwd);
    if (o.isApiErrorMessage === true) this.error(o, lineNo, buf, start, end);
    else if (hasUsage) this.request(o, lineNo, buf, start, end);
    else this.edit(o, lineNo, buf, start, end);
  }

  private request(o: Record<string, unknown>, lineNo: number, buf: Buffer, start: number, end: number): void {
    // Subagent progress lines nest the subagent's assistant line under data.message.
    let entry = o;
    let message = obj(o.message);
    if (!obj(message?.usage)) {
      const nested = obj(obj(o.data)?.message);
      if (nested && obj(obj(nested.message)?.usage)) {
        entry = nested;
        message = obj(nested.message);
      }
    }
    const usage = obj(message?.usage);
    if (!message || !usage) return; // "usage":{ inside some other structure (e.g. tool output)
    const model = text(message.model);
    if (model === '<synthetic>') return;
    const cacheWrite = cacheCreation(usage);
    const messageId = text(message.id);
    const requestId = text(entry.requestId);
    const sidechain = entry.isSidechain === true || o.isSidechain === true;
    if (usage.input_tokens === undefined || usage.output_tokens === undefined) {
      this.reject(lineNo, 'usage without input_tokens/output_tokens', buf, start, end);
      return;
    }
    const version = text(o.version);
    const raw: RawRequest = {
      lineNo,
      messageId,
      sidechain,
      time: entry.timestamp ?? o.timestamp,
      id0: messageId ?? 'line',
      id1: messageId ? requestId : (text(entry.uuid) ?? text(o.uuid) ?? `${this.ctx.file}:${lineNo}`),
      session_id: text(o.sessionId) ?? text(entry.sessionId),
      model,
      tokens_in: usage.input_tokens,
      tokens_out: usage.output_tokens,
      cache_read_tokens: usage.cache_read_input_tokens ?? 0,
      cache_write_tokens: cacheWrite,
      cost_usd: entry.costUSD ?? o.costUSD,
      branch: branchOf(o),
      fast: usage.speed === 'fast',
      agent_version: version ? version.slice(0, 32) : null,
      itemsBefore: 0,
      rejectsBefore: 0,
    };
    if (!messageId) {
      this.build({ raw, key: null, total: 0 });
      return;
    }
    // The content-block copies of one request are consecutive lines: hold the best copy and build (and
    // price) it once when the next request starts.
    const key = `${messageId}\u0000${requestId ?? ''}`;
    const total = num(usage.input_tokens) + num(usage.output_tokens) + num(usage.cache_read_input_tokens) + num(cacheWrite);
    const cand: Held = { raw, key, total };
    const held = this.held;
    if (held && held.key === key) {
      if (held.raw.sidechain !== sidechain ? held.raw.sidechain : total > held.total) this.held = cand;
      return;
    }
    this.finish();
    this.held = cand;
  }

  /** Builds the request still held (end of a pass). */
  finish(): void {
    const h = this.held;
    this.held = undefined;
    if (h) this.build(h);
  }

  private build(h: Held): void {
    const { out, raw } = this.ctx;
    if (raw) {
      // Left for the scanner's thread (buildRawRequests), with its place among what this file gives.
      h.raw.itemsBefore = out.items.length;
      h.raw.rejectsBefore = out.rejects.length;
      raw.push(h.raw);
    } else buildRequest(h.raw, this.ctx.file, this.ctx.receivedAt, this.ctx.prices, out);
  }

  private error(o: Record<string, unknown>, lineNo: number, buf: Buffer, start: number, end: number): void {
    const message = obj(o.message);
    const usage = obj(message?.usage);
    const code = typeof o.error === 'string' && ERROR_CODE_RE.test(o.error) ? o.error : null;
    const status = typeof o.apiErrorStatus === 'number' && Number.isInteger(o.apiErrorStatus) ? o.apiErrorStatus : null;
    const model = text(message?.model);
    const built = buildEvent(
      {
        source: CLAUDE_SOURCE,
        kind: 'error',
        time: o.timestamp,
        identity: ['error', text(o.uuid) ?? text(message?.id) ?? `${this.ctx.file}:${lineNo}`],
        session_id: text(o.sessionId),
        model: model === '<synthetic>' ? null : model,
        tokens_in: usage?.input_tokens,
        tokens_out: usage?.output_tokens,
        cache_read_tokens: usage?.cache_read_input_tokens,
        cache_write_tokens: usage ? cacheCreation(usage) : undefined,
        status_code: status,
        agent: 'claude-code',
        branch: branchOf(o),
        attrs: code ? { error: code } : null,
      },
      { prices: this.ctx.prices },
    );
    if (!built.ok) this.reject(lineNo, built.reason, buf, start, end);
    else this.ctx.out.items.push({ event: built.value });
  }

  private edit(o: Record<string, unknown>, lineNo: number, buf: Buffer, start: number, end: number): void {
    const r = obj(o.toolUseResult);
    if (!r || !Array.isArray(r.structuredPatch) || typeof r.filePath !== 'string') return;
    const tool = Array.isArray(r.edits) ? 'MultiEdit' : r.type === 'create' || r.type === 'update' ? 'Write' : 'Edit';
    let added = 0;
    let removed = 0;
    for (const hunk of r.structuredPatch) {
      const lines = obj(hunk)?.lines;
      if (!Array.isArray(lines)) continue;
      for (const l of lines) {
        if (typeof l !== 'string') continue;
        if (l.startsWith('+')) added++;
        else if (l.startsWith('-')) removed++;
      }
    }
    // A new file has no patch: every line of its content is added.
    if (tool === 'Write' && r.type === 'create' && r.structuredPatch.length === 0 && typeof r.content === 'string') added = countLines(r.content);
    const cwd = text(o.cwd) ?? this.cwd;
    const rel = cwd && path.isAbsolute(r.filePath) ? path.relative(cwd, r.filePath) : r.filePath;
    const ext = path.extname(r.filePath).slice(1).toLowerCase();
    // The key editor capture matches on (src/core/retention/path-hash.ts); cwd is the workspace root in the common case.
    const attrs: Attrs = { path_hash: pathHash(rel) };
    if (typeof r.userModified === 'boolean') attrs.user_modified = r.userModified;
    const built = buildEvent(
      {
        source: CLAUDE_SOURCE,
        kind: 'edit',
        time: o.timestamp,
        identity: ['edit', toolUseId(o) ?? text(o.uuid) ?? `${this.ctx.file}:${lineNo}`],
        session_id: text(o.sessionId),
        lines_added: added,
        lines_removed: removed,
        tool_name: tool,
        language: ext && ext.length <= 16 ? ext : null,
        agent: 'claude-code',
        branch: branchOf(o),
        attrs,
      },
      { prices: this.ctx.prices },
    );
    if (!built.ok) this.reject(lineNo, built.reason, buf, start, end);
    else this.ctx.out.items.push({ event: built.value });
  }

  private reject(lineNo: number, reason: string, buf: Buffer, start: number, end: number): void {
    this.ctx.out.rejects.push(lineReject(this.ctx, CLAUDE_SOURCE, lineNo, reason, buf, start, end));
  }
}

/**
 * Cache writes: the split by lifetime (`cache_creation.ephemeral_5m/1h_input_tokens`) when present, else
 * `cache_creation_input_tokens` (the same number in real lines; ccusage reads them in this order too).
 */
function cacheCreation(usage: Record<string, unknown>): unknown {
  const split = obj(usage.cache_creation);
  if (split) {
    const a = split.ephemeral_5m_input_tokens;
    const b = split.ephemeral_1h_input_tokens;
    if (typeof a === 'number' || typeof b === 'number') return (typeof a === 'number' ? a : 0) + (typeof b === 'number' ? b : 0);
  }
  return usage.cache_creation_input_tokens ?? 0;
}

function branchOf(o: Record<string, unknown>): string | null {
  const b = text(o.gitBranch);
  return b && b !== 'HEAD' ? b.slice(0, 256) : null;
}

function toolUseId(o: Record<string, unknown>): string | null {
  const content = obj(o.message)?.content;
  if (!Array.isArray(content)) return null;
  for (const c of content) {
    const block = obj(c);
    if (block?.type === 'tool_result' && typeof block.tool_use_id === 'string') return block.tool_use_id;
  }
  return null;
}

function countLines(s: string): number {
  if (!s) return 0;
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return s.endsWith('\n') ? n : n + 1;
}
