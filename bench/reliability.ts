/**
 * Issue 14 figures, with the collector as the extension host runs it (bench/reliability-host.ts, its own
 * process: Store + CollectorServer, measuring its own event-loop delay):
 *
 * 1. /health while a ~20 MiB OTLP/JSON batch is ingested: this process polls GET /health every 20 ms during
 *    the POST; p50/p99/max latency, against the same polling while the collector is idle (reference, same run,
 *    same host), with the host's longest event-loop delay in each phase. Goal: p99 < 100 ms.
 *    HOST_BLOCK_MS=20 HOST_BLOCKS_OUT=blocks.json (and HOST_PROF=dir for a --cpu-prof profile) record each
 *    block of the host's event loop longer than 20 ms in both phases (see traceBlocks in reliability-host.ts).
 * 2. Trickle on a large database: one event per second for --seconds, on a database of --events events.
 *    Bytes written by the host process (/proc/<pid>/io write_bytes: journal + snapshots) and its event-loop
 *    delay p99 and max. Run three times in the same run: with the snapshot policy (60 min or journal size)
 *    scaled so the window holds two snapshot periods and copy-on-write snapshots; the same with snapshots by
 *    `db.export()` (one synchronous copy of the whole database, as before; --skip-export-reference); and the
 *    old behaviour under a trickle (a snapshot every 30 s; --skip-reference). Bytes per hour = bytes in the window × (60 min / the window's simulated minutes).
 *    Goals: ≤ 2× the database size per hour, event-loop delay p99 < 50 ms.
 * Usage: tsx bench/reliability.ts [--events 1000000] [--seconds 60] [--batch-mib 19.5] [--json out.json]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SqlJsLoader } from '../src/core/store/node-sqljs';
import { Store } from '../src/core/store/store';
import type { AiEvent } from '../src/core/model';
import { syntheticEvents } from './synthetic';
import { writeResult } from './util';

const TOKEN = 'bench-token-0123456789abcdef';
const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    seconds: { type: 'string', default: '60' },
    'batch-mib': { type: 'string', default: '19.5' },
    json: { type: 'string' },
    'skip-batch': { type: 'boolean' },
    /** Reuse (or build once, then keep) the large database here: building 1M events takes minutes. */
    'keep-db': { type: 'string' },
    /** Skip the reference run of the trickle with snapshots by db.export() (before copy-on-write). */
    'skip-export-reference': { type: 'boolean' },
    /** Skip the reference run (a snapshot every 30 s) of the trickle. */
    'skip-reference': { type: 'boolean' },
    /** Events in the day that part 3 writes into (0 skips it). */
    'day-events': { type: 'string', default: '10000' },
    /** The collector's ingest slice (records) for part 1; default the collector's own. */
    slice: { type: 'string' },
  },
});

const kv = (key: string, v: string | number) => ({ key, value: typeof v === 'string' ? { stringValue: v } : { intValue: v } });
function logsRequest(from: number, n: number, t0 = Date.UTC(2026, 0, 5)): unknown {
  return {
    resourceLogs: [
      {
        resource: { attributes: [kv('service.name', 'claude-code')] },
        scopeLogs: [
          {
            scope: { name: 'com.anthropic.claude_code.events' },
            logRecords: Array.from({ length: n }, (_, j) => {
              const i = from + j;
              const ms = t0 + i * 1000;
              return {
                timeUnixNano: `${ms}000000`,
                body: { stringValue: 'claude_code.api_request' },
                attributes: [
                  kv('event.name', 'api_request'),
                  kv('event.timestamp', new Date(ms).toISOString()),
                  kv('session.id', `5e551014-0000-4000-8000-${String(Math.floor(i / 40)).padStart(12, '0')}`),
                  kv('user.email', `dev${i % 20}@example.com`),
                  kv('organization.id', '8c5b7a2e-1d4f-4e3a-9b6c-0f1e2d3c4b5a'),
                  kv('prompt.id', `p-${i}`),
                  kv('model', 'claude-sonnet-4-5-20250929'),
                  kv('cost_usd', 1),
                  kv('duration_ms', 800 + (i % 5000)),
                  kv('input_tokens', 100 + (i % 3000)),
                  kv('output_tokens', 50 + (i % 900)),
                  kv('cache_read_tokens', i % 20000),
                  kv('cache_creation_tokens', i % 1000),
                ],
              };
            }),
          },
        ],
      },
    ],
  };
}

