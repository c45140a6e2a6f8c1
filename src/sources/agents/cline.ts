import path from 'node:path';
import type { Attrs } from '../../core/model';
import { buildEvent, type EventDraft } from '../../core/normalize/event';
import { splitInclusiveInput } from '../../core/normalize/usage';
import { pathHash } from '../../core/retention/path-hash';
import { countLines, HISTORY_SOURCE, historyReject, obj, text, type HistoryContext, type HistoryRead } from './kinds';

/**
 * Cline (`saoudrizwan.claude-dev`), Roo Code (`rooveterinaryinc.roo-cline`) and Kilo Code
 * (`kilocode.kilo-code`) keep each task in `<globalStorage>/tasks/<taskId>/`: `ui_messages.json` (the
 * chat as the extension shows it, an array of ClineMessage `{ts, type: "say"|"ask", say|ask, text, …}`),
 * `api_conversation_history.json` (the prompts; never read) and `task_metadata.json` (`model_usage`:
 * `[{ts, model_id, model_provider_id, mode}]`). The task index is `state/taskHistory.json` (Cline,
 * HistoryItem[] with `cwdOnTaskInitialization`, `modelId`) or `tasks/<id>/history_item.json` and
 * `tasks/_index.json` (Roo, with `workspace`).
 *
 * One request event per `say: "api_req_started"` whose JSON `text` carries usage (`tokensIn, tokensOut,
 * cacheWrites, cacheReads, cost`, Roo also `apiProtocol`); the `request` field of that text is the prompt and
 * is never kept. One edit event per file-edit tool message (`editedExistingFile`, `newFileCreated`, Roo's
 * `appliedDiff`), lines counted from its diff or new content; the path is kept only as a hash.
 *
 * Input tokens: Cline keeps `tokensIn`, `cacheReads` and `cacheWrites` as disjoint buckets (its SDK
 * message translator says so); Roo Code since 2025-10-31 (#8954) stores the total input including both
 * cache counts, and earlier Roo versions did so for OpenAI-protocol providers. `splitInclusiveInput` reads
 * both: cached parts are subtracted when they fit in `tokensIn`, and kept apart otherwise.
 */

export type ClineAgent = 'cline' | 'roo-code' | 'kilo-code';

/** What the task index says about one task. */
export interface TaskInfo {
  cwd: string | null;
  model: string | null;
}

const EDIT_TOOLS = new Set(['editedExistingFile', 'newFileCreated', 'appliedDiff', 'insertContent', 'searchAndReplace']);
/** Most tool messages are reads with whole files inside: only texts naming an edit tool are parsed. */
const EDIT_TOOL_RE = /"tool"\s*:\s*"(?:editedExistingFile|newFileCreated|appliedDiff|insertContent|searchAndReplace)"/;
const CWD_RE = /# Current (?:Working|Workspace) Directory \(([^)\n]{1,1024})\)/;

/**
 * Reads one task's `ui_messages.json` (its text) into events. `info` comes from the task index;
 * `metadataText` is the task's `task_metadata.json`, when present.
 */
