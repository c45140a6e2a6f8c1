import { closeSync, existsSync, fstatSync, openSync, readdirSync, readSync, renameSync, rmSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import type { Database } from 'sql.js';
import { growableFileBytes, type MemfsAccess, type MemfsNode, type MemfsStreamOps } from './node-sqljs';
import path from 'node:path';
import { fsyncDir } from './journal';

const HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Cheap structural check of a SQLite file before it is trusted: the magic header, a valid page size, and a
 * file length that matches the page count recorded in the header (catches truncation and garbage without
 * reading every page).
 */
export function checkSnapshot(bytes: Uint8Array): string | null {
  return checkSnapshotHeader(bytes, bytes.length);
}

/** checkSnapshot of a file of `length` bytes from its first bytes (at least the 100-byte header). */
export function checkSnapshotHeader(bytes: Uint8Array, length: number): string | null {
  if (length < 100 || bytes.length < 100) return `file is ${length} bytes, smaller than a SQLite header`;
  if (!Buffer.from(bytes.buffer, bytes.byteOffset, 16).equals(HEADER)) return 'not a SQLite database (bad header)';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pageSize = view.getUint16(16);
  if (pageSize === 1) pageSize = 65536;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) return `invalid page size ${pageSize}`;
  const pageCount = view.getUint32(28);
  const changeCounter = view.getUint32(24);
  const versionValidFor = view.getUint32(92);
  if (pageCount > 0 && changeCounter === versionValidFor && pageCount * pageSize !== length) {
    return `file holds ${length} bytes but its header says ${pageCount * pageSize} (truncated or padded)`;
  }
  if (length % pageSize !== 0) return `file length ${length} is not a multiple of the page size ${pageSize}`;
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
    // Grows in place once sql.js owns it (node-sqljs.ts): the first write past its end copies nothing.
    const out = growableFileBytes(size);
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
  await replaceWithTemp(p, tmp);
}

/**
 * Removes temp files of snapshots that were being written when their process died (`<db>.tmp-<pid>`; a
 * 500 MiB one per crash otherwise). Only the lock's owner calls it: no one else writes them. Returns the names.
 */
export function removeStaleSnapshotTemps(p: string): string[] {
  const prefix = `${path.basename(p)}.tmp-`;
  const removed: string[] = [];
  for (const name of readdirSync(path.dirname(p))) {
    if (!name.startsWith(prefix) || !/^\d+$/.test(name.slice(prefix.length))) continue;
    rmSync(path.join(path.dirname(p), name), { force: true });
    removed.push(name);
  }
  return removed;
}

