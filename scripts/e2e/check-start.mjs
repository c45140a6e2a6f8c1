// Checks what `npm start` gives a newcomer: the same machinery (VSIX packaged and installed into code-server,
// demo workspace), opened in headless chromium like a person would. It waits for the workbench, checks that
// ProdLens activated (its log says so, shown in the Output panel), that "ProdLens: Show Report" shows the demo's
// git history, and saves screenshots under test-artifacts/start/.
// Part of `npm run test:integration`; on its own: node scripts/e2e/check-start.mjs
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openBrowser, waitForWorkbench } from './browser.mjs';
import { codeServerDirs } from './code-server.mjs';
import { artifactsDir, isMain, runCli, say } from './common.mjs';
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

/** The demo workspace's git history (scripts/e2e/fixture.mjs): four commits, once per SHA across branches. */
const DEMO_REPO = 'acme/prodlens-demo';
const DEMO_COMMITS = '4';

/**
 * "ProdLens: Show Report" shows the demo's sample data: the background git sync (30 s after startup) reads
 * the demo repository's history, the open report updates itself, and over all days it shows the demo's
 * commits and its repository. Screenshot: test-artifacts/start/report.png.
 */
async function checkReportShowsSampleData(page, timeoutMs = 120_000) {
  await runCommand(page, 'ProdLens: Show Report');
  const report = page.locator('iframe.webview.ready').filter({ visible: true }).first().contentFrame().locator('#active-frame').contentFrame();
  await report.locator('#app h1, #app #empty-state').first().waitFor({ timeout: 60_000 });
  // Until the sync has run the report is in its empty state (no filters); it re-renders when commits arrive.
  const all = report.locator('[data-period="all"]');
  await all.waitFor({ timeout: timeoutMs });
  await all.click();
  await report.locator('[data-period="all"][aria-pressed="true"]').waitFor({ timeout: 30_000 });
  const commits = report.locator('[data-headline="commits"] .card-value', { hasText: new RegExp(`^${DEMO_COMMITS}$`) });
  await commits.waitFor({ timeout: 30_000 });
  await report.locator(`#by-repo tr[data-row="${DEMO_REPO}"]`).waitFor({ timeout: 10_000 });
  await commits.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifacts, 'report.png') });
  say(`the report shows the demo repository ${DEMO_REPO} with its ${DEMO_COMMITS} commits`);
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
    await page.goto(demo.url, { waitUntil: 'domcontentloaded' });
    await waitForWorkbench(page);
    // The explorer shows the demo workspace once the folder is open.
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'README.md' }).first().waitFor({ timeout: 60_000 });
    await page.screenshot({ path: path.join(artifacts, 'workbench.png') });
    say(`workbench shows the demo workspace after ${seconds(started)} s`);
    await checkExtensionActivated(page, demo.runDir);
    await page.screenshot({ path: path.join(artifacts, 'prodlens-log.png') });
    say(`ProdLens activated and its log is on screen after ${seconds(started)} s`);
    await checkReportShowsSampleData(page);
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
