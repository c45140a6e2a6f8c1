/**
 * OTLP/JSON `AnyValue` and `KeyValue` decoding into a flat attribute map. This runs once per attribute of
 * every record, so it avoids allocation beyond the map itself and never throws on malformed input: anything
 * that is not a recognisable AnyValue decodes to null.
 *
 * Flattening: a `kvlistValue` under key `k` becomes keys `k.<sub>` (Gemini CLI's `metadata` object becomes
 * `metadata.model_added_lines`, …); an `arrayValue` becomes a JS array. `intValue` arrives as a number (the
 * OpenTelemetry JS exporter) or a decimal string (Go/Rust senders, proto3 JSON): it is returned as a number
 * when it is a safe integer, else kept as the exact decimal string. `doubleValue` may be a string (`"NaN"`,
 * `"Infinity"`) in proto3 JSON: finite values become numbers, others stay strings.
 */

export type AttrScalar = string | number | boolean | null;
export type AttrValue = AttrScalar | AttrValue[];
export type AttrMap = Map<string, AttrValue>;

/** Nesting deeper than this decodes to null, so hostile input cannot exhaust the stack. */
const MAX_DEPTH = 8;

function decodeInt(v: unknown): AttrScalar {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const n = Number(v);
    return v.length > 0 && Number.isSafeInteger(n) ? n : v;
  }
  return null;
}

function decodeDouble(v: unknown): AttrScalar {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const n = Number(v);
    return v.length > 0 && Number.isFinite(n) ? n : v;
  }
  return null;
}

/** Decodes one AnyValue. A `kvlistValue` nested inside an array is kept as compact JSON text. */
export function decodeAnyValue(value: unknown, depth = 0): AttrValue {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return null;
  const v = value as Record<string, unknown>;
  if (v.stringValue !== undefined) return typeof v.stringValue === 'string' ? v.stringValue : null;
  if (v.intValue !== undefined) return decodeInt(v.intValue);
  if (v.doubleValue !== undefined) return decodeDouble(v.doubleValue);
  if (v.boolValue !== undefined) return typeof v.boolValue === 'boolean' ? v.boolValue : v.boolValue === 'true' ? true : v.boolValue === 'false' ? false : null;
  if (v.arrayValue !== undefined) {
    const values = (v.arrayValue as { values?: unknown } | null)?.values;
    if (!Array.isArray(values)) return [];
    const out: AttrValue[] = [];
    for (const item of values) out.push(decodeAnyValue(item, depth + 1));
    return out;
  }
  if (v.kvlistValue !== undefined) {
    const m = flattenAttributes((v.kvlistValue as { values?: unknown } | null)?.values, new Map(), '', depth + 1);
    try {
      return JSON.stringify(Object.fromEntries(m));
    } catch {
      return null;
    }
  }
  if (v.bytesValue !== undefined) return typeof v.bytesValue === 'string' ? v.bytesValue : null;
  return null;
}

/**
 * Decodes a `KeyValue[]` into `out` (created if absent), nested kvlists flattened under `prefix`. Entries
 * without a string key are ignored; a later duplicate key overwrites an earlier one.
 */
export function flattenAttributes(kvs: unknown, out: AttrMap = new Map(), prefix = '', depth = 0): AttrMap {
  if (!Array.isArray(kvs) || depth > MAX_DEPTH) return out;
  for (let i = 0; i < kvs.length; i++) {
    const kv = kvs[i] as { key?: unknown; value?: unknown } | null;
    if (kv === null || typeof kv !== 'object' || typeof kv.key !== 'string') continue;
    const key = prefix ? prefix + kv.key : kv.key;
    const value = kv.value as Record<string, unknown> | null | undefined;
    if (value !== null && typeof value === 'object' && value.kvlistValue !== undefined && value.stringValue === undefined) {
      flattenAttributes((value.kvlistValue as { values?: unknown } | null)?.values, out, key + '.', depth + 1);
      continue;
    }
    out.set(key, decodeAnyValue(value, depth));
  }
  return out;
}

/** A non-empty trimmed string (numbers and booleans as text), else null; capped at `max` characters. */
export function attrText(v: AttrValue | undefined, max = 256): string | null {
  if (typeof v === 'string') {
    const s = v.trim();
    return s ? (s.length > max ? s.slice(0, max) : s) : null;
  }
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : null;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return null;
}

/** A scalar suitable for `attrs` (arrays become compact JSON text), or null. */
export function attrScalar(v: AttrValue | undefined, max = 200): string | number | boolean | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return v.length > max ? v.slice(0, max) : v;
  let s: string;
  try {
    s = JSON.stringify(v);
  } catch {
    return null;
  }
  return s.length > max ? s.slice(0, max) : s;
}

/** `true`/`false` from a boolean or its text (`"true"`, `"False"`), else null. */
export function attrBool(v: AttrValue | undefined): boolean | null {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'true') return true;
    if (s === 'false') return false;
  }
  return null;
}
