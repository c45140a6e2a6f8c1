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
 * `session.shutdown`, once per process lifetime (a resumed session appends another for the next process;
 * they add up): `modelMetrics[model] = {requests: {count, cost}, usage: {inputTokens, outputTokens,
 * cacheReadTokens, cacheWriteTokens, reasoningTokens}}`, `totalPremiumRequests`, `totalApiDurationMs`,
 * `codeChanges {linesAdded, linesRemoved, filesModified}`. So a Copilot CLI row is one process × model:
 * kind `request` with `attrs.requests` = the number of API calls it sums and `attrs.premium_requests` =
 * Copilot's billing multiplier sum; plus one `edit` row with the process's line counts.
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
      shutdown(out, ctx, file, i + 1, line, ev, data, { sessionId, branch, repo, version });
    }
  }
  return out;
}

interface SessionInfo {
  sessionId: string | null;
  branch: string | null;
  repo: string | null;
  version: string | null;
}

function shutdown(out: HistoryRead, ctx: HistoryContext, file: string, lineNo: number, line: string, ev: Record<string, unknown>, data: Record<string, unknown>, s: SessionInfo): void {
  const where = String(lineNo);
  const eventId = text(ev.id) ?? `${file}:${lineNo}`;
  const base = { prices: ctx.prices };
  const common = { source: SOURCE, time: ev.timestamp, session_id: s.sessionId, branch: s.branch, repo_slug: s.repo, agent: 'copilot-cli' } as const;
  const metrics = obj(data.modelMetrics) ?? {};
  for (const [model, raw] of Object.entries(metrics)) {
    const usage = obj(obj(raw)?.usage);
    const requests = obj(obj(raw)?.requests);
    if (!usage) continue;
    const split = splitInclusiveInput({ input: usage.inputTokens, output: usage.outputTokens, cacheRead: usage.cacheReadTokens, cacheWrite: usage.cacheWriteTokens });
    if (!split.ok) {
      historyReject(out, ctx, SOURCE, file, where, `${model}: ${split.reason}`, line);
      continue;
    }
    const attrs: Attrs = { aggregate: 'process' };
    if (typeof requests?.count === 'number') attrs.requests = requests.count;
    if (typeof requests?.cost === 'number') attrs.premium_requests = requests.cost;
    if (typeof data.shutdownType === 'string') attrs.shutdown = data.shutdownType.slice(0, 32);
    if (s.version) attrs.agent_version = s.version.slice(0, 32);
    const built = buildEvent(
      {
        ...common,
        kind: 'request',
        identity: [s.sessionId, eventId, model],
        model,
        tokens_in: split.value.tokens_in,
        tokens_out: split.value.tokens_out,
        cache_read_tokens: split.value.cache_read_tokens,
        cache_write_tokens: split.value.cache_write_tokens,
        reasoning_tokens: usage.reasoningTokens,
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
    if (Array.isArray(changes.filesModified)) attrs.files_modified = changes.filesModified.length;
    const built = buildEvent({ ...common, kind: 'edit', identity: ['edit', s.sessionId, eventId], model: text(data.currentModel), lines_added: changes.linesAdded, lines_removed: changes.linesRemoved, attrs }, base);
    if (built.ok) out.events.push(built.value);
    else historyReject(out, ctx, SOURCE, file, where, `codeChanges: ${built.reason}`, line);
  }
}