interface Host {
  child: ChildProcess;
  port: number;
  stop(): Promise<Record<string, any>>;
  /** The host's event-loop figures since the previous mark (its own measure), starting a new window. */
  mark(): Promise<LoopFigures>;
}
interface LoopFigures {
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  blocks?: unknown[];
}
async function startHost(db: string, extra: string[] = []): Promise<Host> {
  const child = spawn(
    process.execPath,
    [
      ...(process.env.HOST_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.HOST_PROF] : []),
      '--require',
      require.resolve('tsx/cjs'),
      path.join(__dirname, 'reliability-host.ts'),
      db,
      ...extra,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  );
  let out = '';
  child.stderr!.on('data', (d) => (out += d));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (c) => reject(new Error(`host exited ${c}: ${out}`)));
  });
  return {
    child,
    port,
    mark: () =>
      new Promise<LoopFigures>((resolve) => {
        child.once('message', (m) => resolve(m as LoopFigures));
        child.send('mark');
      }),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve(JSON.parse(/stats (.*)/.exec(out)?.[1] ?? '{}')));
        child.kill('SIGTERM');
      }),
  };
}

function req(port: number, method: string, p: string, body?: Buffer): Promise<{ status: number; ms: number }> {
  const t = performance.now();
  return new Promise((resolve, reject) => {
    const r = http.request(
      {
        host: '127.0.0.1',
        port,
        path: p,
        method,
        agent: false,
        headers: body ? { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', 'Content-Length': body.length } : {},
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode!, ms: performance.now() - t }));
      },
    );
    r.on('error', reject);
    r.end(body);
  });
}

const pct = (v: number[], p: number) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length ? Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 10) / 10 : NaN;
};

async function pollHealth(port: number, until: Promise<unknown>): Promise<number[]> {
  const lat: number[] = [];
  let done = false;
  void until.finally(() => (done = true));
  while (!done) {
    lat.push((await req(port, 'GET', '/health')).ms);
    await new Promise((r) => setTimeout(r, 20));
  }
  return lat;
}

function writeBytes(pid: number): number {
  // wchar: bytes the process handed to write() (write_bytes depends on when the kernel writes back).
  return Number(/wchar: (\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))![1]);
}

async function healthDuringBatch(dir: string) {
  const target = Number(args['batch-mib']) * 1048576;
  let n = 1000;
  let body = Buffer.from(JSON.stringify(logsRequest(0, n)));
  n = Math.floor((n * target) / body.length);
  body = Buffer.from(JSON.stringify(logsRequest(0, n)));
  const host = await startHost(path.join(dir, 'batch.sqlite'), args.slice ? ['--slice', args.slice] : []);
  const blocks: Record<string, unknown> = {};
  try {
    await req(host.port, 'POST', '/v1/logs', Buffer.from(JSON.stringify(logsRequest(10_000_000, 1)))); // open the store
    await host.mark();
    const idle = await pollHealth(host.port, new Promise((r) => setTimeout(r, 3000)));
    const idleLoop = await host.mark();
    const started = performance.now();
    const post = req(host.port, 'POST', '/v1/logs', body);
    const busy = await pollHealth(host.port, post);
    const { status } = await post;
    const ingestMs = Math.round(performance.now() - started);
    const busyLoop = await host.mark();
    if (idleLoop.blocks) Object.assign(blocks, { idle: idleLoop.blocks, during: busyLoop.blocks });
    return {
      bodyMiB: Math.round((body.length / 1048576) * 10) / 10,
      records: n,
      status,
      ingestMs,
      idle: { n: idle.length, p50: pct(idle, 50), p99: pct(idle, 99), max: pct(idle, 100), loopMaxMs: idleLoop.loopDelayMaxMs },
      duringIngest: { n: busy.length, p50: pct(busy, 50), p99: pct(busy, 99), max: pct(busy, 100), loopMaxMs: busyLoop.loopDelayMaxMs },
      load: os.loadavg().map((x) => +x.toFixed(2)),
    };
  } finally {
    await host.stop();
    if (process.env.HOST_BLOCKS_OUT) writeFileSync(process.env.HOST_BLOCKS_OUT, JSON.stringify(blocks));
  }
}

