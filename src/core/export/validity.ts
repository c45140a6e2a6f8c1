import type { ColumnData } from './ipc';

/** Validity bitmap (bit set = value present), grown with its column; dropped when nothing was null. */
export class Validity {
  bits: Uint8Array;
  nulls = 0;

  constructor(capacity: number) {
    this.bits = new Uint8Array((capacity + 7) >> 3);
  }

  grow(capacity: number): void {
    const next = new Uint8Array((capacity + 7) >> 3);
    next.set(this.bits);
    this.bits = next;
  }

  column(length: number, buffers: ArrayBufferView[]): ColumnData {
    return {
      length,
      nullCount: this.nulls,
      validity: this.nulls ? this.bits.subarray(0, (length + 7) >> 3) : null,
      buffers: buffers.map((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)),
    };
  }
}

export function minCapacity(n: number): number {
  return Math.max(16, n);
}
