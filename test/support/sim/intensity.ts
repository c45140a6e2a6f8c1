/**
 * Latent daily intensity on the log scale, advancing over working days (a busy spell continues after a
 * weekend). Two shapes: a stationary AR(1), and a two-state busy/quiet regime chain (long spells, the
 * "release crunch" pattern) added to it. Both make counts on neighbouring working days alike, which is what
 * breaks p-values that assume independent days.
 */
import type { Rng } from './prng';

export interface IntensityOptions {
  /** AR(1) coefficient per working day, 0 ≤ phi < 1. */
  phi: number;
  /** Stationary SD of the AR(1) part (log scale). */
  sd: number;
  /** Optional busy/quiet regimes: chance per working day of staying in the current regime, and the log lift when busy. */
  regime?: { stay: number; busyLift: number } | null;
}

/** `n` values of the log intensity (mean about 0). */
export function logIntensity(rng: Rng, n: number, o: IntensityOptions): number[] {
  if (!(o.phi >= 0 && o.phi < 1)) throw new RangeError(`phi must be in [0, 1), got ${o.phi}`);
  const innovation = o.sd * Math.sqrt(1 - o.phi * o.phi);
  const out: number[] = [];
  let x = rng.normal(0, o.sd);
  let busy = rng.bernoulli(0.5);
  for (let t = 0; t < n; t++) {
    if (t > 0) x = o.phi * x + rng.normal(0, innovation);
    let lift = 0;
    if (o.regime) {
      if (t > 0 && !rng.bernoulli(o.regime.stay)) busy = !busy;
      // Centred so the regimes do not shift the mean level.
      lift = busy ? o.regime.busyLift / 2 : -o.regime.busyLift / 2;
    }
    out.push(x + lift);
  }
  return out;
}
