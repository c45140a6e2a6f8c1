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
import type { Dataset } from '../store/team-lake-sql';

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
  /** Listed files that are missing or have another size (of the datasets the report reads). */
  missingFiles: string[];
  /** Parquet files in a day-partitioned folder the report reads that its manifest does not list (not read). */
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
  /** AI use is summed from the events (no complete daily_usage). */
  usageFromEvents: boolean;
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
    usageFromEvents: false,
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
  const byDataset = new Map<string, Manifest['files']>();
  for (const f of m.files) {
    const list = byDataset.get(f.dataset);
    if (list) list.push(f);
    else byDataset.set(f.dataset, [f]);
    const device = /^part-(.+)-\d+\.parquet$/.exec(path.posix.basename(f.path))?.[1];
    if (device && m.deviceId && device !== m.deviceId) base.foreignFiles.push(f.path);
  }
  const listedOf = (ds: Dataset) => byDataset.get(ds) ?? [];
  const missing = (files: Manifest['files']) =>
    files.filter((f) => statSync(path.join(root, ...f.path.split('/')), { throwIfNoEntry: false })?.size !== f.bytes).map((f) => f.path);
  // Only what the report reads is checked and read (a year of events is hundreds of files per device): the
  // one-file datasets when the exporter wrote them and they are complete, else the day-partitioned ones.
  const read = new Set<Dataset>(['experiment_units']);
  for (const [compact, perDay] of [
    ['daily_usage', 'sessions'],
    ['commits_compact', 'commits'],
    ['pull_requests_compact', 'pull_requests'],
  ] as const) {
    const gone = base.datasets.includes(compact) ? missing(listedOf(compact)) : null;
    if (gone && gone.length === 0) read.add(compact);
    else {
      base.missingFiles.push(...(gone ?? []));
      read.add(perDay);
    }
  }
  base.usageFromEvents = read.has('sessions');
  // Self-experiments match units to events by time.
  if (listedOf('experiment_units').length) read.add('sessions');
  for (const ds of TEAM_DATASETS) {
    if (!read.has(ds)) continue;
    const listedFiles = listedOf(ds);
    const [dir, partitioned] = DATASET_DIR[ds];
    const gone = new Set(ds === 'daily_usage' || ds.endsWith('_compact') ? [] : missing(listedFiles));
    base.missingFiles.push(...gone);
    const present = listedFiles.filter((f) => !gone.has(f.path));
    if (!partitioned) {
      // Read by their listed names: a stray file in the folder is never read.
      if (present.length) base.paths[ds] = present.map((f) => path.join(root, ...f.path.split('/')));
      continue;
    }
    const listed = new Set(listedFiles.map((f) => f.path));
    let unlisted = 0;
    const abs = path.join(root, ...dir.split('/'));
    if (existsSync(abs))
      for (const e of readdirSync(abs, { recursive: true, withFileTypes: true })) {
        if (!e.isFile() || !e.name.endsWith('.parquet')) continue;
        const rel = path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join('/');
        if (!listed.has(rel)) {
          base.unlistedFiles.push(rel);
          unlisted++;
        }
      }
    if (present.length === 0) continue;
    base.paths[ds] = gone.size === 0 && unlisted === 0 ? [path.join(abs, '**', '*.parquet')] : present.map((f) => path.join(root, ...f.path.split('/')));
  }
  if (base.missingFiles.length)
    base.problems.push(`${base.missingFiles.length} file(s) the manifest lists are missing or changed (copy incomplete?); they are not read`);
  if (base.unlistedFiles.length)
    base.problems.push(`${base.unlistedFiles.length} Parquet file(s) not in the manifest (left from another export?); they are not read`);
  if (base.foreignFiles.length)
    base.problems.push(`${base.foreignFiles.length} file(s) named for another device: another export's tree was copied into this folder`);
  return base;
}
