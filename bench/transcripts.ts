/**
 * Transcript scan benchmark (issue 15: whole processes): generates a ~500 MB Claude Code transcript tree
 * (realistic line sizes: repeated content-block lines, large tool results, subagents), then per run: a cold
 * `node dist/cli.js scan-transcripts TREE` into a fresh database, the same after a small append (re-scan),
 * and `ccusage claude daily --json` (native binary) on the same tree, each a whole process timed start to
 * exit. Reports medians of the runs (machines are shared).
 * Usage: npm run build && npm run bench:transcripts [-- --mb 500 --runs 3 --tree /work/data/transcripts --base /tmp/base-dist]
 */
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '500' },
    runs: { type: 'string', default: '3' },
    keep: { type: 'boolean' },
    /** Generate the tree here (or reuse it when it is already there) instead of a temporary folder. */
    tree: { type: 'string' },
    /** Also time a starting build's cold scan in each run (a copy of its dist/, e.g. /tmp/base-dist). */
    base: { type: 'string' },
    /** Only generate the tree (with --tree) and exit. */
    'generate-only': { type: 'boolean' },
  },
});
const TARGET = Number(values.mb) * 1e6;
const RUNS = Number(values.runs);

let seed = 42;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const int = (a: number, b: number) => a + Math.floor(rand() * (b - a + 1));
const WORDS = 'the a function return const value error handler request session token cache model file line test build deploy user config'.split(' ');
const prose = (bytes: number) => {
  let s = '';
  while (s.length < bytes) s += WORDS[int(0, WORDS.length - 1)] + ' ';
  return s;
};
const code = (lines: number) => Array.from({ length: lines }, (_, i) => `  const v${i} = compute(${i}, "${prose(int(10, 50)).trim()}");`).join('\n');

