/**
 * Records packed column by column for the trip from the reading thread (scan-worker.ts) to the scanner's:
 * numbers in a Float64Array, each column's distinct strings and booleans once, objects as JSON text. A
 * structured clone of ~40k event objects cost ~0.25 s to serialise there and more to rebuild here; the
 * typed arrays are transferred, not copied. Values come back exactly (null, undefined, -0, key order of
 * the first record that has the key); objects come back as new objects per record.
 */

const NUM = 0;
const NULL = 1;
const UNDEF = 2;
const ABSENT = 3;
const PRIM = 4;
const OBJ = 5;

export interface Packed {
  n: number;
  /** Rows that are a record (1) or undefined (0). */
  present: Uint8Array;
  keys: string[];
  /** Column-major, `keys.length × n`: what each value is (NUM, NULL, …). */
  kinds: Uint8Array;
  nums: Float64Array;
  /** Index into the column's table (PRIM, OBJ). */
  idx: Int32Array;
  tables: Array<Array<string | boolean>>;
}

/**
 * Three typed arrays a call (not three a column: the allocations were a third of packing's time, ~380
 * files × ~30 columns × 2 tables), filled column by column so each column reads one property of every row.
 */
export function pack(rows: ReadonlyArray<object | undefined>): Packed {
  const n = rows.length;
  const present = new Uint8Array(n);
  const keys: string[] = [];
  const seen = new Set<string>();
  for (let r = 0; r < n; r++) {
    const row = rows[r];
    if (row === undefined) continue;
    present[r] = 1;
    for (const key in row) {
      if (!seen.has(key)) {
        seen.add(key);
        keys.push(key);
      }
    }
  }
  const kinds = new Uint8Array(keys.length * n);
  const nums = new Float64Array(keys.length * n);
  const idx = new Int32Array(keys.length * n);
  const tables: Array<Array<string | boolean>> = [];
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    const table: Array<string | boolean> = [];
    tables.push(table);
    const distinct = new Map<unknown, number>();
    const at = k * n;
    for (let r = 0; r < n; r++) {
      const row = rows[r] as Record<string, unknown> | undefined;
      if (row === undefined) continue;
      const v = row[key];
      if (typeof v === 'number') {
        kinds[at + r] = NUM;
        nums[at + r] = v;
      } else if (v === null) kinds[at + r] = NULL;
      else if (v === undefined) kinds[at + r] = key in row ? UNDEF : ABSENT;
      else if (typeof v === 'string' || typeof v === 'boolean') {
        let i = distinct.get(v);
        if (i === undefined) {
          i = table.push(v) - 1;
          distinct.set(v, i);
        }
        kinds[at + r] = PRIM;
        idx[at + r] = i;
      } else {
        const s = JSON.stringify(v);
        let i = distinct.get(s);
        if (i === undefined) {
          i = table.push(s) - 1;
          distinct.set(s, i);
        }
        kinds[at + r] = OBJ;
        idx[at + r] = i;
      }
    }
  }
  return { n, present, keys, kinds, nums, idx, tables };
}

/** The buffers `pack` made, to transfer with postMessage. */
export function packedBuffers(p: Packed): ArrayBuffer[] {
  return [p.present.buffer, p.kinds.buffer, p.nums.buffer, p.idx.buffer] as ArrayBuffer[];
}

export function unpack<T extends object>(p: Packed): Array<T | undefined> {
  const { n, keys, kinds, nums, idx, tables } = p;
  const rows = new Array<T | undefined>(n);
  for (let r = 0; r < n; r++) {
    if (!p.present[r]) {
      rows[r] = undefined;
      continue;
    }
    const row: Record<string, unknown> = {};
    for (let k = 0, at = r; k < keys.length; k++, at += n) {
      switch (kinds[at]) {
        case NUM:
          row[keys[k]!] = nums[at];
          break;
        case NULL:
          row[keys[k]!] = null;
          break;
        case UNDEF:
          row[keys[k]!] = undefined;
          break;
        case PRIM:
          row[keys[k]!] = tables[k]![idx[at]!];
          break;
        case OBJ:
          row[keys[k]!] = JSON.parse(tables[k]![idx[at]!] as string) as unknown;
          break;
        case ABSENT:
          break; // the record had no such key
        default:
          throw new Error(`packed rows: unknown value kind ${kinds[at]} (key ${keys[k]})`);
      }
    }
    rows[r] = row as T;
  }
  return rows;
}
