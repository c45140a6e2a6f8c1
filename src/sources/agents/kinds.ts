import { createHash } from 'node:crypto';
import type { AiEvent, Batch, DeadLetter, Source } from '../../core/model';
import { reject } from '../../core/normalize/context';
import type { PriceTable } from '../../core/pricing';

/**
 * Agents whose own history files ProdLens reads whole (they are rewritten, or appended in records that
 * repeat earlier ones): the VS Code agent extensions Cline, Roo Code and Kilo Code, Gemini CLI's chat
 * recordings and GitHub Copilot CLI's session event logs. docs/sources.md describes each.
 */
export type HistoryAgent = 'cline' | 'roo-code' | 'kilo-code' | 'gemini-cli' | 'copilot-cli' | AppendAgent;

/**
 * Agents' telemetry files, appended to and never rewritten: Gemini CLI's `telemetry.outfile` and Copilot
 * CLI's OpenTelemetry file export. Read incrementally from a byte offset (append-scan.ts).
 */
export type AppendAgent = 'gemini-telemetry' | 'copilot-otel';

export function isAppendAgent(a: HistoryAgent): a is AppendAgent {
  return a === 'gemini-telemetry' || a === 'copilot-otel';
}

export const HISTORY_SOURCE: Record<HistoryAgent, Source> = {
  cline: 'cline-history',
  'roo-code': 'roo-code-history',
  'kilo-code': 'kilo-code-history',
  'gemini-cli': 'gemini-cli-chat',
  'copilot-cli': 'copilot-cli-session',
  // The same events as Gemini's OTLP export through the collector: one source, whichever channel.
  'gemini-telemetry': 'gemini-cli-otel',
  'copilot-otel': 'copilot-cli-otel',
};

/** One history file and the agent that wrote it. */
export interface HistoryFile {
  agent: HistoryAgent;
  path: string;
}

/** What reading one history file gave. */
export interface HistoryRead {
  events: AiEvent[];
  rejects: DeadLetter[];
  /**
   * The working folder the file says the session ran in (Cline's `cwdOnTaskInitialization`, Roo's
   * `workspace`, Gemini's `.project_root`, Copilot's `context.cwd`), or null. This is the one place a
   * history row's working folder is known: the workspace filter reads it, and the attribution resolver
   * (repository, branch and developer of a folder) hooks in here.
   */
  cwd: string | null;
  /** Gemini CLI's legacy project folders are named by sha256(project root) instead. */
  projectHash?: string | null;
  /**
   * The session the file records (Cline task id, Gemini session id, Copilot session id): kept in the
   * file's checkpoint so an agent's telemetry, which names sessions but not folders, finds its working folder.
   */
  sessionId?: string | null;
}

/**
 * The attribution resolver's hook: the repository, branch and developer of a working folder (its git
 * `origin`, HEAD and identity), or null when unknown. History rows get them where the file does not say.
 * `readAt` (epoch ms) is when the branch was read: only rows near it take that branch (an old session ran on
 * whatever branch was checked out then).
 */
export type AttributeHook = (cwd: string) => Attribution | null | Promise<Attribution | null>;

export interface Attribution {
  repo_slug?: string | null;
  branch?: string | null;
  developer_id?: string | null;
  readAt?: number;
}

/** How close to the time HEAD was read a row must be to take that branch (15 minutes). */
export const BRANCH_CURRENT_MS = 15 * 60_000;

/** Fills the attribution of rows whose working folder is `cwd`, never overriding what the file said. */
export async function attribute(events: AiEvent[], cwd: string | null | undefined, hook: AttributeHook | undefined): Promise<void> {
  if (!hook || !cwd || !events.length) return;
  const a = await hook(cwd);
  if (!a) return;
  applyAttribution(events, a);
}

/** Fills missing developer, repository and branch from `a` (the branch only for rows near `a.readAt`). */
export function applyAttribution(events: AiEvent[], a: Attribution): void {
  for (const e of events) {
    e.repo_slug ??= a.repo_slug ?? null;
    if (e.branch === null && a.branch && (a.readAt === undefined || Math.abs(Date.parse(e.timestamp) - a.readAt) <= BRANCH_CURRENT_MS)) e.branch = a.branch;
    e.developer_id ??= a.developer_id ?? null;
  }
}

export interface HistoryContext {
  prices: PriceTable;
  /** ISO time stamped on dead letters. */
  receivedAt: string;
}

/** Largest history file read (a bigger one is reported, not read). */
export const MAX_HISTORY_BYTES = 256 * 1024 * 1024;

/**
 * A dead letter for part of a history file, through the shared `reject()` helper. The excerpt names the
 * place by size and hash only: history files hold prompts and code, which ProdLens never stores.
 */
export function historyReject(
  out: { rejects: DeadLetter[] },
  ctx: HistoryContext,
  source: Source,
  file: string,
  where: string,
  reason: string,
  raw?: string,
): void {
  const batch: Batch = { events: [], metrics: [], rejects: out.rejects };
  const hash = raw === undefined ? '' : `: ${Buffer.byteLength(raw)} bytes, sha256 ${createHash('sha256').update(raw).digest('hex').slice(0, 16)}`;
  reject(batch, ctx.receivedAt, source, `${file}${where ? `:${where}` : ''}: ${reason}`, `${where || 'file'} of ${file}${hash}`);
}

export { asRecord as obj } from '../../core/guards';

export function text(v: unknown): string | null {
  return typeof v === 'string' && v.trim() ? v.trim() : null;
}

/** Line count of a text (a last line without newline counts). */
export function countLines(s: string): number {
  if (!s) return 0;
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return s.endsWith('\n') ? n : n + 1;
}
