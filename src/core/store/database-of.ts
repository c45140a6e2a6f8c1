import type { Database } from 'sql.js';
import type { Store } from './store';

/*
 * The one way to a store's sql.js database, for the repositories in src/core/store only: `Store.db` is
 * private, and test/unit/store/boundary.test.ts fails on any use of this module (or of SQL) elsewhere in
 * src/. The team's DuckDB SQL in src/core/team is the one exception, by design.
 */

/** The database of a store (repositories in src/core/store only). */
export function databaseOf(store: Store): Database {
  // `private` is TypeScript's: the field is an ordinary property (so this also works on a Store built by
  // another bundle, such as the extension's inside the integration tests).
  return (store as unknown as { db: Database }).db;
}

/** The database for tests' own setup and assertions (test/ and bench/ only; never src/). */
export function rawDatabaseForTests(store: Store): Database {
  return databaseOf(store);
}
