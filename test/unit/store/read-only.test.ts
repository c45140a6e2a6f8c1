import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildReport } from '../../../src/core/report/build';
import { StoreBusyError } from '../../../src/core/store/lock';
import { Store } from '../../../src/core/store/store';
import { batchOf, event, prices, sqlLoader, tempDir } from '../helpers/events';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

/** Every file of a folder with its size, modification time and content hash (to prove nothing changed). */
function folderState(dir: string): string {
  return readdirSync(dir)
    .sort()
    .map((f) => {
      const st = statSync(path.join(dir, f));
      return `${f} ${st.size} ${st.mtimeMs} ${readFileSync(path.join(dir, f)).toString('base64').length}`;
    })
    .join('\n');
}

const count = (store: Store) => rawDatabaseForTests(store).exec('SELECT COUNT(*) FROM sessions')[0]!.values[0]![0] as number;

describe('Store opened read-only (prodlens report --workspace, beside a running VS Code)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let dbPath: string;
  beforeEach(() => {
    tmp = tempDir();
    dbPath = path.join(tmp.dir, 'prodlens.sqlite');
  });
  afterEach(() => tmp.cleanup());

  it('sees the snapshot and the journal of a database another process holds, and changes no file', async () => {
    const sql = await sqlLoader.load();
    // The owner: 3 events in its snapshot, 2 more only in its journal (acknowledged, not yet snapshotted).
    const owner = await Store.open({ path: dbPath, sql, snapshotDelayMs: 3_600_000, snapshotMaxDelayMs: 3_600_000 });
    await owner.ingest(batchOf([event({ id: 'a' }), event({ id: 'b' }), event({ id: 'c' })]));
    await owner.flush();
    await owner.ingest(batchOf([event({ id: 'd', time: '2026-01-06T10:00:00Z' })]));
    await owner.ingest(batchOf([event({ id: 'e', time: '2026-01-06T11:00:00Z' })]));
    await assert.rejects(Store.open({ path: dbPath, sql }), StoreBusyError, 'the owner holds the lock');

    const before = folderState(tmp.dir);
    const reader = await Store.open({ path: dbPath, sql, readOnly: true });
    assert.equal(reader.readOnly, true);
    assert.equal(count(reader), 5);
    assert.equal(reader.openReport.loadedFrom, 'snapshot');
    assert.equal(reader.openReport.replayedBatches, 2);
    // A report refreshes day tables and caches correlations in memory only.
    const model = buildReport(reader, { since: '2026-01-05', until: '2026-01-06' }, { prices, nowMs: Date.parse('2026-01-07T00:00:00Z') });
    assert.equal(model.headline.find((h) => h.key === 'requests')?.value, 5);
    await assert.rejects(reader.ingest(batchOf([event({ id: 'f' })])), /read-only/);
    await reader.close();
    assert.equal(folderState(tmp.dir), before, 'the read-only open wrote, moved or removed nothing');

    // The owner is unaffected: it still holds its lock and its data.
    assert.equal(count(owner), 5);
    await owner.close();
  });

  it('leaves a damaged snapshot where it is and reads the previous one', async () => {
    const sql = await sqlLoader.load();
    const owner = await Store.open({ path: dbPath, sql });
    await owner.ingest(batchOf([event({ id: 'a' })]));
    await owner.flush();
    await owner.ingest(batchOf([event({ id: 'b' })]));
    await owner.close(); // second snapshot; the first is now the .bak
    writeFileSync(dbPath, 'not a database');
    const before = folderState(tmp.dir);
    const reader = await Store.open({ path: dbPath, sql, readOnly: true });
    assert.equal(reader.openReport.loadedFrom, 'backup');
    assert.deepEqual(reader.openReport.movedAside, []);
    assert.ok(count(reader) >= 1);
    await reader.close();
    assert.equal(folderState(tmp.dir), before);
  });

  it('reads nothing from a folder without a database, and creates none', async () => {
    const reader = await Store.open({ path: dbPath, sql: await sqlLoader.load(), readOnly: true });
    assert.equal(count(reader), 0);
    await reader.close();
    assert.deepEqual(readdirSync(tmp.dir), []);
  });
});
