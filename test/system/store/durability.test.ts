import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Store } from '../../../src/core/store/store';
import { frameRecord, listSegments, readSegment, segmentPath } from '../../../src/core/store/journal';
import { lockPath } from '../../../src/core/store/lock';
import { batchOf, event, sqlLoader, tempDir } from '../../unit/helpers/events';
import { claudeApiRequests, postJson } from '../../unit/collector/harness';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

function startChild(dbPath: string, mode: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), path.join(__dirname, 'torn-child.ts'), dbPath, mode], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr!.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.once('exit', (code) => reject(new Error(`child exited ${code}: ${out}`)));
  });
}

async function sessions(dbPath: string): Promise<string[]> {
  const store = await Store.open({ path: dbPath, sql: await sqlLoader.load() });
  try {
    return (rawDatabaseForTests(store).exec('SELECT session_id FROM sessions ORDER BY session_id')[0]?.values ?? []).map((r) => String(r[0]));
  } finally {
    await store.close();
  }
}

describe('Journal durability', function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof tempDir>;
  let dbPath: string;
  beforeEach(() => {
    tmp = tempDir();
    dbPath = path.join(tmp.dir, 'prodlens.sqlite');
  });
  afterEach(() => tmp.cleanup());

  for (const mode of ['cut', 'nocut']) {
    it(`keeps an acknowledged batch after a torn write (disk full) and a SIGKILL (${mode === 'cut' ? 'torn bytes cut back' : 'truncation fails too'})`, async () => {
      const { child, url } = await startChild(dbPath, mode);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      try {
        const torn = await postJson(url, '/v1/logs', claudeApiRequests(3, { session: 'torn' }));
        assert.equal(torn.status, 503, 'the failed append is not acknowledged');
        const acked = await postJson(url, '/v1/logs', claudeApiRequests(2, { session: 'acked', offset: 3 }));
        assert.equal(acked.status, 200);
      } finally {
        child.kill('SIGKILL');
        await exited;
      }
      const got = await sessions(dbPath);
      assert.ok(got.includes('acked'), `the acknowledged batch survives (got ${JSON.stringify(got)})`);
      assert.equal(got.filter((s) => s === 'acked').length, 2);
    });
  }

  it('replays the good records around an unreadable one, sets it aside, and opens', async () => {
    const s1 = await Store.open({ path: dbPath, sql: await sqlLoader.load() });
    await s1.ingest(batchOf([event({ id: 'a' })]));
    // Abrupt end: the lock is left by a process that is gone.
    const seg = listSegments(dbPath)[0]!.path;
    const good = frameRecord(JSON.stringify({ v: 1, e: [event({ id: 'c' })], m: [], d: [] }));
    const damaged = Buffer.from(frameRecord(JSON.stringify({ v: 1, e: [event({ id: 'b' })], m: [], d: [] })));
    damaged[damaged.length - 5]! ^= 0x20; // a flipped bit in the middle of a record
    writeFileSync(seg, Buffer.concat([readFileSync(seg), damaged, Buffer.from('{"v":1,"e":[{"not":"an event"}]}\n'), good]));
    writeFileSync(lockPath(dbPath), '999999999');
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m) };
    const s2 = await Store.open({ path: dbPath, sql: await sqlLoader.load(), logger });
    assert.equal(rawDatabaseForTests(s2).exec('SELECT count(*) FROM sessions')[0]!.values[0]![0], 2, 'a and c replayed');
    assert.equal(s2.openReport.unreadableJournalLines, 2);
    assert.ok(existsSync(`${seg}.bad`), 'set aside');
    assert.equal(readFileSync(`${seg}.bad`, 'utf8').trim().split('\n').length, 2);
    assert.ok(
      warnings.some((w) => w.includes('set 2 unreadable journal record(s) aside')),
      warnings.join('\n'),
    );
    await s2.close();
    await s1.close().catch(() => undefined);
  });

  it('releases the lock when an open fails after taking it', async () => {
    // A snapshot whose migration fails (a table the first migration creates already exists).
    const SQL = await sqlLoader.load();
    const odd = new SQL.Database();
    odd.run('CREATE TABLE sessions (x)');
    writeFileSync(dbPath, odd.export());
    odd.close();
    await assert.rejects(Store.open({ path: dbPath, sql: SQL }), /migration/);
    assert.ok(!existsSync(lockPath(dbPath)), 'no lock left behind');
    await assert.rejects(Store.open({ path: dbPath, sql: SQL }), /migration/, 'the next open fails the same way, not with "in use"');
  });

  it('reads a segment in chunks, across chunk boundaries', async () => {
    const seg = segmentPath(dbPath, 1);
    const big = Array.from({ length: 9000 }, (_, i) => event({ id: `x${i}` }));
    const lines = [];
    for (let i = 0; i < big.length; i += 900) lines.push(frameRecord(JSON.stringify({ v: 1, e: big.slice(i, i + 900), m: [], d: [] })));
    writeFileSync(seg, Buffer.concat(lines));
    const r = readSegment(seg);
    assert.equal(r.unreadable, 0);
    assert.equal(
      r.batches.reduce((n, b) => n + b.events.length, 0),
      9000,
    );
    assert.ok(Buffer.concat(lines).length > 4 * 1024 * 1024, 'larger than one read chunk');
  });
});
