import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { listSegments, readSegmentRecords } from '../../../src/core/store/journal';
import { Store } from '../../../src/core/store/store';
import { sqlLoader, tempDir } from '../../unit/helpers/events';
import { claudeApiRequests, postJson, request, TOKEN } from '../../unit/collector/harness';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

const MAIN = path.join(__dirname, '..', '..', '..', 'src', 'cli', 'main.ts');

/** Starts the real CLI (`prodlens collect`, from source) and resolves with its endpoint once it listens. */
function startCli(dbPath: string, cwd: string): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), MAIN, 'collect', '--port', '0', '--token', TOKEN, '--db', dbPath], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PRODLENS_COLLECTOR_TOKEN: '' },
  });
  let out = '';
  child.stderr!.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve({ child, url: m[1]!, output: () => out });
    });
    child.once('exit', (code) => reject(new Error(`collect exited ${code}: ${out}`)));
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

async function count(dbPath: string): Promise<{ n: unknown; loadedFrom: string; replayed: boolean }> {
  const store = await Store.open({ path: dbPath, sql: await sqlLoader.load() });
  try {
    return {
      n: rawDatabaseForTests(store).exec('SELECT count(*) FROM sessions')[0]!.values[0]![0],
      loadedFrom: store.openReport.loadedFrom,
      replayed: store.openReport.replayedBatches > 0,
    };
  } finally {
    await store.close();
  }
}

describe('prodlens collect (the real CLI in a child process)', function () {
  this.timeout(60_000);

  it('keeps a batch acknowledged with 200 when the process is SIGKILLed right after', async () => {
    const tmp = tempDir();
    try {
      const dbPath = path.join(tmp.dir, 'prodlens.sqlite');
      const cli = await startCli(dbPath, tmp.dir);
      const done = exited(cli.child);
      const r = await postJson(cli.url, '/v1/logs', claudeApiRequests(50));
      assert.equal(r.status, 200);
      cli.child.kill('SIGKILL');
      assert.equal((await done).signal, 'SIGKILL');
      // Whether a snapshot was written before the kill depends on the machine's speed (the day tables the
      // ingest updated are snapshotted 2 s later); either way the acknowledged batch is there. Replay of a
      // journal without any snapshot is pinned by test/unit/store/durability.test.ts.
      const after = await count(dbPath);
      assert.equal(after.n, 50, `all acknowledged rows back (loaded from ${after.loadedFrom}, journal replayed: ${after.replayed})`);
    } finally {
      tmp.cleanup();
    }
  });

  it('a SIGKILL while a large request is being stored loses nothing acknowledged; the retried request is stored once', async () => {
    const tmp = tempDir();
    try {
      const dbPath = path.join(tmp.dir, 'prodlens.sqlite');
      const cli = await startCli(dbPath, tmp.dir);
      const done = exited(cli.child);
      assert.equal((await postJson(cli.url, '/v1/logs', claudeApiRequests(50))).status, 200);
      const journalBytes = () => listSegments(dbPath).reduce((n, s) => n + statSync(s.path).size, 0);
      // Complete records only: a large slice is written in several chunks, and a record torn by the kill is
      // (rightly) dropped on replay, so growth of the file alone does not mean a slice is stored.
      const completeRecords = () => {
        let n = 0;
        for (const s of listSegments(dbPath)) for (const r of readSegmentRecords(s.path)) if (r.ok) n += 1;
        return n;
      };
      const acknowledged = journalBytes();
      const acknowledgedRecords = completeRecords();
      // ~6 MiB: parsed in the worker and stored part by part.
      const large = claudeApiRequests(6000, { offset: 100, session: 'c0ffee00-0000-4000-8000-000000000002' });
      const answer = postJson(cli.url, '/v1/logs', large).catch((err: Error) => err);
      // Killed once some of its slices are in the journal, before it is answered.
      while (journalBytes() <= acknowledged || completeRecords() <= acknowledgedRecords) await new Promise((r) => setTimeout(r, 2));
      cli.child.kill('SIGKILL');
      assert.equal((await done).signal, 'SIGKILL');
      const reply = await answer;
      assert.ok(reply instanceof Error, `killed before the answer (got ${reply instanceof Error ? '' : reply.status})`);
      const store = await Store.open({ path: dbPath, sql: await sqlLoader.load() });
      const rows = (sql: string) => rawDatabaseForTests(store).exec(sql)[0]!.values;
      try {
        assert.deepEqual(rows("SELECT count(*) FROM sessions WHERE session_id = 'c0ffee00-0000-4000-8000-000000000001'"), [[50]], 'the acknowledged batch');
        const [part, distinct] = rows(
          "SELECT count(*), count(DISTINCT trace_hash) FROM sessions WHERE session_id = 'c0ffee00-0000-4000-8000-000000000002'",
        )[0] as number[];
        assert.ok(part! > 0 && part! < 6000, `part of the unacknowledged request: ${part}`);
        assert.equal(distinct, part);
      } finally {
        await store.close();
      }
      // The client retries the unanswered request: stored once.
      const again = await startCli(dbPath, tmp.dir);
      const stopped = exited(again.child);
      assert.equal((await postJson(again.url, '/v1/logs', large)).status, 200);
      again.child.kill('SIGTERM');
      await stopped;
      const after = await Store.open({ path: dbPath, sql: await sqlLoader.load() });
      try {
        assert.deepEqual(rawDatabaseForTests(after).exec('SELECT count(*), count(DISTINCT trace_hash) FROM sessions')[0]!.values, [[6050, 6050]]);
      } finally {
        await after.close();
      }
    } finally {
      tmp.cleanup();
    }
  });

  it('stops cleanly on SIGTERM, writing the snapshot, and serves the same database after a restart', async () => {
    const tmp = tempDir();
    try {
      const dbPath = path.join(tmp.dir, 'prodlens.sqlite');
      const first = await startCli(dbPath, tmp.dir);
      assert.equal((await postJson(first.url, '/v1/logs', claudeApiRequests(20))).status, 200);
      const done = exited(first.child);
      first.child.kill('SIGTERM');
      assert.deepEqual(await done, { code: 0, signal: null });
      assert.match(first.output(), /Stopped after 1 accepted request\(s\); database snapshot written/);
      assert.deepEqual(await count(dbPath), { n: 20, loadedFrom: 'snapshot', replayed: false });

      const second = await startCli(dbPath, tmp.dir);
      assert.equal((await postJson(second.url, '/v1/logs', claudeApiRequests(5, { offset: 20 }))).status, 200);
      const health = (await request(second.url, { path: '/health', method: 'GET' })).json();
      assert.equal(health.sources['claude-code-otel'].events, 5);
      const stopped = exited(second.child);
      second.child.kill('SIGINT');
      assert.equal((await stopped).code, 0);
      assert.deepEqual(await count(dbPath), { n: 25, loadedFrom: 'snapshot', replayed: false });
    } finally {
      tmp.cleanup();
    }
  });
});
