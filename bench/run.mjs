// `npm run bench`: every benchmark in turn, each printing its own table and writing bench/out/<name>.json.
// Machines here are shared and noisy: each benchmark reports medians of several runs and ratios against a
// reference measured in the same run. `npm run bench -- --quick` uses small sizes (minutes, not an hour);
// `npm run bench -- import collector` runs only the named ones.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.filter((a) => !a.startsWith('--'));
const tsx = ['--import', 'tsx'];

/** name → [node args, quick node args, what it compares against] */
const BENCHES = {
  import: [[...tsx, 'bench/import.ts'], [...tsx, 'bench/import.ts', '--sizes', '100000', '--runs', '3'], 'JSON.parse + better-sqlite3 upserts (issue 2)'],
  'import-host': [
    [...tsx, 'bench/import-host.ts'],
    [...tsx, 'bench/import-host.ts', '--events', '20000', '--runs', '1'],
    'issue 15: extension-host loop delay p99 < 50 ms while importing 100k events and opening the report (vs the same process idle)',
  ],
  collector: [
    [...tsx, 'bench/collector.ts', '--json', 'bench/out/collector.json'],
    [...tsx, 'bench/collector.ts', '--runs', '1', '--sustain', '10', '--records', '10000', '--json', 'bench/out/collector.json'],
    'prodlens import of the same records (issue 3)',
  ],
  transcripts: [
    [...tsx, 'bench/transcripts.ts'],
    [...tsx, 'bench/transcripts.ts', '--mb', '50', '--runs', '1'],
    'ccusage daily, whole processes (issues 4, 15)',
  ],
  tracker: [['--expose-gc', ...tsx, 'bench/tracker.ts'], ['--expose-gc', ...tsx, 'bench/tracker.ts', '3'], 'goal < 5 µs per change (issue 5)'],
  stats: [[...tsx, 'bench/stats.ts'], [...tsx, 'bench/stats.ts', '5'], 'correlations for a year (issue 7)'],
  'report-model': [[...tsx, 'bench/report-model.ts'], [...tsx, 'bench/report-model.ts', '--events', '100000', '--runs', '3'], 'goal < 300 ms warm (issue 7)'],
  'report-render': [[...tsx, 'bench/report-render.ts'], [...tsx, 'bench/report-render.ts', '3'], 'goal < 1 s to painted charts (issue 8)'],
  export: [
    [...tsx, 'bench/export.ts'],
    [...tsx, 'bench/export.ts', '--rows', '100000', '--runs', '1'],
    'DuckDB COPY … PARTITION_BY, 1 and 2 threads, whole process (issues 9, 15)',
  ],
  reliability: [
    [...tsx, 'bench/reliability.ts'],
    [...tsx, 'bench/reliability.ts', '--events', '100000', '--seconds', '20', '--batch-mib', '19.5'],
    'issue 14: /health p99 during a 20 MiB batch < 100 ms; trickle ≤ 2× DB/hour, loop p99 < 50 ms',
  ],
  team: [
    [...tsx, 'bench/team.ts'],
    [...tsx, 'bench/team.ts', '--developers', '10', '--days', '60', '--events', '300000', '--runs', '1'],
    'hand-written DuckDB SQL of the same aggregates (issue 16)',
  ],
  histories: [[...tsx, 'bench/histories.ts'], [...tsx, 'bench/histories.ts', '--tasks', '100', '--runs', '1'], 'ccusage gemini daily (issue 19)'],
};

const summary = [];
for (const [name, [full, small, against]] of Object.entries(BENCHES)) {
  if (only.length && !only.includes(name)) continue;
  const script = (quick ? small : full).find((a) => a.startsWith('bench/'));
  if (!existsSync(path.join(root, script))) {
    summary.push({ name, status: 'missing', against });
    continue;
  }
  console.log(`\n=== ${name} (${against})`);
  const started = Date.now();
  const r = spawnSync(process.execPath, quick ? small : full, { cwd: root, stdio: 'inherit', env: { ...process.env, TZ: 'UTC' } });
  const seconds = Math.round((Date.now() - started) / 1000);
  summary.push({
    name,
    status: r.status === 0 ? 'ok' : `failed (${r.status ?? r.signal})`,
    seconds,
    against,
    result: existsSync(path.join(root, 'bench/out', `${name}.json`)) ? `bench/out/${name}.json` : '',
  });
}
console.log('\n=== summary');
console.table(summary);
if (summary.some((s) => s.status.startsWith('failed'))) process.exitCode = 1;
