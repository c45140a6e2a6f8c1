import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SqlValue } from 'sql.js';
import type { AiEvent } from '../../../src/core/model';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';
import { EVENT_COLUMNS, GENERATED_EVENT_COLUMNS, MIGRATIONS } from '../../../src/core/store/schema';
import { collectorLastIngested } from '../../../src/core/store/source-status-repo';
import { Store } from '../../../src/core/store/store';
import { batchOf, event, sqlLoader, tempDir } from '../helpers/events';

const INGESTED = '2026-03-01T12:34:56.789Z';

function events(): AiEvent[] {
  return Array.from({ length: 12 }, (_, i) =>
    event({ id: `e${i}`, time: `2026-02-${String(1 + (i % 5)).padStart(2, '0')}T10:00:00.000Z`, session_id: `s${i % 3}`, developer_id: 'dev@example.com' }),
  );
}

describe('sessions.ingested_at as epoch ms (migration 15)', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  it('new rows store it as an integer, and the collector reads it back', async () => {
    const store = await Store.open({ path: null, sql: await sqlLoader.load(), timeZone: 'UTC', clock: { now: () => Date.parse(INGESTED) } });
    try {
      await store.ingest(batchOf(events()));
      const rows = rawDatabaseForTests(store).exec('SELECT DISTINCT typeof(ingested_at), ingested_at FROM sessions')[0]!.values;
      assert.deepEqual(rows, [['integer', Date.parse(INGESTED)]]);
      // Source 'prodlens' is one the collector receives: its last stored event is read back as epoch ms.
      assert.deepEqual(collectorLastIngested(store), [{ source: 'prodlens', lastEventAt: Date.parse(INGESTED) }]);
    } finally {
      await store.close();
    }
  });

  it('converts the ISO text of an older database, keeps rowids, and a re-import still counts duplicates', async () => {
    const SQL = await sqlLoader.load();
    const mine = MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE sessions_v15'));
    assert.ok(mine > 0);
    const db = new SQL.Database();
    for (let v = 0; v < mine; v++) db.exec(MIGRATIONS[v]!);
    db.exec(`PRAGMA user_version = ${mine}`);
    const stored = EVENT_COLUMNS.filter((c) => !GENERATED_EVENT_COLUMNS.has(c));
    const insert = db.prepare(`INSERT INTO sessions (${stored.join(', ')}, local_date, ingested_at) VALUES (${stored.map(() => '?').join(', ')}, ?, ?)`);
    const evs = events();
    for (const e of evs) {
      const row = stored.map((c) => {
        const v = c === 'device_id' ? 'device-1' : e[c];
        return (v === undefined ? null : typeof v === 'object' && v !== null ? JSON.stringify(v) : v) as SqlValue;
      });
      insert.run([...row, e.event_date, INGESTED]);
    }
    insert.free();
    const before = db.exec('SELECT id, trace_hash FROM sessions ORDER BY id')[0]!.values;
    const file = path.join(tmp.dir, 'old.sqlite');
    writeFileSync(file, db.export());
    db.close();

    const store = await Store.open({ path: file, sql: SQL, timeZone: 'UTC' });
    try {
      const raw = rawDatabaseForTests(store);
      assert.deepEqual(raw.exec('SELECT id, trace_hash FROM sessions ORDER BY id')[0]!.values, before);
      assert.deepEqual(raw.exec('SELECT DISTINCT typeof(ingested_at), ingested_at FROM sessions')[0]!.values, [['integer', Date.parse(INGESTED)]]);
      const again = await store.ingest(batchOf(evs));
      assert.equal(again.inserted, 0);
      assert.equal(again.duplicates, evs.length);
    } finally {
      await store.close();
    }
    // The migrated database was saved: the next open finds the current schema.
    const reopened = await Store.open({ path: file, sql: SQL, timeZone: 'UTC' });
    try {
      assert.equal(rawDatabaseForTests(reopened).exec('PRAGMA user_version')[0]!.values[0]![0], MIGRATIONS.length);
    } finally {
      await reopened.close();
    }
  });
});
