/**
 * Plain-language readings of results for a team lead: how strong, which direction, and how sure.
 *
 * Strength of a correlation by |r| (Cohen, 1988): below 0.1 negligible, from 0.1 weak, from 0.3 moderate,
 * from 0.5 strong, exactly 1 perfect. Effect size by |d|: below 0.2 negligible, from 0.2 small, from 0.5
 * medium, from 0.8 large. Significance compares the BH-adjusted p-value with alpha (default 0.05) when one
 * exists, otherwise the raw p-value, and says which it used.
 */
import type { CorrelationStat } from './correlation';
import type { EffectSize } from './effect';

export const DEFAULT_ALPHA = 0.05;

/** Lower bounds of each strength band, by |r|. */
export const R_THRESHOLDS = { weak: 0.1, moderate: 0.3, strong: 0.5 } as const;
/** Lower bounds of each effect-size band, by |d|. */
export const D_THRESHOLDS = { small: 0.2, medium: 0.5, large: 0.8 } as const;

export type Strength = 'negligible' | 'weak' | 'moderate' | 'strong' | 'perfect';
export type EffectBand = 'negligible' | 'small' | 'medium' | 'large';

/** The strength band of a coefficient. */
export function strengthOf(r: number): Strength {
  const a = Math.abs(r);
  if (a >= 1) return 'perfect';
  if (a >= R_THRESHOLDS.strong) return 'strong';
  if (a >= R_THRESHOLDS.moderate) return 'moderate';
  if (a >= R_THRESHOLDS.weak) return 'weak';
  return 'negligible';
}

/** The band of a standardized mean difference. */
export function effectBandOf(d: number): EffectBand {
  const a = Math.abs(d);
  if (a >= D_THRESHOLDS.large) return 'large';
  if (a >= D_THRESHOLDS.medium) return 'medium';
  if (a >= D_THRESHOLDS.small) return 'small';
  return 'negligible';
}

/**
 * "moderate positive, significant after adjustment", "weak negative, not significant",
 * "not enough data (n=4, need 6)", "undefined: constant series". A negligible coefficient gets no direction.
 */
export function readCorrelation(stat: CorrelationStat, pAdjusted: number | null = null, alpha = DEFAULT_ALPHA): string {
  if (stat.status === 'not-enough-data') return stat.reason;
  if (stat.status === 'undefined') return `undefined: ${stat.reason}`;
  const strength = strengthOf(stat.r);
  const direction = stat.r > 0 ? 'positive' : stat.r < 0 ? 'negative' : '';
  const head = strength === 'negligible' || direction === '' ? strength : `${strength} ${direction}`;
  return `${head}, ${significance(stat.p, pAdjusted, alpha)}`;
}

function significance(p: number, pAdjusted: number | null, alpha: number): string {
  if (pAdjusted === null) return p < alpha ? 'significant before adjustment for multiple tests' : 'not significant';
  if (pAdjusted < alpha) return 'significant after adjustment';
  return p < alpha ? 'not significant after adjustment' : 'not significant';
}

/**
 * "+12% commits on high-AI days (small effect, d = 0.31)"; falls back to d alone when the percentage is
 * undefined, and to the reason when there is no effect at all. `outcome` names the measure ("commits").
 */
export function readEffect(effect: EffectSize, outcome: string): string {
  if (effect.status !== 'ok') return effect.status === 'undefined' ? `undefined: ${effect.reason}` : effect.reason;
  const dPart = effect.d === null ? effect.dReason : `${effectBandOf(effect.d)} effect, d = ${effect.d.toFixed(2)}`;
  if (effect.percentChange === null) {
    const diff = effect.high.mean - effect.low.mean;
    return `${signed(diff, 2)} ${outcome} per day on high-AI days (${dPart}; ${effect.percentReason})`;
  }
  return `${signed(effect.percentChange, 0)}% ${outcome} on high-AI days (${dPart})`;
}

function signed(value: number, digits: number): string {
  const text = Math.abs(value).toFixed(digits);
  if (Number(text) === 0) return text;
  return `${value > 0 ? '+' : '-'}${text}`;
}
