import type { Database } from 'sql.js';
import type { Store } from './store';
import { databaseOf } from './database-of';

/**
 * Runs `fn` atomically. Savepoints nest, so this works on its own (it then commits) and inside an open
 * transaction such as a bulk import (it then commits with it). `fn` must be synchronous: a write
 * transaction held across an `await` would let a snapshot (`db.export()`, which throws inside one) run
 * mid-way; use `Store.bulk` for that.
 */
export function transaction<T>(db: Database, fn: () => T): T {
  db.run('SAVEPOINT tx');
  try {
    const result = fn();
    db.run('RELEASE tx');
    return result;
  } catch (err) {
    db.run('ROLLBACK TO tx');
    db.run('RELEASE tx');
    throw err;
  }
}

/** `transaction` on a store's database, for callers outside src/core/store. */
export function storeTransaction<T>(store: Store, fn: () => T): T {
  return transaction(databaseOf(store), fn);
}
