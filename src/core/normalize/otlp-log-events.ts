import type { Attrs } from '../model';
import type { EventDraft } from './event';
import { attrBool, attrScalar, attrText, type AttrMap, type AttrValue } from './otlp-anyvalue';
import { idPart } from './otlp-common';
import { coerceCount } from './tokens';
import { splitInclusiveInput } from './usage';

/**
 * Per-event rules for the agents' OTLP log events (Claude Code, Codex CLI, Gemini CLI). Each handler turns
 * one record's attributes into the event-specific part of a draft, or names why the record is skipped.
 * Field names: docs/sources.md. Prompt text, tool arguments and tool output are never read.
 */

/** A log record's attributes as handlers see them (record attributes over resource attributes). */
export interface LogView {
  /** Full event name, e.g. `claude_code.api_request`. */
  name: string;
  get(key: string): AttrValue | undefined;
  rec: AttrMap;
}

/** The event-specific part of a draft; `key` joins the identity (trace_hash inputs). */
export type LogPart = Omit<EventDraft, 'source' | 'time' | 'timeUnit' | 'identity' | 'session_id' | 'developer_id' | 'repo_slug' | 'branch' | 'agent'> & {
  key: Array<string | null>;
};

/** A handler yields the event part, a skip reason (deliberately not stored, counted), or a rejection. */
export type LogOutcome = LogPart | { skip: string } | { reject: string };
export type LogHandler = (v: LogView) => LogOutcome;

const ERROR_TEXT_MAX = 200;

/** An HTTP-like status from a number or numeric text; other values (Claude sends `"undefined"`) give null. */
function softStatus(v: AttrValue | undefined): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d{3}\s*$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= 100 && n <= 599 ? n : null;
}

function attrs(base: Record<string, AttrValue | undefined>): Attrs {
  const out: Attrs = {};
  for (const k in base) {
    const s = attrScalar(base[k], ERROR_TEXT_MAX);
    if (s !== null) out[k] = s;
  }
  return out;
}

/** A count kept in attrs as a number even when the agent sent it as text. */
function n(v: AttrValue | undefined): AttrValue | undefined {
  if (typeof v === 'string' && /^\s*\d+(?:\.\d+)?\s*$/.test(v)) return Number(v);
  return v;
}

/** Accept/reject vocabularies of the three agents → accepted_flag (docs/sources.md). */
export function decisionFlag(v: AttrValue | undefined): boolean | null {
  const d = typeof v === 'string' ? v.trim().toLowerCase() : '';
  if (
    d === 'accept' ||
    d === 'auto_accept' ||
    d === 'modify' ||
    d === 'approved' ||
    d === 'approved_for_session' ||
    d === 'approved_execpolicy_amendment' ||
    d === 'yes'
  )
    return true;
  if (d === 'reject' || d === 'denied' || d === 'abort' || d === 'cancel' || d === 'no') return false;
  return null;
}

const short = (name: string) => name.slice(name.indexOf('.') + 1);

// ---- Claude Code (input tokens exclude the cache: Anthropic's convention, taken as is) ----

