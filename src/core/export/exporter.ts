import { createHash } from 'node:crypto';
import path from 'node:path';
import { silentLogger, systemClock, type Clock, type Logger } from '../ports';
import { acquireLock, releaseLock, StoreBusyError } from '../store/lock';
import type { Store } from '../store/store';
import { BatchEncoder, type PartitionColumns } from './batch-encoder';
import type { AnalysisOptions } from '../report/correlations';
import { scopeCorrelationSource, type CorrelationScope, type CorrelationSource } from './correlations';
import { DATASETS, EXPORT_SCHEMA_VERSION, type DatasetName, type DatasetSpec } from './datasets';
import { describeDataset, isCurrentSchema, MANIFEST_FILE, MANIFEST_FORMAT, readManifest, type Manifest, type ManifestFile } from './manifest';
import { ExportFolder, LOCK_BASE } from './node-files';
import { ParquetWasmLoader } from './node-parquet';
import { ParquetPool, workerScript } from './parquet-pool';
import { fileToken, NULL_PARTITION } from './paths';
import { appendOnlyFingerprint, partitionDir, planDataset, selectionOf, specDigest, type DatasetPlan, type ExportFilter } from './plan';
import type { Pseudonymizer } from './pseudonymize';
import { readPartitions, resolveKnown, selectList, type PartitionBatch } from '../store/export-reader';
import { readWholeRows } from '../store/whole-datasets';

export interface ExportOptions {
  outDir: string;
  filter?: ExportFilter;
  /** Replace identities by keyed pseudonyms (--pseudonymize). */
  pseudonymizer?: Pseudonymizer;
  /** Where correlation results come from (default: computed now for the export's scope, `scopeCorrelationSource`). */
  correlations?: CorrelationSource;
  /** Lags and minimum pairs of the exported correlations (the report's options; default 0–3 and 6). */
  analysis?: AnalysisOptions;
  signal?: AbortSignal;
  onProgress?: (progress: ExportProgress) => void;
  logger?: Logger;
  clock?: Clock;
  exporterVersion: string;
  parquet?: ParquetWasmLoader;
  /** Rows per file at most (bounds WASM memory, which never shrinks); larger partitions get several files. */
  maxRowsPerFile?: number;
  /**
   * Threads encoding Parquet (default 1: all on the calling thread). N > 1 starts N - 1 worker threads, each
   * with its own parquet-wasm, which encode while this thread reads rows and builds the Arrow data.
   */
  threads?: number;
  /** fsync every file before the commit (default true). */
  durable?: boolean;
  /** Called after each file is staged; an exception thrown here stops the export there (tests). */
  onFileStaged?: (staged: number) => void;
}

export interface ExportProgress {
  phase: 'planning' | 'writing' | 'committing' | 'done';
  dataset?: DatasetName;
  filesStaged: number;
  /** Partitions planned for writing (a partition may yield several files, or none if it became empty). */
  partitionsToWrite: number;
  rowsStaged: number;
}

export interface DatasetSummary {
  files: number;
  rows: number;
  filesWritten: number;
}

export interface ExportSummary {
  outDir: string;
  manifestPath: string;
  exportedAt: string;
  /** Files (re)written by this run. */
  filesWritten: number;
  rowsWritten: number;
  /** Files of the previous export kept because their partitions did not change. */
  filesUnchanged: number;
  /** Files of the previous export removed (partitions emptied or outside the filter) plus leftovers. */
  filesRemoved: number;
  files: number;
  rows: number;
  bytes: number;
  datasets: Partial<Record<DatasetName, DatasetSummary>>;
  /** An earlier interrupted commit was finished first. */
  recovered: boolean;
  durationMs: number;
}

export class ExportCancelledError extends Error {}

const DEFAULT_MAX_ROWS = 250_000;
/** Worker threads at most (each holds a parquet-wasm instance whose memory never shrinks). */
const MAX_WORKERS = 8;
/** Starting workers costs ~100 ms each (a thread and a WASM instance): not worth it for a few files. */
const MIN_PARTITIONS_FOR_WORKERS = 16;
/** The export yields to the event loop this often (ms), so an extension host stays responsive. */
const YIELD_EVERY_MS = 25;

/**
 * Exports the store as hive-partitioned Parquet (docs/export.md), incrementally: partitions that did not
 * change since the files of the previous manifest were written are kept (plan.ts); the others are staged
 * under hidden temp names and committed together with the new manifest. Cancelling (signal) or failing
 * before the commit leaves the previous export exactly as it was.
 */
