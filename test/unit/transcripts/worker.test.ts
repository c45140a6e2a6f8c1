import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { parseFile, type FileJob } from '../../../src/sources/transcripts/parse-file';
import { buildRawRequests, type RawRequest } from '../../../src/sources/transcripts/claude';
import { pack, unpack } from '../../../src/sources/transcripts/pack';
import path from 'node:path';
import { prices, tempDir } from '../helpers/events';
import { collectFiles, scanTranscripts, warmScanReader } from '../../../src/sources/transcripts';
import { prestartScanReader, startReaderThread } from '../../../src/sources/reader-thread';
import { BundledPriceTable } from '../../../src/core/pricing';
import type { Store } from '../../../src/core/store/store';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';
import { copyFixture, memoryStore, WORKSPACE } from './helpers';

/** Every stored row and checkpoint, but the columns that differ by run (device, ingestion time). */
function contents(store: Store): string {
  const db = rawDatabaseForTests(store);
  const cols = (t: string) =>
    (db.exec(`PRAGMA table_info(${t})`)[0]?.values ?? [])
      .map((r) => r[1] as string)
      .filter((c) => c !== 'device_id' && c !== 'ingested_at' && c !== 'updated_at');
  return ['sessions', 'transcript_messages', 'transcript_files', 'dead_letter', 'daily_session_metrics']
    .map((t) => `${t}\n${JSON.stringify(db.exec(`SELECT ${cols(t).join(', ')} FROM ${t} ORDER BY 1, 2, 3`)[0]?.values ?? [])}`)
    .join('\n');
}

/** A job reading all of a file (no checkpoint), its sessions taken whatever their folder. */
function wholeFile(file: string, agent: FileJob['agent']): FileJob {
  const size = statSync(file).size;
  const base = { path: file, agent, size, mtimeMs: 0, ino: '1', offset: 0, lineNo: 0, state: null, headHash: null };
  return { ...base, decided: true, workspaceFolders: null, receivedAt: '2026-01-07T00:00:00.000Z' };
}

