// The machinery behind `npm start` (and its check): package the VSIX, install it into a fresh extensions folder
// of code-server, make the demo workspace with sample data (scripts/demo-data.mjs), start code-server on
// 127.0.0.1 so that the extension finds the data by itself: the demo's Claude Code transcripts (cwd = the demo
// workspace) through CLAUDE_CONFIG_DIR, the git history through its own background sync.
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeDemo } from '../demo-data.mjs';
import { npmCli, repoRoot, run, say, UserError } from './common.mjs';
import { installExtension, startCodeServer } from './code-server.mjs';
import { makeRunDir } from './driver.mjs';
import { ensureE2eTools } from './ensure.mjs';
import { installCleanupHandlers } from './lifecycle.mjs';

/** The VSIX `npm run package` writes. */
export const vsixPath = path.join(repoRoot, 'dist-vsix', 'prodlens.vsix');

/**
 * Starts the demo and resolves once code-server listens. `demo` says where the sample data is (the same
 * files the extension reads, for checks that compare with the CLI).
 * @param {{port?: number, packageFirst?: boolean}} [options]
 * @returns {Promise<{url: string, workspace: string, runDir: string,
 *   demo: {workspace: string, claudeConfig: string, imports: string, days: number, sessions: number, commits: number},
 *   budgets: {daily: number, weekly: number, used: {daily: number, weekly: number}},
 *   server: Awaited<ReturnType<typeof startCodeServer>>}>}
 */
export async function startDemo({ port = 0, packageFirst = true } = {}) {
  installCleanupHandlers();
  const tools = await ensureE2eTools();
  if (packageFirst) {
    say('packaging the VSIX: npm run package');
    await run(process.execPath, [npmCli(), 'run', '--silent', 'package'], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  }
  if (!existsSync(vsixPath)) throw new UserError(`no VSIX at ${vsixPath}: run npm run package`);
  const runDir = makeRunDir('prodlens-start-');
  // 45 days of git history and Claude Code sessions ending today, plus files for "Import Events from File…".
  const demo = makeDemo(path.join(runDir, 'demo'));
  cpSync(demo.imports, path.join(demo.workspace, 'sample-imports'), { recursive: true });
  const budgets = demoBudgets(demo, runDir);
  mkdirSync(path.join(demo.workspace, '.vscode'), { recursive: true });
  writeFileSync(
    path.join(demo.workspace, '.vscode', 'settings.json'),
    `${JSON.stringify({ 'prodlens.budget.daily': budgets.daily, 'prodlens.budget.weekly': budgets.weekly }, null, 2)}\n`,
  );
  // Not part of the demo's history: the Source Control view starts clean.
  appendFileSync(path.join(demo.workspace, '.git', 'info', 'exclude'), 'sample-imports/\n.vscode/\n');
  installExtension(tools, runDir, vsixPath);
  say(
    `installed ${path.relative(repoRoot, vsixPath)} into code-server; demo workspace ${demo.workspace} ` +
      `(${demo.sessions} Claude Code sessions and ${demo.commits} commits over ${demo.days} days)`,
  );
  // HOME is the run's own (code-server.mjs); CLAUDE_CONFIG_DIR is where Claude Code would have written the
  // demo's transcripts. The extension host inherits both and reads them with no setup.
  const server = await startCodeServer({ tools, runDir, port, smokeTestDriver: false, env: { CLAUDE_CONFIG_DIR: demo.claudeConfig } });
  const url = new URL(server.url);
  url.searchParams.set('folder', demo.workspace);
  return { url: url.toString(), workspace: demo.workspace, runDir, demo, server, budgets };
}

/**
 * Budgets that show what budgets do: a daily one today's demo sessions have used 85 % of (the status bar
 * turns to the warning colour and ProdLens warns once), and a weekly one at about half. The usage comes
 * from the packaged CLI over the demo's transcripts, in local days as the extension counts them.
 * @returns {{daily: number, weekly: number, used: {daily: number, weekly: number}}}
 */
function demoBudgets(demo, runDir) {
  const cli = path.join(repoRoot, 'dist', 'cli.js');
  const db = path.join(runDir, 'budget-probe.sqlite');
  execFileSync(process.execPath, [cli, 'import', demo.claudeConfig, '--db', db], { stdio: 'ignore' });
  const out = execFileSync(process.execPath, [cli, 'report', '--json', '--db', db, '--budget', 'daily=1', '--budget', 'weekly=1'], { encoding: 'utf8' });
  const [daily, weekly] = JSON.parse(out).budgets.map((b) => b.used);
  const up = (usd) => Math.max(0.01, Math.ceil(usd * 100) / 100);
  return { daily: up(daily / 0.85), weekly: up(weekly / 0.5), used: { daily, weekly } };
}
