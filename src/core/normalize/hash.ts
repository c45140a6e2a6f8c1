import { hash } from 'node:crypto';

/**
 * A stable 128-bit hex hash of the identifying fields of a record. The parts are JSON-encoded as an
 * array, so `['a','bc']` and `['ab','c']` differ, and numbers hash by value.
 */
export function stableHash(parts: ReadonlyArray<string | number | boolean | null | undefined>): string {
  const text = JSON.stringify(parts.map((p) => (p === undefined ? null : p)));
  // One-shot crypto.hash (Node ≥ 20.12) avoids a Hash object per record; same digest as createHash.
  return hash('sha256', text, 'hex').slice(0, 32);
}
