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

interface Column {
  key: string;
  kinds: Uint8Array;
  nums: Float64Array;
  /** Index into `table` (PRIM, OBJ). */
  idx: Int32Array;
  table: Array<string | boolean>;
}

export interface Packed {
  n: number;
  /** Rows that are a record (1) or undefined (0). */
  present: Uint8Array;
  cols: Column[];
}

export function pack(rows: ReadonlyArray<object | undefined>): Packed {
  const n = rows.length;
  const present = new Uint8Array(n);
  const cols: Column[] = [];
  const byKey = new Map<string, { col: Column; distinct: Map<unknown, number> }>();
  for (let r = 0; r < n; r++) {
    const row = rows[r] as Record<string, unknown> | undefined;
    if (row === undefined) continue;
    present[r] = 1;
    for (const key in row) {
      let c = byKey.get(key);
      if (!c) {
        const col: Column = { key, kinds: new Uint8Array(n).fill(ABSENT), nums: new Float64Array(n), idx: new Int32Array(n), table: [] };
        c = { col, distinct: new Map() };
        byKey.set(key, c);
        cols.push(col);
      }
      const v = row[key];
      const col = c.col;
      if (typeof v === 'number') {
        col.kinds[r] = NUM;
        col.nums[r] = v;
      } else if (v === null) col.kinds[r] = NULL;
      else if (v === undefined) col.kinds[r] = UNDEF;
      else if (typeof v === 'string' || typeof v === 'boolean') {
        let i = c.distinct.get(v);
        if (i === undefined) {
          i = col.table.push(v) - 1;
          c.distinct.set(v, i);
        }
        col.kinds[r] = PRIM;
        col.idx[r] = i;
      } else {
        const s = JSON.stringify(v);
        let i = c.distinct.get(s);
        if (i === undefined) {
          i = col.table.push(s) - 1;
          c.distinct.set(s, i);
        }
        col.kinds[r] = OBJ;
        col.idx[r] = i;
      }
    }
  }
  return { n, present, cols };
}

/** The buffers `pack` made, to transfer with postMessage. */
export function packedBuffers(p: Packed): ArrayBuffer[] {
  const out: ArrayBuffer[] = [p.present.buffer as ArrayBuffer];
  for (const c of p.cols) out.push(c.kinds.buffer as ArrayBuffer, c.nums.buffer as ArrayBuffer, c.idx.buffer as ArrayBuffer);
  return out;
}

export function unpack<T extends object>(p: Packed): Array<T | undefined> {
  const rows = new Array<T | undefined>(p.n);
  const { cols } = p;
  for (let r = 0; r < p.n; r++) {
    if (!p.present[r]) {
      rows[r] = undefined;
      continue;
    }
    const row: Record<string, unknown> = {};
    for (let k = 0; k < cols.length; k++) {
      const c = cols[k]!;
      switch (c.kinds[r]) {
        case NUM:
          row[c.key] = c.nums[r];
          break;
        case NULL:
          row[c.key] = null;
          break;
        case UNDEF:
          row[c.key] = undefined;
          break;
        case PRIM:
          row[c.key] = c.table[c.idx[r]!];
          break;
        case OBJ:
          row[c.key] = JSON.parse(c.table[c.idx[r]!] as string) as unknown;
          break;
      }
    }
    rows[r] = row as T;
  }
  return rows;
}
