/**
 * The high/low-AI effect of one (AI series, outcome, lag) row on working days, with a 95% interval that
 * allows for busy spells. The point estimates are `highLowEffect`'s (median split of the AI values, Cohen's d
 * from the pooled SD, % change of the mean); the interval is for the difference of means, from the
 * regression of the outcome on the high-day indicator, with its variance inflated by n/n* (the effective
 * sample size of the indicator and the residuals, Pyper & Peterman 1998 — Bartlett's variance of a slope
 * between autocorrelated series) and a t quantile with n* − 2 degrees of freedom. d's and the percentage's
 * intervals are that interval divided by the pooled SD and by |low mean|, treating those as known; with
 * dozens of working days they are the smaller part of the uncertainty.
 */
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { effectiveSampleSize } from './autocorrelation';
import { CI_LEVEL } from './correlation';
import { highLowEffect, type EffectSize } from './effect';

export interface Interval {
  lower: number;
  upper: number;
}

export type WorkingEffect = EffectSize & {
  /** mean high − mean low, in the outcome's units per working day; null when the effect is missing. */
  difference: number | null;
  differenceCi: Interval | null;
  dCi: Interval | null;
  percentCi: Interval | null;
  /** Effective sample size behind the intervals. */
  nEffective: number | null;
  /** Why an interval is missing (null when all exist). */
  ciReason: string | null;
  level: number;
};

export function workingEffect(x: readonly number[], y: readonly number[], minPairs: number): WorkingEffect {
  const e = highLowEffect(x, y, { minPairs });
  const none = { difference: null, differenceCi: null, dCi: null, percentCi: null, nEffective: null, level: CI_LEVEL };
  if (e.status !== 'ok') return { ...e, ...none, ciReason: e.reason };
  const difference = e.high.mean - e.low.mean;
  if (e.d === null) return { ...e, ...none, difference, ciReason: e.dReason };
  const high = x.map((v) => (v > e.median ? 1 : 0));
  const residual = y.map((v, i) => v - (high[i] === 1 ? e.high.mean : e.low.mean));
  // The SD itself, not difference / d: with equal group means both are 0 and the ratio is NaN.
  const pooledSd = e.pooledSd;
  const { nEffective } = effectiveSampleSize(high, residual);
  if (nEffective <= 2.5) return { ...e, ...none, difference, nEffective, ciReason: `too few independent days (n* = ${nEffective.toFixed(1)})` };
  const se = pooledSd * Math.sqrt(1 / e.high.n + 1 / e.low.n) * Math.sqrt(e.n / nEffective);
  const half = tQuantile(0.5 + CI_LEVEL / 2, nEffective - 2) * se;
  const differenceCi = { lower: difference - half, upper: difference + half };
  const scale = (k: number): Interval => ({ lower: differenceCi.lower / k, upper: differenceCi.upper / k });
  return {
    ...e,
    difference,
    differenceCi,
    dCi: scale(pooledSd),
    percentCi: e.low.mean === 0 ? null : scale(Math.abs(e.low.mean) / 100),
    nEffective,
    ciReason: e.low.mean === 0 ? e.percentReason : null,
    level: CI_LEVEL,
  };
}
