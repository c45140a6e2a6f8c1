import type { Store } from './store';
import { databaseOf } from './database-of';

/** The cached result of a key if its fingerprint (a digest of the inputs) still matches, else null. */
export function readCorrelationCache(store: Store, key: string, fingerprint: string): string | null {
  const db = databaseOf(store);
  const hit = db.exec('SELECT fingerprint, result FROM correlation_cache WHERE key = ?', [key])[0]?.values[0];
  return hit && hit[0] === fingerprint ? (hit[1] as string) : null;
}

/**
 * Stores a result; drops entries whose key does not start with `keepPrefix` (an older analysis, never read
 * again) and all but the `limit` most recent.
 */
export function writeCorrelationCache(
  store: Store,
  entry: { key: string; fingerprint: string; computedAt: string; result: string },
  keepPrefix: string,
  limit: number,
): void {
  const db = databaseOf(store);
  db.run(
    `INSERT INTO correlation_cache (key, fingerprint, computed_at, result) VALUES (?, ?, ?, ?)
     ON CONFLICT(key) DO UPDATE SET fingerprint = excluded.fingerprint, computed_at = excluded.computed_at, result = excluded.result`,
    [entry.key, entry.fingerprint, entry.computedAt, entry.result],
  );
  db.run('DELETE FROM correlation_cache WHERE key NOT LIKE ?', [`${keepPrefix}%`]);
  db.run(
    `DELETE FROM correlation_cache WHERE key NOT IN (SELECT key FROM correlation_cache ORDER BY computed_at DESC LIMIT ${Math.max(0, Math.floor(limit))})`,
  );
}
