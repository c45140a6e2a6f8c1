import { repoSlugFromUrl } from '../../core/normalize/repo';
import { buildEvent } from '../../core/normalize/event';
import { Marker } from './tail';
import { lineReject, looksWhole, obj, parseLine, text, type FileParser, type ParserContext } from './parser';

/**
 * Codex CLI rollouts (FORMATS.md §4): `{timestamp, type, payload}` lines. `session_meta` gives the session id,
 * cwd and git branch/remote; `turn_context` the model; `event_msg` / `token_count` the usage.
 *
 * Per turn: `last_token_usage`, else the difference of successive `total_token_usage`. Codex re-emits
 * token_count events with an unchanged cumulative total (rate-limit and UI refreshes, not new requests;
 * ccusage issues 876 and 1288 measured 30–67 % overcounts from them): such an event is skipped. The running
 * total lives in the checkpoint so incremental reads keep the difference right.
 *
 * Tokens: Codex's `input_tokens` includes `cached_input_tokens`; canonical `tokens_in` excludes cache reads
 * (Anthropic's convention), so tokens_in = input − cached and cache_read_tokens = cached.
 * `reasoning_output_tokens` is already part of `output_tokens` (total_tokens = input + output in real
 * rollouts): it is kept in `reasoning_tokens` for information and not added again.
 */

export const CODEX_SOURCE = 'codex-transcript' as const;

/** input, cached input, output, reasoning output, total. */
type Usage5 = [number, number, number, number, number];

export interface CodexState {
  cwd: string | null;
  sessionId: string | null;
  model: string | null;
  branch: string | null;
  repo: string | null;
  /** The last cumulative total seen. */
  prevTotal: Usage5 | null;
}

const MARKERS = ['"token_count"', '"turn_context"', '"session_meta"'];

export class CodexParser implements FileParser {
  private readonly s: CodexState;
  private readonly markers = MARKERS.map((m) => new Marker(m));

  constructor(
    private readonly ctx: ParserContext,
    state: CodexState | null,
  ) {
    this.s = state ?? { cwd: null, sessionId: null, model: null, branch: null, repo: null, prevTotal: null };
  }

  get cwd(): string | null {
    return this.s.cwd;
  }

  finish(): void {}

  state(): CodexState {
    return { ...this.s };
  }

  line(buf: Buffer, start: number, end: number, lineNo: number): void {
    if (end <= start) return;
    if (!this.markers.some((m) => m.in(buf, start, end))) {
      if (!looksWhole(buf, start, end)) this.reject(lineNo, 'not a whole JSON object (torn or corrupt line)', buf, start, end);
      return;
    }
    const parsed = parseLine(buf, start, end);
    if ('error' in parsed) {
      this.reject(lineNo, parsed.error, buf, start, end);
      return;
    }
    const o = parsed.value;
    const payload = obj(o.payload);
    if (!payload) return;
    if (o.type === 'session_meta') {
      this.s.sessionId = text(payload.id) ?? this.s.sessionId;
      this.s.cwd ??= text(payload.cwd);
      const git = obj(payload.git);
      this.s.branch = text(git?.branch) ?? this.s.branch;
      this.s.repo = repoSlugFromUrl(git?.repository_url) ?? this.s.repo;
    } else if (o.type === 'turn_context') {
      this.s.model = text(payload.model) ?? this.s.model;
      this.s.cwd ??= text(payload.cwd);
    } else if (o.type === 'event_msg' && payload.type === 'token_count') {
      this.tokenCount(o, payload, lineNo, buf, start, end);
    }
  }

  private tokenCount(o: Record<string, unknown>, payload: Record<string, unknown>, lineNo: number, buf: Buffer, start: number, end: number): void {
    const info = obj(payload.info);
    if (!info) return; // the first token_count of a session has `info: null`
    const total = usage5(info.total_token_usage);
    const last = usage5(info.last_token_usage);
    if (total === 'bad' || last === 'bad') {
      this.reject(lineNo, 'token usage with a negative or non-numeric count', buf, start, end);
      return;
    }
    const prev = this.s.prevTotal;
    if (total && prev && total.every((v, i) => v === prev[i])) return; // a re-emit
    let delta = last;
    if (!delta && total) delta = prev && total.every((v, i) => v >= prev[i]!) ? (total.map((v, i) => v - prev[i]!) as Usage5) : total;
    if (total) this.s.prevTotal = total;
    if (!delta || (delta[0] === 0 && delta[1] === 0 && delta[2] === 0 && delta[3] === 0)) return;
    const [input, cachedRaw, output, reasoning] = delta;
    const cached = Math.min(cachedRaw, input);
    const model = this.s.model ?? text(info.model) ?? text(payload.model);
    const built = buildEvent(
      {
        source: CODEX_SOURCE,
        kind: 'request',
        time: o.timestamp,
        // No session id: a forked or subagent rollout copies its parent's lines verbatim, and the copy must
        // hash to the parent's row. Without a cumulative total the session keeps equal turns apart.
        identity: total ? [text(o.timestamp), ...total, ...delta] : [text(o.timestamp), this.s.sessionId, ...delta],
        session_id: this.s.sessionId,
        model,
        tokens_in: input - cached,
        tokens_out: output,
        cache_read_tokens: cached,
        reasoning_tokens: reasoning,
        agent: 'codex',
        branch: this.s.branch,
        repo_slug: this.s.repo,
      },
      { prices: this.ctx.prices },
    );
    if (!built.ok) this.reject(lineNo, built.reason, buf, start, end);
    else this.ctx.out.items.push({ event: built.value });
  }

  private reject(lineNo: number, reason: string, buf: Buffer, start: number, end: number): void {
    this.ctx.out.rejects.push(lineReject(this.ctx, CODEX_SOURCE, lineNo, reason, buf, start, end));
  }
}

/** The five counts of a Codex usage object; null when absent, 'bad' when a count is invalid. */
function usage5(v: unknown): Usage5 | null | 'bad' {
  const u = obj(v);
  if (!u) return null;
  const out: number[] = [];
  for (const k of ['input_tokens', 'cached_input_tokens', 'output_tokens', 'reasoning_output_tokens', 'total_tokens']) {
    const n = u[k] ?? 0;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) return 'bad';
    out.push(Math.round(n));
  }
  return out as Usage5;
}
