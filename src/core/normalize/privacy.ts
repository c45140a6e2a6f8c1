/**
 * ProdLens keeps counts, hashes and metadata, never prompt text, model output or tool arguments. Normalizers
 * never copy those fields into events; this module also keeps them out of dead-letter excerpts, which are
 * the one place a raw input is stored.
 */

/** Attribute or field names whose values are content (prompts, completions, tool input/output). */
const PRIVATE_KEYS = new Set([
  'prompt',
  'user_prompt',
  'tool_parameters',
  'tool_input',
  'arguments',
  'function_args',
  'output',
  'response_text',
  'request_text',
  'input.value',
  'output.value',
  'messages',
  'response',
  'proxy_server_request',
  'content',
  'system_prompt',
  'gen_ai.input.messages',
  'gen_ai.output.messages',
  'gen_ai.system_instructions',
  'gen_ai.tool.call.arguments',
  'gen_ai.tool.call.result',
]);

const PRIVATE_PREFIXES = [
  'gen_ai.prompt.',
  'gen_ai.completion.',
  'llm.input_messages',
  'llm.output_messages',
  'llm.prompts',
  'metadata.requester_custom_headers',
];

/** Whether an attribute/field name carries content that must not be stored. */
export function isPrivateKey(key: string): boolean {
  if (PRIVATE_KEYS.has(key)) return true;
  for (const p of PRIVATE_PREFIXES) if (key.startsWith(p)) return true;
  return false;
}

const REDACTED = '[redacted]';
/** Nodes visited before the rest of a structure is elided (excerpts are ~1000 characters anyway). */
const NODE_BUDGET = 4000;
const MAX_DEPTH = 24;

/**
 * A copy of `value` with content fields replaced by `[redacted]`: plain object properties with a private
 * name, and OTLP `{key, value}` pairs whose key is private. Large or deep inputs are elided past a budget.
 * Never throws.
 */
export function redactForExcerpt(value: unknown): unknown {
  const budget = { left: NODE_BUDGET };
  try {
    return walk(value, budget, 0);
  } catch {
    return '[unprintable input]';
  }
}

function walk(v: unknown, budget: { left: number }, depth: number): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (--budget.left < 0 || depth > MAX_DEPTH) return '…';
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const item of v) {
      if (budget.left < 0) break;
      out.push(walk(item, budget, depth + 1));
    }
    return out;
  }
  const o = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const otlpPrivate = typeof o.key === 'string' && 'value' in o && isPrivateKey(o.key);
  for (const k of Object.keys(o)) {
    if (budget.left < 0) break;
    if (isPrivateKey(k) || (otlpPrivate && k === 'value'))
      Object.defineProperty(out, k, { value: REDACTED, enumerable: true, writable: true, configurable: true });
    else Object.defineProperty(out, k, { value: walk(o[k], budget, depth + 1), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