function generate(root: string): { bytes: number; files: number; requests: number; lastFile: string } {
  let bytes = 0;
  let files = 0;
  let requests = 0;
  let lastFile = '';
  let n = 0;
  const models = ['claude-sonnet-4-5-20250929', 'claude-opus-4-1-20250805', 'claude-haiku-4-5-20251001'];
  while (bytes < TARGET) {
    const project = `-home-dev-project-${n % 25}`;
    const sid = `${(0x10000000 + n).toString(16)}-5b1e-4c8d-9a2f-${(n * 7919).toString(16).padStart(12, '0')}`;
    const cwd = `/home/dev/project-${n % 25}`;
    const sub = n % 5 === 4;
    const file = sub
      ? path.join(
          root,
          'projects',
          project,
          `${(0x10000000 + n - 1).toString(16)}-5b1e-4c8d-9a2f-${((n - 1) * 7919).toString(16).padStart(12, '0')}`,
          'subagents',
          `agent-${n.toString(16)}.jsonl`,
        )
      : path.join(root, 'projects', project, `${sid}.jsonl`);
    mkdirSync(path.dirname(file), { recursive: true });
    const fd = openSync(file, 'w');
    const turns = int(40, 120);
    let t = Date.UTC(2026, 0, 1) + n * 3_600_000 * 3;
    let parent: string | null = null;
    const common = (uuid: string) => ({
      parentUuid: parent,
      isSidechain: sub,
      userType: 'external',
      cwd,
      sessionId: sid,
      version: '2.0.14',
      gitBranch: 'main',
      uuid,
      timestamp: new Date((t += int(500, 20_000))).toISOString(),
    });
    let buf = '';
    for (let k = 0; k < turns; k++) {
      const u = `u-${n}-${k}`;
      buf += JSON.stringify({ ...common(u), type: 'user', message: { role: 'user', content: prose(int(50, 600)) } }) + '\n';
      parent = u;
      const mid = `msg_01${n.toString(36)}x${k.toString(36)}`.padEnd(28, 'a');
      const rid = `req_011CT${n.toString(36)}x${k.toString(36)}`.padEnd(28, 'b');
      const model = models[k % 7 === 0 ? 1 : k % 3 === 0 ? 2 : 0]!;
      const input = int(1, 50);
      const cw = int(0, 4000);
      const cr = int(5000, 150_000);
      const out = int(20, 2500);
      const blocks = [
        { type: 'thinking', thinking: prose(int(200, 3000)), signature: 'EqQBCkYIBxgCKkA'.repeat(8) },
        { type: 'text', text: prose(int(100, 1500)) },
        { type: 'tool_use', id: `toolu_${n}_${k}`, name: k % 4 === 0 ? 'Edit' : 'Read', input: { file_path: `${cwd}/src/f${k}.ts` } },
      ];
      blocks.forEach((b, i) => {
        const a = `a-${n}-${k}-${i}`;
        buf +=
          JSON.stringify({
            ...common(a),
            message: {
              id: mid,
              type: 'message',
              role: 'assistant',
              model,
              content: [b],
              stop_reason: null,
              stop_sequence: null,
              usage: {
                input_tokens: input,
                cache_creation_input_tokens: cw,
                cache_read_input_tokens: cr,
                cache_creation: { ephemeral_5m_input_tokens: cw, ephemeral_1h_input_tokens: 0 },
                output_tokens: i === 2 ? out : int(1, 20),
                service_tier: 'standard',
              },
            },
            requestId: rid,
            type: 'assistant',
          }) + '\n';
        parent = a;
      });
      requests++;
      const r = `r-${n}-${k}`;
      const result =
        k % 4 === 0
          ? {
              filePath: `${cwd}/src/f${k}.ts`,
              oldString: 'a',
              newString: 'b',
              originalFile: code(int(50, 300)),
              structuredPatch: [{ oldStart: 3, oldLines: 2, newStart: 3, newLines: 3, lines: [' x', '-a', '+b', '+c', ' y'] }],
              userModified: false,
              replaceAll: false,
            }
          : { type: 'text', file: { filePath: `${cwd}/src/f${k}.ts`, content: code(int(20, 250)), numLines: 100, startLine: 1, totalLines: 100 } };
      buf +=
        JSON.stringify({
          ...common(r),
          type: 'user',
          message: { role: 'user', content: [{ tool_use_id: `toolu_${n}_${k}`, type: 'tool_result', content: 'ok' }] },
          toolUseResult: result,
        }) + '\n';
      parent = r;
      if (buf.length > 1 << 20) {
        bytes += writeSync(fd, buf);
        buf = '';
      }
    }
    bytes += writeSync(fd, buf);
    closeSync(fd);
    files++;
    lastFile = file;
    n++;
  }
  return { bytes, files, requests, lastFile };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Generated {
  bytes: number;
  files: number;
  requests: number;
  lastFile: string;
  lastFileSize: number;
}

/** The tree: generated into `--tree` once and reused (its description kept beside it), else into `dir`. */
function tree(dir: string): { root: string; gen: Generated } {
  const root = values.tree ? path.resolve(values.tree) : path.join(dir, 'claude');
  const meta = `${root}.json`;
  if (values.tree && existsSync(meta)) {
    const gen = JSON.parse(readFileSync(meta, 'utf8')) as Generated;
    // A re-scan step of an earlier run appended to the last file: take it back to its generated size.
    truncateSync(gen.lastFile, gen.lastFileSize);
    console.log(`reusing ${root}: ${(gen.bytes / 1e6).toFixed(0)} MB, ${gen.files} files, ${gen.requests} requests`);
    return { root, gen };
  }
  rmSync(root, { recursive: true, force: true });
  const g0 = Date.now();
  const g = generate(root);
  const gen = { ...g, lastFileSize: statSync(g.lastFile).size };
  if (values.tree) writeFileSync(meta, JSON.stringify(gen));
  console.log(`generated ${(gen.bytes / 1e6).toFixed(0)} MB, ${gen.files} files, ${gen.requests} requests in ${((Date.now() - g0) / 1000).toFixed(1)} s`);
  return { root, gen };
}

/** Runs a whole process; wall time, CPU time (user + system, from /usr/bin/time) and peak RSS. */
function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv): { wallS: number; cpuS: number; rssMb: number; stdout: string } {
  const stats = path.join(os.tmpdir(), `prodlens-bench-time-${process.pid}.txt`);
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', '-o', stats, cmd, ...args], { env, maxBuffer: 64 << 20, encoding: 'utf8' });
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}: ${r.stderr}`);
  const [user, sys, maxKb] = readFileSync(stats, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  rmSync(stats, { force: true });
  return { wallS, cpuS: user! + sys!, rssMb: (maxKb! * 1024) / 1e6, stdout: r.stdout };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'prodlens-bench-transcripts-'));
  try {
    const { root, gen } = tree(dir);
    if (values['generate-only']) return;
    const ccusageBin = path.resolve(__dirname, '../node_modules/.bin/ccusage');
    const cli = path.resolve(__dirname, '../dist/cli.js');
    if (!existsSync(cli)) throw new Error('dist/cli.js is missing: npm run build first');
    // Both read only the tree: a home folder of their own, no git identity lookups (--developer).
    const env = { PATH: process.env.PATH ?? '', HOME: dir, TZ: 'UTC', NO_COLOR: '1' };
    const rows: Array<{
      cold_s: number;
      cold_cpu_s: number;
      rss_mb: number;
      rescan_s: number;
      rescan_bytes: number;
      ccusage_s: number;
      ccusage_cpu_s: number;
      ccusage_rss_mb: number;
      base_s?: number;
      base_cpu_s?: number;
    }> = [];
    const baseCli = values.base ? path.resolve(values.base, 'cli.js') : null;
    if (baseCli && !existsSync(baseCli)) throw new Error(`${baseCli} is missing`);
    for (let run = 0; run < RUNS; run++) {
      const dbPath = path.join(dir, `run-${run}.sqlite`);
      const scan = ['scan-transcripts', '--json', '--developer', 'bench@example.com', '--db', dbPath, root];
      let base: ReturnType<typeof timed> | null = null;
      if (baseCli) {
        base = timed(process.execPath, [baseCli, ...scan], env);
        rmSync(dbPath, { force: true });
        rmSync(`${dbPath}.bak`, { force: true });
      }
      const cold = timed(process.execPath, [cli, ...scan], env);
      const coldSummary = JSON.parse(cold.stdout) as { inserted: number; bytesRead: number };
      // A small append: one more request (three content-block lines) to the last session.
      const line = (i: number, out: number) =>
        JSON.stringify({
          parentUuid: null,
          isSidechain: false,
          cwd: '/home/dev/x',
          sessionId: `append-${run}`,
          version: '2.0.14',
          type: 'assistant',
          uuid: `append-${run}-${i}`,
          timestamp: '2026-03-01T10:00:00.000Z',
          requestId: `req_append_${run}`,
          message: {
            id: `msg_append_${run}`,
            model: 'claude-sonnet-4-5-20250929',
            role: 'assistant',
            content: [{ type: 'text', text: prose(800) }],
            usage: { input_tokens: 5, output_tokens: out, cache_read_input_tokens: 1000, cache_creation_input_tokens: 0 },
          },
        }) + '\n';
      appendFileSync(gen.lastFile, line(0, 3) + line(1, 3) + line(2, 250));
      const re = timed(process.execPath, [cli, ...scan], env);
      const reSummary = JSON.parse(re.stdout) as { inserted: number; bytesRead: number };
      if (reSummary.inserted !== 1) throw new Error(`re-scan stored ${reSummary.inserted} events, expected 1`);
      truncateSync(gen.lastFile, gen.lastFileSize);
      rmSync(dbPath, { force: true });
      rmSync(`${dbPath}.bak`, { force: true });
      const cc = timed(ccusageBin, ['claude', 'daily', '--json', '--offline', '--timezone', 'UTC'], { ...env, CLAUDE_CONFIG_DIR: root });
      if (run === 0) {
        const days = (JSON.parse(cc.stdout) as { daily: Array<{ inputTokens: number; outputTokens: number }> }).daily;
        const ccIn = days.reduce((a, d) => a + d.inputTokens, 0);
        console.log(
          `cold scan: ${coldSummary.inserted} events, ${(coldSummary.bytesRead / 1e6).toFixed(0)} MB read; ccusage input tokens over all days ${ccIn}`,
        );
      }
      rows.push({
        cold_s: cold.wallS,
        cold_cpu_s: cold.cpuS,
        rss_mb: cold.rssMb,
        rescan_s: re.wallS,
        rescan_bytes: reSummary.bytesRead,
        ccusage_s: cc.wallS,
        ccusage_cpu_s: cc.cpuS,
        ccusage_rss_mb: cc.rssMb,
        ...(base ? { base_s: base.wallS, base_cpu_s: base.cpuS } : {}),
      });
      console.log(
        `run ${run + 1}: prodlens scan-transcripts cold ${cold.wallS.toFixed(2)} s wall / ${cold.cpuS.toFixed(2)} s CPU (peak RSS ${cold.rssMb.toFixed(0)} MB), ` +
          `re-scan ${re.wallS.toFixed(2)} s reading ${reSummary.bytesRead} bytes; ` +
          (base ? `starting build cold ${base.wallS.toFixed(2)} s wall / ${base.cpuS.toFixed(2)} s CPU; ` : '') +
          `ccusage ${cc.wallS.toFixed(2)} s wall / ${cc.cpuS.toFixed(2)} s CPU; load ${os.loadavg()[0]!.toFixed(1)}`,
      );
    }
    const cold = median(rows.map((r) => r.cold_s));
    const coldCpu = median(rows.map((r) => r.cold_cpu_s));
    const cc = median(rows.map((r) => r.ccusage_s));
    const ccCpu = median(rows.map((r) => r.ccusage_cpu_s));
    const summary = {
      what: 'whole processes: node dist/cli.js scan-transcripts TREE (fresh database) vs ccusage claude daily --json',
      tree_mb: +(gen.bytes / 1e6).toFixed(1),
      files: gen.files,
      requests: gen.requests,
      runs: RUNS,
      cold_scan_s: +cold.toFixed(2),
      cold_scan_cpu_s: +coldCpu.toFixed(2),
      cold_scan_mb_per_s: +(gen.bytes / 1e6 / cold).toFixed(0),
      peak_rss_mb: +median(rows.map((r) => r.rss_mb)).toFixed(0),
      rescan_after_append_s: +median(rows.map((r) => r.rescan_s)).toFixed(2),
      rescan_bytes_read: median(rows.map((r) => r.rescan_bytes)),
      ccusage_daily_s: +cc.toFixed(2),
      ccusage_daily_cpu_s: +ccCpu.toFixed(2),
      cold_scan_vs_ccusage: +(cold / cc).toFixed(2),
      cold_scan_vs_ccusage_cpu: +(coldCpu / ccCpu).toFixed(2),
      ...(baseCli
        ? {
            base_dist: values.base,
            base_cold_scan_s: +median(rows.map((r) => r.base_s!)).toFixed(2),
            base_cold_scan_cpu_s: +median(rows.map((r) => r.base_cpu_s!)).toFixed(2),
            base_vs_ccusage: +(median(rows.map((r) => r.base_s!)) / cc).toFixed(2),
            base_vs_ccusage_cpu: +(median(rows.map((r) => r.base_cpu_s!)) / ccCpu).toFixed(2),
          }
        : {}),
      load_average: +os.loadavg()[0]!.toFixed(1),
      node: process.version,
    };
    console.log(JSON.stringify(summary, null, 2));
    mkdirSync(path.join(__dirname, 'out'), { recursive: true });
    writeFileSync(path.join(__dirname, 'out', 'transcripts.json'), JSON.stringify({ summary, runs: rows }, null, 2));
  } finally {
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  console.error(err.stack ?? err);
  process.exitCode = 1;
});
