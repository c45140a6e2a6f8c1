// Cleanup that always runs: process groups are killed and temp folders removed on normal ends, on errors and on
// SIGINT/SIGTERM/SIGHUP. Async cleanups (closing the browser politely) run first; the 'exit' hook is the
// synchronous last resort so nothing survives even a crash of the driver itself.
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { say } from './common.mjs';

const groups = new Set();
const tempDirs = new Set();
const asyncCleanups = new Set();
let handlersInstalled = false;
let stopping;

/** Registers a process group (the pid of a child spawned with detached: true) to kill at the end. */
export function trackProcessGroup(pid) {
  groups.add(pid);
  return () => groups.delete(pid);
}

/** Registers a temp folder to remove at the end. */
export function trackTempDir(dir) {
  tempDirs.add(dir);
  return () => tempDirs.delete(dir);
}

/** Registers an async cleanup (run before groups are killed); returns its unregister function. */
export function onCleanup(fn) {
  asyncCleanups.add(fn);
  return () => asyncCleanups.delete(fn);
}

/** True while any process of the group exists. */
export function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** SIGTERM to the group, then SIGKILL if anything is left after `graceMs`. */
export async function killGroup(pid, graceMs = 3000) {
  const signal = (name) => {
    try {
      process.kill(-pid, name);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupAlive(pid) && Date.now() < deadline) await sleep(50);
  if (groupAlive(pid)) signal('SIGKILL');
  while (groupAlive(pid) && Date.now() < deadline + 2000) await sleep(50);
  groups.delete(pid);
}

/** True once a cleanup has begun (a signal or the end of the run), so an exit we caused is not an error. */
export function cleanupStarted() {
  return stopping !== undefined;
}

/** Runs every registered cleanup once; later callers await the same run. */
export function cleanupAll() {
  stopping ??= (async () => {
    for (const fn of [...asyncCleanups].reverse()) {
      asyncCleanups.delete(fn);
      try {
        await Promise.race([fn(), sleep(10_000)]);
      } catch (error) {
        say(`cleanup step failed: ${error?.message ?? error}`);
      }
    }
    await Promise.all([...groups].map((pid) => killGroup(pid)));
    removeTempDirs();
  })().finally(() => {
    stopping = undefined;
  });
  return stopping;
}

function removeTempDirs() {
  for (const dir of tempDirs) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch (error) {
      say(`could not remove ${dir}: ${error.message}`);
    }
    tempDirs.delete(dir);
  }
}

/** Installs the signal and exit hooks once per process. */
export function installCleanupHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const codes = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
  for (const [name, code] of Object.entries(codes)) {
    process.on(name, () => {
      say(`${name}: stopping and cleaning up`);
      cleanupAll().finally(() => process.exit(code));
    });
  }
  process.on('exit', () => {
    for (const pid of groups) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    removeTempDirs();
  });
}
