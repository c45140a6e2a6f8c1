import { Bool, DateDay, Dictionary, Field, Float64, Int32, Int64, TimestampMillisecond, Utf8, type DataType } from 'apache-arrow';
import type { ColumnData } from './ipc';
import { DictBuilder, Utf8Builder } from './string-columns';
import { minCapacity, Validity } from './validity';

/**
 * The column types the export writes (docs/export.md): explicit Arrow types so every reader sees the same
 * schema whatever the data — timestamps in ms UTC, int64 counts, float64 amounts, dictionary-encoded
 * low-cardinality strings.
 */
export type ColumnType = 'utf8' | 'dict' | 'int64' | 'int32' | 'float64' | 'bool' | 'timestamp_ms' | 'date32';

/** The Arrow type of a column type; dictionary ids must be unique within one schema. */
export function arrowType(type: ColumnType, dictionaryId: number): DataType {
  switch (type) {
    case 'utf8':
      return new Utf8();
    case 'dict':
      return new Dictionary(new Utf8(), new Int32(), dictionaryId);
    case 'int64':
      return new Int64();
    case 'int32':
      return new Int32();
    case 'float64':
      return new Float64();
    case 'bool':
      return new Bool();
    case 'timestamp_ms':
      return new TimestampMillisecond('UTC');
    case 'date32':
      return new DateDay();
  }
}

/** The SQL-ish type name shown in the manifest and docs (what DuckDB reports when reading the column). */
export function duckType(type: ColumnType): string {
  return {
    utf8: 'VARCHAR',
    dict: 'VARCHAR',
    int64: 'BIGINT',
    int32: 'INTEGER',
    float64: 'DOUBLE',
    bool: 'BOOLEAN',
    timestamp_ms: 'TIMESTAMP WITH TIME ZONE',
    date32: 'DATE',
  }[type];
}

const TWO_32 = 4294967296;
const DAY_MS = 86400000;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Accumulates one column, one value per row (SQLite values: numbers, strings, null), straight into typed
 * buffers (MEASURED.md: `vectorFromArray` took 2.3 s for 1M strings, building the buffers directly 94 ms).
 * Callers keep one array per builder class so each `push` call site sees a single class and is inlined:
 * a loop dispatching over all classes ran several times slower.
 */
export interface ColumnBuilder {
  push(value: unknown): void;
  finish(): ColumnData;
}

/** Options of a string column: NULL replaced by `ifNull`, values passed through `map` (pseudonyms). */
export interface StringOptions {
  ifNull?: string;
  map?: (value: string) => string;
  /** A number `n` stands for `known[n]` (SQLite returned the index instead of the string). */
  known?: readonly string[] | null;
}

export function columnBuilder(type: ColumnType, capacity: number, opts: StringOptions = {}): ColumnBuilder {
  switch (type) {
    case 'utf8':
      return new Utf8Builder(capacity, opts);
    case 'dict':
      return new DictBuilder(capacity, opts);
    case 'int64':
    case 'timestamp_ms':
      return new Int64Builder(capacity);
    case 'int32':
      return new Int32Builder(capacity);
    case 'date32':
      return new DateBuilder(capacity);
    case 'float64':
      return new Float64Builder(capacity);
    case 'bool':
      return new BoolBuilder(capacity);
  }
}

/** A column of `count` copies of one value. */
export function constantColumn(type: ColumnType, value: unknown, count: number): ColumnData {
  const b = columnBuilder(type, count);
  for (let i = 0; i < count; i++) b.push(value);
  return b.finish();
}

class Int64Builder implements ColumnBuilder {
  private words: Int32Array;
  private readonly valid: Validity;
  private length = 0;

  constructor(private capacity: number) {
    this.capacity = minCapacity(capacity);
    this.words = new Int32Array(this.capacity * 2);
    this.valid = new Validity(this.capacity);
  }

  push(v: unknown): void {
    if (this.length === this.capacity) this.grow();
    const i = this.length++;
    if (typeof v === 'number' && Number.isFinite(v)) {
      const t = Math.trunc(v);
      // Two 32-bit halves instead of a BigInt per value (values stay below 2^53).
      this.words[2 * i] = t >>> 0;
      this.words[2 * i + 1] = Math.floor(t / TWO_32) | 0;
      this.valid.bits[i >> 3]! |= 1 << (i & 7);
    } else this.valid.nulls++;
  }

  finish(): ColumnData {
    return this.valid.column(this.length, [this.words.subarray(0, this.length * 2)]);
  }

  private grow(): void {
    this.capacity *= 2;
    const next = new Int32Array(this.capacity * 2);
    next.set(this.words);
    this.words = next;
    this.valid.grow(this.capacity);
  }
}

