import type { Source } from '../model';
import { asId, developerIdFromText, pickId, sessionIdFromText } from './ids';
import { attrText, flattenAttributes, type AttrMap, type AttrValue } from './otlp-anyvalue';
import { repoSlugFromAttrs } from './repo';

/**
 * What the three OTLP normalizers share: resource decoding, the agent behind a service, and the documented
 * id, repository and branch lookups (record attributes first, then resource attributes, then a regex over
 * metadata-like strings, else null — never invented).
 */

export type Agent = 'claude-code' | 'codex' | 'gemini-cli' | 'litellm';

export interface ResourceInfo {
  attrs: AttrMap;
  serviceName: string | null;
  agent: Agent | null;
  /** The resource's own repository and branch, resolved once (records override them). */
  vcs: Vcs;
}

export interface Vcs {
  repo_slug: string | null;
  branch: string | null;
}

const EMPTY: AttrMap = new Map();

/** Decodes `resource.attributes` once per resource block. */
export function resourceInfo(resource: unknown): ResourceInfo {
  const kvs = resource !== null && typeof resource === 'object' ? (resource as { attributes?: unknown }).attributes : undefined;
  const attrs = Array.isArray(kvs) && kvs.length ? flattenAttributes(kvs) : EMPTY;
  const serviceName = attrText(attrs.get('service.name'));
  return { attrs, serviceName, agent: agentFromService(serviceName), vcs: vcsOf(EMPTY, attrs) };
}

/** The agent a `service.name` names (Codex uses several: codex_cli_rs, codex-cli, codex_exec, codex_tui). */
export function agentFromService(name: string | null): Agent | null {
  if (!name) return null;
  const n = name.toLowerCase();
  if (n.startsWith('claude-code') || n.startsWith('claude_code')) return 'claude-code';
  if (n.startsWith('codex')) return 'codex';
  if (n.startsWith('gemini-cli') || n.startsWith('gemini_cli') || n === 'gemini') return 'gemini-cli';
  if (n.startsWith('litellm')) return 'litellm';
  return null;
}

export const AGENT_SOURCE: Record<Exclude<Agent, 'litellm'>, Source> = {
  'claude-code': 'claude-code-otel',
  codex: 'codex-otel',
  'gemini-cli': 'gemini-cli-otel',
};

/** Record attribute first, then the resource attribute. */
export function lookup(rec: AttrMap, res: AttrMap, key: string): AttrValue | undefined {
  const v = rec.get(key);
  return v !== undefined && v !== null && v !== '' ? v : res.get(key);
}

/** Session id keys in priority order (docs/sources.md). */
export const SESSION_KEYS = ['session.id', 'conversation.id', 'gen_ai.conversation.id'] as const;

/**
 * Developer id keys in priority order: a person's email first, then account ids (the same person on any
 * machine), then `enduser.id`, and `user.id` last because Claude Code sends an installation id there.
 */
export const DEVELOPER_KEYS = ['user.email', 'user.account_uuid', 'user.account_id', 'enduser.id', 'user.id'] as const;

/** Attributes whose text the regex fallback reads: metadata-like strings, never content or other ids. */
const SESSION_TEXT_KEY = /session|conversation|metadata|tags/i;
const DEVELOPER_TEXT_KEY = /metadata|tags|developer/i;

function fallbackTexts(rec: AttrMap, res: AttrMap, keyRe: RegExp): string[] {
  const texts: string[] = [];
  for (const m of [rec, res]) {
    for (const [k, v] of m) if (typeof v === 'string' && v && keyRe.test(k)) texts.push(v);
  }
  return texts;
}

export function sessionIdOf(rec: AttrMap, res: AttrMap, extraKeys: readonly string[] = []): string | null {
  for (const m of [rec, res]) {
    for (const k of SESSION_KEYS) {
      const id = asId(m.get(k));
      if (id) return id;
    }
    for (const k of extraKeys) {
      const id = asId(m.get(k));
      if (id) return id;
    }
  }
  const texts = fallbackTexts(rec, res, SESSION_TEXT_KEY);
  return texts.length ? sessionIdFromText(...texts) : null;
}

export function developerIdOf(rec: AttrMap, res: AttrMap, extraKeys: readonly string[] = []): string | null {
  for (const m of [rec, res]) {
    for (const k of DEVELOPER_KEYS) {
      const id = asId(m.get(k));
      if (id) return id;
    }
    for (const k of extraKeys) {
      const id = asId(m.get(k));
      if (id) return id;
    }
  }
  const texts = fallbackTexts(rec, res, DEVELOPER_TEXT_KEY);
  return texts.length ? developerIdFromText(...texts) : null;
}

const VCS_KEYS = ['vcs.repository.url.full', 'vcs.repository.name', 'vcs.ref.head.name'];

/** `repo_slug` and `branch` from the OpenTelemetry VCS attributes, record over resource. */
export function vcsOf(rec: AttrMap, res: AttrMap): Vcs {
  return {
    repo_slug: repoSlugFromAttrs((k) => lookup(rec, res, k)),
    branch: pickId(lookup(rec, res, 'vcs.ref.head.name')),
  };
}

/** Like `vcsOf`, reusing the resource's resolution when the record carries no VCS attribute (the usual case). */
export function recordVcs(rec: AttrMap, res: ResourceInfo): Vcs {
  if (rec.size === 0 || (!rec.has(VCS_KEYS[0]!) && !rec.has(VCS_KEYS[1]!) && !rec.has(VCS_KEYS[2]!))) return res.vcs;
  return vcsOf(rec, res.attrs);
}

/** An identity part: numbers and numeric text hash alike (`5` and `"5"`), other values as trimmed text. */
export function idPart(v: AttrValue | undefined): string | null {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : null;
  if (typeof v === 'string') {
    const s = v.trim();
    if (!s) return null;
    const n = Number(s);
    return Number.isFinite(n) && /^[+-]?\d/.test(s) ? String(n) : s;
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return null;
}

/** A time value as sent (decimal nanoseconds, usually) for identities; null for anything that is not a scalar. */
export function timeKey(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return null;
}

/** Lower-case hex of an OTLP trace/span id (hex in OTLP/JSON); empty or all-zero ids are absent. */
export function hexId(v: unknown): string | null {
  if (typeof v !== 'string' || !v || /^0+$/.test(v)) return null;
  return v.toLowerCase();
}

/** A short event name fit for a skip-count key (no free text from the input). */
export function safeName(name: string | null): string | null {
  return name && name.length <= 80 && /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+$/.test(name) ? name : null;
}
