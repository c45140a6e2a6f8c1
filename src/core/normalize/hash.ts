import { createHash } from 'node:crypto';

/**
 * A stable 128-bit hex hash of the identifying fields of a record. The parts are JSON-encoded as an
 * array, so `['a','bc']` and `['ab','c']` differ, and numbers hash by value.
 */
export function stableHash(parts: ReadonlyArray<string | number | boolean | null | undefined>): string {
  const text = JSON.stringify(parts.map((p) => (p === undefined ? null : p)));
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}
