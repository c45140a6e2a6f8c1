import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Store } from '../../../src/core/store/store';
import { StoreBusyError, lockPath } from '../../../src/core/store/lock';
import { SCHEMA_VERSION } from '../../../src/core/store/schema';
import { batchOf, event, sqlLoader, tempDir } from '../helpers/events';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

async function openAt(dbPath: string, journal = true) {
  return Store.open({ path: dbPath, sql: await sqlLoader.load(), journal });
}

function count(store: Store, sql = 'SELECT count(*) FROM sessions'): number {
  return rawDatabaseForTests(store).exec(sql)[0]!.values[0]![0] as number;
}

describe('Store', () => {
  let tmp: ReturnType<typeof tempDir>;
  let dbPath: string;
  beforeEach(() => {
    tmp = tempDir();
    dbPath = path.join(tmp.dir, 'nested', 'prodlens.sqlite');
  });
  afterEach(() => tmp.cleanup());

  it('creates the schema at the current version and keeps rows across close and reopen', async () => {
    const store = await openAt(dbPath);
    assert.equal(rawDatabaseForTests(store).exec('PRAGMA user_version')[0]!.values[0]![0], SCHEMA_VERSION);
    await store.ingest(batchOf([event({ id: 'a' }), event({ id: 'b' })]));
    const device = store.deviceId;
    await store.close();
    assert.ok(existsSync(dbPath));
    const again = await openAt(dbPath);
    assert.equal(count(again), 2);
    assert.equal(again.deviceId, device, 'device id is stable per database');
    assert.equal(rawDatabaseForTests(again).exec('SELECT DISTINCT device_id FROM sessions')[0]!.values[0]![0], device);
    await again.close();
  });

  it('counts identical re-ingests as duplicates and changed content as updates', async () => {
    const store = await openAt(dbPath);
    const first = await store.ingest(batchOf([event({ id: 'a' }), event({ id: 'b' })]));
    assert.deepEqual([first.inserted, first.duplicates, first.updated], [2, 0, 0]);
    const second = await store.ingest(batchOf([event({ id: 'a' }), event({ id: 'b' })]));
    assert.deepEqual([second.inserted, second.duplicates, second.updated], [0, 2, 0]);
    const changed = await store.ingest(batchOf([event({ id: 'a', kind: 'edit', accepted_lines: 7, diff_ratio: 0.9 })]));
    // A different kind hashes differently: an insert. The same identity with new content updates.
    assert.equal(changed.inserted, 1);
    const upd = await store.ingest(batchOf([event({ id: 'a', tokens_out: 99 })]));
    assert.deepEqual([upd.inserted, upd.duplicates, upd.updated], [0, 0, 1]);
    assert.equal(rawDatabaseForTests(store).exec("SELECT tokens_out FROM sessions WHERE kind = 'request' ORDER BY id LIMIT 1")[0]!.values[0]![0], 99);
    await store.close();
  });

  it('keeps independent checkpoints per job across reopen', async () => {
    const store = await openAt(dbPath);
    assert.equal(store.getLastCheckpoint('git:repo-a'), null);
    store.setCheckpoint('git:repo-a', '2026-01-01T00:00:00Z');
    store.setCheckpoint('github:acme/api', '2026-02-01T00:00:00Z', { etagCount: 3 });
    store.setCheckpoint('git:repo-a', '2026-01-02T00:00:00Z');
    await store.close();
    const again = await openAt(dbPath);
    assert.equal(again.getLastCheckpoint('git:repo-a'), '2026-01-02T00:00:00Z');
    assert.equal(again.getLastCheckpoint('github:acme/api'), '2026-02-01T00:00:00Z');
    assert.deepEqual(again.getJobState('github:acme/api'), { etagCount: 3 });
    assert.equal(rawDatabaseForTests(again).exec("SELECT runs FROM etl_runs WHERE job = 'git:repo-a'")[0]!.values[0]![0], 2);
    await again.close();
  });

  it('replays the journal when the process ends before a snapshot', async () => {
    const store = await openAt(dbPath);
    await store.ingest(batchOf([event({ id: 'a' })]));
    await store.flush();
    await store.ingest(batchOf([event({ id: 'b' }), event({ id: 'c' })]));
    // Simulate an abrupt end: no close, no snapshot; only the lock is released as a dead process's would be.
    writeFileSync(lockPath(dbPath), '999999999');
    const again = await openAt(dbPath);
    assert.equal(count(again), 3);
    assert.ok(again.openReport.replayedBatches >= 1);
    await again.close();
  });

  it('moves a garbage snapshot aside and rebuilds from the backup and the journal', async () => {
    const store = await openAt(dbPath);
    await store.ingest(batchOf([event({ id: 'a' })]));
    await store.flush();
    await store.ingest(batchOf([event({ id: 'b' })]));
    await store.flush();
    await store.ingest(batchOf([event({ id: 'c' })]));
    writeFileSync(lockPath(dbPath), '999999999');
    writeFileSync(dbPath, 'this is not a database at all, just garbage bytes '.repeat(100));
    const again = await openAt(dbPath);
    assert.equal(again.openReport.movedAside.length, 1);
    assert.match(again.openReport.movedAside[0]!.reason, /not a SQLite database/);
    assert.ok(existsSync(again.openReport.movedAside[0]!.movedTo));
    assert.equal(count(again), 3, 'backup (a) + journal (b, c)');
    await again.close();
  });

  it('detects a truncated snapshot', async () => {
    const store = await openAt(dbPath);
    await store.ingest(batchOf(Array.from({ length: 200 }, (_, i) => event({ id: `e${i}` }))));
    await store.close();
    truncateSync(dbPath, Math.floor(statSync(dbPath).size / 2));
    const again = await openAt(dbPath);
    assert.equal(again.openReport.movedAside.length, 1);
    assert.match(again.openReport.movedAside[0]!.reason, /truncated|multiple of the page size/);
    // Nothing survives the first snapshot's loss except what the journal still holds: all 200 here,
    // since one snapshot covers them and its segment is kept until the next.
    assert.equal(count(again), 200);
    await again.close();
  });

  it('refuses a second owner of the same file and takes over a stale lock', async () => {
    const store = await openAt(dbPath);
    await assert.rejects(openAt(dbPath), StoreBusyError);
    await store.close();
    writeFileSync(lockPath(dbPath), '999999999');
    const again = await openAt(dbPath);
    await again.close();
    assert.ok(!existsSync(lockPath(dbPath)));
  });

  it('refuses a database written by a newer schema', async () => {
    const store = await openAt(dbPath);
    rawDatabaseForTests(store).run(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    store.markDirty();
    await store.close();
    await assert.rejects(openAt(dbPath), /newer ProdLens/);
  });

  it('stores dead letters once per distinct reason and input', async () => {
    const store = await openAt(dbPath);
    const letter = { received_at: '2026-01-05T10:00:00.000Z', source: 'otlp-logs', reason: 'negative tokens', excerpt: '{"x":-1}' };
    const r1 = await store.ingest({ events: [], metrics: [], rejects: [letter] });
    const r2 = await store.ingest({ events: [], metrics: [], rejects: [{ ...letter, received_at: '2026-01-06T00:00:00.000Z' }] });
    assert.equal(r1.deadLettered, 1);
    assert.equal(r2.deadLettered, 1, 'each ingest reports what it rejected');
    assert.equal(count(store, 'SELECT count(*) FROM dead_letter'), 1);
    await store.close();
  });

  it('removes journal segments once two snapshots cover them', async () => {
    const store = await openAt(dbPath);
    for (let i = 0; i < 4; i++) {
      await store.ingest(batchOf([event({ id: `x${i}` })]));
      await store.flush();
    }
    await store.close();
    const segments = readdirSync(path.dirname(dbPath)).filter((n) => n.includes('.journal-'));
    assert.ok(segments.length <= 2, `old segments removed, left: ${segments.join(', ')}`);
    assert.ok(readFileSync(dbPath).length > 0);
  });
});
