/**
 * Collector throughput over loopback, side by side with importing the same records from a file.
 *
 * - The collector is the real CLI (`prodlens collect`, run from source) in its own process with a fresh
 *   database; this process is the client (keep-alive HTTP, like the OpenTelemetry exporters).
 * - Claude Code `api_request` log records (the shape FORMATS.md documents) in batches of 1, 100 and 1000,
 *   as OTLP/JSON and OTLP/protobuf. Events/s from the first request to the last 200, p50/p99 latency.
 * - File import: the real `prodlens import FILE --json` on a fresh database with the same records (one OTLP
 *   request of 1000 records per line, as an OpenTelemetry Collector file exporter writes them). Its process
 *   start-up (WASM load) is removed by also importing a 1-record file and taking the difference.
 * - Besides wall time, the CPU time of the collector process (from /proc, during the requests) and of the
 *   import process (its own process.cpuUsage()) per 1000 events: busy shared machines distort wall time
 *   much more than CPU time.
 * - Sustained load: 100-record JSON batches for --sustain seconds; the collector's RSS sampled from /proc.
 * Every figure is the median of --runs runs; JSON, protobuf and the import are also compared run by run
 * (paired ratios, medians), since within a run they meet the same machine load.
 * Usage: tsx bench/collector.ts [--runs 3] [--sustain 60] [--records 50000] [--concurrency 4] [--json out.json]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import protobuf from 'protobufjs';
import { OTLP_PROTO } from '../src/collector/otlp-schema';

const TOKEN = 'bench-token-0123456789abcdef';
const ROOT = path.join(__dirname, '..');
const TSX = require.resolve('tsx/cjs');

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    sustain: { type: 'string', default: '60' },
    records: { type: 'string', default: '50000' },
    concurrency: { type: 'string', default: '4' },
    json: { type: 'string' },
  },
});

// ---------------------------------------------------------------------------------------------------------
// Records

const kv = (key: string, v: string | number) => ({
  key,
  value: typeof v === 'string' ? { stringValue: v } : Number.isInteger(v) ? { intValue: v } : { doubleValue: v },
});
const MODELS = ['claude-sonnet-4-5-20250929', 'claude-opus-4-1-20250805', 'claude-haiku-4-5-20251001'];

/** One OTLP logs request with `n` Claude Code api_request records starting at record `from`. */
function logsRequest(from: number, n: number): unknown {
  const t0 = Date.UTC(2026, 0, 5);
  return {
    resourceLogs: [
      {
        resource: { attributes: [kv('service.name', 'claude-code'), kv('service.version', '2.0.76'), kv('os.type', 'linux'), kv('host.arch', 'x64')] },
        scopeLogs: [
          {
            scope: { name: 'com.anthropic.claude_code.events', version: '2.0.76' },
            logRecords: Array.from({ length: n }, (_, j) => {
              const i = from + j;
              const ms = t0 + i * 1000;
              return {
                timeUnixNano: `${ms}000000`,
                observedTimeUnixNano: `${ms}000000`,
                severityNumber: 9,
                severityText: 'INFO',
                body: { stringValue: 'claude_code.api_request' },
                attributes: [
                  kv('event.name', 'api_request'),
                  kv('event.timestamp', new Date(ms).toISOString()),
                  kv('event.sequence', i),
                  kv('session.id', `5e551014-0000-4000-8000-${String(Math.floor(i / 40)).padStart(12, '0')}`),
                  kv('user.id', 'c0ffee'.repeat(10)),
                  kv('user.email', `dev${i % 20}@example.com`),
                  kv('organization.id', '8c5b7a2e-1d4f-4e3a-9b6c-0f1e2d3c4b5a'),
                  kv('terminal.type', 'vscode'),
                  kv('prompt.id', `p-${Math.floor(i / 3)}`),
                  kv('model', MODELS[i % 3]!),
                  kv('cost_usd', 0.0123 + (i % 7) / 1000),
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

const Req = protobuf.parse(OTLP_PROTO).root.lookupType('otlp.ExportLogsServiceRequest');

function bodies(total: number, batch: number, format: 'json' | 'protobuf', offset: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < total; i += batch) {
    const doc = logsRequest(offset + i, Math.min(batch, total - i));
    out.push(format === 'json' ? Buffer.from(JSON.stringify(doc)) : Buffer.from(Req.encode(Req.fromObject(doc as Record<string, unknown>)).finish()));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// The collector process

interface Collector {
  child: ChildProcess;
  port: number;
  dir: string;
  stop(): Promise<void>;
}

async function startCollector(): Promise<Collector> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'prodlens-bench-'));
  const child = spawn(
    process.execPath,
    ['--require', TSX, path.join(ROOT, 'src/cli/main.ts'), 'collect', '--port', '0', '--token', TOKEN, '--db', path.join(dir, 'db.sqlite')],
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stderr!.on('data', (d) => (out += d));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (c) => reject(new Error(`collector exited ${c}: ${out}`)));
  });
  return {
    child,
    port,
    dir,
    async stop() {
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await done;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

function post(agent: http.Agent, port: number, body: Buffer, contentType: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/logs',
        method: 'POST',
        agent,
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': contentType, 'Content-Length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve(res.statusCode) : reject(new Error(`HTTP ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends all bodies with `concurrency` requests in flight; returns wall time and per-request latencies. */
async function drive(port: number, list: Buffer[], contentType: string, concurrency: number): Promise<{ ms: number; lat: number[] }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < list.length) {
        const b = list[next++]!;
        const s = performance.now();
        await post(agent, port, b, contentType);
        lat.push(performance.now() - s);
      }
    }),
  );
  const ms = performance.now() - t0;
  agent.destroy();
  return { ms, lat };
}

async function storedEvents(port: number): Promise<number> {
  const h = await new Promise<any>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/health' }, (res) => {
        let s = '';
        res.on('data', (d) => (s += d));
        res.on('end', () => resolve(JSON.parse(s)));
      })
      .on('error', reject);
  });
  return h.sources['claude-code-otel']?.events ?? 0;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const median = (xs: number[]) => pct(xs, 50);

// ---------------------------------------------------------------------------------------------------------
// File import: the real CLI

const CPU_REPORT = path.join(__dirname, 'cpu-report.cjs');

function runImport(file: string): Promise<{ events: number; ms: number; cpuMs: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'prodlens-bench-import-'));
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(
      process.execPath,
      ['--require', TSX, '--require', CPU_REPORT, path.join(ROOT, 'src/cli/main.ts'), 'import', file, '--json', '--db', path.join(dir, 'db.sqlite')],
      {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.once('exit', (c) => {
      const ms = performance.now() - t0;
      rmSync(dir, { recursive: true, force: true });
      if (c !== 0) return reject(new Error(`prodlens import exited ${c}: ${err}`));
      const cpu = /BENCH_CPU_MS ([\d.]+)/.exec(err);
      resolve({ events: JSON.parse(out).inserted, ms, cpuMs: Number(cpu?.[1]) });
    });
  });
}

/** User + system CPU time of a process so far, ms (Linux /proc). */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}
const CLK_TCK = 100;

// ---------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const startLoad = os.loadavg().map((x) => +x.toFixed(1));
  const runs = Number(args.runs);
  const sustain = Number(args.sustain);
  const total = Number(args.records);
  const concurrency = Number(args.concurrency);
  const cases: Array<{ format: 'json' | 'protobuf'; batch: number; total: number; concurrency: number }> = [];
  // JSON and protobuf side by side for each batch size, so both meet the same machine load.
  for (const batch of [1, 100, 1000]) {
    for (const format of ['json', 'protobuf'] as const) {
      cases.push({ format, batch, total: batch === 1 ? Math.min(total, 3000) : total, concurrency: batch === 1 ? 1 : concurrency });
    }
  }
  const results: Record<string, { eventsPerSec: number[]; cpuMsPer1k: number[]; p50: number[]; p99: number[]; bodyKb: number }> = {};
  const importRuns: Array<{ eventsPerSec: number; cpuMsPer1k: number }> = [];
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'prodlens-bench-file-'));
  const file = path.join(tmp, 'claude-code-logs.ndjson');
  // The same records as the 1000-record batches, one OTLP request per line (an OTel Collector file export).
  writeFileSync(
    file,
    bodies(total, 1000, 'json', 0)
      .map((b) => b.toString())
      .join('\n') + '\n',
  );
  const one = path.join(tmp, 'one.ndjson');
  writeFileSync(one, `${bodies(1, 1, 'json', 0)[0]!.toString()}\n`);

  for (let r = 0; r < runs; r++) {
    for (const c of cases) {
      const key = `${c.format} x${c.batch}`;
      const list = bodies(c.total, c.batch, c.format, 0);
      const col = await startCollector();
      try {
        const ct = c.format === 'json' ? 'application/json' : 'application/x-protobuf';
        await post(new http.Agent(), col.port, bodies(1, 1, c.format, 10_000_000)[0]!, ct); // opens the store (WASM) before timing
        const cpu0 = cpuMsOf(col.child.pid!);
        const { ms, lat } = await drive(col.port, list, ct, c.concurrency);
        const cpuMs = cpuMsOf(col.child.pid!) - cpu0;
        const n = (await storedEvents(col.port)) - 1;
        if (n !== c.total) throw new Error(`${key}: ${n} events stored, ${c.total} sent`);
        const e = (results[key] ??= { eventsPerSec: [], cpuMsPer1k: [], p50: [], p99: [], bodyKb: list[0]!.length / 1024 });
        e.eventsPerSec.push((c.total / ms) * 1000);
        e.cpuMsPer1k.push((cpuMs / c.total) * 1000);
        e.p50.push(pct(lat, 50));
        e.p99.push(pct(lat, 99));
        process.stderr.write(
          `run ${r + 1} ${key}: ${Math.round((c.total / ms) * 1000)} events/s, ${((cpuMs / c.total) * 1000).toFixed(0)} CPU ms/1k events, p50 ${pct(lat, 50).toFixed(1)} ms, p99 ${pct(lat, 99).toFixed(1)} ms\n`,
        );
      } finally {
        await col.stop();
      }
    }
    const base = await runImport(one);
    const imp = await runImport(file);
    if (imp.events !== total) throw new Error(`import stored ${imp.events} of ${total}`);
    const eps = ((total - 1) / Math.max(1, imp.ms - base.ms)) * 1000;
    const cpuPer1k = ((imp.cpuMs - base.cpuMs) / (total - 1)) * 1000;
    importRuns.push({ eventsPerSec: eps, cpuMsPer1k: cpuPer1k });
    process.stderr.write(
      `run ${r + 1} prodlens import: ${Math.round(eps)} events/s (${Math.round(imp.ms)} ms, ${Math.round(base.ms)} ms of it start-up), ${cpuPer1k.toFixed(0)} CPU ms/1k events\n`,
    );
  }
  rmSync(tmp, { recursive: true, force: true });

  // Paired A/B: one collector, 1000-record JSON and protobuf requests alternating one at a time, the
  // collector's CPU and the latency summed per format. The closest comparison of the two decoders this
  // machine allows: both meet the same load, the same database size and the same warm-up.
  const ab: Array<{ cpuRatio: number; wallRatio: number }> = [];
  for (let r = 0; r < runs; r++) {
    const col = await startCollector();
    try {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const pairs = Math.max(10, Math.min(40, Math.floor(total / 2000)));
      const js = bodies(pairs * 1000, 1000, 'json', 20_000_000);
      const pb = bodies(pairs * 1000, 1000, 'protobuf', 30_000_000);
      await post(agent, col.port, bodies(1000, 1000, 'json', 40_000_000)[0]!, 'application/json');
      await post(agent, col.port, bodies(1000, 1000, 'protobuf', 50_000_000)[0]!, 'application/x-protobuf');
      const sum = { json: { cpu: 0, ms: 0 }, protobuf: { cpu: 0, ms: 0 } };
      for (let i = 0; i < pairs; i++) {
        for (const [format, list, ct] of [
          ['json', js, 'application/json'],
          ['protobuf', pb, 'application/x-protobuf'],
        ] as const) {
          const c0 = cpuMsOf(col.child.pid!);
          const t0 = performance.now();
          await post(agent, col.port, list[i]!, ct);
          sum[format].ms += performance.now() - t0;
          sum[format].cpu += cpuMsOf(col.child.pid!) - c0;
        }
      }
      agent.destroy();
      ab.push({ cpuRatio: sum.protobuf.cpu / sum.json.cpu, wallRatio: sum.protobuf.ms / sum.json.ms });
      process.stderr.write(
        `run ${r + 1} A/B (${pairs} pairs of 1000-record requests): protobuf/JSON CPU ${(sum.protobuf.cpu / sum.json.cpu).toFixed(3)}, latency ${(sum.protobuf.ms / sum.json.ms).toFixed(3)}\n`,
      );
    } finally {
      await col.stop();
    }
  }

  // Sustained load, memory sampled from /proc.
  const sustained: Array<{ eventsPerSec: number; events: number; rssStartMb: number; rssMaxMb: number; rssEndMb: number; p99: number }> = [];
  for (let r = 0; r < runs && sustain > 0; r++) {
    const col = await startCollector();
    try {
      await post(new http.Agent(), col.port, bodies(1, 1, 'json', 10_000_000)[0]!, 'application/json');
      const rss: number[] = [rssMb(col.child.pid!)];
      const sampler = setInterval(() => rss.push(rssMb(col.child.pid!)), 1000);
      const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
      const lat: number[] = [];
      let sent = 0;
      const end = performance.now() + sustain * 1000;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (performance.now() < end) {
            const from = sent;
            sent += 100;
            const body = Buffer.from(JSON.stringify(logsRequest(from, 100)));
            const s = performance.now();
            await post(agent, col.port, body, 'application/json');
            lat.push(performance.now() - s);
          }
        }),
      );
      const ms = performance.now() - t0;
      clearInterval(sampler);
      rss.push(rssMb(col.child.pid!));
      agent.destroy();
      sustained.push({
        eventsPerSec: (sent / ms) * 1000,
        events: sent,
        rssStartMb: rss[0]!,
        rssMaxMb: Math.max(...rss),
        rssEndMb: rss[rss.length - 1]!,
        p99: pct(lat, 99),
      });
      process.stderr.write(
        `run ${r + 1} sustained ${sustain}s: ${Math.round((sent / ms) * 1000)} events/s, RSS ${rss[0]!.toFixed(0)} → max ${Math.max(...rss).toFixed(0)} MB\n`,
      );
    } finally {
      await col.stop();
    }
  }

  const summary = {
    machine: { cpus: os.cpus().length, node: process.version, loadAverageAtStart: startLoad, loadAverageAtEnd: os.loadavg().map((x) => +x.toFixed(1)) },
    runs,
    records: total,
    concurrency,
    cases: Object.fromEntries(
      Object.entries(results).map(([k, v]) => [
        k,
        {
          eventsPerSec: Math.round(median(v.eventsPerSec)),
          cpuMsPer1kEvents: Math.round(median(v.cpuMsPer1k)),
          p50Ms: +median(v.p50).toFixed(2),
          p99Ms: +median(v.p99).toFixed(2),
          bodyKb: +v.bodyKb.toFixed(1),
        },
      ]),
    ),
    fileImport: {
      eventsPerSec: Math.round(median(importRuns.map((i) => i.eventsPerSec))),
      cpuMsPer1kEvents: Math.round(median(importRuns.map((i) => i.cpuMsPer1k))),
      via: '`prodlens import FILE --json` (process start-up subtracted)',
    },
    sustained: sustained.length
      ? {
          seconds: sustain,
          eventsPerSec: Math.round(median(sustained.map((s) => s.eventsPerSec))),
          eventsStored: Math.round(median(sustained.map((s) => s.events))),
          rssStartMb: Math.round(median(sustained.map((s) => s.rssStartMb))),
          rssMaxMb: Math.round(median(sustained.map((s) => s.rssMaxMb))),
          rssEndMb: Math.round(median(sustained.map((s) => s.rssEndMb))),
          p99Ms: +median(sustained.map((s) => s.p99)).toFixed(2),
        }
      : null,
  };
  // JSON, protobuf and the import run back to back within each run, under the same machine load, so they
  // are compared run by run (paired) as well as by their separate medians.
  const paired = (f: (r: number) => number) => +median(Array.from({ length: runs }, (_, r) => f(r))).toFixed(2);
  const R = (key: string) => results[key]!;
  const best1000 = (r: number) => Math.max(R('json x1000').eventsPerSec[r]!, R('protobuf x1000').eventsPerSec[r]!);
  const bestCpu1000 = (r: number) => Math.min(R('json x1000').cpuMsPer1k[r]!, R('protobuf x1000').cpuMsPer1k[r]!);
  const importOverCollector = paired((r) => importRuns[r]!.eventsPerSec / best1000(r));
  const collectorCpuOverImport = paired((r) => bestCpu1000(r) / importRuns[r]!.cpuMsPer1k);
  const pbOverJson = paired((r) => R('protobuf x1000').eventsPerSec[r]! / R('json x1000').eventsPerSec[r]!);
  const pbCpuOverJson = paired((r) => R('protobuf x1000').cpuMsPer1k[r]! / R('json x1000').cpuMsPer1k[r]!);
  const pbOverJson100 = paired((r) => R('protobuf x100').eventsPerSec[r]! / R('json x100').eventsPerSec[r]!);
  const single = Math.max(summary.cases['json x1']!.p99Ms, summary.cases['protobuf x1']!.p99Ms);
  const goals = {
    'collector (1000-record batches) within 1.2x of file import': {
      importEventsPerSecOverCollector: importOverCollector,
      collectorCpuOverImport,
      met: importOverCollector <= 1.2 && collectorCpuOverImport <= 1.2,
    },
    'protobuf faster than JSON (1000-record batches)': {
      abProtobufOverJsonCpu: +median(ab.map((a) => a.cpuRatio)).toFixed(3),
      abProtobufOverJsonLatency: +median(ab.map((a) => a.wallRatio)).toFixed(3),
      throughputRunsProtobufOverJsonEventsPerSec: pbOverJson,
      throughputRunsProtobufOverJsonCpu: pbCpuOverJson,
      throughputRunsProtobufOverJsonEventsPerSecAt100: pbOverJson100,
      met: median(ab.map((a) => a.cpuRatio)) < 1 && median(ab.map((a) => a.wallRatio)) < 1,
    },
    'p99 under 50 ms for single events': { p99Ms: single, met: single < 50 },
  };
  const out = { ...summary, goals };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  if (args.json) writeFileSync(args.json, JSON.stringify(out, null, 2));
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
