// The machinery behind `npm start` (and its check): package the VSIX, install it into a fresh extensions folder
// of code-server, make the demo workspace with sample data, start code-server on 127.0.0.1.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { npmCli, repoRoot, run, say, UserError } from './common.mjs';
import { installExtension, startCodeServer } from './code-server.mjs';
import { makeRunDir } from './driver.mjs';
import { ensureE2eTools } from './ensure.mjs';
import { createFixtureWorkspace } from './fixture.mjs';
import { installCleanupHandlers } from './lifecycle.mjs';

/** The VSIX `npm run package` writes. */
export const vsixPath = path.join(repoRoot, 'dist-vsix', 'prodlens.vsix');

/**
 * Starts the demo and resolves once code-server listens.
 * @param {{port?: number, packageFirst?: boolean}} [options]
 * @returns {Promise<{url: string, workspace: string, runDir: string, server: Awaited<ReturnType<typeof startCodeServer>>}>}
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
  const fixture = createFixtureWorkspace({
    workspace: path.join(runDir, 'workspace', 'prodlens-demo'),
    home: path.join(runDir, 'home'),
  });
  installExtension(tools, runDir, vsixPath);
  say(`installed ${path.relative(repoRoot, vsixPath)} into code-server; demo workspace ${fixture.workspace}`);
  const server = await startCodeServer({ tools, runDir, port, smokeTestDriver: false });
  const url = new URL(server.url);
  url.searchParams.set('folder', fixture.workspace);
  return { url: url.toString(), workspace: fixture.workspace, runDir, server };
}
