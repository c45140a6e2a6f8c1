import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Database } from 'sql.js';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';
import { FRESH_SCHEMA, FRESH_SCHEMA_VERSION } from '../../../src/core/store/fresh-schema';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../src/core/store/schema';
import { schemaStatements } from '../../../src/core/store/schema-dump';
import { Store } from '../../../src/core/store/store';
import { sqlLoader, tempDir } from '../helpers/events';

/** Everything SQLite knows of a schema, in a stable order (autoindexes included), and its version. */
function schemaOf(db: Database): { version: unknown; objects: unknown[][] } {
  return {
    version: db.exec('PRAGMA user_version')[0]!.values[0]![0],
    objects: db.exec('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name')[0]!.values,
  };
}

describe('new databases get the final schema in one step (FRESH_SCHEMA)', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  it('is what the migrations produce (regenerate with `npx tsx scripts/fresh-schema.ts`)', async () => {
    const SQL = await sqlLoader.load();
    const db = new SQL.Database();
    for (const m of MIGRATIONS) db.exec(m);
    assert.equal(FRESH_SCHEMA_VERSION, SCHEMA_VERSION);
    assert.deepEqual(
      FRESH_SCHEMA,
      schemaStatements(db).map((s) => `${s};`),
    );
    db.close();
  });

  for (const from of [1, 11, SCHEMA_VERSION - 1]) {
    it(`gives the same schema as a database migrated step by step from version ${from}`, async () => {
      const SQL = await sqlLoader.load();
      const old = new SQL.Database();
      for (const m of MIGRATIONS.slice(0, from)) old.exec(m);
      old.exec(`PRAGMA user_version = ${from}`);
      const file = path.join(tmp.dir, 'old.sqlite');
      writeFileSync(file, old.export());
      old.close();
      const migrated = await Store.open({ path: file, sql: SQL, timeZone: 'UTC' });
      const fresh = await Store.open({ path: null, sql: SQL, timeZone: 'UTC' });
      try {
        const a = schemaOf(rawDatabaseForTests(migrated));
        const b = schemaOf(rawDatabaseForTests(fresh));
        assert.equal(b.version, SCHEMA_VERSION);
        assert.deepEqual(b, a);
      } finally {
        await migrated.close();
        await fresh.close();
      }
    });
  }
});
