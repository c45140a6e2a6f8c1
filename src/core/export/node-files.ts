import {
  closeSync,
  existsSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { fsyncDir } from '../store/journal';
import { MANIFEST_FILE, type Manifest } from './manifest';
import { isInside, manifestPathComponents, safeJoin, UnsafePathError } from './paths';

/**
 * The export folder on disk. Files are staged under hidden temp names (`.part-….parquet.tmp`: Spark and
 * Hadoop skip names starting with a dot, and a `**∕*.parquet` glob does not match them), then committed:
 * an intent file lists the renames and removals, they are applied, the manifest is replaced atomically,
 * and the intent is removed. A run that dies while staging leaves the previous export untouched; one that
 * dies while committing is rolled forward by the next run.
 */
export const INTENT_FILE = '.prodlens-commit.json';
export const LOCK_BASE = '.prodlens-export';

export interface CommitIntent {
  version: 1;
  /** [staged temp path, final path], relative and `/`-separated. */
  renames: Array<[string, string]>;
  /** Files of the previous export that the new one no longer has. */
  deletes: string[];
  manifest: Manifest;
}

export class ExportFolder {
  readonly root: string;
  private realRoot: string | undefined;
  /** Folders already checked to be plain folders. */
  private readonly verified = new Set<string>();

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** Absolute path of a manifest-style relative path, proven to be inside the folder. */
  resolve(rel: string): string {
    const parts = manifestPathComponents(rel);
    if (!parts) throw new UnsafePathError(`refusing path ${JSON.stringify(rel)}`);
    return safeJoin(this.root, ...parts);
  }

  /**
   * Creates a partition folder one level at a time, refusing any existing level that is not a plain folder:
   * a symlink planted inside the export must not redirect writes (or even a mkdir) elsewhere.
   */
  ensureDir(relDir: string): string {
    const parts = manifestPathComponents(relDir);
    if (!parts) throw new UnsafePathError(`refusing path ${JSON.stringify(relDir)}`);
    let rel = '';
    let abs = this.root;
    for (const part of parts) {
      rel = rel ? `${rel}/${part}` : part;
      abs = safeJoin(this.root, ...rel.split('/'));
      if (this.verified.has(rel)) continue;
      try {
        if (!lstatSync(abs).isDirectory()) throw new UnsafePathError(`${abs} is not a plain folder (a symlink or a file); refusing to write through it`);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        mkdirSync(abs);
      }
      this.verified.add(rel);
    }
    return abs;
  }

  size(rel: string): number | null {
    try {
      return statSync(this.resolve(rel)).size;
    } catch {
      return null;
    }
  }

  /**
   * Writes staged bytes, to be renamed by `commit`. Synchronous: one call per file costs a third of the CPU
   * of open/write/close through promises, and a file of a few dozen KB goes to the page cache at once.
   */
  stage(relTemp: string, bytes: Uint8Array): void {
    writeFileSync(this.resolve(relTemp), bytes);
  }

  /**
   * Flushes staged files to disk in the background as they are staged (a few at a time on the thread
   * pool), so the disk works while the next files are encoded; `done` waits for all of them.
   */
  syncer(concurrency = 4): { add(relPath: string): void; done(): Promise<void> } {
    const queue: string[] = [];
    const running = new Set<Promise<void>>();
    let failure: { error: unknown } | undefined;
    const run = async () => {
      for (let rel = queue.shift(); rel !== undefined; rel = queue.shift()) {
        const fh = await open(this.resolve(rel), 'r+');
        try {
          await fh.datasync();
        } finally {
          await fh.close();
        }
      }
    };
    const start = () => {
      const p: Promise<void> = run().then(
        () => void running.delete(p),
        (err: unknown) => {
          running.delete(p);
          failure ??= { error: err };
        },
      );
      running.add(p);
    };
    return {
      add(relPath) {
        queue.push(relPath);
        if (running.size < concurrency) start();
      },
      async done() {
        while (running.size) await Promise.all(running);
        if (failure) throw failure.error;
      },
    };
  }

  /** Removes a file of the export; never through a symlinked folder that leads outside it. */
  removeQuietly(rel: string): void {
    try {
      const abs = this.resolve(rel);
      this.realRoot ??= realpathSync.native(this.root);
      if (!isInside(this.realRoot, realpathSync.native(path.dirname(abs)))) return;
      rmSync(abs, { force: true });
    } catch {
      // Gone already, or left for the next run's cleanup.
    }
  }

  /** Applies an intent: renames, removals, the manifest, then drops the intent. Idempotent. */
  commit(intent: CommitIntent): void {
    writeAtomic(path.join(this.root, INTENT_FILE), JSON.stringify(intent));
    this.apply(intent);
  }

  /** Finishes a commit an earlier run did not (its intent file is still there). Returns whether it did. */
  recover(): boolean {
    const file = path.join(this.root, INTENT_FILE);
    if (!existsSync(file)) return false;
    let intent: CommitIntent;
    try {
      intent = JSON.parse(readFileSync(file, 'utf8')) as CommitIntent;
    } catch {
      // Only a complete intent (written atomically) is acted on.
      rmSync(file, { force: true });
      return false;
    }
    if (intent?.version !== 1 || !Array.isArray(intent.renames) || !Array.isArray(intent.deletes) || !intent.manifest) {
      rmSync(file, { force: true });
      return false;
    }
    this.apply(intent);
    return true;
  }

  private apply(intent: CommitIntent): void {
    for (const [from, to] of intent.renames) {
      const src = this.resolve(from);
      if (existsSync(src)) renameSync(src, this.resolve(to));
    }
    for (const rel of intent.deletes) this.removeQuietly(rel);
    writeAtomic(path.join(this.root, MANIFEST_FILE), `${JSON.stringify(intent.manifest, null, 1)}\n`);
    rmSync(path.join(this.root, INTENT_FILE), { force: true });
    fsyncDir(this.root);
  }

  /**
   * Removes what no manifest names, but only what this exporter writes: its own temp files and this
   * device's `part-<device>-N.parquet` files in the dataset folders (files of other devices copied into the
   * same tree are left alone), and partition folders left empty.
   */
  cleanup(datasetDirs: string[], deviceToken: string, keep: Set<string>): number {
    let removed = 0;
    const ours = new RegExp(`^part-${escapeRe(deviceToken)}-\\d+\\.parquet$`);
    const temp = new RegExp(`^\\.part-${escapeRe(deviceToken)}-\\d+\\.parquet\\.tmp$`);
    const walk = (rel: string, depth: number): boolean => {
      let abs: string;
      try {
        abs = this.resolve(rel);
      } catch {
        return false;
      }
      let entries;
      try {
        entries = readdirSync(abs, { withFileTypes: true });
      } catch {
        return false;
      }
      let empty = true;
      for (const e of entries) {
        const child = `${rel}/${e.name}`;
        if (e.isDirectory() && e.name.includes('=') && depth < 3) {
          if (walk(child, depth + 1)) {
            try {
              rmdirSync(this.resolve(child));
              continue;
            } catch {
              // Not empty after all (a concurrent writer): keep it.
            }
          }
          empty = false;
        } else if (e.isFile() && ((ours.test(e.name) && !keep.has(child)) || temp.test(e.name))) {
          this.removeQuietly(child);
          removed += 1;
        } else empty = false;
      }
      return empty;
    };
    for (const d of datasetDirs) walk(d, 0);
    return removed;
  }

  /**
   * Refuses a folder that is neither empty nor an export: writing dataset folders into, say, a repository
   * root or a home folder is almost certainly a mistake, and cleanup must never look at foreign files.
   */
  checkUsable(topLevelNames: Set<string>): void {
    mkdirSync(this.root, { recursive: true });
    const entries = readdirSync(this.root);
    if (!entries.length || entries.includes(MANIFEST_FILE) || entries.includes(INTENT_FILE)) return;
    // Our own leftovers (lock, temp manifest of a crashed first run) start with `.prodlens`.
    const foreign = entries.filter((e) => !topLevelNames.has(e) && !e.startsWith('.prodlens'));
    if (foreign.length) {
      throw new Error(
        `${this.root} is not empty and holds no ProdLens export (found ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}); choose an empty folder or a previous export`,
      );
    }
  }
}

/** Temp file + fsync + rename + fsync of the folder. */
export function writeAtomic(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.prodlens-tmp-${path.basename(file)}`);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