export async function exportParquet(store: Store, options: ExportOptions): Promise<ExportSummary> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const started = clock.now();
  const folder = new ExportFolder(options.outDir);
  const filter = options.filter ?? {};
  const job = `export:${createHash('sha256').update(folder.root).digest('hex').slice(0, 12)}`;
  const specs = DATASETS.filter((d) => filter.repo === undefined || d.perRepository);
  folder.checkUsable(new Set(DATASETS.map((d) => d.dir.split('/')[0]!)));
  const lockBase = path.join(folder.root, LOCK_BASE);
  try {
    acquireLock(lockBase);
  } catch (err) {
    if (err instanceof StoreBusyError) throw new Error(`another export into ${folder.root} is running (pid ${err.pid}); wait for it to finish`);
    throw err;
  }
  const staged: Array<[string, string]> = [];
  let pool: ParquetPool | undefined;
  let syncer: ReturnType<ExportFolder['syncer']> | undefined;
  /** Files being encoded by the pool's workers, and the first error one of them met. */
  const inflight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  try {
    const recovered = folder.recover();
    if (recovered) logger.info(`finished the commit of an interrupted export in ${folder.root}`);
    const previous = readManifest(path.join(folder.root, MANIFEST_FILE));
    if (previous && previous.deviceId !== store.deviceId) {
      // Replacing it would delete another installation's export; each export belongs in its own folder.
      throw new Error(
        `${folder.root} holds the export of another ProdLens installation (device ${previous.deviceId}); export into an empty folder, or delete that one first`,
      );
    }
    const reusable = previous && isCurrentSchema(previous) ? previous.files : [];

    const optionsDigest = JSON.stringify([store.deviceId, options.pseudonymizer?.keyId ?? null]);
    const size = (rel: string) => folder.size(rel);
    const plans: DatasetPlan[] = [];
    const correlationRows: Array<Record<string, unknown>[]> = [];
    const wholeRows = new Map<DatasetName, unknown[][]>();
    for (const spec of specs) {
      const digest = specDigest(spec, optionsDigest);
      if (spec.whole) plans.push(planWhole(store, spec, digest, filter, plans, reusable, size, wholeRows));
      else if (spec.name === 'correlations') {
        const source = options.correlations ?? scopeCorrelationSource(options.analysis);
        plans.push(
          planCorrelations(store, spec, digest, source, { since: filter.since, until: filter.until, nowMs: started }, reusable, size, correlationRows),
        );
      } else plans.push(planDataset(store, spec, filter, digest, reusable, size));
    }
    // A re-read day of an append-only dataset counts as the partitions it had (it may rewrite fewer).
    const partitionsToWrite = plans.reduce(
      (n, p) =>
        n +
        p.write.reduce(
          (m, w) => m + (p.appendOnly ? Math.max(1, [...p.appendOnly.previousByDir.keys()].filter((d) => d.startsWith(`${w.dir}/`)).length) : 1),
          0,
        ),
      0,
    );
    const progress: ExportProgress = { phase: 'planning', filesStaged: 0, partitionsToWrite, rowsStaged: 0 };
    options.onProgress?.({ ...progress });

    const token = fileToken(store.deviceId);
    const written: ManifestFile[] = [];
    /** Previous files of re-read days whose partitions turned out unchanged. */
    const reused: ManifestFile[] = [];
    if (partitionsToWrite) {
      const workers = Math.min(Math.max(0, Math.floor(options.threads ?? 1) - 1), MAX_WORKERS);
      pool = workers > 0 && partitionsToWrite >= MIN_PARTITIONS_FOR_WORKERS && workerScript() ? new ParquetPool(workers) : undefined;
      const encoder = pool ? undefined : await (options.parquet ?? new ParquetWasmLoader()).load();
      // Staged files are flushed to disk while the next ones are encoded (fsync before the commit).
      syncer = (options.durable ?? true) ? folder.syncer() : undefined;
      const ensured = new Set<string>();
      let lastYield = performance.now();
      progress.phase = 'writing';
      for (const plan of plans) {
        if (!plan.write.length) continue;
        progress.dataset = plan.spec.name;
        const byDir = new Map(plan.write.map((p) => [p.dir, p]));
        const known = plan.spec.name === 'correlations' ? [] : resolveKnown(store, plan.spec);
        const builder = new BatchEncoder(plan.spec, store.deviceId, options.pseudonymizer, known);
        const batches: Iterable<PartitionBatch<PartitionColumns>> = plan.spec.whole
          ? wholeBatches(builder, wholeRows.get(plan.spec.name) ?? [], options.maxRowsPerFile ?? DEFAULT_MAX_ROWS)
          : plan.spec.name === 'correlations'
            ? correlationBatches(builder, correlationRows)
            : readPartitions(store, plan.spec, selectionOf(plan.write), {
                deviceId: store.deviceId,
                repoSlug: filter.repo,
                maxRowsPerFile: options.maxRowsPerFile ?? DEFAULT_MAX_ROWS,
                known,
                newSink: (day, capacity) => builder.newPartition(day, capacity),
              });
        for (const batch of batches) {
          if (options.signal?.aborted) throw new ExportCancelledError('export cancelled; the previous export is unchanged');
          const dir = partitionDir(plan.spec, batch.dayKey, batch.repoKey);
          const rows = batch.sink.rows;
          let fingerprint: string;
          if (plan.appendOnly) {
            const daySig = byDir.get(partitionDir({ ...plan.spec, repoExpr: null }, batch.dayKey, null))!.fingerprint;
            if (batch.sliced) fingerprint = `${daySig}:sliced`;
            else {
              fingerprint = appendOnlyFingerprint(plan, daySig, dir, batch.lastRowid ?? -1, rows);
              const old = plan.appendOnly.previousByDir.get(dir);
              const own = fingerprint.slice(fingerprint.indexOf(':'));
              if (old?.length === 1 && old[0]!.fingerprint.endsWith(own) && size(old[0]!.path) === old[0]!.bytes) {
                reused.push({ ...old[0]!, fingerprint });
                continue;
              }
            }
          } else fingerprint = byDir.get(dir)!.fingerprint;
          const ipc = builder.encode(batch.sink);
          const encodeOptions = {
            ...builder.encodings,
            metadata: { 'prodlens.dataset': plan.spec.name, 'prodlens.schema_version': String(EXPORT_SCHEMA_VERSION) },
          };
          if (!ensured.has(dir)) {
            folder.ensureDir(dir);
            ensured.add(dir);
          }
          const spec = plan.spec;
          const { dayKey, repoKey, part } = batch;
          const stage = (bytes: Uint8Array) => {
            const rel = `${dir}/part-${token}-${part}.parquet`;
            const tmp = `${dir}/.part-${token}-${part}.parquet.tmp`;
            staged.push([tmp, rel]);
            folder.stage(tmp, bytes);
            syncer?.add(tmp);
            written.push(manifestEntry(spec, dayKey, repoKey, fingerprint, rel, rows, bytes));
            progress.filesStaged += 1;
            progress.rowsStaged += rows;
            options.onFileStaged?.(progress.filesStaged);
            options.onProgress?.({ ...progress });
          };
          if (pool) {
            // Files are staged as their workers finish them (the manifest is sorted at the end); a few
            // wait per worker so none idles while this thread reads the next partition.
            while (inflight.size >= pool.size * 3) await Promise.race(inflight);
            if (failure) throw failure.error;
            const task: Promise<void> = pool.encode(ipc, encodeOptions).then(
              (bytes) => {
                inflight.delete(task);
                try {
                  stage(bytes);
                } catch (err) {
                  failure ??= { error: err };
                }
              },
              (err: unknown) => {
                inflight.delete(task);
                failure ??= { error: err };
              },
            );
            inflight.add(task);
          } else stage(encoder!.encode(ipc, encodeOptions));
          if (performance.now() - lastYield > YIELD_EVERY_MS) {
            await new Promise((resolve) => setImmediate(resolve));
            lastYield = performance.now();
          }
        }
      }
      await Promise.all(inflight);
      if (failure) throw failure.error;
      await syncer?.done();
    }
    if (options.signal?.aborted) throw new ExportCancelledError('export cancelled; the previous export is unchanged');

    progress.phase = 'committing';
    options.onProgress?.({ ...progress });
    const exportedAt = new Date(clock.now()).toISOString();
    const kept = [...plans.flatMap((p) => p.keep), ...reused];
    const files = [...kept, ...written].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const manifest = buildManifest(store.deviceId, exportedAt, options, specs, files);
    const paths = new Set(files.map((f) => f.path));
    const deletes = (previous?.files ?? []).map((f) => f.path).filter((p) => !paths.has(p) && /\/part-[^/]+\.parquet$/.test(p));
    folder.commit({ version: 1, renames: staged, deletes, manifest });
    staged.length = 0;
    const leftovers = folder.cleanup([...new Set(DATASETS.map((d) => d.dir))], token, paths);

    const summary: ExportSummary = {
      outDir: folder.root,
      manifestPath: path.join(folder.root, MANIFEST_FILE),
      exportedAt,
      filesWritten: written.length,
      rowsWritten: written.reduce((n, f) => n + f.rows, 0),
      filesUnchanged: kept.length,
      filesRemoved: deletes.length + leftovers,
      files: files.length,
      rows: manifest.totals.rows,
      bytes: manifest.totals.bytes,
      datasets: Object.fromEntries(
        specs.map((s) => {
          const of = files.filter((f) => f.dataset === s.name);
          return [s.name, { files: of.length, rows: of.reduce((n, f) => n + f.rows, 0), filesWritten: written.filter((f) => f.dataset === s.name).length }];
        }),
      ),
      recovered,
      durationMs: clock.now() - started,
    };
    store.setCheckpoint(job, exportedAt, { outDir: folder.root, files: summary.files, rows: summary.rows, filesWritten: summary.filesWritten });
    progress.phase = 'done';
    options.onProgress?.({ ...progress });
    return summary;
  } catch (err) {
    // Files still being encoded are staged when they finish, and flushed: wait, then remove them all.
    await Promise.all(inflight);
    await syncer?.done().catch(() => undefined);
    for (const [tmp] of staged) folder.removeQuietly(tmp);
    store.recordJobError(job, (err as Error).message);
    throw err;
  } finally {
    await pool?.close();
    releaseLock(lockBase);
  }
}

