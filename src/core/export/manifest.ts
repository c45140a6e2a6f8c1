import { readFileSync } from 'node:fs';
import { duckType } from './columns';
import { DATASETS, EXPORT_SCHEMA_VERSION, type DatasetName, type DatasetSpec } from './datasets';
import { manifestPathComponents } from './paths';

export const MANIFEST_FILE = '_manifest.json';
export const MANIFEST_FORMAT = 'prodlens-parquet-export';

/** One Parquet file of the export. */
export interface ManifestFile {
  /** `/`-separated, relative to the export folder. */
  path: string;
  dataset: DatasetName;
  /** Hive partition values as they appear in the path (`event_date`, `repo`). */
  partition: Record<string, string>;
  rows: number;
  bytes: number;
  sha256: string;
  /** What the file was written from (partition versions, schema, pseudonym key): equal means unchanged. */
  fingerprint: string;
}

export interface ManifestColumn {
  name: string;
  /** What DuckDB reports (VARCHAR, BIGINT, DOUBLE, BOOLEAN, DATE, TIMESTAMP WITH TIME ZONE, INTEGER). */
  type: string;
  /** The Arrow type written. */
  arrow: string;
  nullable: boolean;
  unit?: string;
  description: string;
}

export interface ManifestDataset {
  path: string;
  partitionKeys: string[];
  description: string;
  rows: number;
  files: number;
  columns: ManifestColumn[];
}

/** `_manifest.json`: written last; the list of files it names is the export (docs/export.md). */
export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  schemaVersion: number;
  exporterVersion: string;
  deviceId: string;
  exportedAt: string;
  filter: { since: string | null; until: string | null; repo: string | null };
  pseudonymization: { method: 'hmac-sha256'; keyId: string } | null;
  /** First and last `event_date` over the exported rows (null when nothing dated was exported). */
  timeRange: { from: string | null; until: string | null };
  totals: { files: number; rows: number; bytes: number };
  datasets: Partial<Record<DatasetName, ManifestDataset>>;
  files: ManifestFile[];
}

const ARROW_NAMES: Record<string, string> = {
  utf8: 'Utf8',
  dict: 'Dictionary<Int32, Utf8>',
  int64: 'Int64',
  int32: 'Int32',
  float64: 'Float64',
  bool: 'Bool',
  timestamp_ms: 'Timestamp<MILLISECOND, UTC>',
  date32: 'Date32<DAY>',
};

export function partitionKeys(spec: DatasetSpec): string[] {
  return [...(spec.dayExpr ? ['event_date'] : []), ...(spec.repoExpr ? ['repo'] : [])];
}

/** The schema part of a dataset's manifest entry. */
export function describeDataset(spec: DatasetSpec, files: ManifestFile[]): ManifestDataset {
  return {
    path: spec.dir,
    partitionKeys: partitionKeys(spec),
    description: spec.description,
    rows: files.reduce((n, f) => n + f.rows, 0),
    files: files.length,
    columns: spec.columns.map((c) => ({
      name: c.name,
      type: duckType(c.type),
      arrow: ARROW_NAMES[c.type]!,
      nullable: c.nullable,
      ...(c.unit ? { unit: c.unit } : {}),
      description: c.description,
    })),
  };
}

/**
 * The previous export's manifest, when the folder holds a readable one of this format. Its file entries are
 * trusted only as far as they are well-formed: paths are re-checked before any use.
 */
export function readManifest(file: string): Manifest | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
  if (!parsed || typeof parsed !== 'object') return null;
  const m = parsed as Partial<Manifest>;
  if (m.format !== MANIFEST_FORMAT || typeof m.deviceId !== 'string' || !Array.isArray(m.files)) return null;
  const names = new Set(DATASETS.map((d) => d.name));
  const files = m.files.filter(
    (f): f is ManifestFile =>
      !!f &&
      typeof f === 'object' &&
      manifestPathComponents(f.path) !== null &&
      names.has(f.dataset) &&
      typeof f.fingerprint === 'string' &&
      Number.isSafeInteger(f.bytes) &&
      Number.isSafeInteger(f.rows) &&
      typeof f.sha256 === 'string',
  );
  return { ...(m as Manifest), files };
}

export function isCurrentSchema(m: Manifest): boolean {
  return m.schemaVersion === EXPORT_SCHEMA_VERSION;
}