async function trickle(db: string, seconds: number, extra: string[]): Promise<Record<string, any> & { written: number; windowMs: number }> {
  const host = await startHost(db, extra);
  try {
    await req(host.port, 'POST', '/v1/logs', Buffer.from(JSON.stringify(logsRequest(20_000_000, 1, Date.now())))); // open the store
    host.child.kill('SIGUSR2'); // event-loop statistics from here on
    const before = writeBytes(host.child.pid!);
    const started = performance.now();
    for (let s = 0; s < seconds; s++) {
      const t = performance.now();
      await req(host.port, 'POST', '/v1/logs', Buffer.from(JSON.stringify(logsRequest(30_000_000 + s, 1, Date.now()))));
      await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (performance.now() - t))));
    }
    const written = writeBytes(host.child.pid!) - before;
    const windowMs = performance.now() - started;
    const stats = await host.stop();
    if (process.env.HOST_BLOCKS_OUT && stats.blocks)
      writeFileSync(`${process.env.HOST_BLOCKS_OUT}.trickle-${extra.join('')}.json`, JSON.stringify(stats.blocks));
    return { written, windowMs, ...stats };
  } catch (err) {
    await host.stop();
    throw err;
  }
}

/**
 * 3. A live ingest (one event, as the collector or the editor sends it) into a day that already has
 * `dayEvents` events: the day tables updated by deltas, against the same store recomputing the day from its
 * events (an upsert that moves a row to another developer takes that path) in the same run, alternating.
 */
