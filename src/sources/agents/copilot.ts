import type { Attrs } from '../../core/model';
import { buildEvent } from '../../core/normalize/event';
import { repoSlugFromUrl } from '../../core/normalize/repo';
import { splitInclusiveInput } from '../../core/normalize/usage';
import { HISTORY_SOURCE, historyReject, obj, text, type HistoryContext, type HistoryRead } from './kinds';

/**
 * GitHub Copilot CLI session logs: `~/.copilot/session-state/<sessionId>/events.jsonl` (older versions:
 * `~/.copilot/session-state/<sessionId>.jsonl`), one session event a line `{type, data, id, timestamp,
 * parentId}` (the schema is published as github/copilot-sdk `nodejs/src/generated/session-events.ts`).
 *
 * Per-call usage (`assistant.usage`) is ephemeral: it is never written to the file. What the file keeps is
 * `session.shutdown`, once per process lifetime: `modelMetrics[model] = {requests: {count, cost}, usage:
 * {inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens}}`, `totalPremiumRequests`,
 * `totalApiDurationMs`, `codeChanges {linesAdded, linesRemoved, filesModified}`. A resumed session restores
 * its counters and appends another shutdown whose figures include the earlier processes' (cumulative, as
 * ccusage 20.0.24 reads them: a later snapshot's per-field difference from the previous one, never below
 * zero). So a Copilot CLI row is what one process added for one model: kind `request` with
 * `attrs.requests` = the API calls it adds and `attrs.premium_requests` = Copilot's billing multiplier sum;
 * plus one `edit` row with the process's line counts. A model whose counts did not grow gets no row.
 *
 * `inputTokens` includes cache reads and writes (a recorded Anthropic session: input 71282 = 35495 read +
 * 35783 written + 4): split with `splitInclusiveInput`. `reasoningTokens` is kept apart, not added:
 * Copilot's `outputTokens` is the billed output. Working folder, branch and repository from
 * `session.start`/`session.resume` `context {cwd, branch, repository}`.
 */

const SOURCE = HISTORY_SOURCE['copilot-cli'];

export function readCopilotSession(file: string, raw: string, ctx: HistoryContext): HistoryRead {
  const out: HistoryRead = { events: [], rejects: [], cwd: null };
  let sessionId: string | null = null;
  let branch: string | null = null;
  let repo: string | null = null;
  let version: string | null = null;
  const previous: Previous = { models: new Map(), added: 0, removed: 0, files: 0 };
  const lines = raw.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    // Only session start/resume/shutdown lines matter; the rest (most of the bytes) is not parsed.
    if (!line || !(line.includes('"session.s') || line.includes('"session.resume"'))) continue;
    let ev: Record<string, unknown> | undefined;
    try {
      ev = obj(JSON.parse(line));
    } catch {
      if (i < lines.length - 1) historyReject(out, ctx, SOURCE, file, String(i + 1), 'invalid JSON line', line);
      continue;
    }
    const data = obj(ev?.data);
    if (!ev || !data) continue;
    if (ev.type === 'session.start' || ev.type === 'session.resume') {
      sessionId = text(data.sessionId) ?? sessionId;
      version = text(data.copilotVersion) ?? version;
      const c = obj(data.context);
      if (c) {
        out.cwd ??= text(c.cwd);
        branch = text(c.branch) ?? branch;
        const r = text(c.repository);
        // "owner/name" on GitHub; Azure DevOps gives "org/project/repo".
        if (r) repo = repoSlugFromUrl(r) ?? (/^[^/\s]+\/[^/\s]+$/.test(r) ? r : repo);
      }
    } else if (ev.type === 'session.shutdown') {
      shutdown(out, ctx, file, i + 1, line, ev, data, { sessionId, branch, repo, version }, previous);
    }
  }
  out.sessionId = sessionId;
  return out;
}

interface SessionInfo {
  sessionId: string | null;
  branch: string | null;
  repo: string | null;
  version: string | null;
}

/** One model's cumulative counters at a shutdown (input without the cache). */
interface Snapshot {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  reasoning: number;
  requests: number;
  cost: number;
}

/** The previous shutdown's counters: each shutdown's rows are what grew since. */
interface Previous {
  models: Map<string, Snapshot>;
  added: number;
  removed: number;
  files: number;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);
const grew = (cur: number, prev: number): number => Math.max(0, cur - prev);

