import type { Database } from 'sql.js';

/**
 * Runs `fn` in one SQLite transaction. `fn` must be synchronous: a transaction held across an `await`
 * would let the store's snapshot (`db.export()`, which throws inside a write transaction) run mid-way.
 */
export function transaction<T>(db: Database, fn: () => T): T {
  db.run('BEGIN');
  try {
    const result = fn();
    db.run('COMMIT');
    return result;
  } catch (err) {
    db.run('ROLLBACK');
    throw err;
  }
}
