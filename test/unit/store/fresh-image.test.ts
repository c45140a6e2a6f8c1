import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Database } from 'sql.js';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';
import { freshImage, Store } from '../../../src/core/store/store';
import { binary, REPO_ROOT } from '../helpers/cli';
import { sqlLoader } from '../helpers/events';

/** Schema, version, page size and the rows of every table but `meta` (device id, time zone: set on open). */
function shape(db: Database): unknown {
  const one = (sql: string) => db.exec(sql)[0]?.values ?? [];
  const tables = one("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").map((r) => r[0] as string);
  return {
    schema: one('SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name'),
    version: one('PRAGMA user_version'),
    pageSize: one('PRAGMA page_size'),
    rows: Object.fromEntries(tables.filter((t) => t !== 'meta').map((t) => [t, one(`SELECT * FROM "${t}"`)])),
  };
}

describe('store: the image of a new database baked into the bundles', () => {
  it('is the database the migrations build', async () => {
    const sql = await sqlLoader.load();
    const migrated = await Store.open({ path: null, sql });
    const image = new sql.Database(freshImage(sql));
    try {
      assert.deepEqual(shape(image), shape(rawDatabaseForTests(migrated)));
    } finally {
      image.close();
      await migrated.close();
    }
  });

  it('the CLI bundle creates new databases from it, with the same schema and a device id of their own', async () => {
    assert.ok(!readFileSync(path.join(REPO_ROOT, 'dist/cli.js'), 'utf8').includes('PRODLENS_FRESH_DB'), 'the build replaced the image constant');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'prodlens-fresh-'));
    try {
      const sql = await sqlLoader.load();
      const ids: string[] = [];
      for (const name of ['a.sqlite', 'b.sqlite']) {
        const file = path.join(dir, name);
        const r = await binary(['scan-transcripts', '--json', '--developer', 'dev@example.com', '--db', file, dir], {
          env: { ...process.env, HOME: dir, PRODLENS_DB: '' },
        });
        assert.equal(r.code, 0, r.stderr);
        const db = new sql.Database(readFileSync(file));
        const migrated = await Store.open({ path: null, sql });
        try {
          assert.deepEqual(shape(db), shape(rawDatabaseForTests(migrated)));
          ids.push(db.exec("SELECT value FROM meta WHERE key = 'device_id'")[0]!.values[0]![0] as string);
        } finally {
          db.close();
          await migrated.close();
        }
      }
      assert.match(ids[0]!, /^[0-9a-f-]{36}$/);
      assert.notEqual(ids[0], ids[1]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
