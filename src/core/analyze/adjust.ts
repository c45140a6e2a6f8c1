/**
 * Benjamini–Hochberg false-discovery-rate adjustment, as `scipy.stats.false_discovery_control(method='bh')`:
 * sort the m p-values, scale the one of rank i by m / i, take the running minimum from the largest rank down
 * (so adjusted values are monotone in the raw ones) and cap at 1. Output keeps the input order.
 */

/** Why an entry got no adjusted p-value. */
export const EXCLUDED_REASON = 'excluded from adjustment: no p-value';

/**
 * BH-adjusted p-values in input order. `null` entries (tests that produced no p-value: not enough data,
 * constant series) are left out of the family — they do not count in m — and stay `null`.
 * A p-value outside [0, 1] or NaN is a programming error and throws.
 */
export function benjaminiHochberg(pValues: readonly (number | null)[]): (number | null)[] {
  const idx: number[] = [];
  pValues.forEach((p, i) => {
    if (p === null) return;
    if (!(p >= 0 && p <= 1)) throw new RangeError(`p-value at index ${i} is ${p}, outside [0, 1]`);
    idx.push(i);
  });
  const m = idx.length;
  // Stable sort by p so equal p-values keep input order (they receive equal adjusted values anyway).
  idx.sort((a, b) => (pValues[a] as number) - (pValues[b] as number));
  const out: (number | null)[] = pValues.map(() => null);
  let running = 1;
  for (let rank = m; rank >= 1; rank--) {
    const i = idx[rank - 1] as number;
    running = Math.min(running, ((pValues[i] as number) * m) / rank);
    out[i] = running;
  }
  return out;
}