function manifestEntry(
  spec: DatasetSpec,
  dayKey: string | null,
  repoKey: string | null,
  fingerprint: string,
  rel: string,
  rows: number,
  bytes: Uint8Array,
): ManifestFile {
  const partition: Record<string, string> = {};
  if (spec.dayExpr) partition.event_date = dayKey ?? NULL_PARTITION;
  if (spec.repoExpr) partition.repo = repoKey ?? NULL_PARTITION;
  return {
    path: rel,
    dataset: spec.name,
    partition,
    rows,
    bytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    fingerprint,
  };
}

function buildManifest(deviceId: string, exportedAt: string, options: ExportOptions, specs: readonly DatasetSpec[], files: ManifestFile[]): Manifest {
  const days = files
    .map((f) => f.partition.event_date)
    .filter((d): d is string => !!d && d !== NULL_PARTITION)
    .sort();
  return {
    format: MANIFEST_FORMAT,
    schemaVersion: EXPORT_SCHEMA_VERSION,
    exporterVersion: options.exporterVersion,
    deviceId,
    exportedAt,
    filter: { since: options.filter?.since ?? null, until: options.filter?.until ?? null, repo: options.filter?.repo ?? null },
    pseudonymization: options.pseudonymizer ? { method: 'hmac-sha256', keyId: options.pseudonymizer.keyId } : null,
    timeRange: { from: days[0] ?? null, until: days[days.length - 1] ?? null },
    totals: { files: files.length, rows: files.reduce((n, f) => n + f.rows, 0), bytes: files.reduce((n, f) => n + f.bytes, 0) },
    datasets: Object.fromEntries(
      specs.map((s) => [
        s.name,
        describeDataset(
          s,
          files.filter((f) => f.dataset === s.name),
        ),
      ]),
    ),
    files,
  };
}

