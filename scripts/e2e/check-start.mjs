// Checks what `npm start` gives a newcomer: the same machinery (VSIX packaged and installed into code-server,
// demo workspace of scripts/demo-data.mjs), opened in headless chromium like a person would. It waits for the
// workbench, checks that ProdLens activated (its log says so, shown in the Output panel), that the status bar
// shows today's totals of the demo data with no setup, that "ProdLens: Show Report" shows the demo's headline
// numbers (both compared with the CLI's report over the same files), and saves screenshots under
// test-artifacts/start/.
// Part of `npm run test:integration`; on its own: node scripts/e2e/check-start.mjs
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openBrowser, waitForWorkbench } from './browser.mjs';
import { codeServerDirs } from './code-server.mjs';
import { artifactsDir, isMain, repoRoot, runCli, say } from './common.mjs';
import { startDemo } from './demo.mjs';
import { cleanupAll } from './lifecycle.mjs';

const artifacts = path.join(artifactsDir, 'start');

/**
 * Runs a command from the Command Palette by its title ("Category: Title"). Commands appear as their
 * contributions load (some only in the workbench's last startup phase, extension commands on activation), so
 * the palette is reopened until the command shows up or `timeoutMs` passes.
 */
export async function runCommand(page, title, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  for (;;) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill(`>${title}`);
    try {
      await row.waitFor({ timeout: 3_000 });
      await row.click();
      return;
    } catch (error) {
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw new Error(`the Command Palette has no "${title}" after ${timeoutMs / 1000} s`);
    }
  }
}

/** Picks an entry of the quick pick that a command opened. */
async function pick(page, label, timeoutMs = 30_000) {
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: label }).first();
  await row.waitFor({ timeout: timeoutMs });
  await row.click();
}

/**
 * The installed VSIX activated: its log file in the extension host's log folder says so (reliable, no UI),
 * and the "ProdLens" output channel shows the same line to a person (screenshot).
 */
async function checkExtensionActivated(page, runDir, timeoutMs = 60_000) {
  const logsDir = path.join(codeServerDirs(runDir).userData, 'logs');
  const deadline = Date.now() + timeoutMs;
  while (!extensionLogSays(logsDir, ACTIVATED)) {
    if (Date.now() > deadline) throw new Error(`ProdLens did not log "${ACTIVATED}" within ${timeoutMs / 1000} s: it did not activate`);
    await sleep(250);
  }
  await runCommand(page, 'Output: Show Output Channels...');
  await pick(page, 'ProdLens');
  await page.locator('.part.panel .view-lines', { hasText: ACTIVATED }).first().waitFor({ timeout: 30_000 });
}

/** The line src/extension/extension.ts logs at the end of activate(). */
const ACTIVATED = '[extension] activated';

function extensionLogSays(logsDir, text) {
  if (!existsSync(logsDir)) return false;
  return readdirSync(logsDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.includes('prodlens.prodlens') && file.endsWith('.log'))
    .some((file) => readFileSync(path.join(logsDir, file), 'utf8').includes(text));
}

/**
 * What the real CLI (the dist/cli.js the VSIX ships) makes of the demo's data: the Claude Code transcripts the
 * extension reads by itself and the workspace's git history, in a database of its own.
 * @returns {(...args: string[]) => any} runs `prodlens report --json` with extra arguments over that database
 */
function cliReport(demo, runDir) {
  const db = path.join(runDir, 'cli-check.sqlite');
  const cli = (...args) =>
    execFileSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), ...args, '--db', db], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  cli('import', demo.claudeConfig);
  cli('sync-git', '--repo', demo.workspace);
  return (...args) => JSON.parse(cli('report', '--json', ...args));
}