export function readClineTask(
  agent: ClineAgent,
  file: string,
  raw: string,
  ctx: HistoryContext,
  info: TaskInfo | undefined,
  metadataText: string | null,
): HistoryRead {
  const source = HISTORY_SOURCE[agent];
  const out: HistoryRead = { events: [], rejects: [], cwd: info?.cwd ?? null };
  let messages: unknown;
  try {
    messages = JSON.parse(raw) as unknown;
  } catch (err) {
    historyReject(out, ctx, source, file, '', `invalid JSON (${(err as Error).message.slice(0, 120)})`, raw);
    return out;
  }
  if (!Array.isArray(messages)) {
    historyReject(out, ctx, source, file, '', 'ui_messages.json is not an array of messages', raw);
    return out;
  }
  const taskId = path.basename(path.dirname(file));
  const models = modelUsage(metadataText);
  const base = { prices: ctx.prices };

  for (let i = 0; i < messages.length; i++) {
    const m = obj(messages[i]);
    if (!m) continue;
    const kind = m.say ?? m.ask;
    if (kind === 'api_req_started' && typeof m.text === 'string') {
      const info2 = parseJson(m.text);
      if (!info2) {
        historyReject(out, ctx, source, file, `message ${i}`, 'api_req_started text is not JSON', m.text);
        continue;
      }
      if (out.cwd === null && typeof info2.request === 'string') out.cwd = CWD_RE.exec(info2.request)?.[1]?.trim() ?? null;
      // Older versions put the usage in a following `api_req_finished` message.
      let usage = info2;
      if (!hasUsage(usage)) {
        const next = obj(messages[i + 1]);
        const finished = next?.say === 'api_req_finished' && typeof next.text === 'string' ? parseJson(next.text) : null;
        if (!finished || !hasUsage(finished)) continue; // a request still streaming, or cancelled before usage
        usage = finished;
      }
      const split = splitInclusiveInput({
        input: usage.tokensIn ?? 0,
        output: usage.tokensOut ?? 0,
        cacheRead: usage.cacheReads,
        cacheWrite: usage.cacheWrites,
      });
      if (!split.ok) {
        historyReject(out, ctx, source, file, `message ${i}`, split.reason, m.text);
        continue;
      }
      const modelInfo = obj(m.modelInfo);
      const attrs: Attrs = {};
      const provider = text(modelInfo?.providerId) ?? modelAt(models, m.ts)?.provider ?? null;
      if (provider) attrs.provider = provider.slice(0, 64);
      const mode = text(modelInfo?.mode);
      if (mode) attrs.mode = mode.slice(0, 32);
      if (typeof usage.cancelReason === 'string') attrs.cancel_reason = usage.cancelReason.slice(0, 32);
      if (usage.apiProtocol === 'anthropic' || usage.apiProtocol === 'openai') attrs.api_protocol = usage.apiProtocol;
      const failed = typeof usage.streamingFailedMessage === 'string' && usage.streamingFailedMessage.length > 0;
      const draft: EventDraft = {
        source,
        kind: failed ? 'error' : 'request',
        time: m.ts,
        timeUnit: 'ms',
        // The message's ts is its identity in the extension (it is rewritten in place, same ts).
        identity: [taskId, typeof m.ts === 'number' ? m.ts : i],
        session_id: taskId,
        model: text(modelInfo?.modelId) ?? modelAt(models, m.ts)?.model ?? info?.model ?? null,
        tokens_in: split.value.tokens_in,
        tokens_out: split.value.tokens_out,
        cache_read_tokens: split.value.cache_read_tokens,
        cache_write_tokens: split.value.cache_write_tokens,
        cost_usd: usage.cost,
        agent,
        attrs,
      };
      push(out, draft, base, ctx, source, file, i, m.text);
    } else if ((m.say === 'tool' || m.ask === 'tool') && typeof m.text === 'string' && EDIT_TOOL_RE.test(m.text)) {
      const tool = parseJson(m.text);
      if (!tool || typeof tool.tool !== 'string' || !EDIT_TOOLS.has(tool.tool)) continue;
      const { added, removed } = editLines(tool);
      const filePath = text(tool.path);
      const attrs: Attrs = { approval: m.ask === 'tool' ? 'asked' : 'auto' };
      if (filePath) attrs.path_hash = pathHash(out.cwd && path.isAbsolute(filePath) ? path.relative(out.cwd, filePath) : filePath);
      const ext = filePath ? path.extname(filePath).slice(1).toLowerCase() : '';
      const draft: EventDraft = {
        source,
        kind: 'edit',
        time: m.ts,
        timeUnit: 'ms',
        identity: ['edit', taskId, typeof m.ts === 'number' ? m.ts : i],
        session_id: taskId,
        lines_added: added,
        lines_removed: removed,
        tool_name: tool.tool,
        language: ext && ext.length <= 16 ? ext : null,
        agent,
        attrs,
      };
      push(out, draft, base, ctx, source, file, i, m.text);
    }
  }
  return out;
}

