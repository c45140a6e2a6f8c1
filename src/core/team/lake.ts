/**
 * The lake: one or more folders holding ProdLens exports (one export, or one subfolder per device as a shared
 * drive holds them). Reads the manifests, checks each export's files against its manifest (the manifest's
 * file list is the export, docs/export.md), and decides which exports the report reads: an unknown schema
 * version is unreadable, and when the same device was exported into two folders only its newest export is
 * read (the other is a duplicate and would double its events).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { EXPORT_SCHEMA_VERSION } from '../export/datasets';
import { MANIFEST_FILE, MANIFEST_FORMAT, type Manifest } from '../export/manifest';
import type { Dataset } from './sql';

export const TEAM_DATASETS: readonly Dataset[] = [
  'sessions',
  'commits',
  'pull_requests',
  'experiment_units',
  'daily_usage',
  'commits_compact',
  'pull_requests_compact',
];

/** The folder of a dataset in an export, and whether it is hive-partitioned (docs/export.md). */
const DATASET_DIR: Record<Dataset, [dir: string, partitioned: boolean]> = {
  sessions: ['sessions', true],
  commits: ['commits', true],
  pull_requests: ['pull_requests', true],
  experiment_units: ['experiment_units', false],
  daily_usage: ['_aggregates/daily_usage', false],
  commits_compact: ['_aggregates/commits_compact', false],
  pull_requests_compact: ['_aggregates/pull_requests_compact', false],
};

export interface LakeExport {
  /** The export folder. */
  root: string;
  deviceId: string | null;
  schemaVersion: number | null;
  exporterVersion: string | null;
  exportedAt: string | null;
  /** Pseudonym key id; null when not pseudonymized. */
  keyId: string | null;
  timeRange: { from: string | null; until: string | null };
  files: number;
  rows: number;
  /** used: read; duplicate: an older export of a device also exported elsewhere; unreadable: not read. */
  status: 'used' | 'duplicate' | 'unreadable';
  problems: string[];
  /** Listed files that are missing or have another size. */
  missingFiles: string[];
  /** Parquet files in the folder that its manifest does not list (not part of the export; not read). */
  unlistedFiles: string[];
  /** Files named for another device (`part-<other>-n`): trees of two devices copied into one export folder. */
  foreignFiles: string[];
  /** Per dataset, what DuckDB reads: a glob when the folder matches its manifest, else the listed files. */
  paths: Partial<Record<Dataset, string[]>>;
  /**
   * The datasets the exporter knew (the manifest's `datasets`, files or not): an export that knew
   * `daily_usage` is read from it and from the `*_compact` copies; an older one from its events, commits
   * and pull requests.
   */
  datasets: string[];
}

export class LakeError extends Error {}

/** The export folders under the given lake folders (a folder with a manifest, or its subfolders with one). */
export function findExportRoots(dirs: readonly string[]): string[] {
  const roots: string[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new LakeError(`${dir} is not a folder`);
    if (existsSync(path.join(dir, MANIFEST_FILE))) {
      roots.push(dir);
      continue;
    }
    const found: string[] = [];
    const walk = (d: string, depth: number) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (!e.isDirectory() || e.name.startsWith('.')) continue;
        const sub = path.join(d, e.name);
        if (existsSync(path.join(sub, MANIFEST_FILE))) found.push(sub);
        else if (depth < 2) walk(sub, depth + 1);
      }
    };
    walk(dir, 1);
    if (found.length === 0) throw new LakeError(`${dir} holds no ProdLens export (no ${MANIFEST_FILE} in it or in its subfolders)`);
    roots.push(...found.sort());
  }
  return [...new Set(roots.map((r) => path.resolve(r)))];
}

/** Reads and checks every export; marks duplicates and unreadable ones. */
export function readLake(dirs: readonly string[]): LakeExport[] {
  const exports = findExportRoots(dirs).map(readExport);
  const byDevice = new Map<string, LakeExport[]>();
  for (const e of exports) {
    if (e.status !== 'used' || !e.deviceId) continue;
    byDevice.set(e.deviceId, [...(byDevice.get(e.deviceId) ?? []), e]);
  }
  for (const [device, list] of byDevice) {
    if (list.length < 2) continue;
    list.sort((a, b) => (b.exportedAt ?? '').localeCompare(a.exportedAt ?? ''));
    for (const older of list.slice(1)) {
      older.status = 'duplicate';
      older.problems.push(`device ${device} was also exported to ${list[0]!.root} (newer, ${list[0]!.exportedAt}); this copy is not read`);
    }
  }
  return exports;
}

