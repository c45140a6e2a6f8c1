import { createHash } from 'node:crypto';
import { EXPORT_SCHEMA_VERSION, type DatasetSpec } from './datasets';
import type { ManifestFile } from './manifest';
import { dayPartitionValue, NULL_PARTITION, partitionValue } from './paths';
import { daySignatures, partitionVersions, type Selection } from '../store/export-reader';
import type { Store } from '../store/store';

/** Rows the export covers: inclusive UTC days and one repository (raw `owner/name`). */
export interface ExportFilter {
  since?: string;
  until?: string;
  repo?: string;
}

/**
 * What to read: one partition (day and repository), or for append-only datasets a whole day (`repoKey`
 * undefined) whose partitions are discovered, and compared one by one, while it is read.
 */
export interface PlannedPartition {
  dayKey: string | null;
  repoKey?: string | null;
  /** The partition's folder, or the day's for a whole day, relative to the export root, `/`-separated. */
  dir: string;
  /** The fingerprint of the partition, or of the day (the prefix of its files' fingerprints). */
  fingerprint: string;
  rawDays: string[];
}

/** What a dataset's export has to do: partitions or days to (re)read, and previous files kept as they are. */
export interface DatasetPlan {
  spec: DatasetSpec;
  write: PlannedPartition[];
  keep: ManifestFile[];
  /** Append-only datasets: how to fingerprint a partition found while reading, and its previous files. */
  appendOnly?: {
    digest: string;
    /** Update/delete counters per partition folder. */
    versions: Map<string, Array<[string, string, number]>>;
    previousByDir: Map<string, ManifestFile[]>;
  };
}

/** The partition folder of a dataset (`sessions/event_date=2026-01-05/repo=acme__api`). */
export function partitionDir(spec: DatasetSpec, dayKey: string | null, repoKey: string | null): string {
  const parts = [spec.dir];
  if (spec.dayExpr) parts.push(`event_date=${dayKey ?? NULL_PARTITION}`);
  if (spec.repoExpr) parts.push(`repo=${repoKey ?? NULL_PARTITION}`);
  return parts.join('/');
}

/** Changes whenever the dataset's columns or the export options that shape its bytes change. */
export function specDigest(spec: DatasetSpec, optionsDigest: string): string {
  return createHash('sha256')
    .update(JSON.stringify([EXPORT_SCHEMA_VERSION, spec.columns.map((c) => [c.name, c.type, c.sql ?? '', c.fill ?? '', !!c.identity]), optionsDigest]))
    .digest('hex');
}

function hash(value: unknown, length = 32): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, length);
}

function byDirOf(spec: DatasetSpec, files: ManifestFile[]): Map<string, ManifestFile[]> {
  const m = new Map<string, ManifestFile[]>();
  for (const f of files) {
    if (f.dataset !== spec.name) continue;
    const dir = f.path.slice(0, f.path.lastIndexOf('/'));
    m.set(dir, [...(m.get(dir) ?? []), f]);
  }
  return m;
}

const fresh = (old: ManifestFile[], fileSize: (relPath: string) => number | null) => old.every((f) => fileSize(f.path) === f.bytes);

/**
 * Plans a dataset whose every change moves a partition counter: a partition is rewritten when its
 * fingerprint differs from the one recorded for its files in the previous manifest, or when one of those
 * files is missing or has another size on disk.
 */
export function planDataset(
  store: Store,
  spec: DatasetSpec,
  filter: ExportFilter,
  digest: string,
  previous: ManifestFile[],
  fileSize: (relPath: string) => number | null,
): DatasetPlan {
  if (spec.read === 'range') return planAppendOnly(store, spec, filter, digest, previous, fileSize);
  const byDir = new Map<string, { dayKey: string | null; repoKey: string | null; entries: Array<[string, string, number]>; rawDays: Set<string> }>();
  for (const [rawDay, rawRepo, version] of partitionVersions(store, spec, filter)) {
    const dayKey = spec.dayExpr ? dayPartitionValue(rawDay) : null;
    const repoKey = spec.repoExpr ? partitionValue(rawRepo) : null;
    const dir = partitionDir(spec, dayKey, repoKey);
    let p = byDir.get(dir);
    if (!p) byDir.set(dir, (p = { dayKey, repoKey, entries: [], rawDays: new Set() }));
    p.entries.push([rawDay, rawRepo, version]);
    p.rawDays.add(rawDay);
  }
  const previousByDir = byDirOf(spec, previous);
  const plan: DatasetPlan = { spec, write: [], keep: [] };
  for (const [dir, p] of byDir) {
    const fingerprint = hash([digest, p.entries]);
    const old = previousByDir.get(dir) ?? [];
    if (old.length > 0 && old.every((f) => f.fingerprint === fingerprint) && fresh(old, fileSize)) plan.keep.push(...old);
    else plan.write.push({ dayKey: p.dayKey, repoKey: p.repoKey, dir, fingerprint, rawDays: [...p.rawDays].sort() });
  }
  return plan;
}

