/**
 * The minimum detectable effect, stated before the experiment starts: the smallest true difference in means
 * that the design detects with the stated power at level α, for an outcome whose unit-to-unit standard
 * deviation is `sd` (Bloom 1995, "Minimum detectable effects", Evaluation Review 19(5)):
 *
 *   MDE = (t₁₋α/₂,df + t_power,df) · sd · √(1/nA + 1/nB),  df = nA + nB − 2.
 *
 * It assumes independent units; block randomization of neighbouring units removes slow drifts, so with
 * positively autocorrelated outcomes the real power is at least this. A design whose randomization cannot
 * reach p ≤ α (too few assignments) has no MDE.
 */
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { assignmentCount } from './randomization';
import { blocksOf, type ExperimentDesign } from './design';

export interface MdeInput {
  nA: number;
  nB: number;
  /** Assumed SD of the outcome between units (e.g. from the developer's previous units). */
  sd: number;
  alpha?: number;
  power?: number;
}

export function minimumDetectableEffect(m: MdeInput): number | null {
  const alpha = m.alpha ?? 0.05;
  const power = m.power ?? 0.8;
  const df = m.nA + m.nB - 2;
  if (m.nA < 2 || m.nB < 2 || !(m.sd >= 0) || !Number.isFinite(m.sd)) return null;
  return (tQuantile(1 - alpha / 2, df) + tQuantile(power, df)) * m.sd * Math.sqrt(1 / m.nA + 1 / m.nB);
}

export interface DesignPower {
  units: number;
  nA: number;
  nB: number;
  assignments: number;
  /** About the smallest two-sided p the randomization can give. */
  minP: number;
  alpha: number;
  power: number;
  /** Assumed SD per outcome (null: unknown, no MDE) and the MDE it gives. */
  outcomes: Array<{ outcome: string; sd: number | null; sdBasis: string; mde: number | null }>;
  /** Why there is no MDE for any outcome, if so. */
  note: string | null;
}

/** The design's power statement for each outcome, from assumed SDs. */
export function designPower(design: ExperimentDesign, sds: Record<string, { sd: number | null; basis: string }>, alpha = 0.05, power = 0.8): DesignPower {
  const nA = design.schedule.filter((u) => u.arm === 'A').length;
  const nB = design.schedule.length - nA;
  const assignments = assignmentCount(blocksOf(design));
  const minP = Math.min(1, 2 / assignments);
  const reachable = minP <= alpha;
  const note = reachable
    ? null
    : `with ${design.schedule.length} units in blocks of ${design.blockSize} the randomization has only ${assignments} possible schedules, so no result can reach p ≤ ${alpha}; add units or use half-days`;
  return {
    units: design.schedule.length,
    nA,
    nB,
    assignments,
    minP,
    alpha,
    power,
    outcomes: design.outcomes.map((o) => {
      const s = sds[o] ?? { sd: null, basis: 'no history to estimate the spread' };
      return { outcome: o, sd: s.sd, sdBasis: s.basis, mde: reachable && s.sd !== null ? minimumDetectableEffect({ nA, nB, sd: s.sd, alpha, power }) : null };
    }),
    note,
  };
}