function shutdown(
  out: HistoryRead,
  ctx: HistoryContext,
  file: string,
  lineNo: number,
  line: string,
  ev: Record<string, unknown>,
  data: Record<string, unknown>,
  s: SessionInfo,
  previous: Previous,
): void {
  const where = String(lineNo);
  const eventId = text(ev.id) ?? `${file}:${lineNo}`;
  const base = { prices: ctx.prices };
  const common = { source: SOURCE, time: ev.timestamp, session_id: s.sessionId, branch: s.branch, repo_slug: s.repo, agent: 'copilot-cli' } as const;
  const metrics = obj(data.modelMetrics) ?? {};
  for (const [model, raw] of Object.entries(metrics)) {
    const usage = obj(obj(raw)?.usage);
    const requests = obj(obj(raw)?.requests);
    if (!usage) continue;
    const split = splitInclusiveInput({
      input: usage.inputTokens,
      output: usage.outputTokens,
      cacheRead: usage.cacheReadTokens,
      cacheWrite: usage.cacheWriteTokens,
    });
    if (!split.ok) {
      historyReject(out, ctx, SOURCE, file, where, `${model}: ${split.reason}`, line);
      continue;
    }
    const cur: Snapshot = {
      input: split.value.tokens_in ?? 0,
      output: split.value.tokens_out ?? 0,
      cacheRead: split.value.cache_read_tokens ?? 0,
      cacheWrite: split.value.cache_write_tokens ?? 0,
      reasoning: num(usage.reasoningTokens),
      requests: num(requests?.count),
      cost: num(requests?.cost),
    };
    const prev = previous.models.get(model);
    previous.models.set(model, cur);
    const d = prev ? (Object.fromEntries(Object.entries(cur).map(([k, v]) => [k, grew(v, prev[k as keyof Snapshot])])) as unknown as Snapshot) : cur;
    if (!d.input && !d.output && !d.cacheRead && !d.cacheWrite && !d.reasoning && !d.requests) continue;
    const attrs: Attrs = { aggregate: 'process' };
    if (typeof requests?.count === 'number') attrs.requests = d.requests;
    if (typeof requests?.cost === 'number') attrs.premium_requests = Math.round(d.cost * 1e6) / 1e6;
    if (typeof data.shutdownType === 'string') attrs.shutdown = data.shutdownType.slice(0, 32);
    if (s.version) attrs.agent_version = s.version.slice(0, 32);
    const built = buildEvent(
      {
        ...common,
        kind: 'request',
        identity: [s.sessionId, eventId, model],
        model,
        tokens_in: d.input,
        tokens_out: d.output,
        cache_read_tokens: d.cacheRead,
        cache_write_tokens: d.cacheWrite,
        reasoning_tokens: usage.reasoningTokens === undefined ? null : d.reasoning,
        attrs,
      },
      base,
    );
    if (built.ok) out.events.push(built.value);
    else historyReject(out, ctx, SOURCE, file, where, `${model}: ${built.reason}`, line);
  }
  const changes = obj(data.codeChanges);
  if (changes && (typeof changes.linesAdded === 'number' || typeof changes.linesRemoved === 'number')) {
    const attrs: Attrs = { aggregate: 'process' };
    const files = Array.isArray(changes.filesModified) ? changes.filesModified.length : 0;
    if (Array.isArray(changes.filesModified)) attrs.files_modified = grew(files, previous.files);
    const added = grew(num(changes.linesAdded), previous.added);
    const removed = grew(num(changes.linesRemoved), previous.removed);
    const first = previous.added === 0 && previous.removed === 0 && previous.files === 0;
    previous.added = Math.max(previous.added, num(changes.linesAdded));
    previous.removed = Math.max(previous.removed, num(changes.linesRemoved));
    previous.files = Math.max(previous.files, files);
    // Invalid counts are rejected by buildEvent (first shutdown: taken as sent).
    const built = buildEvent(
      {
        ...common,
        kind: 'edit',
        identity: ['edit', s.sessionId, eventId],
        model: text(data.currentModel),
        lines_added: first ? changes.linesAdded : added,
        lines_removed: first ? changes.linesRemoved : removed,
        attrs,
      },
      base,
    );
    if (built.ok) out.events.push(built.value);
    else historyReject(out, ctx, SOURCE, file, where, `codeChanges: ${built.reason}`, line);
  }
}