/** The status bar's number formats in English (src/core/locale-format.ts; code-server's display language is en). */
const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
const usd = new Intl.NumberFormat('en', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** The local day (this machine's zone, ProdLens's default) as YYYY-MM-DD. */
function localToday() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/**
 * The ProdLens status bar item shows today's totals of the demo data, picked up with no setup: the same
 * request count, tokens and cost as `prodlens report --json` gives for today over the same files; and the
 * share of the demo's daily budget, in the warning colour (85 % ≥ 80 %).
 */
async function checkStatusBarShowsToday(page, report, budgets, timeoutMs = 60_000) {
  const today = localToday();
  const headline = Object.fromEntries(report('--since', today, '--until', today).headline.map((h) => [h.key, h.value]));
  if (!(headline.requests > 0)) throw new Error(`the demo data has no requests today (${today}); scripts/demo-data.mjs should make some`);
  const share = Math.round((budgets.used.daily / budgets.daily) * 100);
  const expected = `ProdLens · ${compact.format(headline.requests)} req · ${compact.format(headline.total_tokens)} tok · ${usd.format(headline.cost_usd)} · ${share}% of daily budget`;
  const item = page.locator('.part.statusbar .statusbar-item', { hasText: 'ProdLens' }).first();
  const deadline = Date.now() + timeoutMs;
  let shown = '';
  for (;;) {
    shown = ((await item.textContent({ timeout: 5_000 }).catch(() => '')) ?? '').replace(/\s+/g, ' ').trim();
    if (shown.includes(expected)) break;
    if (Date.now() > deadline) throw new Error(`the status bar shows "${shown}", not today's totals "${expected}"`);
    await sleep(500);
  }
  const background = await item.evaluate((el) => getComputedStyle(el.closest('.statusbar-item') ?? el).backgroundColor);
  if (/rgba\(0, 0, 0, 0\)|transparent/.test(background))
    throw new Error(`the status bar item at ${share}% of the budget has no warning colour (background ${background})`);
  await item.screenshot({ path: path.join(artifacts, 'status-bar.png') });
  return shown;
}

/**
 * The lens in the activity bar opens the ProdLens view, which lists the demo's Claude Code sessions, newest
 * first: today's session on top with today's request count, as `prodlens report --json` counts it.
 * Screenshot: test-artifacts/start/prodlens-view.png.
 */
async function checkViewShowsSessions(page, report, timeoutMs = 60_000) {
  const today = localToday();
  const requests = report('--since', today, '--until', today).headline.find((h) => h.key === 'requests').value;
  await page.locator('.activitybar .action-item a[aria-label^="ProdLens"]').first().click({ timeout: 30_000 });
  const rows = page.locator('.monaco-list-row[aria-label*="session with"]');
  await rows.first().waitFor({ timeout: timeoutMs });
  const deadline = Date.now() + timeoutMs;
  let first = '';
  for (;;) {
    first = (await rows.first().getAttribute('aria-label')) ?? '';
    if (first.startsWith('Claude Code session') && first.includes(`: ${requests} model requests,`)) break;
    if (Date.now() > deadline)
      throw new Error(`the newest session in the ProdLens view reads "${first}", not today's Claude Code session with ${requests} requests`);
    await sleep(500);
  }
  const count = await rows.count();
  await page.screenshot({ path: path.join(artifacts, 'prodlens-view.png') });
  return `${count} sessions listed, the newest: "${first.split('. Press')[0]}"`;
}

/** How the report page writes a headline value (src/webview/shared/format.ts formatValue: en-US, $ with cents). */
function reportValue(value, unit) {
  if (value === null || value === undefined) return '—';
  if (unit === 'usd') return `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  if (unit === 'ratio') return `${(value * 100).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })}%`;
  if (unit === 'ms') return `${value.toLocaleString('en-US', { maximumFractionDigits: 0 })} ms`;
  if (unit === 'hours') return `${value.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} h`;
  return value.toLocaleString('en-US', { maximumFractionDigits: 0 });
}

/** Headline cards the report check compares with the CLI: AI activity from the transcripts, commits from git. */
const COMPARED = ['sessions', 'requests', 'total_tokens', 'cost_usd', 'commits'];

/**
 * "ProdLens: Show Report" shows the demo's sample data as the CLI computes it: over all days, the headline
 * values of `prodlens report --json` over the same transcripts and git history (the extension read the
 * transcripts at startup and the history with its background sync 30 s later; the open report updates
 * itself), and the demo repository in the per-repository table. Screenshot: test-artifacts/start/report.png.
 */
async function checkReportShowsSampleData(page, report, timeoutMs = 120_000) {
  const expected = report();
  const cards = expected.headline.filter((h) => COMPARED.includes(h.key)).map((h) => ({ key: h.key, text: reportValue(h.value, h.unit) }));
  if (cards.length !== COMPARED.length) throw new Error(`prodlens report --json has no headline ${COMPARED.join('/')}: ${expected.headline.map((h) => h.key)}`);
  const repo = expected.options.repos.find((r) => r);
  await runCommand(page, 'ProdLens: Show Report');
  const view = page.locator('iframe.webview.ready').filter({ visible: true }).first().contentFrame().locator('#active-frame').contentFrame();
  await view.locator('#app h1, #app #empty-state').first().waitFor({ timeout: 60_000 });
  const all = view.locator('[data-period="all"]');
  await all.waitFor({ timeout: timeoutMs });
  await all.click();
  await view.locator('[data-period="all"][aria-pressed="true"]').waitFor({ timeout: 30_000 });
  const deadline = Date.now() + timeoutMs;
  for (const card of cards) {
    const value = view.locator(`[data-headline="${card.key}"] .card-value`);
    for (;;) {
      const shown = ((await value.textContent({ timeout: 5_000 }).catch(() => '')) ?? '').trim();
      if (shown === card.text) break;
      if (Date.now() > deadline)
        throw new Error(`the report's "${card.key}" card shows "${shown}", prodlens report --json over the same data gives "${card.text}"`);
      await sleep(500);
    }
  }
  if (repo) await view.locator(`#by-repo tr[data-row="${repo}"]`).waitFor({ timeout: 10_000 });
  await view.locator('[data-headline="commits"]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifacts, 'report.png') });
  return `${cards.map((c) => `${c.key} ${c.text}`).join(', ')}${repo ? `, repository ${repo}` : ''}`;
}