function readExport(root: string): LakeExport {
  const base: LakeExport = {
    root,
    deviceId: null,
    schemaVersion: null,
    exporterVersion: null,
    exportedAt: null,
    keyId: null,
    timeRange: { from: null, until: null },
    files: 0,
    rows: 0,
    status: 'unreadable',
    problems: [],
    missingFiles: [],
    unlistedFiles: [],
    foreignFiles: [],
    paths: {},
    datasets: [],
  };
  let m: Manifest;
  try {
    m = JSON.parse(readFileSync(path.join(root, MANIFEST_FILE), 'utf8')) as Manifest;
  } catch (err) {
    base.problems.push(`${MANIFEST_FILE} cannot be read: ${(err as Error).message}`);
    return base;
  }
  if (m.format !== MANIFEST_FORMAT || !Array.isArray(m.files)) {
    base.problems.push(`${MANIFEST_FILE} is not a ProdLens export manifest`);
    return base;
  }
  Object.assign(base, {
    deviceId: m.deviceId ?? null,
    schemaVersion: m.schemaVersion ?? null,
    exporterVersion: m.exporterVersion ?? null,
    exportedAt: m.exportedAt ?? null,
    keyId: m.pseudonymization?.keyId ?? null,
    timeRange: { from: m.timeRange?.from ?? null, until: m.timeRange?.until ?? null },
    files: m.files.length,
    rows: m.totals?.rows ?? 0,
    datasets: m.datasets && typeof m.datasets === 'object' ? Object.keys(m.datasets).sort() : [],
  });
  if (m.schemaVersion !== EXPORT_SCHEMA_VERSION) {
    base.problems.push(`schema version ${m.schemaVersion} is not ${EXPORT_SCHEMA_VERSION}: not read (a newer ProdLens wrote it)`);
    return base;
  }
  base.status = 'used';
  const listed = new Set<string>();
  for (const f of m.files) {
    listed.add(f.path);
    const abs = path.join(root, ...f.path.split('/'));
    let size = -1;
    try {
      size = statSync(abs).size;
    } catch {
      // missing
    }
    if (size !== f.bytes) base.missingFiles.push(f.path);
    const device = /^part-(.+)-\d+\.parquet$/.exec(path.posix.basename(f.path))?.[1];
    if (device && m.deviceId && device !== m.deviceId) base.foreignFiles.push(f.path);
  }
  const present = new Set<string>();
  for (const ds of ['sessions', 'commits', 'pull_requests', 'experiment_units', 'metric_points', '_aggregates']) {
    const dir = path.join(root, ds);
    if (!existsSync(dir)) continue;
    for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (!e.isFile() || !e.name.endsWith('.parquet')) continue;
      const rel = path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join('/');
      present.add(rel);
      if (!listed.has(rel)) base.unlistedFiles.push(rel);
    }
  }
  if (base.missingFiles.length)
    base.problems.push(`${base.missingFiles.length} file(s) the manifest lists are missing or changed (copy incomplete?); they are not read`);
  if (base.unlistedFiles.length)
    base.problems.push(`${base.unlistedFiles.length} Parquet file(s) not in the manifest (left from another export?); they are not read`);
  if (base.foreignFiles.length)
    base.problems.push(`${base.foreignFiles.length} file(s) named for another device: another export's tree was copied into this folder`);
  const exact = base.missingFiles.length === 0 && base.unlistedFiles.length === 0;
  for (const ds of TEAM_DATASETS) {
    const files = m.files.filter((f) => f.dataset === ds && present.has(f.path) && !base.missingFiles.includes(f.path));
    if (files.length === 0) continue;
    const [dir, partitioned] = DATASET_DIR[ds];
    base.paths[ds] = exact
      ? [path.join(root, ...dir.split('/'), ...(partitioned ? ['**'] : []), '*.parquet')]
      : files.map((f) => path.join(root, ...f.path.split('/')));
  }
  return base;
}
