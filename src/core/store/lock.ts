import { readFileSync, rmSync, writeFileSync } from 'node:fs';

/**
 * One process at a time owns a database file: sql.js keeps the database in memory, so two writers would
 * overwrite each other's snapshots. The lock file holds the owner's pid; a lock whose process is gone is
 * taken over.
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

export function lockPath(dbPath: string): string {
  return `${dbPath}.lock`;
}

export function acquireLock(dbPath: string): void {
  const p = lockPath(dbPath);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(p, String(process.pid), { flag: 'wx' });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = Number(readFileSync(p, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) throw new StoreBusyError(dbPath, pid);
    if (pid === process.pid) throw new StoreBusyError(dbPath, pid);
    rmSync(p, { force: true });
  }
  throw new Error(`could not lock ${dbPath}`);
}

export function releaseLock(dbPath: string): void {
  const p = lockPath(dbPath);
  try {
    if (Number(readFileSync(p, 'utf8').trim()) === process.pid) rmSync(p, { force: true });
  } catch {
    // Already gone.
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