function push(
  out: HistoryRead,
  draft: EventDraft,
  base: { prices: HistoryContext['prices'] },
  ctx: HistoryContext,
  source: EventDraft['source'],
  file: string,
  i: number,
  raw: string,
): void {
  const built = buildEvent(draft, base);
  if (built.ok) out.events.push(built.value);
  else historyReject(out, ctx, source, file, `message ${i}`, built.reason, raw);
}

function parseJson(s: string): Record<string, unknown> | null {
  try {
    return obj(JSON.parse(s)) ?? null;
  } catch {
    return null;
  }
}

function hasUsage(u: Record<string, unknown>): boolean {
  return u.tokensIn !== undefined || u.tokensOut !== undefined || u.cacheReads !== undefined || u.cacheWrites !== undefined || u.cost !== undefined;
}

interface ModelUse {
  ts: number;
  model: string | null;
  provider: string | null;
}

/** `task_metadata.json` `model_usage`, oldest first. */
function modelUsage(metadataText: string | null): ModelUse[] {
  if (!metadataText) return [];
  const md = parseJson(metadataText);
  const list = Array.isArray(md?.model_usage) ? md.model_usage : [];
  const out: ModelUse[] = [];
  for (const u of list) {
    const o = obj(u);
    if (o && typeof o.ts === 'number') out.push({ ts: o.ts, model: text(o.model_id), provider: text(o.model_provider_id) });
  }
  return out.sort((a, b) => a.ts - b.ts);
}

/** The model in use at `ts`: the last `model_usage` entry at or before it. */
function modelAt(list: ModelUse[], ts: unknown): ModelUse | undefined {
  if (typeof ts !== 'number') return undefined;
  let best: ModelUse | undefined;
  for (const u of list) {
    if (u.ts <= ts) best = u;
    else break;
  }
  return best ?? list[0];
}

/**
 * Lines added and removed by an edit tool message: a unified diff (`+`/`-` lines, headers excluded), or
 * SEARCH/REPLACE blocks (`------- SEARCH` / `<<<<<<< SEARCH` … `=======` … `+++++++ REPLACE` /
 * `>>>>>>> REPLACE`: search lines removed, replace lines added); a new file: its content's lines.
 */
export function editLines(tool: Record<string, unknown>): { added: number; removed: number } {
  const diff = typeof tool.diff === 'string' ? tool.diff : null;
  if (tool.tool === 'newFileCreated' && !diff) return { added: typeof tool.content === 'string' ? countLines(tool.content) : 0, removed: 0 };
  if (!diff) return { added: 0, removed: 0 };
  let added = 0;
  let removed = 0;
  if (/^(?:-{3,} SEARCH|<{3,} SEARCH)\s*$/m.test(diff)) {
    let state: 'out' | 'search' | 'replace' = 'out';
    for (const line of diff.split('\n')) {
      const t = line.trimEnd();
      if (/^(?:-{3,}|<{3,}) SEARCH$/.test(t)) state = 'search';
      else if (/^={3,}$/.test(t) && state === 'search') state = 'replace';
      else if (/^(?:\+{3,}|>{3,}) REPLACE$/.test(t)) state = 'out';
      else if (/^:(?:start_line|end_line):/.test(t) || /^-{3,}$/.test(t)) continue;
      else if (state === 'search') removed++;
      else if (state === 'replace') added++;
    }
    return { added, removed };
  }
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++') || line.startsWith('---')) continue;
    if (line.startsWith('+')) added++;
    else if (line.startsWith('-')) removed++;
  }
  return { added, removed };
}
