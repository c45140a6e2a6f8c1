import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';

/**
 * One process at a time owns a database file: sql.js keeps the database in memory, so two writers would
 * overwrite each other's snapshots.
 *
 * The lock file names its owner: pid, the process's start time (Linux: clock ticks since boot from
 * /proc/<pid>/stat) and the boot id, so a pid reused after a crash or a reboot is recognised as a different
 * process. A lock is created complete and atomically (written to a private file, then hard-linked into
 * place: exactly one creator wins). A stale lock is taken over under a create-exclusive takeover file and
 * replaced by an atomic rename, so two processes that find the same stale lock never both own it.
 */
export class StoreBusyError extends Error {
  constructor(
    readonly dbPath: string,
    readonly pid: number,
  ) {
    super(
      `${dbPath} is in use by another ProdLens process (pid ${pid}), for example VS Code or \`prodlens collect\`. ` +
        'Close it, or send data to its collector, or use another --db.',
    );
  }
}

/** What a lock file holds (older versions wrote the bare pid). */
export interface LockOwner {
  pid: number;
  /** Process start, clock ticks since boot (Linux); null where unknown. */
  start: number | null;
  /** /proc/sys/kernel/random/boot_id (Linux); null where unknown. */
  boot: string | null;
}

export function lockPath(dbPath: string): string {
  return `${dbPath}.lock`;
}

function takeoverPath(dbPath: string): string {
  return `${dbPath}.lock.takeover`;
}

let selfOwner: LockOwner | undefined;
export function currentOwner(): LockOwner {
  return (selfOwner ??= { pid: process.pid, start: processStartTicks(process.pid), boot: bootId() });
}

export function acquireLock(dbPath: string): void {
  const p = lockPath(dbPath);
  const me = JSON.stringify(currentOwner());
  const mine = `${p}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(mine, me);
  try {
    for (let attempt = 0; attempt < 50; attempt++) {
      if (tryLink(mine, p)) return;
      const seen = readLock(p);
      if (seen === undefined) continue; // removed meanwhile: try again
      if (!isStale(seen.owner, seen.mtimeMs)) throw new StoreBusyError(dbPath, seen.owner.pid);
      // Stale: only the holder of the takeover file may replace it.
      const t = takeoverPath(dbPath);
      if (!tryLink(mine, t)) {
        const other = readLock(t);
        // A takeover abandoned by a process that died half way is cleared; a live one is waited for.
        if (other && isStale(other.owner, other.mtimeMs)) rmSync(t, { force: true });
        else sleep(5 + attempt * 2);
        continue;
      }
      try {
        const again = readLock(p);
        if (!again || again.text !== seen.text) continue; // taken over or released meanwhile: start again
        writeFileSync(`${mine}.new`, me);
        renameSync(`${mine}.new`, p);
        return;
      } finally {
        rmSync(t, { force: true });
      }
    }
    throw new Error(`could not lock ${dbPath}: the lock file keeps changing`);
  } finally {
    rmSync(mine, { force: true });
  }
}

export function releaseLock(dbPath: string): void {
  const p = lockPath(dbPath);
  const seen = readLock(p);
  if (seen && sameOwner(seen.owner, currentOwner())) rmSync(p, { force: true });
}

/** The owner named by a lock file, or undefined when there is none. */
export function readLock(p: string): { owner: LockOwner; text: string; mtimeMs: number } | undefined {
  let text: string;
  let mtimeMs: number;
  try {
    text = readFileSync(p, 'utf8');
    mtimeMs = statSync(p).mtimeMs;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return { owner: parseOwner(text), text, mtimeMs };
}

function parseOwner(text: string): LockOwner {
  const t = text.trim();
  if (t.startsWith('{')) {
    try {
      const o = JSON.parse(t) as Partial<LockOwner>;
      return { pid: Number(o.pid), start: typeof o.start === 'number' ? o.start : null, boot: typeof o.boot === 'string' ? o.boot : null };
    } catch {
      // Unreadable: treated as naming no process.
    }
  }
  return { pid: Number(t), start: null, boot: null };
}

function sameOwner(a: LockOwner, b: LockOwner): boolean {
  return a.pid === b.pid && (a.start === null || b.start === null || a.start === b.start) && (a.boot === null || b.boot === null || a.boot === b.boot);
}

/**
 * Whether the process a lock names is gone: no such pid, another boot, or the pid now belongs to a process
 * that started later than the one that wrote the lock (a reused pid).
 */
export function isStale(owner: LockOwner, lockMtimeMs: number): boolean {
  if (!Number.isInteger(owner.pid) || owner.pid <= 0) return true;
  const boot = bootId();
  if (owner.boot && boot && owner.boot !== boot) return true;
  if (!isAlive(owner.pid)) return true;
  const start = processStartTicks(owner.pid);
  if (owner.start !== null && start !== null) return owner.start !== start;
  // A lock from an older version names only a pid: reused if that process started after the lock was written.
  const startedAt = processStartMs(owner.pid);
  if (startedAt !== null && startedAt > lockMtimeMs + 2000) return true;
  // Our own pid with no start time to tell: the same process opening twice.
  return false;
}

function tryLink(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // File systems without hard links: fall back to an exclusive create (complete before anyone reads it
    // in practice: the content is a few bytes written in one call).
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') {
      try {
        writeFileSync(to, readFileSync(from), { flag: 'wx' });
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw e;
      }
    }
    throw err;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); null off Linux or when unreadable. */
export function processStartTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const v = Number(rest[19]);
    return Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
}

/** Process start as epoch ms (Linux: boot time + start ticks at the usual 100 ticks a second). */
function processStartMs(pid: number): number | null {
  const ticks = processStartTicks(pid);
  if (ticks === null) return null;
  try {
    const btime = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    return btime ? Number(btime[1]) * 1000 + ticks * 10 : null;
  } catch {
    return null;
  }
}

function bootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
  } catch {
    return null;
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
