import assert from 'node:assert/strict';
import { closeSync, existsSync, openSync, readdirSync, writeSync } from 'node:fs';
import path from 'node:path';
import { cli } from '../helpers/cli';
import { utcDay, shiftDay } from '../../../src/core/day';
import { backupPath, MAX_SNAPSHOT_BYTES, readSnapshot } from '../../../src/core/store/snapshot';
import { Store } from '../../../src/core/store/store';
import { batchOf, event, sqlLoader, tempDir } from '../helpers/events';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

describe('Large files and retention', function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof tempDir>;
  let dbPath: string;
  beforeEach(() => {
    tmp = tempDir();
    dbPath = path.join(tmp.dir, 'prodlens.sqlite');
  });
  afterEach(() => tmp.cleanup());

  it('opens from the backup (and keeps the main file aside) when the snapshot is too large to load', async () => {
    const s = await Store.open({ path: dbPath, sql: await sqlLoader.load() });
    await s.ingest(batchOf([event({ id: 'a' })]));
    await s.flush();
    await s.ingest(batchOf([event({ id: 'b' })]));
    await s.close(); // snapshot with a and b; .bak has a
    // The main snapshot grows past what sql.js can load (a sparse file: no disk used).
    const fd = openSync(dbPath, 'r+');
    writeSync(fd, Buffer.from([0]), 0, 1, MAX_SNAPSHOT_BYTES + 4096);
    closeSync(fd);
    assert.throws(() => readSnapshot(dbPath), /more than sql.js can load/);
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m) };
    const again = await Store.open({ path: dbPath, sql: await sqlLoader.load(), logger });
    assert.equal(again.openReport.loadedFrom, 'backup');
    assert.equal(again.openReport.movedAside.length, 1);
    assert.ok(existsSync(again.openReport.movedAside[0]!.movedTo) && !existsSync(dbPath), 'the large file is kept aside');
    assert.ok(
      warnings.some((w) => w.includes('more than sql.js can load')),
      warnings.join('\n'),
    );
    await again.close();
    assert.ok(existsSync(backupPath(dbPath)) || existsSync(dbPath));
  });

  it('prune --keep-days deletes older records everywhere, compact shrinks the file, and the report still opens', async () => {
    const today = utcDay(Date.now());
    const s = await Store.open({ path: dbPath, sql: await sqlLoader.load() });
    const events = [];
    for (let d = 0; d < 40; d++) {
      for (let i = 0; i < 50; i++) events.push(event({ id: `e${d}-${i}`, time: `${shiftDay(today, -d)}T10:00:00Z`, session_id: `s${d}` }));
    }
    await s.ingest(batchOf(events));
    s.refreshDailyMetrics();
    await s.close();
    const r = await cli(['prune', '--keep-days', '10', '--json', '--db', dbPath]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.keptFrom, shiftDay(today, -9));
    assert.equal(out.deleted.sessions, 30 * 50);
    assert.ok(out.deleted.daily_activity > 0, 'rollups of pruned days go too');
    assert.ok(out.bytesAfter < out.bytesBefore, `compacted ${out.bytesBefore} → ${out.bytesAfter}`);
    const again = await Store.open({ path: dbPath, sql: await sqlLoader.load() });
    assert.deepEqual(rawDatabaseForTests(again).exec('SELECT count(*), min(event_date) FROM sessions')[0]!.values[0], [500, shiftDay(today, -9)]);
    assert.equal(rawDatabaseForTests(again).exec('SELECT count(*) FROM daily_activity WHERE event_date < ?', [shiftDay(today, -9)])[0]!.values[0]![0], 0);
    await again.close();
    assert.equal((await cli(['prune', '--keep-days', '0', '--db', dbPath])).code, 1);
    const c = await cli(['compact', '--json', '--db', dbPath]);
    assert.equal(c.code, 0, c.stderr);
    assert.ok(readdirSync(tmp.dir).includes('prodlens.sqlite'));
  });
});