const seconds = (since) => ((Date.now() - since) / 1000).toFixed(1);

/** Starts the demo, checks it in the browser, stops everything; resolves to an exit code. */
export async function checkStart() {
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });
  const started = Date.now();
  const demo = await startDemo();
  say(`demo ready after ${seconds(started)} s (VSIX packaged and installed, code-server listening)`);
  let browser;
  try {
    browser = await openBrowser(demo.runDir);
    const { page } = browser;
    // Generous: on a loaded machine the workbench page takes longer than Playwright's 30 s default.
    await page.goto(demo.url, { waitUntil: 'domcontentloaded', timeout: 180_000 });
    await waitForWorkbench(page);
    // The explorer shows the demo workspace once the folder is open.
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'README.md' }).first().waitFor({ timeout: 60_000 });
    await page.screenshot({ path: path.join(artifacts, 'workbench.png') });
    say(`workbench shows the demo workspace after ${seconds(started)} s`);
    await checkExtensionActivated(page, demo.runDir);
    await page.screenshot({ path: path.join(artifacts, 'prodlens-log.png') });
    say(`ProdLens activated and its log is on screen after ${seconds(started)} s`);
    const report = cliReport(demo.demo, demo.runDir);
    const status = await checkStatusBarShowsToday(page, report, demo.budgets);
    say(`the status bar shows today's totals of the demo data and the budget ("${status}") after ${seconds(started)} s`);
    const view = await checkViewShowsSessions(page, report);
    say(`the ProdLens view shows the demo's sessions (${view}) after ${seconds(started)} s`);
    const shown = await checkReportShowsSampleData(page, report);
    say(`the report shows the demo data as prodlens report --json computes it (${shown}) after ${seconds(started)} s`);
    say(`npm start check passed in ${seconds(started)} s; screenshots in ${path.relative(process.cwd(), artifacts)}/`);
    return 0;
  } catch (error) {
    await browser?.page.screenshot({ path: path.join(artifacts, 'failure.png') }).catch(() => {});
    say(`npm start check FAILED: ${error.message.split('\n')[0]} (screenshot in ${path.relative(process.cwd(), artifacts)}/failure.png)`);
    return 1;
  } finally {
    await browser?.close();
    await demo.server.stop();
    await cleanupAll();
  }
}

if (isMain(import.meta.url)) runCli(checkStart);
