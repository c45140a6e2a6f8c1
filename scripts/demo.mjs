// `npm run demo`: builds sample data (scripts/demo-data.mjs), runs the real `prodlens` binary over it —
// import (OTLP, LiteLLM, editor events, Claude Code transcripts), sync-git, report — and prints the report.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeDemo } from './demo-data.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(root, '.cache', 'demo');
const db = path.join(dir, 'prodlens.sqlite');
const demo = makeDemo(dir);
const prodlens = (...args) =>
  execFileSync(process.execPath, [path.join(root, 'dist', 'cli.js'), ...args, '--db', db], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

console.log(`Sample data in ${dir}: ${demo.sessions} agent sessions over ${demo.days} days, ${demo.commits} commits.\n`);
console.log(`$ prodlens import ${path.relative(root, demo.claudeConfig)} ${path.relative(root, demo.imports)}`);
process.stdout.write(prodlens('import', demo.claudeConfig, demo.imports));
console.log(`$ prodlens sync-git --repo ${path.relative(root, demo.workspace)}`);
process.stdout.write(prodlens('sync-git', '--repo', demo.workspace));
const since = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
console.log(`$ prodlens report --since ${since}\n`);
process.stdout.write(prodlens('report', '--since', since));
const model = JSON.parse(prodlens('report', '--json', '--since', since));
const top = model.correlations.rows
  .filter((r) => r.status === 'ok' && r.method === 'pearson')
  .sort((a, b) => a.pAdjusted - b.pAdjusted)
  .slice(0, 3);
console.log('Strongest lagged correlations (Pearson, Benjamini–Hochberg adjusted):');
for (const r of top)
  console.log(
    `  ${r.ai} → ${r.outcome} at lag ${r.lag}: r = ${r.r.toFixed(2)} [${r.ciLow.toFixed(2)}, ${r.ciHigh.toFixed(2)}], adjusted p = ${r.pAdjusted.toExponential(1)} — ${r.reading}`,
  );
try {
  const html = path.join(dir, 'report.html');
  prodlens('report', '--since', since, '--html', html);
  console.log(`\nThe same report as a page: ${html}`);
} catch {
  // Older builds without --html.
}
console.log(`\nExplore further: node dist/cli.js report --json --db ${path.relative(root, db)} | less`);