const claude: Record<string, LogHandler> = {
  api_request: (v) => ({
    kind: 'request',
    model: v.get('model'),
    tokens_in: v.get('input_tokens'),
    tokens_out: v.get('output_tokens'),
    cache_read_tokens: v.get('cache_read_tokens'),
    cache_write_tokens: v.get('cache_creation_tokens'),
    cost_usd: v.get('cost_usd'),
    latency_ms: v.get('duration_ms'),
    attrs: attrs({ event: 'api_request', query_source: v.get('query_source'), speed: v.get('speed') }),
    key: [
      attrText(v.get('model')),
      idPart(v.get('input_tokens')),
      idPart(v.get('output_tokens')),
      idPart(v.get('cache_read_tokens')),
      idPart(v.get('cache_creation_tokens')),
      idPart(v.get('duration_ms')),
    ],
  }),
  api_error: (v) => ({
    kind: 'error',
    model: v.get('model'),
    status_code: softStatus(v.get('status_code')),
    latency_ms: v.get('duration_ms'),
    attrs: attrs({
      event: 'api_error',
      error: v.get('error'),
      attempt: n(v.get('attempt')),
      status: softStatus(v.get('status_code')) === null ? v.get('status_code') : undefined,
    }),
    key: [attrText(v.get('model')), idPart(n(v.get('attempt'))), idPart(v.get('duration_ms'))],
  }),
  tool_result: (v) => ({
    kind: 'tool',
    tool_name: attrText(v.get('tool_name')),
    latency_ms: v.get('duration_ms'),
    attrs: attrs({
      event: 'tool_result',
      success: attrBool(v.get('success')),
      decision: v.get('decision'),
      decision_source: v.get('source'),
      error: v.get('error'),
      result_bytes: n(v.get('tool_result_size_bytes')),
    }),
    key: [attrText(v.get('tool_name')), attrText(v.get('tool_use_id')), idPart(v.get('duration_ms'))],
  }),
  tool_decision: (v) => ({
    kind: 'tool',
    tool_name: attrText(v.get('tool_name')),
    accepted_flag: decisionFlag(v.get('decision')),
    attrs: attrs({ event: 'tool_decision', decision: v.get('decision'), decision_source: v.get('source') }),
    key: [attrText(v.get('tool_name')), attrText(v.get('tool_use_id')), attrText(v.get('decision'))],
  }),
  user_prompt: (v) => ({
    kind: 'prompt',
    attrs: attrs({ event: 'user_prompt', prompt_length: n(v.get('prompt_length')) }),
    key: [idPart(n(v.get('prompt_length')))],
  }),
};

// ---- Codex CLI (OpenAI convention: input_token_count includes cached_token_count) ----

const codexNoise = new Set([
  'startup_phase',
  'turn_ttft',
  'sandbox_assessment',
  'sandbox_assessment_latency',
  'auth_recovery',
  'websocket_connect',
  'websocket_request',
  'websocket_event',
  'plugin_install_elicitation_sent',
  'plugin_install_suggestion',
]);

const codex: Record<string, LogHandler> = {
  conversation_starts: (v) => ({
    kind: 'session',
    model: v.get('model'),
    attrs: attrs({
      event: 'conversation_starts',
      provider_name: v.get('provider_name'),
      reasoning_effort: v.get('reasoning_effort'),
      approval_policy: v.get('approval_policy'),
      context_window: n(v.get('context_window')),
    }),
    key: [attrText(v.get('model'))],
  }),
  api_request: (v) => {
    const status = softStatus(v.get('http.response.status_code'));
    const error = attrText(v.get('error.message'), ERROR_TEXT_MAX);
    // The HTTP request opens the response stream; its duration is time to headers. Requests are counted
    // (with tokens) from `codex.sse_event` response.completed, so a successful one is not a second request.
    if (!error && (status === null || status < 400)) return { skip: 'codex.api_request success (request counted from codex.sse_event response.completed)' };
    return {
      kind: 'error',
      model: v.get('model'),
      status_code: status,
      latency_ms: v.get('duration_ms'),
      attrs: attrs({ event: 'api_request', error, attempt: n(v.get('attempt')) }),
      key: [idPart(n(v.get('attempt'))), String(status), idPart(v.get('duration_ms'))],
    };
  },
  sse_event: (v) => {
    const kind = attrText(v.get('event.kind'));
    const error = attrText(v.get('error.message'), ERROR_TEXT_MAX);
    if (error || kind === 'response.failed') {
      return { kind: 'error', model: v.get('model'), attrs: attrs({ event: 'sse_event', event_kind: kind, error }), key: [kind, error] };
    }
    if (kind !== 'response.completed') return { skip: 'codex.sse_event stream progress' };
    const u = splitInclusiveInput({
      input: v.get('input_token_count'),
      output: v.get('output_token_count'),
      cacheRead: v.get('cached_token_count'),
      cacheWrite: v.get('cache_write_token_count'),
    });
    if (!u.ok) return { reject: u.reason };
    return {
      kind: 'request',
      model: v.get('model'),
      ...u.value,
      reasoning_tokens: v.get('reasoning_token_count'),
      attrs: attrs({ event: 'sse_event', tool_token_count: n(v.get('tool_token_count')) }),
      key: [
        attrText(v.get('response.id')),
        idPart(v.get('input_token_count')),
        idPart(v.get('output_token_count')),
        idPart(v.get('cached_token_count')),
        idPart(v.get('reasoning_token_count')),
      ],
    };
  },
  user_prompt: (v) => ({
    kind: 'prompt',
    attrs: attrs({ event: 'user_prompt', prompt_length: n(v.get('prompt_length')) }),
    key: [idPart(n(v.get('prompt_length')))],
  }),
  tool_decision: (v) => ({
    kind: 'tool',
    tool_name: attrText(v.get('tool_name')),
    accepted_flag: decisionFlag(v.get('decision')),
    attrs: attrs({ event: 'tool_decision', decision: v.get('decision'), decision_source: v.get('source') }),
    key: [attrText(v.get('call_id')), attrText(v.get('tool_name')), attrText(v.get('decision'))],
  }),
  tool_result: (v) => ({
    kind: 'tool',
    tool_name: attrText(v.get('tool_name')),
    latency_ms: v.get('duration_ms'),
    attrs: attrs({ event: 'tool_result', success: attrBool(v.get('success')) }),
    key: [attrText(v.get('call_id')), attrText(v.get('tool_name')), idPart(v.get('duration_ms'))],
  }),
};

