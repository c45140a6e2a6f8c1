import { closeSync, existsSync, fstatSync, openSync, readSync, renameSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import path from 'node:path';
import { fsyncDir } from './journal';

const HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Cheap structural check of a SQLite file before it is trusted: the magic header, a valid page size, and a
 * file length that matches the page count recorded in the header (catches truncation and garbage without
 * reading every page).
 */
export function checkSnapshot(bytes: Uint8Array): string | null {
  if (bytes.length < 100) return `file is ${bytes.length} bytes, smaller than a SQLite header`;
  if (!Buffer.from(bytes.buffer, bytes.byteOffset, 16).equals(HEADER)) return 'not a SQLite database (bad header)';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pageSize = view.getUint16(16);
  if (pageSize === 1) pageSize = 65536;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) return `invalid page size ${pageSize}`;
  const pageCount = view.getUint32(28);
  const changeCounter = view.getUint32(24);
  const versionValidFor = view.getUint32(92);
  if (pageCount > 0 && changeCounter === versionValidFor && pageCount * pageSize !== bytes.length) {
    return `file holds ${bytes.length} bytes but its header says ${pageCount * pageSize} (truncated or padded)`;
  }
  if (bytes.length % pageSize !== 0) return `file length ${bytes.length} is not a multiple of the page size ${pageSize}`;
  return null;
}

/**
 * sql.js holds the whole database in WebAssembly memory (at most 4 GiB, and an export needs a second copy):
 * past this size ProdLens warns and suggests a retention period.
 */
export const SIZE_WARNING_BYTES = 1024 * 1024 * 1024;
/** Larger files are not loaded at all (they could not be opened by sql.js). */
export const MAX_SNAPSHOT_BYTES = 2 * 1024 * 1024 * 1024 - 64 * 1024;
const READ_CHUNK = 8 * 1024 * 1024;

/** A snapshot that cannot be loaded because of its size (not because it is damaged). */
export class SnapshotTooLarge extends Error {}

/**
 * Reads a snapshot if it exists, in chunks into one buffer (`readFileSync` refuses files over 2 GiB);
 * null when absent.
 */
export function readSnapshot(p: string): Uint8Array | null {
  if (!existsSync(p)) return null;
  const fd = openSync(p, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > MAX_SNAPSHOT_BYTES) {
      throw new SnapshotTooLarge(
        `${p} is ${(size / 1048576).toFixed(0)} MiB, more than sql.js can load (${(MAX_SNAPSHOT_BYTES / 1048576).toFixed(0)} MiB); run \`prodlens prune --keep-days N\` on a machine with this file, or set prodlens.retention.days`,
      );
    }
    const out = new Uint8Array(size);
    let pos = 0;
    while (pos < size) {
      const n = readSync(fd, out, pos, Math.min(READ_CHUNK, size - pos), pos);
      if (n <= 0) break;
      pos += n;
    }
    return pos === size ? out : out.subarray(0, pos);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes the bytes atomically: temp file, fsync, keep the previous snapshot as `.bak`, rename, fsync the
 * folder. A reader (or a crash) sees either the old complete file or the new complete file.
 */
export async function writeSnapshotAtomic(p: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${p}.tmp-${process.pid}`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
  if (existsSync(p)) await rename(p, backupPath(p));
  await rename(tmp, p);
  fsyncDir(path.dirname(p));
}

export function backupPath(p: string): string {
  return `${p}.bak`;
}

/** Moves a damaged file aside (kept for inspection) and returns where it went. */
export function moveAside(p: string, nowMs: number): string {
  const stamp = new Date(nowMs).toISOString().replace(/[:.]/g, '-');
  const target = `${p}.corrupt-${stamp}`;
  renameSync(p, target);
  return target;
}
