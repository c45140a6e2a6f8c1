/**
 * Latency percentiles that can be merged across days, developers, repositories and sources: each
 * latency falls in a log-spaced bucket (each 2% wider than the last), so any quantile read from merged
 * buckets is within 1% of the exact value. Stored sparse as (bucket, count) Uint32 pairs.
 */

const RATIO = 1.02;
const LOG_RATIO = Math.log(RATIO);
/** Buckets cover 0 ms to ~3 hours; longer latencies share the last bucket. */
export const BUCKETS = 1000;

export function bucketOf(ms: number): number {
  if (!(ms > 0)) return 0;
  return Math.min(BUCKETS - 1, 1 + Math.floor(Math.log(ms) / LOG_RATIO));
}

/** The value a bucket stands for: its geometric midpoint (bucket 0 is [0, 1) ms → 0). */
export function bucketValue(b: number): number {
  if (b <= 0) return 0;
  return Math.pow(RATIO, b - 1) * Math.sqrt(RATIO);
}

/** Sparse encoding of a dense or map histogram. */
export function encodeHistogram(counts: Map<number, number>): Uint8Array {
  const keys = [...counts.keys()].sort((a, b) => a - b);
  const out = new Uint32Array(keys.length * 2);
  keys.forEach((k, i) => {
    out[2 * i] = k;
    out[2 * i + 1] = counts.get(k)!;
  });
  return new Uint8Array(out.buffer);
}

/** A dense accumulator that sparse blobs merge into. */
export class HistogramAccumulator {
  readonly counts = new Float64Array(BUCKETS);
  total = 0;

  add(blob: Uint8Array | null | undefined): void {
    if (!blob || blob.byteLength < 8) return;
    const aligned = blob.byteOffset % 4 === 0 ? blob : blob.slice();
    const pairs = new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength >> 2);
    for (let i = 0; i + 1 < pairs.length; i += 2) {
      this.counts[pairs[i]!]! += pairs[i + 1]!;
      this.total += pairs[i + 1]!;
    }
  }

  /** The q-quantile (0..1) by nearest rank, or null when empty. */
  quantile(q: number): number | null {
    if (!this.total) return null;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.counts[b]!;
      if (seen >= rank) return bucketValue(b);
    }
    return bucketValue(BUCKETS - 1);
  }
}