// ---- Gemini CLI (input_token_count includes cached content; thoughts are output) ----

const geminiNoise = new Set([
  'api_request',
  'config',
  'flash_fallback',
  'ripgrep_fallback',
  'slash_command',
  'next_speaker_check',
  'loop_detected',
  'loop_detection_disabled',
  'ide_connection',
  'chat_compression',
  'conversation_finished',
  'kitty_sequence_overflow',
  'malformed_json_response',
  'invalid_chunk',
  'content_retry',
  'content_retry_failure',
  'model_routing',
  'extension_install',
  'extension_enable',
  'extension_disable',
  'extension_uninstall',
  'file_operation',
  'api_cancel',
  'model_slash_command',
  'tool_output_truncated',
]);

/** A tool call's `metadata` as gemini-cli sends it: the JSON text of an object (parsed once per record). */
const metadataText = new WeakMap<LogView, Record<string, unknown> | null>();
function metadataObject(v: LogView): Record<string, unknown> | null {
  if (metadataText.has(v)) return metadataText.get(v)!;
  const m = v.get('metadata');
  let parsed: Record<string, unknown> | null = null;
  if (typeof m === 'string' && m.length < 64 * 1024 && m.trimStart().startsWith('{')) {
    try {
      const o = JSON.parse(m) as unknown;
      if (o && typeof o === 'object' && !Array.isArray(o)) parsed = o as Record<string, unknown>;
    } catch {
      parsed = null;
    }
  }
  metadataText.set(v, parsed);
  return parsed;
}

function geminiLines(v: LogView, field: string): AttrValue | undefined {
  const direct = v.get(`metadata.${field}`) ?? v.get(`metadata.diffStat.${field}`);
  if (direct !== undefined) return direct;
  const m = metadataObject(v);
  const x = m?.[field] ?? (m?.diffStat as Record<string, unknown> | undefined)?.[field];
  return typeof x === 'number' || typeof x === 'string' ? x : undefined;
}

