import { createHash } from 'node:crypto';
import type { Database } from 'sql.js';
import { EXPORT_SCHEMA_VERSION, type DatasetSpec } from './datasets';
import type { ManifestFile } from './manifest';
import { dayPartitionValue, NULL_PARTITION, partitionValue } from './paths';
import type { Selection } from './reader';

/** Rows the export covers: inclusive UTC days and one repository (raw `owner/name`). */
export interface ExportFilter {
  since?: string;
  until?: string;
  repo?: string;
}

/** One partition of one dataset, with the fingerprint of what it would be written from. */
export interface PlannedPartition {
  dayKey: string | null;
  repoKey: string | null;
  /** Folder relative to the export root, `/`-separated. */
  dir: string;
  fingerprint: string;
  rawDays: string[];
}

/** What a dataset's export has to do: partitions to (re)write, and previous files kept as they are. */
export interface DatasetPlan {
  spec: DatasetSpec;
  write: PlannedPartition[];
  keep: ManifestFile[];
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

/**
 * Plans a table-backed dataset from the partition version counters (export_partitions, maintained by
 * triggers): a partition is rewritten when its fingerprint differs from the one recorded for its files in
 * the previous manifest, or when one of those files is missing or has another size on disk.
 */
export function planDataset(
  db: Database,
  spec: DatasetSpec,
  filter: ExportFilter,
  digest: string,
  previous: ManifestFile[],
  fileSize: (relPath: string) => number | null,
): DatasetPlan {
  const where = ['dataset = $dataset'];
  const params: Record<string, string> = { $dataset: spec.name };
  if (filter.since) {
    where.push('event_date >= $since');
    params.$since = filter.since;
  }
  if (filter.until) {
    where.push('event_date <= $until');
    params.$until = filter.until;
  }
  if (filter.repo !== undefined) {
    where.push('repo_slug = $repo');
    params.$repo = filter.repo;
  }
  const res = db.exec(`SELECT event_date, repo_slug, version FROM export_partitions WHERE ${where.join(' AND ')} ORDER BY event_date, repo_slug`, params);
  const byDir = new Map<string, { dayKey: string | null; repoKey: string | null; entries: Array<[string, string, number]>; rawDays: Set<string> }>();
  for (const [rawDay, rawRepo, version] of (res[0]?.values ?? []) as Array<[string, string, number]>) {
    const dayKey = spec.dayExpr ? dayPartitionValue(rawDay) : null;
    const repoKey = spec.repoExpr ? partitionValue(rawRepo) : null;
    const dir = partitionDir(spec, dayKey, repoKey);
    let p = byDir.get(dir);
    if (!p) byDir.set(dir, (p = { dayKey, repoKey, entries: [], rawDays: new Set() }));
    p.entries.push([rawDay, rawRepo, version]);
    p.rawDays.add(rawDay);
  }
  const previousByDir = new Map<string, ManifestFile[]>();
  for (const f of previous) {
    if (f.dataset !== spec.name) continue;
    const dir = f.path.slice(0, f.path.lastIndexOf('/'));
    previousByDir.set(dir, [...(previousByDir.get(dir) ?? []), f]);
  }
  const plan: DatasetPlan = { spec, write: [], keep: [] };
  for (const [dir, p] of byDir) {
    const fingerprint = createHash('sha256').update(JSON.stringify([digest, p.entries])).digest('hex').slice(0, 32);
    const old = previousByDir.get(dir) ?? [];
    const unchanged = old.length > 0 && old.every((f) => f.fingerprint === fingerprint && fileSize(f.path) === f.bytes);
    if (unchanged) plan.keep.push(...old);
    else plan.write.push({ dayKey: p.dayKey, repoKey: p.repoKey, dir, fingerprint, rawDays: [...p.rawDays].sort() });
  }
  return plan;
}

/** The reader's selection for the partitions to write. */
export function selectionOf(partitions: PlannedPartition[]): Selection {
  const sel: Selection = new Map();
  for (const p of partitions) {
    let s = sel.get(p.dayKey);
    if (!s) sel.set(p.dayKey, (s = { rawDays: [], repoKeys: new Set() }));
    for (const d of p.rawDays) if (!s.rawDays.includes(d)) s.rawDays.push(d);
    s.repoKeys!.add(p.repoKey);
  }
  return sel;
}
