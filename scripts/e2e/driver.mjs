// Runs the integration suite inside code-server's real extension host, driven by headless chromium (E2E.md):
// the workbench loads the extension under development and the suite from the smoke-test payload, test output
// comes back marked through `codeAutomationLog`, and `codeAutomationExit(code)` ends the run.
//
// CLI: node scripts/e2e/driver.mjs --workspace DIR [--tests out/integration/index.js] [--extension DIR]
//      [--timeout SECONDS]
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openBrowser, workbenchUrl } from './browser.mjs';
import { codeServerDirs, startCodeServer } from './code-server.mjs';
import { artifactsDir, DRIVER_DIR_ENV, isMain, OUTPUT_MARKER, repoRoot, REQUEST_MARKER, runCli, say, UserError } from './common.mjs';
import { handleDriverRequest } from './driver-requests.mjs';
import { ensureE2eTools } from './ensure.mjs';
import { cleanupAll, cleanupStarted, installCleanupHandlers, trackTempDir } from './lifecycle.mjs';

/** Default overall limit for one run, from code-server start to the suite's exit. */
export const DEFAULT_TIMEOUT_MS = 10 * 60_000;

/** Creates a run folder in the system temp dir, removed at the end of the process (or by `cleanupAll`). */
export function makeRunDir(prefix = 'prodlens-e2e-') {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  trackTempDir(dir);
  return dir;
}

/**
 * Runs the suite once and returns its exit code (0 passed, non-zero failed or timed out).
 * @param {{workspace: string, extensionTestsPath: string, extensionDevelopmentPath?: string, runDir?: string,
 *   timeoutMs?: number, artifacts?: string, env?: Record<string, string>, verbose?: boolean}} options
 */
export async function runSuite(options) {
  const {
    workspace,
    extensionTestsPath,
    extensionDevelopmentPath = repoRoot,
    timeoutMs = DEFAULT_TIMEOUT_MS,
    artifacts = path.join(artifactsDir, 'integration'),
    env = {},
    verbose = Boolean(process.env.PRODLENS_E2E_VERBOSE),
  } = options;
  installCleanupHandlers();
  if (!existsSync(extensionTestsPath)) throw new UserError(`no compiled suite at ${extensionTestsPath}`);
  const tools = await ensureE2eTools();
  const runDir = options.runDir ?? makeRunDir();
  const requestsDir = path.join(runDir, 'driver');
  mkdirSync(requestsDir, { recursive: true });
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });

  const workbenchLog = [];
  const deadline = startDeadline(timeoutMs);
  const startedAt = Date.now();
  let suiteStarted = false;
  let server;
  let browser;
  let result = { code: 1, reason: 'the run did not finish' };
  let exitLogs = [];
  try {
    server = await deadline.race(startCodeServer({ tools, runDir, env: { ...env, [DRIVER_DIR_ENV]: requestsDir } }));
    say(`code-server ${server.url} (pid ${server.pid}); opening the workbench`);
    browser = await deadline.race(openBrowser(runDir));
    const { page } = browser;
    let finish;
    const finished = new Promise((resolve) => {
      finish = resolve;
    });
    const interrupted = { code: 1, reason: 'interrupted by a signal' };
    page.on('crash', () => finish(cleanupStarted() ? interrupted : { code: 1, reason: 'the workbench page crashed' }));
    server.exited.then((code) => finish(cleanupStarted() ? interrupted : { code: 1, reason: `code-server exited (code ${code}) during the run` }));
    await page.exposeFunction('codeAutomationExit', (code, logs) => {
      if (verbose) say(`codeAutomationExit(${JSON.stringify(code)}, ${JSON.stringify(logs)?.slice(0, 500)})`);
      exitLogs = Array.isArray(logs) ? logs : [];
      // Anything but a clear 0 counts as failure.
      const exitCode = Number(code);
      finish({ code: Number.isInteger(exitCode) ? exitCode : 1, reason: Number.isInteger(exitCode) ? undefined : `odd exit code ${code}` });
    });
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const message = logMessage(args);
      workbenchLog.push(`${new Date().toISOString()} ${type} ${message}`);
      onMessage(message);
    });
    const onMessage = (line) => {
      const marked = line.indexOf(OUTPUT_MARKER);
      const text = marked >= 0 ? line.slice(marked + OUTPUT_MARKER.length) : line;
      const request = text.indexOf(REQUEST_MARKER);
      if (request >= 0) {
        void handleDriverRequest({ page, line: text.slice(request + REQUEST_MARKER.length), requestsDir, artifacts });
      } else if (marked >= 0) {
        if (!suiteStarted) {
          suiteStarted = true;
          say(`suite started ${((Date.now() - startedAt) / 1000).toFixed(1)} s after code-server's start`);
        }
        process.stdout.write(`${text}\n`);
      } else if (verbose) {
        process.stdout.write(`[workbench] ${line}\n`);
      }
    };
    const url = workbenchUrl({
      origin: server.url,
      folder: workspace,
      extensionDevelopmentPath,
      extensionTestsPath: path.dirname(extensionTestsPath),
    });
    // Playwright's 30 s navigation default is too short on a loaded 2-core machine (several suites at once);
    // the run's own deadline still bounds it.
    await deadline.race(page.goto(url, { waitUntil: 'domcontentloaded', timeout: 180_000 }));
    result = await deadline.race(finished);
  } catch (error) {
    result = { code: 1, reason: error instanceof UserError ? error.message : String(error?.stack ?? error) };
  } finally {
    deadline.clear();
    if (result.code !== 0) {
      await keepArtifacts({ artifacts, page: cleanupStarted() ? undefined : browser?.page, workbenchLog, exitLogs, runDir });
      say(`FAILED${result.reason ? `: ${result.reason}` : ` with exit code ${result.code}`}`);
      say(`workbench logs and a screenshot are in ${path.relative(process.cwd(), artifacts) || artifacts}/`);
    }
    await browser?.close();
    await server?.stop();
    if (!options.runDir) await cleanupAll();
  }
  return result.code;
}