/**
 * Append-mostly tables (sessions, metric_points) have no insert trigger (it would cost every ingest): a
 * day's signature is its max rowid and row count, read from the day index without touching the rows, plus
 * the update/delete counters of its partitions. A day whose signature matches the prefix of all its
 * previous files' fingerprints is kept whole; any other day is read, and each partition found is compared
 * by its own signature (max rowid, count, counters), so only changed partitions are encoded and written.
 * Rowids only grow, so new rows always move the max rowid of their partition.
 */
function planAppendOnly(
  store: Store,
  spec: DatasetSpec,
  filter: ExportFilter,
  digest: string,
  previous: ManifestFile[],
  fileSize: (relPath: string) => number | null,
): DatasetPlan {
  const days = new Map<string | null, { rawDays: Set<string>; entries: unknown[] }>();
  const dayOf = (rawDay: string) => {
    const dayKey = dayPartitionValue(rawDay);
    let d = days.get(dayKey);
    if (!d) days.set(dayKey, (d = { rawDays: new Set(), entries: [] }));
    d.rawDays.add(rawDay);
    return d;
  };
  for (const [rawDay, maxId, count] of daySignatures(store, spec, filter)) dayOf(rawDay).entries.push([rawDay, maxId, count]);
  const versions = new Map<string, Array<[string, string, number]>>();
  for (const row of partitionVersions(store, spec, { ...filter, repo: undefined })) {
    const [rawDay, rawRepo] = row;
    dayOf(rawDay).entries.push(row);
    const dir = partitionDir(spec, dayPartitionValue(rawDay), partitionValue(rawRepo));
    versions.set(dir, [...(versions.get(dir) ?? []), row]);
  }
  const previousByDir = byDirOf(spec, previous);
  const previousByDay = new Map<string | null, ManifestFile[]>();
  for (const f of previous)
    if (f.dataset === spec.name) previousByDay.set(f.partition.event_date ?? null, [...(previousByDay.get(f.partition.event_date ?? null) ?? []), f]);
  const plan: DatasetPlan = { spec, write: [], keep: [], appendOnly: { digest, versions, previousByDir } };
  for (const [dayKey, d] of days) {
    const daySig = hash([digest, filter.repo ?? null, d.entries.sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0))], 16);
    const old = previousByDay.get(dayKey) ?? [];
    if (old.length > 0 && old.every((f) => f.fingerprint.startsWith(`${daySig}:`)) && fresh(old, fileSize)) plan.keep.push(...old);
    else plan.write.push({ dayKey, dir: partitionDir({ ...spec, repoExpr: null }, dayKey, null), fingerprint: daySig, rawDays: [...d.rawDays].sort() });
  }
  return plan;
}

/**
 * The fingerprint of a partition of an append-only dataset found while reading its day: the day's
 * signature, then the partition's own (max rowid, rows, update/delete counters).
 */
export function appendOnlyFingerprint(plan: DatasetPlan, daySig: string, dir: string, lastRowid: number, rows: number): string {
  const a = plan.appendOnly!;
  return `${daySig}:${hash([a.digest, lastRowid, rows, a.versions.get(dir) ?? []])}`;
}

/** The reader's selection for the partitions (or whole days) to read. */
export function selectionOf(partitions: PlannedPartition[]): Selection {
  const sel: Selection = new Map();
  for (const p of partitions) {
    let s = sel.get(p.dayKey);
    if (!s) sel.set(p.dayKey, (s = { rawDays: [], repoKeys: new Set() }));
    for (const d of p.rawDays) if (!s.rawDays.includes(d)) s.rawDays.push(d);
    if (p.repoKey === undefined) s.repoKeys = null;
    else s.repoKeys?.add(p.repoKey);
  }
  return sel;
}
