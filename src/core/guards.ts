/** The one guard for "a JSON object" (not null, not an array): every reader of untyped input uses it. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** `v` as a JSON object, or undefined: for reading optional nested objects (`asRecord(x.message)?.usage`). */
export function asRecord(v: unknown): Record<string, unknown> | undefined {
  return isRecord(v) ? v : undefined;
}