/** codeAutomationLog hands over one console call's arguments; the host forwards only string-led calls. */
function logMessage(args) {
  const list = Array.isArray(args) ? args : [args];
  return list.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' ');
}

/** One overall deadline for every phase, with a message that says which limit was hit. */
function startDeadline(timeoutMs) {
  let timer;
  const expired = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new UserError(`timed out after ${Math.round(timeoutMs / 1000)} s (set PRODLENS_E2E_TIMEOUT or --timeout, in seconds)`)),
      timeoutMs,
    );
  });
  expired.catch(() => {});
  return {
    race: (promise) => Promise.race([promise, expired]),
    clear: () => clearTimeout(timer),
  };
}

/** Saves what explains a failure: the window, the workbench console, code-server's own log and window logs. */
async function keepArtifacts({ artifacts, page, workbenchLog, exitLogs, runDir }) {
  mkdirSync(artifacts, { recursive: true });
  if (page) {
    await page.screenshot({ path: path.join(artifacts, 'failure.png'), timeout: 10_000 }).catch((error) => {
      say(`no screenshot: ${error.message.split('\n')[0]}`);
    });
  }
  writeFileSync(path.join(artifacts, 'workbench.log'), `${workbenchLog.join('\n')}\n`);
  const serverLog = codeServerDirs(runDir).log;
  if (existsSync(serverLog)) copyFileSync(serverLog, path.join(artifacts, 'code-server.log'));
  for (const log of exitLogs) {
    if (typeof log?.relativePath !== 'string' || typeof log?.contents !== 'string') continue;
    const target = path.join(artifacts, 'window-logs', path.normalize(log.relativePath).replace(/^(\.\.(\/|$))+/, ''));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, log.contents);
  }
}

if (isMain(import.meta.url)) {
  runCli(async () => {
    const { values } = parseArgs({
      options: {
        workspace: { type: 'string' },
        tests: { type: 'string', default: path.join(repoRoot, 'out', 'integration', 'index.js') },
        extension: { type: 'string', default: repoRoot },
        timeout: { type: 'string', default: process.env.PRODLENS_E2E_TIMEOUT },
      },
    });
    if (!values.workspace) throw new UserError('usage: driver.mjs --workspace DIR [--tests FILE] [--extension DIR] [--timeout S]');
    return runSuite({
      workspace: path.resolve(values.workspace),
      extensionTestsPath: path.resolve(values.tests),
      extensionDevelopmentPath: path.resolve(values.extension),
      timeoutMs: values.timeout ? Number(values.timeout) * 1000 : DEFAULT_TIMEOUT_MS,
    });
  });
}
