import { Schema } from 'apache-arrow';
import { arrowField, columnBuilder, constantColumn, type ColumnBuilder, type StringOptions } from './columns';
import type { DatasetSpec } from './datasets';
import { IpcStreamWriter, type ColumnData } from './ipc';
import type { Pseudonymizer } from './pseudonymize';
import { selectedColumns } from '../store/export-reader';

/** Columns whose Parquet chunks are written without dictionary encoding or without compression. */
export interface ColumnEncodings {
  /** High-cardinality columns: a dictionary would cost hashing and save nothing. */
  plain: string[];
  /**
   * Chunks that are already tiny once dictionary/RLE encoded (low-cardinality strings, flags, small ints):
   * a ZSTD frame per chunk costs more time than the bytes it saves (docs/export.md).
   */
  uncompressed: string[];
}

/**
 * The columns of one output file, filled row by row as rows come out of SQLite (row arrays are touched
 * once, while in cache). Builders are grouped by class and each group has its own loop in `add`, so every
 * `push` call site sees one class and is inlined.
 */
export class PartitionColumns {
  rows = 0;
  private readonly builders: Array<ColumnBuilder | null>;
  private readonly groups: Array<[ColumnBuilder[], number[]]> = [];

  constructor(
    private readonly encoder: BatchEncoder,
    /** The partition's raw day (`event_date` fill). */
    readonly day: string | null,
    capacity: number,
  ) {
    const byClass = new Map<string, [ColumnBuilder[], number[]]>();
    this.builders = encoder.spec.columns.map((c, j) => {
      const idx = encoder.index[j]!;
      if (idx < 0) return null;
      const b = columnBuilder(c.type, capacity, encoder.stringOptions[j]);
      const cls = c.type === 'timestamp_ms' ? 'int64' : c.type;
      let g = byClass.get(cls);
      if (!g) byClass.set(cls, (g = [[], []]));
      g[0].push(b);
      g[1].push(idx);
      return b;
    });
    this.groups = [...byClass.values()];
    while (this.groups.length < 7) this.groups.push([[], []]);
  }

  add(row: readonly unknown[]): void {
    // Seven literal loops (one per builder class), not one loop over the groups.
    const [g0, g1, g2, g3, g4, g5, g6] = this.groups as [Group, Group, Group, Group, Group, Group, Group];
    for (let k = 0, b = g0[0], c = g0[1]; k < b.length; k++) b[k]!.push(row[c[k]!]);
    for (let k = 0, b = g1[0], c = g1[1]; k < b.length; k++) b[k]!.push(row[c[k]!]);
    for (let k = 0, b = g2[0], c = g2[1]; k < b.length; k++) b[k]!.push(row[c[k]!]);
    for (let k = 0, b = g3[0], c = g3[1]; k < b.length; k++) b[k]!.push(row[c[k]!]);
    for (let k = 0, b = g4[0], c = g4[1]; k < b.length; k++) b[k]!.push(row[c[k]!]);
    for (let k = 0, b = g5[0], c = g5[1]; k < b.length; k++) b[k]!.push(row[c[k]!]);
    for (let k = 0, b = g6[0], c = g6[1]; k < b.length; k++) b[k]!.push(row[c[k]!]);
    this.rows++;
  }

  finish(): ColumnData[] {
    return this.encoder.spec.columns.map((c, j) => {
      const b = this.builders[j];
      if (b) return b.finish();
      return constantColumn(c.type, c.fill === 'day' ? this.day : this.encoder.deviceId, this.rows);
    });
  }
}

type Group = [ColumnBuilder[], number[]];

/** Per dataset: the schema, the Parquet column encodings, and rows → Arrow IPC stream. */
export class BatchEncoder {
  readonly schema: Schema;
  readonly encodings: ColumnEncodings;
  readonly index: number[];
  readonly stringOptions: StringOptions[];
  private readonly ipc: IpcStreamWriter;

  constructor(
    readonly spec: DatasetSpec,
    readonly deviceId: string,
    pseudonymizer: Pseudonymizer | undefined,
    /** Per column, the values the reader returns as indexes (`resolveKnown`). */
    known: ReadonlyArray<readonly string[] | null> = [],
  ) {
    // Dictionary ids are the column positions: unique within the schema, the same in every file.
    this.schema = new Schema(spec.columns.map((c, i) => arrowField(c.name, c.type, c.nullable, i)));
    this.ipc = new IpcStreamWriter(
      this.schema,
      spec.columns.map((c, i) => (c.type === 'dict' ? i : null)),
    );
    this.index = selectedColumns(spec);
    this.stringOptions = spec.columns.map((c, j) => {
      const o: StringOptions = { known: known[j] ?? null };
      if (c.fill === 'device') o.ifNull = deviceId;
      if (pseudonymizer && c.identity) o.map = pseudonymizer.pseudonym;
      if (pseudonymizer && c.name === 'attrs') o.map = pseudonymizer.scrubText;
      return o;
    });
    this.encodings = {
      plain: spec.columns.filter((c) => ['utf8', 'int64', 'float64', 'timestamp_ms'].includes(c.type)).map((c) => c.name),
      uncompressed: spec.columns.filter((c) => ['dict', 'bool', 'int32', 'date32'].includes(c.type)).map((c) => c.name),
    };
  }

  newPartition(day: string | null, capacity = 64): PartitionColumns {
    return new PartitionColumns(this, day, capacity);
  }

  /** The Arrow IPC stream (schema, dictionaries, one record batch) of a partition's rows. */
  encode(p: PartitionColumns): Uint8Array {
    return this.ipc.write(p.finish(), p.rows);
  }
}
