import assert from 'node:assert/strict';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SqlValue } from 'sql.js';
import type { AiEvent } from '../../../src/core/model';
import { buildReport } from '../../../src/core/report/build';
import { EVENT_COLUMNS, MIGRATIONS } from '../../../src/core/store/schema';
import { Store } from '../../../src/core/store/store';
import { batchOf, event, prices, sqlLoader, tempDir } from '../helpers/events';

/** Events over several days, sessions, developers and repositories, with awkward milliseconds. */
function events(): AiEvent[] {
  const out: AiEvent[] = [];
  const times = ['2025-12-31T23:59:59.999Z', '2026-01-01T00:00:00.000Z', '2026-01-05T10:00:00.001Z', '2026-01-05T10:00:00.5Z', '2026-02-28T12:34:56.789Z'];
  for (let i = 0; i < 60; i++) {
    out.push(
      event({
        id: `e${i}`,
        time:
          i < times.length
            ? times[i]!
            : `2026-01-${String(1 + (i % 28)).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:17:03.${String(i * 7).padStart(3, '0')}Z`,
        session_id: `s${i % 7}`,
        developer_id: `dev${i % 3}@example.com`,
        repo_slug: i % 4 ? 'acme/api' : 'acme/web',
        kind: i % 11 === 0 ? 'error' : 'request',
        latency_ms: 100 + i * 13,
        tokens_in: 10 * i,
        tokens_out: 3 * i,
      }),
    );
  }
  return out;
}

const NOW = Date.UTC(2026, 2, 1);
/** The source health both databases report (the old one's was written by the old version's writer). */
const SOURCE_STATUS = "INSERT OR REPLACE INTO source_status VALUES ('prodlens', 1772282096789, '2026-03-01T00:00:00.000Z', 60, 0)";
/** Marks a duplicate as the transcript reconciliation does (the day goes to dirty_days, then the store settles it). */
function markDuplicate(store: Store, evs: AiEvent[]): void {
  rawDatabaseForTests(store).run('UPDATE sessions SET duplicate_of = ? WHERE trace_hash = ?', [evs[0]!.trace_hash, evs[1]!.trace_hash]);
  rawDatabaseForTests(store).run('INSERT OR IGNORE INTO dirty_days (event_date) VALUES (?)', [evs[1]!.event_date]);
  store.markDirty([evs[1]!.event_date]);
}
const report = (store: Store) => buildReport(store, { since: '2025-12-01', until: '2026-02-28' }, { prices, nowMs: NOW });

describe('sessions.timestamp and event_date computed from ts_ms (migration 12)', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  it('are written by no one and read as the canonical values', async () => {
    const store = await Store.open({ path: null, sql: await sqlLoader.load(), timeZone: 'UTC' });
    const evs = events();
    await store.ingest(batchOf(evs));
    const rows = rawDatabaseForTests(store).exec('SELECT trace_hash, timestamp, event_date FROM sessions')[0]!.values;
    assert.equal(rows.length, evs.length);
    const byHash = new Map(evs.map((e) => [e.trace_hash, e]));
    for (const [hash, timestamp, day] of rows) {
      const e = byHash.get(hash as string)!;
      assert.equal(timestamp, e.timestamp);
      assert.equal(day, e.event_date);
    }
    // Nothing stores them: the table's stored columns exclude both.
    const hidden = rawDatabaseForTests(store).exec(
      "SELECT name, hidden FROM pragma_table_xinfo('sessions') WHERE name IN ('timestamp', 'event_date') ORDER BY name",
    )[0]!.values;
    assert.deepEqual(hidden, [
      ['event_date', 2],
      ['timestamp', 2],
    ]);
    await store.close();
  });

  it('an older database migrates with every column value and every report number unchanged', async () => {
    const SQL = await sqlLoader.load();
    const mine = MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE sessions_v12'));
    assert.ok(mine > 0);
    const file = path.join(tmp.dir, 'old.sqlite');
    // A database at the version before, with its events stored the old way (timestamp and event_date as text).
    const db = new SQL.Database();
    for (let v = 0; v < mine; v++) db.exec(MIGRATIONS[v]!);
    db.exec(`PRAGMA user_version = ${mine}`);
    const evs = events();
    const insert = db.prepare(
      `INSERT INTO sessions (${EVENT_COLUMNS.join(', ')}, local_date, ingested_at) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')}, ?, ?)`,
    );
    for (const e of evs) {
      const row = EVENT_COLUMNS.map((c) => {
        const v = c === 'device_id' ? 'device-1' : e[c];
        return (v === undefined ? null : typeof v === 'object' && v !== null ? JSON.stringify(v) : v) as SqlValue;
      });
      insert.run([...row, e.event_date, '2026-03-01T00:00:00.000Z']);
    }
    insert.free();
    // One duplicate marked, as the transcript reconciliation does, and every day left for the open to roll up.
    db.run('UPDATE sessions SET duplicate_of = ? WHERE trace_hash = ?', [evs[0]!.trace_hash, evs[1]!.trace_hash]);
    db.run(SOURCE_STATUS);
    db.run('INSERT OR IGNORE INTO dirty_days (event_date) SELECT DISTINCT event_date FROM sessions');
    const before = db.exec('SELECT * FROM sessions ORDER BY id')[0]!;
    writeFileSync(file, db.export());
    db.close();

    const migrated = await Store.open({ path: file, sql: SQL, timeZone: 'UTC' });
    assert.equal(rawDatabaseForTests(migrated).exec('PRAGMA user_version')[0]!.values[0]![0], MIGRATIONS.length);
    const after = rawDatabaseForTests(migrated).exec('SELECT * FROM sessions ORDER BY id')[0]!;
    assert.deepEqual(after.columns, before.columns, 'same columns in the same order');
    // ingested_at became epoch ms (migration 15); every other value is unchanged.
    const ingested = before.columns.indexOf('ingested_at');
    const expected = before.values.map((r) => r.map((v, i) => (i === ingested ? Date.parse(String(v)) : v)));
    assert.deepEqual(after.values, expected, 'same values, rowids included');
    // The export's change tracking still sees updates and deletes.
    rawDatabaseForTests(migrated).run('UPDATE sessions SET duplicate_of = NULL WHERE trace_hash = ?', [evs[1]!.trace_hash]);
    assert.ok((rawDatabaseForTests(migrated).exec("SELECT count(*) FROM export_partitions WHERE dataset = 'sessions'")[0]!.values[0]![0] as number) > 0);
    markDuplicate(migrated, evs);
    const fromOld = report(migrated);
    await migrated.close();

    // The same events written by this version: the same report.
    const fresh = await Store.open({ path: null, sql: SQL, timeZone: 'UTC' });
    await fresh.ingest(batchOf(evs));
    rawDatabaseForTests(fresh).run(SOURCE_STATUS);
    markDuplicate(fresh, evs);
    const fromNew = report(fresh);
    await fresh.close();
    assert.ok(fromNew.headline, 'a report with numbers');
    assert.deepEqual(fromOld, fromNew);
  });
});
