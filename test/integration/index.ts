import { readdirSync } from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';
import { installMarkedConsole, rawConsole } from './support/console';
import { driverAvailable } from './support/driver';
import { OUTPUT_MARKER } from './support/protocol';

/**
 * The standard extension-test entry: VS Code (code-server's workbench through the driver, or
 * @vscode/test-electron) loads this file in the extension host and awaits `run()`; a rejection means failure.
 * `PRODLENS_E2E_GREP` narrows the run to matching test titles.
 */
export async function run(): Promise<void> {
  const underDriver = driverAvailable();
  const restoreConsole = underDriver ? installMarkedConsole(Mocha.reporters.Base) : () => {};
  try {
    const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: !underDriver, timeout: 30_000, slow: 5_000 });
    const grep = process.env.PRODLENS_E2E_GREP;
    if (grep) mocha.grep(grep);
    for (const file of testFiles(__dirname, underDriver)) mocha.addFile(file);
    const stats = await new Promise<{ passes: number; failures: number }>((resolve, reject) => {
      try {
        const runner = mocha.run(() => resolve({ passes: runner.stats?.passes ?? 0, failures: runner.stats?.failures ?? 0 }));
      } catch (error) {
        // A test file that throws while loading lands here; say so, or the run just ends with code 1.
        console.error('the integration suite could not load:', error);
        reject(error);
      }
    });
    // A plain closing line CI can read, whichever runner started us.
    const summary = `integration: ${stats.passes} passed, ${stats.failures} failed`;
    if (underDriver) rawConsole.log(`${OUTPUT_MARKER}${summary}`);
    else rawConsole.log(summary);
    if (stats.passes + stats.failures === 0) throw new Error('no integration test ran');
    if (stats.failures > 0) throw new Error(`${stats.failures} integration test(s) failed`);
  } finally {
    restoreConsole();
  }
}

/**
 * Compiled test files below `dir`, sorted for a stable order. `*.driver.test.js` files ask the code-server driver
 * to look at the page, so only that runner loads them.
 */
function testFiles(dir: string, underDriver: boolean): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.js'))
    .filter((file) => underDriver || !file.endsWith('.driver.test.js'))
    .sort()
    .map((file) => path.join(dir, file));
}
