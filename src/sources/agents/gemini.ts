import type { Attrs } from '../../core/model';
import { buildEvent, type EventDraft } from '../../core/normalize/event';
import { coerceCount } from '../../core/normalize/tokens';
import { HISTORY_SOURCE, historyReject, obj, text, type HistoryContext, type HistoryRead } from './kinds';

/**
 * Gemini CLI chat recordings (packages/core/src/services/chatRecordingService.ts):
 * `~/.gemini/tmp/<project>/chats/session-<time>-<id>.jsonl` — a first line of metadata `{sessionId,
 * projectHash, startTime, lastUpdated, kind, directories}`, then one MessageRecord a line, re-appended whole
 * (same `id`) when it changes (tokens arrive after the text), and `{$set: {…}}` metadata updates; older
 * versions wrote one `session-*.json` document `{sessionId, projectHash, startTime, lastUpdated,
 * messages: […]}`. Subagents write `chats/<parent session id>/<session id>.jsonl`.
 *
 * A `type: "gemini"` message with `tokens {input, output, cached, thoughts, tool, total}` (the API's
 * promptTokenCount, candidatesTokenCount, cachedContentTokenCount, thoughtsTokenCount,
 * toolUsePromptTokenCount, totalTokenCount) is one request. As ccusage reads these files: when `total`
 * equals input + output + thoughts + tool, `input` includes `cached` (the API's convention) and the cached
 * part is subtracted; tool-use prompt tokens are input. Thoughts are billed as output: added to
 * `tokens_out` and kept in `reasoning_tokens` (as for Gemini CLI's telemetry). The last copy of a message id
 * wins. Its `toolCalls[]` with a `resultDisplay.diffStat` (edit, write_file, replace) become edit events:
 * `model_added_lines`/`model_removed_lines`, plus the user's own changes in attrs. Message content,
 * thoughts, tool arguments and results are never kept.
 */

interface Tokens {
  input: number;
  output: number;
  cached: number;
  thoughts: number;
  tool: number;
  total: number | null;
}

const SOURCE = HISTORY_SOURCE['gemini-cli'];

/** Reads one chat file (`.json` document or `.jsonl` records). `projectRoot` comes from the project folder. */
export function readGeminiChat(file: string, raw: string, ctx: HistoryContext, projectRoot: string | null): HistoryRead {
  const out: HistoryRead = { events: [], rejects: [], cwd: projectRoot, projectHash: null };
  let meta: Record<string, unknown> = {};
  const messages = new Map<string, { m: Record<string, unknown>; where: string; raw: string }>();
  const unnamed: Array<{ m: Record<string, unknown>; where: string; raw: string }> = [];
  const add = (m: Record<string, unknown>, where: string, rawText: string) => {
    if (m.type !== 'gemini') return;
    const id = text(m.id);
    if (id) {
      messages.delete(id); // keep file order of the last copy
      messages.set(id, { m, where, raw: rawText });
    } else unnamed.push({ m, where, raw: rawText });
  };

  if (file.endsWith('.jsonl')) {
    const lines = raw.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (!line) continue;
      let v: Record<string, unknown> | undefined;
      try {
        v = obj(JSON.parse(line));
      } catch {
        // A half-written last line is read again when the file grows.
        if (i < lines.length - 1) historyReject(out, ctx, SOURCE, file, String(i + 1), 'invalid JSON line', line);
        continue;
      }
      if (!v) continue;
      if (obj(v.$set)) meta = { ...meta, ...obj(v.$set) };
      else if (typeof v.sessionId === 'string' && v.type === undefined) meta = { ...meta, ...v };
      else add(v, String(i + 1), line);
    }
  } else {
    let doc: Record<string, unknown> | undefined;
    try {
      doc = obj(JSON.parse(raw));
    } catch (err) {
      historyReject(out, ctx, SOURCE, file, '', `invalid JSON (${(err as Error).message.slice(0, 120)})`, raw);
      return out;
    }
    if (!doc) return out;
    meta = doc;
    const list = Array.isArray(doc.messages) ? doc.messages : [];
    list.forEach((m, i) => {
      const o = obj(m);
      if (o) add(o, `message ${i}`, '');
    });
  }

  const sessionId = text(meta.sessionId);
  out.sessionId = sessionId;
  out.projectHash = text(meta.projectHash);
  if (!out.cwd && Array.isArray(meta.directories) && typeof meta.directories[0] === 'string') out.cwd = meta.directories[0];
  const base = { prices: ctx.prices };
  for (const { m, where, raw: rawText } of [...unnamed, ...messages.values()]) {
    const tokens = readTokens(m.tokens);
    if (tokens === 'bad') {
      historyReject(out, ctx, SOURCE, file, where, 'tokens with a negative or non-numeric count', rawText || JSON.stringify(m.tokens));
      continue;
    }
    const time = m.timestamp ?? meta.lastUpdated ?? meta.startTime;
    const model = text(m.model);
    if (tokens && model) {
      const inclusive = tokens.cached > 0 && tokens.total === tokens.input + tokens.output + tokens.thoughts + tokens.tool;
      const cached = inclusive ? Math.min(tokens.cached, tokens.input) : tokens.cached;
      const inTokens = (inclusive ? tokens.input - cached : tokens.input) + tokens.tool;
      const attrs: Attrs = {};
      if (tokens.tool) attrs.tool_prompt_tokens = tokens.tool;
      const draft: EventDraft = {
        source: SOURCE,
        kind: 'request',
        time,
        identity: [sessionId, text(m.id) ?? `${file}:${where}`],
        session_id: sessionId,
        model,
        tokens_in: inTokens,
        tokens_out: tokens.output + tokens.thoughts,
        cache_read_tokens: cached,
        reasoning_tokens: tokens.thoughts,
        agent: 'gemini-cli',
        attrs,
      };
      const built = buildEvent(draft, base);
      if (built.ok) out.events.push(built.value);
      else historyReject(out, ctx, SOURCE, file, where, built.reason, rawText);
    }
    for (const call of Array.isArray(m.toolCalls) ? m.toolCalls : []) edit(out, ctx, file, where, sessionId, obj(call), time, model);
  }
  return out;
}

