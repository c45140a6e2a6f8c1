/**
 * Outcomes of a simulated self-experiment: one value per scheduled unit, from a weekly pattern (some
 * weekdays busier), a slow AR(1) drift over units (a busy spell spans several days), heavy-tailed noise, and
 * an optional planted effect added to arm A's units. For checking the randomization test's error rate and
 * power; the schedule comes from the code under test, the outcome process from here.
 */
import type { Rng } from './prng';

export interface ExperimentOutcomeOptions {
  /** Mean outcome per unit. */
  mean: number;
  /** SD of the independent noise per unit. */
  sd: number;
  /** Weekly pattern: added to units on ISO weekday 1–7 (missing = 0). */
  weekday?: Partial<Record<number, number>>;
  /** Afternoon minus morning (half-day units). */
  afternoon?: number;
  /** AR(1) drift over units: coefficient and stationary SD. */
  drift?: { phi: number; sd: number };
  /** Student-t noise with this many degrees of freedom instead of normal (heavier tails). */
  tDf?: number;
  /** Added to every unit of arm A (0 = no effect: the null). */
  effect?: number;
}

export interface SimUnit {
  day: string;
  half: 'am' | 'pm' | null;
  arm: 'A' | 'B';
}

function isoWeekday(day: string): number {
  const d = new Date(`${day}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

export function simulateExperimentOutcomes(rng: Rng, units: readonly SimUnit[], o: ExperimentOutcomeOptions): number[] {
  const drift = o.drift ?? { phi: 0, sd: 0 };
  let x = rng.normal(0, drift.sd);
  return units.map((u, i) => {
    if (i > 0) x = drift.phi * x + rng.normal(0, drift.sd * Math.sqrt(1 - drift.phi * drift.phi));
    let noise = rng.normal(0, 1);
    if (o.tDf) {
      // t = z / sqrt(chi2/df), scaled to unit variance.
      const chi2 = 2 * rng.gamma(o.tDf / 2, 1);
      noise = (noise / Math.sqrt(chi2 / o.tDf)) * Math.sqrt((o.tDf - 2) / o.tDf);
    }
    const pattern = (o.weekday?.[isoWeekday(u.day)] ?? 0) + (u.half === 'pm' ? (o.afternoon ?? 0) : 0);
    return o.mean + pattern + x + o.sd * noise + (u.arm === 'A' ? (o.effect ?? 0) : 0);
  });
}
