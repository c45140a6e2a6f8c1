// Headless Debian chromium through playwright-core (never a browser download), with the flags E2E.md lists:
// without the background-networking ones chromium keeps dialing Google on this closed network.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { toolPaths, UserError } from './common.mjs';
import { onCleanup } from './lifecycle.mjs';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * Launches chromium with a fresh profile in the run folder and opens one page.
 * @returns {Promise<{browser: import('playwright-core').Browser, page: import('playwright-core').Page, close: () => Promise<void>}>}
 */
export async function openBrowser(runDir, { width = 1400, height = 900 } = {}) {
  const profile = path.join(runDir, 'chromium-profile');
  const tmp = path.join(runDir, 'tmp');
  mkdirSync(profile, { recursive: true });
  mkdirSync(tmp, { recursive: true });
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: toolPaths.chromium,
      headless: true,
      args: FLAGS,
      viewport: { width, height },
      env: { ...process.env, TMPDIR: tmp, HOME: path.join(runDir, 'home') },
      // The driver owns signal handling and kills everything itself.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      timeout: 60_000,
    });
  } catch (error) {
    throw new UserError(`could not start ${toolPaths.chromium}: ${error.message.split('\n')[0]}`);
  }
  const close = async () => {
    unregister();
    await context.close().catch(() => {});
  };
  const unregister = onCleanup(close);
  const page = context.pages()[0] ?? (await context.newPage());
  return { browser: context, page, close };
}

/**
 * The workbench URL; with extension paths it carries the smoke-test payload that makes the workbench load the
 * extension under development and run the suite (paths are vscode-remote URIs on the same host).
 * @param {{origin: string, folder: string, extensionDevelopmentPath?: string, extensionTestsPath?: string}} options
 */
export function workbenchUrl({ origin, folder, extensionDevelopmentPath, extensionTestsPath }) {
  const base = new URL(origin);
  const url = new URL('/', base);
  url.searchParams.set('folder', folder);
  if (extensionDevelopmentPath || extensionTestsPath) {
    const remote = (p) => `vscode-remote://${base.host}${p}`;
    const payload = [];
    if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]);
    if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
    payload.push(['skipWelcome', 'true'], ['skipReleaseNotes', 'true']);
    url.searchParams.set('payload', JSON.stringify(payload));
  }
  return url.toString();
}

/** Resolves when the workbench has rendered its main parts (status bar and activity bar). */
export async function waitForWorkbench(page, timeoutMs = 60_000) {
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: timeoutMs });
}
