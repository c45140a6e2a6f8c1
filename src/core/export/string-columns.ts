import type { ColumnBuilder, StringOptions } from './columns';
import type { ColumnData } from './ipc';
import { minCapacity, Validity } from './validity';

const encoder = new TextEncoder();

/** UTF-8 bytes and offsets, written directly (ASCII fast path, TextEncoder for the rest). */
export class Utf8Builder implements ColumnBuilder {
  private offsets: Int32Array;
  private bytes: Uint8Array;
  private readonly valid: Validity;
  private used = 0;
  private length = 0;

  constructor(
    private capacity: number,
    private readonly opts: StringOptions = {},
  ) {
    this.capacity = minCapacity(capacity);
    this.offsets = new Int32Array(this.capacity + 1);
    this.bytes = new Uint8Array(this.capacity * 32);
    this.valid = new Validity(this.capacity);
  }

  push(v: unknown): void {
    if (this.length === this.capacity) this.growRows();
    const i = this.length++;
    if ((v === null || v === undefined) && this.opts.ifNull !== undefined) v = this.opts.ifNull;
    if (typeof v === 'number' && this.opts.known) v = this.opts.known[v];
    if (typeof v === 'string') {
      this.append(this.opts.map ? this.opts.map(v) : v);
      this.valid.bits[i >> 3]! |= 1 << (i & 7);
    } else this.valid.nulls++;
    this.offsets[i + 1] = this.used;
  }

  private append(s: string): void {
    const n = s.length;
    // Worst case 3 bytes per UTF-16 unit.
    if (this.used + n * 3 > this.bytes.length) {
      const next = new Uint8Array(Math.max(this.bytes.length * 2, this.used + n * 3));
      next.set(this.bytes.subarray(0, this.used));
      this.bytes = next;
    }
    const b = this.bytes;
    let p = this.used;
    for (let k = 0; k < n; k++) {
      const c = s.charCodeAt(k);
      if (c >= 0x80) {
        p += encoder.encodeInto(s.slice(k), b.subarray(p)).written;
        break;
      }
      b[p++] = c;
    }
    this.used = p;
  }

  finish(): ColumnData {
    return this.valid.column(this.length, [this.offsets.subarray(0, this.length + 1), this.bytes.subarray(0, this.used)]);
  }

  private growRows(): void {
    this.capacity *= 2;
    const next = new Int32Array(this.capacity + 1);
    next.set(this.offsets);
    this.offsets = next;
    this.valid.grow(this.capacity);
  }
}

/** Dictionary-encoded strings: Int32 indices into the distinct values, in order of first appearance. */
export class DictBuilder implements ColumnBuilder {
  private indices: Int32Array;
  private readonly valid: Validity;
  private readonly codes = new Map<string, number>();
  private readonly values: string[] = [];
  private length = 0;
  private last: string | undefined;
  private lastCode = 0;
  /** Dictionary code of each known value, assigned on first use. */
  private readonly knownCodes: Int32Array | null;

  constructor(
    private capacity: number,
    private readonly opts: StringOptions = {},
  ) {
    this.capacity = minCapacity(capacity);
    this.indices = new Int32Array(this.capacity);
    this.valid = new Validity(this.capacity);
    this.knownCodes = opts.known ? new Int32Array(opts.known.length).fill(-1) : null;
  }

  push(v: unknown): void {
    if (this.length === this.capacity) this.grow();
    const i = this.length++;
    if (typeof v === 'number' && this.knownCodes) {
      let code = this.knownCodes[v]!;
      if (code < 0) code = this.knownCodes[v] = this.code(this.opts.known![v]!);
      this.indices[i] = code;
      this.valid.bits[i >> 3]! |= 1 << (i & 7);
      return;
    }
    if ((v === null || v === undefined) && this.opts.ifNull !== undefined) v = this.opts.ifNull;
    if (typeof v !== 'string') {
      this.valid.nulls++;
      return;
    }
    // Rows often repeat the previous value: skip the map lookup then.
    if (v !== this.last) {
      this.last = v;
      this.lastCode = this.code(v);
    }
    this.indices[i] = this.lastCode;
    this.valid.bits[i >> 3]! |= 1 << (i & 7);
  }

  private code(v: string): number {
    let code = this.codes.get(v);
    if (code === undefined) {
      code = this.values.length;
      this.codes.set(v, code);
      this.values.push(v);
    }
    return code;
  }

  finish(): ColumnData {
    // A map (pseudonyms) is applied once per distinct value, when the dictionary is built.
    const dict = new Utf8Builder(this.values.length, { map: this.opts.map });
    for (const v of this.values) dict.push(v);
    return { ...this.valid.column(this.length, [this.indices.subarray(0, this.length)]), dictionary: dict.finish() };
  }

  private grow(): void {
    this.capacity *= 2;
    const next = new Int32Array(this.capacity);
    next.set(this.indices);
    this.indices = next;
    this.valid.grow(this.capacity);
  }
}