describe('transcripts: the reading thread', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  it('builds the requests the reading thread leaves unbuilt into the same items and dead letters, in the same order', () => {
    const root = copyFixture('.', tmp.dir);
    const session = path.join(root, 'claude/projects/-home-dev-acme-api/7f3c2a10-5b1e-4c8d-9a2f-3e4d5c6b7a81.jsonl');
    const lines = readFileSync(session, 'utf8').split('\n');
    const usage = lines.filter((l) => l.includes('"usage"') && !l.includes('<synthetic>'));
    // Requests whose build fails (a time that is none, a token count that is text) between the others.
    const bad = [
      usage[0]!.replace(/"id":"msg_[^"]*"/, '"id":"msg_bad_time"').replace(/"timestamp":"[^"]*"/, '"timestamp":"yesterday"'),
      usage[1]!.replace(/"id":"msg_[^"]*"/, '"id":"msg_bad_tokens"').replace(/"input_tokens":\d+/, '"input_tokens":"many"'),
    ];
    writeFileSync(session, [lines[0], bad[0], ...lines.slice(1, 12), bad[1], ...lines.slice(12)].join('\n'));
    for (const f of collectFiles([path.join(root, 'claude')])) {
      const job = wholeFile(f.path, f.agent);
      const inline = parseFile(job, prices);
      const deferred = parseFile(job, prices, true);
      assert.equal(inline.raw, undefined);
      if (inline.out.items.some((it) => it.claude)) assert.ok(deferred.raw!.length > 0, f.path);
      // What crosses between the threads is packed: the raw requests too.
      buildRawRequests(deferred.out, unpack<RawRequest>(pack(deferred.raw!)) as RawRequest[], job.path, job.receivedAt, prices);
      assert.deepEqual(deferred.out, inline.out, f.path);
    }
    const rejects = parseFile(wholeFile(session, 'claude'), prices).out.rejects;
    assert.ok(
      rejects.some((r) => /:2: .*time/.test(r.reason)),
      JSON.stringify(rejects.map((r) => r.reason)),
    );
    assert.ok(rejects.length >= 3);
  });

  it('takes a reading thread started ahead of the scan, and closes one it does not use', async () => {
    const root = copyFixture('.', tmp.dir);
    const here = await memoryStore();
    const ahead = await memoryStore();
    const unused = await memoryStore();
    const files = collectFiles([root]);
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m) };
    const opts = { prices, workspaceFolders: null, clock: { now: () => 0 }, logger };
    // The fixture is far below the bytes that start a thread by themselves: asked for with minBytes 0.
    assert.equal(warmScanReader(files, prices, { logger }), null);
    assert.equal(warmScanReader(files, prices, { logger, changedSince: Date.now() + 60_000, minBytes: 0 }), null, 'no file changed since then');
    const reader = warmScanReader(files, prices, { logger, minBytes: 0 })!;
    assert.ok(reader);
    const a = await scanTranscripts([root], here, { ...opts, worker: false });
    const b = await scanTranscripts([root], ahead, { ...opts, worker: true, reader });
    assert.deepEqual(b, a);
    assert.equal(contents(ahead), contents(here));
    // Used and closed by the scan: it takes no more work.
    await assert.rejects(reader.read({} as never), /closed/);
    const spare = warmScanReader(files, prices, { logger, minBytes: 0 })!;
    assert.deepEqual(await scanTranscripts([root], unused, { ...opts, worker: false, reader: spare }), a);
    await assert.rejects(spare.read({} as never), /closed/);
    assert.deepEqual(warnings, []);
  });

  it('on a first scan, starts reading before the scan asks, and takes each early read only for the same job', async () => {
    const clock = { now: () => 0 };
    for (const workspaceFolders of [null, [WORKSPACE]]) {
      const root = copyFixture('.', tmp.dir);
      const files = collectFiles([root]);
      assert.ok(files.length > 3);
      const warnings: string[] = [];
      const logger = { debug() {}, info() {}, warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m) };
      const reader = warmScanReader(files, prices, { logger, minBytes: 0, firstScan: { workspaceFolders, clock } })!;
      assert.equal(reader.jobsSent, files.length, 'every file of the fixture is read early');
      // Two files change after the early reads were asked for (grown; touched): those reads are not taken.
      const grown = files[1]!.path;
      appendFileSync(grown, readFileSync(grown, 'utf8').split('\n')[0] + '\n');
      const touched = files[files.length - 1]!.path;
      writeFileSync(touched, readFileSync(touched));
      const here = await memoryStore();
      const early = await memoryStore();
      const opts = { prices, workspaceFolders, clock, logger };
      const a = await scanTranscripts([root], here, { ...opts, worker: false });
      const b = await scanTranscripts([root], early, { ...opts, worker: true, reader });
      assert.deepEqual(b, a);
      assert.equal(contents(early), contents(here));
      assert.equal(reader.jobsSent, files.length + 2, 'only the two changed files were read again');
      assert.deepEqual(warnings, []);
    }
    // Early reads made for another workspace filter are all read again.
    const root = copyFixture('.', tmp.dir);
    const files = collectFiles([root]);
    const reader = warmScanReader(files, prices, { minBytes: 0, firstScan: { workspaceFolders: null, clock } })!;
    const here = await memoryStore();
    const other = await memoryStore();
    const opts = { prices, workspaceFolders: [WORKSPACE], clock };
    const a = await scanTranscripts([root], here, { ...opts, worker: false });
    assert.deepEqual(await scanTranscripts([root], other, { ...opts, worker: true, reader }), a);
    assert.equal(contents(other), contents(here));
    assert.equal(reader.jobsSent, 2 * files.length);
  });

  it('adopts the thread the CLI entry started ahead only for the job it was started for', async () => {
    const data = (preloadPrices: boolean) => ({ kind: 'transcripts', overrides: {}, label: new BundledPriceTable().spec.label, preloadPrices });
    const pre = prestartScanReader()!;
    assert.ok(pre);
    const adopted = startReaderThread(data(true));
    assert.equal(adopted, pre, 'the same job (whatever it does while idle) takes the thread started ahead');
    const second = startReaderThread(data(false));
    assert.notEqual(second, pre, 'adopted once');
    // Started for the bundled table, asked for with user prices: that thread ends and another starts.
    const other = prestartScanReader()!;
    const exited = new Promise((r) => other.once('exit', r));
    const priced = startReaderThread({ ...data(false), overrides: { 'my-model': { input_mtok: 1, output_mtok: 2 } } });
    assert.notEqual(priced, other);
    await exited;
    // One that ended before it was asked for is not adopted.
    const ended = prestartScanReader()!;
    await ended.terminate();
    await new Promise((r) => setImmediate(r));
    const fresh = startReaderThread(data(false));
    assert.notEqual(fresh, ended);
    await Promise.all([adopted, second, priced, fresh].map((w) => w.terminate()));
    // A scan on an adopted thread stores what one reading on its own thread does.
    const root = copyFixture('.', tmp.dir);
    const files = collectFiles([root]);
    const opts = { prices: new BundledPriceTable(), workspaceFolders: null, clock: { now: () => 0 } };
    const here = await memoryStore();
    const ahead = await memoryStore();
    const started = prestartScanReader();
    const reader = warmScanReader(files, opts.prices, { minBytes: 0, firstScan: { workspaceFolders: null, clock: opts.clock } })!;
    const b = await scanTranscripts([root], ahead, { ...opts, worker: true, reader });
    assert.deepEqual(await scanTranscripts([root], here, { ...opts, worker: false }), b);
    assert.equal(contents(ahead), contents(here));
    const after = startReaderThread(data(false));
    assert.notEqual(after, started, 'the scan adopted it');
    await after.terminate();
  });

  it('reads on its own thread when the reading thread fails, with files already handed to it', async () => {
    const root = copyFixture('.', tmp.dir);
    const here = await memoryStore();
    const failed = await memoryStore();
    const files = collectFiles([root]);
    assert.ok(files.length > 2, 'several files are handed to the reader ahead');
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m) };
    const opts = { prices, workspaceFolders: null, clock: { now: () => 0 } };
    const reader = warmScanReader(files, prices, { logger, minBytes: 0 })!;
    // A thread that ends rejects every file handed to it (as when it exits or its script throws).
    await reader.close();
    // Outside mocha, Node ends the process on a rejection nobody handles: the files read ahead must not leave one.
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const a = await scanTranscripts([root], here, { ...opts, worker: false });
    let b;
    try {
      b = await scanTranscripts([root], failed, { ...opts, worker: true, reader, logger });
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    assert.deepEqual(unhandled, []);
    assert.deepEqual(b, a);
    assert.equal(contents(failed), contents(here));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /reading thread failed, reading on this one/);
  });

  for (const workspaceFolders of [null, [WORKSPACE]]) {
    it(`stores the same rows and checkpoints as reading on the scanner's thread, cold and after appends (${workspaceFolders ? 'workspace filter' : 'all projects'})`, async () => {
      const root = copyFixture('.', tmp.dir);
      const here = await memoryStore();
      const worker = await memoryStore();
      // A warning here would mean the reading thread did not start (or failed) and the scan read in place.
      const warnings: string[] = [];
      const logger = { debug() {}, info() {}, warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m) };
      const scan = async () => {
        const a = await scanTranscripts([root], here, { prices, workspaceFolders, worker: false, clock: { now: () => 0 } });
        const b = await scanTranscripts([root], worker, { prices, workspaceFolders, worker: true, clock: { now: () => 0 }, logger });
        assert.deepEqual(b, a);
        assert.equal(contents(worker), contents(here));
        assert.deepEqual(warnings, []);
        return a;
      };
      const cold = await scan();
      assert.ok(cold.inserted > 0 && cold.filesRead > 0);
      // Appended lines (and a half-written one finished) read from the checkpoints on both.
      const session = path.join(root, 'claude/projects/-home-dev-acme-api/7f3c2a10-5b1e-4c8d-9a2f-3e4d5c6b7a81.jsonl');
      const lines = readFileSync(session, 'utf8')
        .split('\n')
        .filter((l) => l.includes('"usage"'));
      appendFileSync(session, `\n${lines.at(-1)!.replace(/"id":"msg_[^"]*"/, '"id":"msg_worker_test"')}\n`);
      const again = await scan();
      assert.equal(again.filesUnchanged, cold.files - 1);
      await scan();
    });
  }
});
