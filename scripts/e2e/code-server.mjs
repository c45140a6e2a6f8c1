// Starts code-server (VS Code 1.139 in the browser) as E2E.md measured it: its own process group, all of its
// temp, config and data folders inside the run's temp folder, loopback only, a port the kernel picks.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from './common.mjs';
import { killGroup, trackProcessGroup } from './lifecycle.mjs';

const READY = /HTTP server listening on (http:\/\/[^\s]+)/;

/** Folders code-server uses inside a run folder. */
export function codeServerDirs(runDir) {
  return {
    userData: path.join(runDir, 'user-data'),
    extensions: path.join(runDir, 'extensions'),
    tmp: path.join(runDir, 'tmp'),
    xdgConfig: path.join(runDir, 'xdg-config'),
    xdgData: path.join(runDir, 'xdg-data'),
    home: path.join(runDir, 'home'),
    log: path.join(runDir, 'code-server.log'),
  };
}

/**
 * User settings for a quiet, offline workbench: no gallery or update checks (this network is closed), no
 * experiments or AI chat features competing for the two cores, no welcome page over the report.
 */
const USER_SETTINGS = {
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.enableExperiments': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'git.autofetch': false,
};

function writeUserSettings(dirs) {
  const file = path.join(dirs.userData, 'User', 'settings.json');
  if (existsSync(file)) return;
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(USER_SETTINGS, null, 2)}\n`);
}

function baseArgs(dirs) {
  return ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
}

/**
 * The environment of code-server and so of the extension host: temp and XDG folders in the run folder (else
 * vscode-ipc sockets pile up in /tmp) and HOME too, so the extension sees fixture transcripts, not the user's.
 */
function serverEnv(dirs, extraEnv) {
  for (const dir of [dirs.userData, dirs.extensions, dirs.tmp, dirs.xdgConfig, dirs.xdgData, dirs.home]) {
    mkdirSync(dir, { recursive: true });
  }
  writeUserSettings(dirs);
  const env = { ...process.env, ...extraEnv };
  env.TMPDIR = dirs.tmp;
  env.XDG_CONFIG_HOME = dirs.xdgConfig;
  env.XDG_DATA_HOME = dirs.xdgData;
  env.HOME = dirs.home;
  // The project's npm scripts set these; the extension host must not inherit them.
  for (const key of Object.keys(env)) if (key.startsWith('npm_')) delete env[key];
  delete env.NODE_OPTIONS;
  return env;
}

/**
 * Installs a VSIX into the run's extensions folder (code-server installs and exits).
 * @param {{node: string, codeServerEntry: string}} tools
 */
export function installExtension(tools, runDir, vsixPath) {
  const dirs = codeServerDirs(runDir);
  const result = spawnSync(tools.node, [tools.codeServerEntry, ...baseArgs(dirs), '--install-extension', vsixPath], {
    env: serverEnv(dirs, {}),
    encoding: 'utf8',
    timeout: 120_000,
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0 || !/successfully installed/i.test(output)) {
    throw new UserError(`code-server could not install ${vsixPath}:\n${output.trim()}`);
  }
}

/**
 * Starts code-server and resolves once it listens.
 * @param {{tools: {node: string, codeServerEntry: string}, runDir: string, env?: Record<string,string>,
 *   port?: number, smokeTestDriver?: boolean, readyTimeoutMs?: number, onOutput?: (line: string) => void}} options
 * @returns {Promise<{url: string, port: number, pid: number, output: () => string, exited: Promise<number|null>,
 *   stop: () => Promise<void>}>}
 */
export async function startCodeServer({ tools, runDir, env = {}, port = 0, smokeTestDriver = true, readyTimeoutMs = 60_000, onOutput }) {
  const dirs = codeServerDirs(runDir);
  const args = [
    tools.codeServerEntry,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...baseArgs(dirs),
    // Without this the workbench ignores the test payload and the run hangs (E2E.md).
    ...(smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
  ];
  const child = spawn(tools.node, args, { env: serverEnv(dirs, env), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const untrack = trackProcessGroup(child.pid);
  const logFile = createWriteStream(dirs.log);
  let output = '';
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));

  const ready = new Promise((resolve, reject) => {
    let pending = '';
    const onData = (chunk) => {
      const text = chunk.toString();
      output += text;
      logFile.write(text);
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        onOutput?.(line);
        const match = READY.exec(line);
        if (match) resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error) => reject(new UserError(`could not start code-server: ${error.message}`)));
    void exited.then((code) => reject(new UserError(`code-server exited (code ${code}) before listening:\n${output.trim()}`)));
    setTimeout(() => reject(new UserError(`code-server did not listen within ${readyTimeoutMs / 1000} s:\n${output.trim()}`)), readyTimeoutMs).unref();
  });

  const stop = async () => {
    await killGroup(child.pid);
    untrack();
    logFile.end();
  };
  let url;
  try {
    url = await ready;
  } catch (error) {
    await stop();
    throw error;
  }
  const actualPort = Number(new URL(url).port);
  return { url: `http://127.0.0.1:${actualPort}/`, port: actualPort, pid: child.pid, output: () => output, exited, stop };
}