class Int32Builder implements ColumnBuilder {
  private values: Int32Array;
  private readonly valid: Validity;
  private length = 0;

  constructor(private capacity: number) {
    this.capacity = minCapacity(capacity);
    this.values = new Int32Array(this.capacity);
    this.valid = new Validity(this.capacity);
  }

  push(v: unknown): void {
    if (this.length === this.capacity) this.grow();
    const i = this.length++;
    if (typeof v === 'number' && Number.isFinite(v)) {
      this.values[i] = Math.trunc(v);
      this.valid.bits[i >> 3]! |= 1 << (i & 7);
    } else this.valid.nulls++;
  }

  finish(): ColumnData {
    return this.valid.column(this.length, [this.values.subarray(0, this.length)]);
  }

  private grow(): void {
    this.capacity *= 2;
    const next = new Int32Array(this.capacity);
    next.set(this.values);
    this.values = next;
    this.valid.grow(this.capacity);
  }
}

/** Date32: `YYYY-MM-DD` strings as days since the epoch; anything else is NULL. */
class DateBuilder implements ColumnBuilder {
  private values: Int32Array;
  private readonly valid: Validity;
  private length = 0;
  private lastText: unknown;
  private lastDays = NaN;

  constructor(private capacity: number) {
    this.capacity = minCapacity(capacity);
    this.values = new Int32Array(this.capacity);
    this.valid = new Validity(this.capacity);
  }

  push(v: unknown): void {
    if (this.length === this.capacity) this.grow();
    const i = this.length++;
    if (v !== this.lastText) {
      this.lastText = v;
      const ms = typeof v === 'string' && DAY_RE.test(v) ? Date.parse(`${v}T00:00:00Z`) : NaN;
      this.lastDays = Number.isFinite(ms) ? Math.floor(ms / DAY_MS) : NaN;
    }
    if (Number.isFinite(this.lastDays)) {
      this.values[i] = this.lastDays;
      this.valid.bits[i >> 3]! |= 1 << (i & 7);
    } else this.valid.nulls++;
  }

  finish(): ColumnData {
    return this.valid.column(this.length, [this.values.subarray(0, this.length)]);
  }

  private grow(): void {
    this.capacity *= 2;
    const next = new Int32Array(this.capacity);
    next.set(this.values);
    this.values = next;
    this.valid.grow(this.capacity);
  }
}

class Float64Builder implements ColumnBuilder {
  private values: Float64Array;
  private readonly valid: Validity;
  private length = 0;

  constructor(private capacity: number) {
    this.capacity = minCapacity(capacity);
    this.values = new Float64Array(this.capacity);
    this.valid = new Validity(this.capacity);
  }

  push(v: unknown): void {
    if (this.length === this.capacity) this.grow();
    const i = this.length++;
    if (typeof v === 'number') {
      this.values[i] = v;
      this.valid.bits[i >> 3]! |= 1 << (i & 7);
    } else this.valid.nulls++;
  }

  finish(): ColumnData {
    return this.valid.column(this.length, [this.values.subarray(0, this.length)]);
  }

  private grow(): void {
    this.capacity *= 2;
    const next = new Float64Array(this.capacity);
    next.set(this.values);
    this.values = next;
    this.valid.grow(this.capacity);
  }
}

class BoolBuilder implements ColumnBuilder {
  private bits: Uint8Array;
  private readonly valid: Validity;
  private length = 0;

  constructor(private capacity: number) {
    this.capacity = minCapacity(capacity);
    this.bits = new Uint8Array((this.capacity + 7) >> 3);
    this.valid = new Validity(this.capacity);
  }

  push(v: unknown): void {
    if (this.length === this.capacity) this.grow();
    const i = this.length++;
    if (v === null || v === undefined) {
      this.valid.nulls++;
      return;
    }
    if (v === true || (typeof v === 'number' && v !== 0)) this.bits[i >> 3]! |= 1 << (i & 7);
    this.valid.bits[i >> 3]! |= 1 << (i & 7);
  }

  finish(): ColumnData {
    return this.valid.column(this.length, [this.bits.subarray(0, (this.length + 7) >> 3)]);
  }

  private grow(): void {
    this.capacity *= 2;
    const next = new Uint8Array((this.capacity + 7) >> 3);
    next.set(this.bits);
    this.bits = next;
    this.valid.grow(this.capacity);
  }
}

/** An Arrow field for a column (nullable unless the store guarantees a value). */
export function arrowField(name: string, type: ColumnType, nullable: boolean, dictionaryId: number): Field {
  return new Field(name, arrowType(type, dictionaryId), nullable);
}