/** Correlations are a handful of rows from the analysis: fingerprinted by content, one unpartitioned file. */
function planCorrelations(
  store: Store,
  spec: DatasetSpec,
  digest: string,
  source: CorrelationSource,
  scope: CorrelationScope,
  previous: ManifestFile[],
  size: (rel: string) => number | null,
  out: Array<Record<string, unknown>[]>,
): DatasetPlan {
  const rows = source.rows(store, scope) as unknown as Record<string, unknown>[];
  const plan: DatasetPlan = { spec, write: [], keep: [] };
  if (!rows.length) return plan;
  // When it ran is not content: the same results keep the file written earlier.
  const content = rows.map(({ computed_at: _at, ...rest }) => rest);
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([digest, content]))
    .digest('hex')
    .slice(0, 32);
  const old = previous.filter((f) => f.dataset === spec.name);
  if (old.length && old.every((f) => f.fingerprint === fingerprint && size(f.path) === f.bytes)) {
    plan.keep.push(...old);
    return plan;
  }
  plan.write.push({ dayKey: null, repoKey: null, dir: spec.dir, fingerprint, rawDays: [] });
  out.push(rows);
  return plan;
}

/**
 * A whole dataset (`_aggregates/daily_usage`, `commits_compact`, `pull_requests_compact`) is computed from the
 * dataset it summarizes or copies: its fingerprint is that dataset's planned partition fingerprints (day
 * signatures for append-only tables, which change with any insert, update or delete of the day), so an
 * export whose events did not change keeps the file without running its query.
 */