function edit(
  out: HistoryRead,
  ctx: HistoryContext,
  file: string,
  where: string,
  sessionId: string | null,
  call: Record<string, unknown> | undefined,
  fallbackTime: unknown,
  model: string | null,
): void {
  const display = obj(call?.resultDisplay);
  const stat = obj(display?.diffStat);
  if (!call || !stat) return;
  const attrs: Attrs = {};
  for (const k of ['user_added_lines', 'user_removed_lines'] as const) if (typeof stat[k] === 'number') attrs[k] = stat[k];
  if (typeof display?.isNewFile === 'boolean') attrs.new_file = display.isNewFile;
  if (typeof call.status === 'string') attrs.status = call.status.slice(0, 32);
  const name = text(display?.fileName);
  const ext = name ? (/\.([A-Za-z0-9]{1,16})$/.exec(name)?.[1]?.toLowerCase() ?? null) : null;
  const built = buildEvent(
    {
      source: SOURCE,
      kind: 'edit',
      time: call.timestamp ?? fallbackTime,
      identity: ['edit', sessionId, text(call.id) ?? `${file}:${where}`],
      session_id: sessionId,
      model,
      lines_added: stat.model_added_lines,
      lines_removed: stat.model_removed_lines,
      tool_name: text(call.name),
      language: ext,
      accepted_flag: call.status === 'success' ? true : call.status === 'cancelled' || call.status === 'error' ? false : null,
      agent: 'gemini-cli',
      attrs,
    },
    { prices: ctx.prices },
  );
  if (built.ok) out.events.push(built.value);
  else historyReject(out, ctx, SOURCE, file, where, built.reason, JSON.stringify(stat));
}

/** The six counts (ccusage also takes the `*_tokens` spellings); null without tokens, 'bad' when invalid. */
function readTokens(v: unknown): Tokens | null | 'bad' {
  const t = obj(v);
  if (!t) return null;
  const pick = (...keys: string[]): number | 'bad' => {
    for (const k of keys) {
      if (t[k] === undefined || t[k] === null) continue;
      const c = coerceCount(t[k], k);
      return c.ok ? (c.value ?? 0) : 'bad';
    }
    return 0;
  };
  const input = pick('input', 'prompt', 'input_tokens', 'prompt_tokens');
  const output = pick('output', 'candidates', 'output_tokens', 'candidates_tokens');
  const cached = pick('cached', 'cached_tokens');
  const thoughts = pick('thoughts', 'reasoning', 'thoughts_tokens', 'reasoning_tokens');
  const tool = pick('tool', 'tool_tokens');
  const total = t.total ?? t.total_tokens;
  const totalN = total === undefined || total === null ? null : coerceCount(total, 'total');
  if (input === 'bad' || output === 'bad' || cached === 'bad' || thoughts === 'bad' || tool === 'bad' || (totalN && !totalN.ok)) return 'bad';
  const tot = totalN && totalN.ok ? totalN.value : null;
  if (input + output + cached + thoughts + tool === 0) {
    // Only a total: ccusage counts it as output.
    return tot ? { input: 0, output: tot, cached: 0, thoughts: 0, tool: 0, total: tot } : null;
  }
  return { input, output, cached, thoughts, tool, total: tot };
}