async function liveIntoLargeDay(dayEvents: number, runs = 15) {
  const store = await Store.open({ path: null, sql: await new SqlJsLoader().load() });
  try {
    const opts = { days: 1, startDay: '2026-01-05', batch: 5000 };
    const stored: AiEvent[] = [];
    for (const b of syntheticEvents(dayEvents, opts)) {
      store.ingestUnjournaled({ events: b, metrics: [], rejects: [] });
      stored.push(...b.slice(0, 50));
    }
    store.refreshDailyMetrics();
    const fresh = [...syntheticEvents(runs, { ...opts, device: 'live', seed: 7 })].flat();
    const delta: number[] = [];
    const recompute: number[] = [];
    for (let i = 0; i < runs; i++) {
      let t = performance.now();
      await store.ingest({ events: [fresh[i]!], metrics: [], rejects: [] });
      delta.push(performance.now() - t);
      const moved = { ...stored[i]!, developer_id: `moved-${i}@example.com` };
      t = performance.now();
      await store.ingest({ events: [moved], metrics: [], rejects: [] });
      recompute.push(performance.now() - t);
    }
    const stats = store.dayTableStats;
    return {
      dayEvents,
      runs,
      deltaMedianMs: pct(delta, 50),
      recomputeMedianMs: pct(recompute, 50),
      ratio: +(pct(recompute, 50) / pct(delta, 50)).toFixed(1),
      stats,
    };
  } finally {
    await store.close();
  }
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'prodlens-reliability-'));
  try {
    const dayEvents = Number(args['day-events']);
    const live = dayEvents ? await liveIntoLargeDay(dayEvents) : undefined;
    if (live) {
      console.log(`3. one live event into a day of ${dayEvents} events (median of ${live.runs}, alternating)`);
      console.table([{ 'day tables by deltas (ms)': live.deltaMedianMs, 'day recomputed from its events (ms)': live.recomputeMedianMs, ratio: live.ratio }]);
    }
    console.log(`1. /health during a ${args['batch-mib']} MiB OTLP/JSON batch`);
    const batch = args['skip-batch'] ? { idle: {}, duringIngest: {}, bodyMiB: 0, records: 0, ingestMs: 0, status: 0, load: [] } : await healthDuringBatch(dir);
    if (!args['skip-batch']) {
      console.log(
        "   /health: whole HTTP round trips from this process (the host is its own process); loopMaxMs: the host's longest event-loop delay in the phase (its own monitor, 10-ms resolution: ≈ its longest block)",
      );
      console.table([
        { phase: 'idle (reference, same host)', ...batch.idle },
        { phase: `during ${batch.bodyMiB} MiB, ${batch.records} records (${batch.ingestMs} ms, ${batch.status})`, ...batch.duringIngest },
      ]);
      console.log(`   load average ${batch.load?.join(' ')} on ${os.cpus().length} cores; goal /health p99 < 100 ms during the batch`);
    }

    const events = Number(args.events);
    const seconds = Number(args.seconds);
    if (!events) {
      writeResult('reliability', { batch, live });
      return;
    }
    const db = path.join(dir, 'large.sqlite');
    let t = performance.now();
    const kept = args['keep-db'];
    if (kept && existsSync(kept)) copyFileSync(kept, db);
    else {
      const store = await Store.open({ path: db, sql: await new SqlJsLoader().load(), journal: false });
      for (const b of syntheticEvents(events, { batch: 20000 })) store.ingestUnjournaled({ events: b, metrics: [], rejects: [] });
      store.refreshDailyMetrics();
      await store.close();
      if (kept) copyFileSync(db, kept);
    }
    const dbBytes = statSync(db).size;
    console.log(
      `\n2. trickle: database of ${events} events, ${(dbBytes / 1048576).toFixed(0)} MiB (built in ${Math.round((performance.now() - t) / 1000)} s), one event per second for ${seconds} s`,
    );
    // New policy, its 60-minute period scaled to 40% of the window: two snapshots, at 40% and 80%, both
    // finished inside it (one due at the window's very end would be counted half written).
    const scaledInterval = Math.floor(seconds * 1000 * 0.4);
    const runs: Array<Record<string, unknown>> = [];
    t = performance.now();
    const fresh = await trickle(db, seconds, ['--interval-ms', String(scaledInterval)]);
    // Snapshots come at the scaled rate; the journal at the real rate (one event a second).
    const snapBytes = fresh.snapshots?.bytes ?? 0;
    // At the real policy an hour holds one snapshot (the database's size) and an hour of journal.
    const perHour = (r: { written: number; windowMs: number; snapshots?: { bytes: number; count: number } }) =>
      r.snapshots?.count ? r.snapshots.bytes / r.snapshots.count + ((r.written - r.snapshots.bytes) * 3600_000) / r.windowMs : NaN;
    type Trickle = Awaited<ReturnType<typeof trickle>>;
    const row = (policy: string, r: Trickle, perHourBytes: number) => ({
      policy,
      seconds: Math.round(r.windowMs / 1000),
      writtenMiB: +(r.written / 1048576).toFixed(1),
      snapshots: r.snapshots?.count,
      perHourMiB: +(perHourBytes / 1048576).toFixed(0),
      perHourXdb: +(perHourBytes / dbBytes).toFixed(2),
      loopP99Ms: r.loopDelayP99Ms,
      loopMaxMs: r.loopDelayMaxMs,
      exportMaxMs: r.snapshots?.maxExportMs,
      copyOnWrite: r.snapshots?.copyOnWrite,
      keptChunks: r.snapshots?.keptChunks,
    });
    const perHourNew = perHour(fresh);
    runs.push(row(`journal size / 60 min (scaled ×${(3600_000 / scaledInterval).toFixed(0)})`, fresh, perHourNew));
    // The same policy with snapshots by db.export() (before copy-on-write), in the same run.
    if (!args['skip-export-reference']) {
      const exp = await trickle(db, seconds, ['--interval-ms', String(scaledInterval), '--export-snapshots']);
      runs.push(row('reference: same policy, snapshots by db.export() (before copy-on-write)', exp, perHour(exp)));
    }
    let perHourOld = NaN;
    if (!args['skip-reference']) {
      const old = await trickle(db, seconds, ['--interval-ms', '30000', '--max-delay-ms', '30000']);
      perHourOld = (old.written * 3600_000) / old.windowMs;
      runs.push(row('reference: a snapshot every 30 s (before)', old, perHourOld));
    }
    console.table(runs);
    const perSnapshot = fresh.snapshots?.count ? snapBytes / fresh.snapshots.count : 0;
    console.log(
      `   snapshot interval ${scaledInterval} ms in the window (60 min in use): ${fresh.snapshots?.count} snapshot(s), ${(perSnapshot / 1048576).toFixed(0)} MiB each, ` +
        `journal and other writes ${((fresh.written - snapBytes) / 1048576).toFixed(2)} MiB in ${Math.round(fresh.windowMs / 1000)} s; ` +
        `per hour = 1 snapshot + 3600 s of journal. Bytes per hour new / before: ${(perHourNew / perHourOld).toFixed(3)}; ` +
        `${fresh.snapshots?.copyOnWrite} by copy-on-write (${fresh.snapshots?.keptChunks} chunks kept aside), the longest synchronous start ${fresh.snapshots?.maxExportMs} ms; the last snapshot's file write took ${fresh.snapshots?.lastMs} ms (async)`,
    );
    const result = {
      batch,
      trickle: {
        events,
        dbBytes,
        seconds,
        scaledIntervalMs: scaledInterval,
        bytesPerSnapshot: perSnapshot,
        journalAndOtherBytes: fresh.written - snapBytes,
        runs,
      },
    };
    writeResult('reliability', result);
    if (args.json) writeResult(path.basename(args.json, '.json'), result);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
