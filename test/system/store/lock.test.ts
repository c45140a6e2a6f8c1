import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { acquireLock, currentOwner, lockPath, readLock, releaseLock, StoreBusyError } from '../../../src/core/store/lock';
import { tempDir } from '../../unit/helpers/events';

const ROUNDS = 20;

/** A stale lock of each kind a crash leaves: a dead pid, a reused pid (new format), a reused pid (old format). */
function staleLock(dbPath: string, round: number): void {
  const p = lockPath(dbPath);
  const kind = round % 3;
  if (kind === 0) writeFileSync(p, JSON.stringify({ pid: 999999999, start: 1, boot: currentOwner().boot }));
  else if (kind === 1) writeFileSync(p, JSON.stringify({ pid: process.pid, start: (currentOwner().start ?? 0) + 7, boot: currentOwner().boot }));
  else {
    // Written by an older version long before the process now holding that pid (this test) started.
    writeFileSync(p, String(process.pid));
    utimesSync(p, new Date('2020-01-01T00:00:00Z'), new Date('2020-01-01T00:00:00Z'));
  }
}

function runChild(dir: string, me: string, rival: string): Promise<{ lines: string[]; kill: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), path.join(__dirname, 'lock-child.ts'), dir, me, rival, String(ROUNDS)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('done\n'))
        resolve({
          lines: out.trim().split('\n'),
          kill: async () => {
            child.kill('SIGKILL');
            await exited;
          },
        });
    });
    child.once('exit', (code) => reject(new Error(`child exited ${code}: ${out}${err}`)));
  });
}

describe('Store lock', function () {
  this.timeout(120_000);
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  it(`gives exactly one owner when two processes open a database with a stale lock together (${ROUNDS} rounds)`, async () => {
    for (let r = 0; r < ROUNDS; r++) staleLock(path.join(tmp.dir, `db-${r}.sqlite`), r);
    const [a, b] = await Promise.all([runChild(tmp.dir, 'a', 'b'), runChild(tmp.dir, 'b', 'a')]);
    try {
      const owners: string[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const ra = a.lines.find((l) => l.startsWith(`${r} `))!.split(' ')[1];
        const rb = b.lines.find((l) => l.startsWith(`${r} `))!.split(' ')[1];
        owners.push(`${r}:${ra}/${rb}`);
      }
      const bad = owners.filter((o) => !/:(owner\/busy|busy\/owner)$/.test(o));
      assert.deepEqual(bad, [], `every round has exactly one owner and one busy opener: ${owners.join(' ')}`);
    } finally {
      await Promise.all([a.kill(), b.kill()]);
    }
  });

  it('writes pid, start time and boot id, refuses a live owner, and releases only its own lock', () => {
    const db = path.join(tmp.dir, 'x.sqlite');
    acquireLock(db);
    const held = readLock(lockPath(db))!.owner;
    assert.equal(held.pid, process.pid);
    if (process.platform === 'linux') {
      assert.ok(Number.isInteger(held.start) && held.start! > 0, 'start time recorded');
      assert.match(held.boot ?? '', /^[0-9a-f-]{36}$/);
    }
    assert.throws(() => acquireLock(db), StoreBusyError, 'the same live process cannot own it twice');
    releaseLock(db);
    assert.ok(!existsSync(lockPath(db)));
    writeFileSync(lockPath(db), JSON.stringify({ pid: 1, start: 5, boot: 'another-boot' }));
    releaseLock(db);
    assert.ok(existsSync(lockPath(db)), 'a lock naming another process is left alone');
    acquireLock(db); // pid 1 of another boot: stale
    assert.equal(JSON.parse(readFileSync(lockPath(db), 'utf8')).pid, process.pid);
    releaseLock(db);
  });
});
