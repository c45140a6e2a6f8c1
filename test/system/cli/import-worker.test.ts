import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import type { Database } from 'sql.js';
import { generate } from '../../../bench/gen-inputs';
import { binary } from '../../unit/helpers/cli';
import { sqlLoader, tempDir } from '../../unit/helpers/events';

/** Every row of the tables an import writes, without the columns that differ by run (device, times). */
function content(db: Database): Record<string, unknown[][]> {
  const out: Record<string, unknown[][]> = {};
  for (const t of ['sessions', 'dead_letter', 'daily_session_metrics', 'daily_model', 'daily_activity']) {
    const cols = (db.exec(`PRAGMA table_info(${t})`)[0]?.values ?? [])
      .map((c) => c[1] as string)
      .filter((c) => !['id', 'device_id', 'ingested_at', 'received_at'].includes(c));
    out[t] = db.exec(`SELECT ${cols.join(', ')} FROM ${t} ORDER BY ${cols.join(', ')}`)[0]?.values ?? [];
  }
  return out;
}

describe('prodlens import reading large files on a worker thread', function () {
  this.timeout(180_000);
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  it('stores exactly what reading on the main thread stores, dead letters included', async () => {
    const file = path.join(tmp.dir, 'big.ndjson');
    await generate('otlp', 4000, file);
    appendFileSync(file, '{"resourceLogs": [ not json\n{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":"wrong"}]}]}]}\n');
    assert.ok(statSync(file).size > 4 << 20, 'large enough for the worker');
    const worker = await binary(['import', file, '--json', '--verbose', '--db', path.join(tmp.dir, 'w.sqlite')]);
    const inThread = await binary(['import', file, '--json', '--verbose', '--db', path.join(tmp.dir, 't.sqlite')], {
      env: { ...process.env, PRODLENS_IMPORT_WORKER: '0' },
    });
    assert.equal(worker.code, 0, worker.stderr);
    assert.equal(inThread.code, 0, inThread.stderr);
    assert.match(worker.stderr, /on a worker thread/);
    assert.doesNotMatch(inThread.stderr, /on a worker thread/);
    const summary = JSON.parse(worker.stdout);
    assert.deepEqual(summary, JSON.parse(inThread.stdout));
    assert.ok(summary.inserted >= 4000 && summary.deadLettered >= 2, inThread.stdout);
    const SQL = await sqlLoader.load();
    const [w, t] = ['w', 't'].map((n) => new SQL.Database(readFileSync(path.join(tmp.dir, `${n}.sqlite`))));
    assert.deepEqual(content(w!), content(t!));
    w!.close();
    t!.close();
  });

  it('treats a damaged file the same way in the worker (a cut gzip stream followed by garbage)', async () => {
    const plain = path.join(tmp.dir, 'big.ndjson');
    await generate('otlp', 4000, plain);
    const gz = gzipSync(readFileSync(plain));
    const file = path.join(tmp.dir, 'cut.ndjson.gz');
    writeFileSync(file, gz.subarray(0, Math.floor(gz.length * 0.9)));
    appendFileSync(file, randomBytes(5 << 20)); // large enough for the worker
    const env = (on: boolean) => ({ env: { ...process.env, PRODLENS_IMPORT_WORKER: on ? '1' : '0' } });
    const worker = await binary(['import', file, '--json', '--verbose', '--db', path.join(tmp.dir, 'w.sqlite')], env(true));
    const inThread = await binary(['import', file, '--json', '--db', path.join(tmp.dir, 't.sqlite')], env(false));
    assert.match(worker.stderr, /on a worker thread/);
    assert.equal(worker.code, inThread.code, `${worker.stderr}\n${inThread.stderr}`);
    assert.equal(worker.stdout, inThread.stdout);
    const message = (s: string) => s.split('\n').find((l) => l.startsWith('prodlens import:'));
    assert.equal(message(worker.stderr), message(inThread.stderr));
  });
});