function planWhole(
  store: Store,
  spec: DatasetSpec,
  digest: string,
  filter: ExportFilter,
  plans: readonly DatasetPlan[],
  previous: ManifestFile[],
  size: (rel: string) => number | null,
  out: Map<DatasetName, unknown[][]>,
): DatasetPlan {
  const whole = spec.whole!;
  const base = plans.find((p) => p.spec.name === whole.from);
  const sig = (f: string) => (f.includes(':') ? f.slice(0, f.indexOf(':')) : f);
  const baseSigs = base ? [...new Set([...base.keep.map((f) => sig(f.fingerprint)), ...base.write.map((w) => w.fingerprint)])].sort() : [];
  // `<what it was read from>:<what it holds>`. The first part keeps the file without a query when no base
  // partition was planned for a re-read; a base partition re-read but found unchanged (an UPDATE that left a
  // row as it was, a duplicate marked) changes the first part only, and the rows' hash then keeps the file.
  const from = createHash('sha256')
    .update(JSON.stringify([digest, filter, baseSigs]))
    .digest('hex')
    .slice(0, 32);
  const plan: DatasetPlan = { spec, write: [], keep: [] };
  const old = previous.filter((f) => f.dataset === spec.name);
  const intact = old.length > 0 && old.every((f) => size(f.path) === f.bytes);
  if (base && intact && old.every((f) => sig(f.fingerprint) === from)) {
    plan.keep.push(...old);
    return plan;
  }
  const { exprs } = selectList(spec);
  const rows = readWholeRows(store, { table: spec.table, select: exprs, orderBy: spec.orderBy, ...whole }, filter, store.deviceId);
  const holds = createHash('sha256')
    .update(JSON.stringify([digest, rows], (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)))
    .digest('hex')
    .slice(0, 32);
  const fingerprint = `${from}:${holds}`;
  if (base && intact && old.every((f) => f.fingerprint.endsWith(`:${holds}`))) {
    plan.keep.push(...old.map((f) => ({ ...f, fingerprint })));
    return plan;
  }
  if (!rows.length) return plan;
  plan.write.push({ dayKey: null, repoKey: null, dir: spec.dir, fingerprint, rawDays: [] });
  out.set(spec.name, rows);
  return plan;
}

/** A whole dataset's rows (already in the select-list layout) as unpartitioned batches of at most `maxRows`. */
function* wholeBatches(builder: BatchEncoder, rows: unknown[][], maxRows: number): Generator<PartitionBatch<PartitionColumns>> {
  for (let part = 0; part * maxRows < rows.length; part++) {
    const slice = rows.slice(part * maxRows, (part + 1) * maxRows);
    const sink = builder.newPartition(null, slice.length);
    for (const row of slice) sink.add(row);
    yield { dayKey: null, repoKey: null, part, sliced: rows.length > maxRows, sink };
  }
}

/** The correlation rows as one unpartitioned batch, in the dataset's select-list layout. */
function* correlationBatches(builder: BatchEncoder, pending: Array<Record<string, unknown>[]>): Generator<PartitionBatch<PartitionColumns>> {
  for (const rows of pending) {
    const sink = builder.newPartition(null);
    for (const r of rows) {
      const row: unknown[] = [null, null];
      builder.spec.columns.forEach((c, j) => {
        const at = builder.index[j]!;
        if (at < 0) return;
        const v = r[c.name] ?? null;
        row[at] = c.type === 'timestamp_ms' && typeof v === 'string' ? Date.parse(v) : v;
      });
      sink.add(row);
    }
    yield { dayKey: null, repoKey: null, part: 0, sliced: false, sink };
  }
}