/** The last step of both writers: the previous snapshot becomes `.bak`, the temp file the snapshot, the folder fsynced. */
async function replaceWithTemp(p: string, tmp: string): Promise<void> {
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

/** Bytes copied per step of a copy-on-write snapshot (~1–3 ms of copying on the machines measured). */
export const COW_CHUNK_BYTES = 4 * 1024 * 1024;

/** Copies being written, by the shared MEMFS write they watch (one wrapper per stream-ops object). */
const watching = new Map<MemfsStreamOps, Set<CopyOnWrite>>();

/**
 * The database file as it was at one moment, read in chunks while the database goes on changing: sql.js
 * keeps the file in an in-memory array (MEMFS), and every write to it passes through MEMFS's shared write
 * operation. Before a write lands in a chunk not yet taken, that chunk's old bytes are kept aside. Once the
 * file outgrows its array MEMFS moves it to a new one, and the old array (ours) is not written again.
 *
 * Begin only with no transaction open (then the file is exactly the committed database); writes and
 * transactions during the copy are fine. Memory: the chunks overwritten before they were taken.
 */
export class CopyOnWrite {
  readonly size: number;
  private readonly chunks: number;
  private readonly taken: Uint8Array;
  private readonly kept = new Map<number, Uint8Array>();
  private live = true;
  /** Chunks kept aside because a write reached them first (bench, tests). */
  keptChunks = 0;

  private constructor(
    private readonly memfs: MemfsAccess,
    private readonly node: MemfsNode,
    private readonly ops: MemfsStreamOps,
    private readonly bytes: Uint8Array,
    size: number,
    private readonly chunkBytes: number,
  ) {
    this.size = size;
    this.chunks = Math.ceil(size / chunkBytes);
    this.taken = new Uint8Array(this.chunks);
  }

  /** Starts a copy of `db`'s file; undefined when sql.js was not loaded with MEMFS access (or the file is empty). */
  static begin(memfs: MemfsAccess | undefined, db: Database, chunkBytes = COW_CHUNK_BYTES): CopyOnWrite | undefined {
    if (!memfs) return undefined;
    const node = memfs.node(db);
    const bytes = memfs.contents(node);
    const size = memfs.used(node);
    if (!bytes || size === 0) return undefined;
    const ops = memfs.streamOps(node);
    const copy = new CopyOnWrite(memfs, node, ops, bytes, size, chunkBytes);
    let set = watching.get(ops);
    if (!set) {
      set = new Set();
      watching.set(ops, set);
      const write = ops.write;
      const copies = set;
      ops.write = function (stream, buffer, offset, length, position, canOwn) {
        for (const c of copies) if (stream.node === c.node) c.beforeWrite(position, length);
        return write.call(this, stream, buffer, offset, length, position, canOwn);
      };
    }
    set.add(copy);
    return copy;
  }

  get chunkCount(): number {
    return this.chunks;
  }

  /** The bytes of chunk `i` as they were when the copy began (a copy the caller owns). */
  take(i: number): Uint8Array {
    const start = i * this.chunkBytes;
    const end = Math.min(this.size, start + this.chunkBytes);
    const out = this.kept.get(i) ?? this.bytes.slice(start, end);
    this.kept.delete(i);
    this.taken[i] = 1;
    if (i === 0 && out.length > 19) {
      // As sql.js's export: file format versions 1 (rollback journal), never WAL.
      out[18] = 1;
      out[19] = 1;
    }
    return out;
  }

  /** Stops watching writes (always call, also on failure). */
  end(): void {
    this.kept.clear();
    this.stopWatching();
  }

  private beforeWrite(position: number, length: number): void {
    if (!this.live) return;
    if (this.memfs.contents(this.node)?.buffer !== this.bytes.buffer) {
      // The file moved to a new buffer: ours is no longer written to, nothing more to keep (growing in
      // place keeps the buffer and only makes a new view of it).
      this.stopWatching();
      return;
    }
    if (position >= this.size) return;
    const last = Math.min(this.chunks - 1, Math.floor((position + Math.max(1, length) - 1) / this.chunkBytes));
    for (let i = Math.floor(position / this.chunkBytes); i <= last; i++) {
      if (this.taken[i] || this.kept.has(i)) continue;
      this.kept.set(i, this.bytes.slice(i * this.chunkBytes, Math.min(this.size, (i + 1) * this.chunkBytes)));
      this.keptChunks += 1;
    }
  }

  private stopWatching(): void {
    this.live = false;
    watching.get(this.ops)?.delete(this);
  }
}

/**
 * Writes a copy-on-write snapshot as writeSnapshotAtomic does (temp file, fsync, `.bak`, rename, fsync of
 * the folder), one chunk per turn of the event loop, so no step blocks it for long. Returns the bytes written.
 */
export async function writeSnapshotCopy(p: string, copy: CopyOnWrite): Promise<number> {
  const tmp = `${p}.tmp-${process.pid}`;
  const fh = await open(tmp, 'w');
  try {
    let pos = 0;
    for (let i = 0; i < copy.chunkCount; i++) {
      const bytes = copy.take(i);
      if (i === 0) {
        const damage = checkSnapshotHeader(bytes, copy.size);
        if (damage) throw new Error(`refusing to write a snapshot: ${damage}`);
      }
      let done = 0;
      while (done < bytes.length) {
        const { bytesWritten } = await fh.write(bytes, done, bytes.length - done, pos + done);
        done += bytesWritten;
      }
      pos += bytes.length;
    }
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fh.close();
  await replaceWithTemp(p, tmp);
  return copy.size;
}