const gemini: Record<string, LogHandler> = {
  api_response: (v) => {
    const u = splitInclusiveInput({ input: v.get('input_token_count'), output: v.get('output_token_count'), cacheRead: v.get('cached_content_token_count') });
    if (!u.ok) return { reject: u.reason };
    // Tool-use prompt tokens are input outside promptTokenCount; thoughts are billed as output.
    const tool = coerceCount(n(v.get('tool_token_count')), 'tool_token_count');
    if (!tool.ok) return { reject: tool.reason };
    const thoughts = coerceCount(v.get('thoughts_token_count'), 'thoughts_token_count');
    if (!thoughts.ok) return { reject: thoughts.reason };
    const add = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : a + b);
    return {
      kind: 'request',
      model: v.get('model'),
      tokens_in: add(u.value.tokens_in, tool.value),
      tokens_out: add(u.value.tokens_out, thoughts.value),
      cache_read_tokens: u.value.cache_read_tokens,
      reasoning_tokens: thoughts.value,
      status_code: softStatus(v.get('status_code')),
      latency_ms: v.get('duration_ms'),
      attrs: attrs({ event: 'api_response', auth_type: v.get('auth_type') }),
      key: [
        attrText(v.get('response_id')),
        attrText(v.get('prompt_id')),
        attrText(v.get('model')),
        idPart(v.get('input_token_count')),
        idPart(v.get('output_token_count')),
        idPart(v.get('duration_ms')),
      ],
    };
  },
  api_error: (v) => ({
    kind: 'error',
    model: v.get('model'),
    status_code: softStatus(v.get('status_code')),
    latency_ms: v.get('duration_ms'),
    attrs: attrs({ event: 'api_error', error_type: v.get('error_type') ?? v.get('error.type'), error: v.get('error') ?? v.get('error.message') }),
    key: [attrText(v.get('prompt_id')), attrText(v.get('model')), idPart(v.get('duration_ms'))],
  }),
  tool_call: (v) => {
    const accepted = decisionFlag(v.get('decision'));
    const success = attrBool(v.get('success'));
    const added = geminiLines(v, 'model_added_lines');
    return {
      kind: 'tool',
      tool_name: attrText(v.get('function_name')),
      latency_ms: v.get('duration_ms'),
      accepted_flag: accepted,
      lines_added: added,
      lines_removed: geminiLines(v, 'model_removed_lines'),
      // Lines the model wrote in a call the user accepted (or modified) and that succeeded.
      accepted_lines: accepted === true && success !== false ? added : undefined,
      attrs: attrs({
        event: 'tool_call',
        decision: v.get('decision'),
        success,
        tool_type: v.get('tool_type'),
        user_added_lines: n(geminiLines(v, 'user_added_lines')),
        user_removed_lines: n(geminiLines(v, 'user_removed_lines')),
      }),
      key: [attrText(v.get('prompt_id')), attrText(v.get('function_name')), idPart(v.get('duration_ms'))],
    };
  },
  user_prompt: (v) => ({
    kind: 'prompt',
    attrs: attrs({ event: 'user_prompt', prompt_length: n(v.get('prompt_length')) }),
    key: [attrText(v.get('prompt_id')), idPart(n(v.get('prompt_length')))],
  }),
};

export interface AgentEvents {
  prefix: string;
  handlers: Record<string, LogHandler>;
  noise: ReadonlySet<string>;
}

/** Event namespaces by agent. */
export const AGENT_EVENTS = {
  'claude-code': { prefix: 'claude_code.', handlers: claude, noise: new Set<string>() },
  codex: { prefix: 'codex.', handlers: codex, noise: codexNoise },
  'gemini-cli': { prefix: 'gemini_cli.', handlers: gemini, noise: geminiNoise },
} as const satisfies Record<string, AgentEvents>;

/** Looks up the handler for a full event name; `undefined` when the agent has no rule for it. */
export function handlerFor(events: AgentEvents, name: string): LogHandler | 'noise' | undefined {
  const s = short(name);
  if (Object.hasOwn(events.handlers, s)) return events.handlers[s];
  return events.noise.has(s) ? 'noise' : undefined;
}
