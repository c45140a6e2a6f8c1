// `npm run test:electron`: the same integration suite under @vscode/test-electron, for machines with internet
// (it downloads VS Code into .vscode-test/ on first use; this project's own machines cannot, and use
// `npm run test:integration` instead). On a Linux machine without a display, run it under `xvfb-run -a`.
// Tests in *.driver.test.ts need the code-server driver and are not loaded here.
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { buildIntegrationSuite } from './build-tests.mjs';
import { isMain, npmCli, repoRoot, run, runCli, say } from './common.mjs';
import { makeRunDir } from './driver.mjs';
import { createFixtureWorkspace } from './fixture.mjs';
import { cleanupAll, installCleanupHandlers } from './lifecycle.mjs';

/** Builds, makes the fixture workspace and runs the suite in a downloaded VS Code; resolves to an exit code. */
export async function runElectron() {
  installCleanupHandlers();
  await run(process.execPath, [npmCli(), 'run', '--silent', 'build'], { cwd: repoRoot });
  const suite = await buildIntegrationSuite();
  const runDir = makeRunDir('prodlens-electron-');
  const fixture = createFixtureWorkspace({ workspace: path.join(runDir, 'workspace', 'prodlens-demo'), home: path.join(runDir, 'home') });
  try {
    await runTests({
      version: process.env.PRODLENS_VSCODE_VERSION ?? 'stable',
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: suite,
      launchArgs: [
        fixture.workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--user-data-dir',
        path.join(runDir, 'user-data'),
      ],
      extensionTestsEnv: { PRODLENS_E2E_GREP: process.env.PRODLENS_E2E_GREP ?? '' },
    });
    return 0;
  } catch (error) {
    say(`test:electron failed: ${error?.message ?? error}`);
    say('it needs internet to download VS Code the first time; here, use npm run test:integration');
    return 1;
  } finally {
    await cleanupAll();
  }
}

if (isMain(import.meta.url)) runCli(runElectron);
