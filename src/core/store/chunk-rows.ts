/**
 * Rows for the next multi-row INSERT when `left` rows remain: `most` (a power of two), else the largest power
 * of two that fits. A writer that caches a statement per row count then prepares at most log2(most) + 1 of
 * them however its batches split; one for every remainder cost a cold scan of 500 MB ~40 prepares of
 * statements of up to 100 rows × 32 columns in each of two writers (~45 ms in all).
 */
export function chunkRows(left: number, most: number): number {
  return left >= most ? most : 2 ** Math.floor(Math.log2(left));
}
