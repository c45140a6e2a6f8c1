// `npm run test:integration`: installs the tools on first use, builds the extension and the suite, makes the
// fixture workspace (a real git repo plus sample data), runs the suite in code-server, then checks what
// `npm start` gives a newcomer (scripts/e2e/check-start.mjs). Exits non-zero when either fails.
// Options: --no-build (reuse dist/ and out/), --suite-only (skip the npm start check),
// PRODLENS_E2E_GREP=title, PRODLENS_E2E_TIMEOUT=seconds.
import path from 'node:path';
import { buildIntegrationSuite } from './build-tests.mjs';
import { checkStart } from './check-start.mjs';
import { isMain, npmCli, repoRoot, run, runCli, say } from './common.mjs';
import { DEFAULT_TIMEOUT_MS, makeRunDir, runSuite } from './driver.mjs';
import { ensureE2eTools } from './ensure.mjs';
import { createFixtureWorkspace } from './fixture.mjs';
import { cleanupAll, installCleanupHandlers } from './lifecycle.mjs';

/** Runs the whole integration flow; resolves to the exit code. */
export async function runIntegration({ build = true, startCheck = true } = {}) {
  installCleanupHandlers();
  const started = Date.now();
  const lap = (label, since) => say(`${label} in ${((Date.now() - since) / 1000).toFixed(1)} s`);
  let since = Date.now();
  await ensureE2eTools();
  lap('tools ready', since);
  since = Date.now();
  if (build) await run(process.execPath, [npmCli(), 'run', '--silent', 'build'], { cwd: repoRoot });
  const suite = await buildIntegrationSuite();
  lap('built', since);
  try {
    const runDir = makeRunDir();
    const fixture = createFixtureWorkspace({ workspace: path.join(runDir, 'workspace', 'prodlens-demo'), home: path.join(runDir, 'home') });
    say(`fixture workspace ${fixture.workspace} (branch ${fixture.branch}, origin ${fixture.origin})`);
    since = Date.now();
    const timeout = Number(process.env.PRODLENS_E2E_TIMEOUT);
    const code = await runSuite({
      runDir,
      workspace: fixture.workspace,
      extensionTestsPath: suite,
      timeoutMs: timeout > 0 ? timeout * 1000 : DEFAULT_TIMEOUT_MS,
    });
    lap(`suite ${code === 0 ? 'passed' : 'FAILED'}`, since);
    await cleanupAll();
    if (!startCheck) return code;
    since = Date.now();
    const startCode = await checkStart();
    lap(`npm start check ${startCode === 0 ? 'passed' : 'FAILED'}`, since);
    return code !== 0 ? code : startCode;
  } finally {
    await cleanupAll();
    lap('integration run', started);
  }
}

if (isMain(import.meta.url)) {
  runCli(() => runIntegration({ build: !process.argv.includes('--no-build'), startCheck: !process.argv.includes('--suite-only') }));
}
