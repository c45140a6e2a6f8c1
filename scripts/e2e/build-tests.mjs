// Compiles the integration suite (test/integration/**/*.ts) file by file to CommonJS in out/integration/, so the
// same JavaScript runs in code-server's extension host and under @vscode/test-electron. Type checking stays
// with `npm run typecheck`; `vscode` and `mocha` resolve at run time (mocha from the repo's node_modules).
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { isMain, repoRoot, runCli, say } from './common.mjs';

/** Where the compiled suite goes; `extensionTestsPath` points at its index.js. */
export const suiteOutDir = path.join(repoRoot, 'out', 'integration');

/** Compiles the suite; returns the path of the compiled index.js. */
export async function buildIntegrationSuite() {
  const sourceDir = path.join(repoRoot, 'test', 'integration');
  const entryPoints = readdirSync(sourceDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => path.join(sourceDir, file));
  rmSync(suiteOutDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints,
    outdir: suiteOutDir,
    outbase: sourceDir,
    bundle: false,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  say(`compiled ${entryPoints.length} integration files to ${path.relative(repoRoot, suiteOutDir)}/`);
  return path.join(suiteOutDir, 'index.js');
}

if (isMain(import.meta.url)) runCli(buildIntegrationSuite);
