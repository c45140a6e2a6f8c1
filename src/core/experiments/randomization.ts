/**
 * Fisher's randomization test for a block-randomized experiment, and the confidence interval found by
 * inverting it. The reference distribution is the design's own: every assignment the randomization could
 * have drawn (each block's balanced arrangements), enumerated exactly when there are few, else sampled with
 * a seeded generator. Under the sharp null (the arm changes no unit's outcome) the observed assignment is
 * one draw of that distribution, so p is valid whatever the outcomes' distribution, weekly pattern or
 * autocorrelation (Fisher 1935; Imbens & Rubin 2015, ch. 5). The interval collects every constant effect τ
 * the test does not reject at level α (Imbens & Rubin 2015, §5.7).
 */
import { SeededRandom } from './prng';

/** Assignments enumerated exactly up to this many; beyond it, sampled. */
export const EXACT_LIMIT = 20_000;
export const DEFAULT_DRAWS = 10_000;

export interface RandomizationOptions {
  alpha?: number;
  /** Sampled assignments when the design has more than EXACT_LIMIT (default 10,000). */
  draws?: number;
  /** Seed of the sampling (recorded with the result). */
  seed?: number;
  /** Compute the interval by test inversion (costs ~60 passes over the assignments). Default true. */
  interval?: boolean;
}

export interface RandomizationResult {
  /** Units with a value in each arm. */
  nA: number;
  nB: number;
  meanA: number | null;
  meanB: number | null;
  /** mean(A) − mean(B); null when an arm has no value. */
  estimate: number | null;
  /** Two-sided randomization p; null without an estimate. */
  p: number | null;
  /** Interval by test inversion at 1 − α; a null bound means the data cannot bound it (too few units). */
  ciLow: number | null;
  ciHigh: number | null;
  /** Assignments in the design (possibly astronomically many) and how p was computed. */
  assignments: number;
  exact: boolean;
  draws: number;
  /** Smallest two-sided p this design can give: above α the test can never reject. */
  minP: number;
}

/** Every balanced arrangement of a block of k units (1 = arm A); odd k gives both near-balanced splits. */
export function blockPatterns(k: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  const sizes = k % 2 ? [Math.floor(k / 2), Math.ceil(k / 2)] : [k / 2];
  for (let mask = 0; mask < 1 << k; mask++) {
    let bits = 0;
    for (let i = 0; i < k; i++) bits += (mask >> i) & 1;
    if (!sizes.includes(bits)) continue;
    const p = new Uint8Array(k);
    for (let i = 0; i < k; i++) p[i] = (mask >> i) & 1;
    out.push(p);
  }
  return out;
}

/** The number of assignments a design allows. */
export function assignmentCount(blocks: readonly (readonly number[])[]): number {
  return blocks.reduce((n, b) => n * blockPatterns(b.length).length, 1);
}

/**
 * The reference set: assignments as rows of a units × rows matrix (1 = A), exact or sampled. The observed
 * assignment is included as row 0 when sampling (the "+1" of a Monte Carlo p-value).
 */
export function referenceAssignments(
  blocks: readonly (readonly number[])[],
  observedA: readonly boolean[],
  draws = DEFAULT_DRAWS,
  seed = 1,
): { rows: Uint8Array[]; exact: boolean; total: number } {
  const n = observedA.length;
  const patterns = blocks.map((b) => blockPatterns(b.length));
  const total = patterns.reduce((t, p) => t * p.length, 1);
  const rows: Uint8Array[] = [];
  const fill = (choice: (b: number) => number) => {
    const row = new Uint8Array(n);
    blocks.forEach((units, b) => {
      const pat = patterns[b]![choice(b)]!;
      units.forEach((u, i) => (row[u] = pat[i]!));
    });
    return row;
  };
  if (total <= EXACT_LIMIT) {
    const digits = new Array<number>(blocks.length).fill(0);
    for (let r = 0; r < total; r++) {
      rows.push(fill((b) => digits[b]!));
      for (let b = 0; b < digits.length; b++) {
        if (++digits[b]! < patterns[b]!.length) break;
        digits[b] = 0;
      }
    }
    return { rows, exact: true, total };
  }
  rows.push(Uint8Array.from(observedA, (a) => (a ? 1 : 0)));
  const rng = new SeededRandom(seed);
  for (let r = 0; r < draws; r++) rows.push(fill((b) => rng.below(patterns[b]!.length)));
  return { rows, exact: false, total };
}

/**
 * Tests "the arm makes no difference to any unit" on `y` (null = no value: the unit is left out of the
 * means under every assignment) and estimates mean(A) − mean(B) with its interval.
 */
export function randomizationTest(
  blocks: readonly (readonly number[])[],
  observedA: readonly boolean[],
  y: readonly (number | null)[],
  options: RandomizationOptions = {},
): RandomizationResult {
  const alpha = options.alpha ?? 0.05;
  const ref = referenceAssignments(blocks, observedA, options.draws ?? DEFAULT_DRAWS, options.seed ?? 1);
  const minP = ref.exact ? Math.min(1, 2 / ref.total) : 1 / ref.rows.length;
  const idx: number[] = [];
  for (let i = 0; i < y.length; i++) if (y[i] !== null && Number.isFinite(y[i])) idx.push(i);
  const obs = Uint8Array.from(observedA, (a) => (a ? 1 : 0));
  const { mA, mB, nA, nB } = means(obs, idx, y as number[]);
  const base = {
    nA,
    nB,
    meanA: nA ? mA : null,
    meanB: nB ? mB : null,
    assignments: ref.total,
    exact: ref.exact,
    draws: ref.exact ? 0 : ref.rows.length - 1,
    minP,
  };
  if (!nA || !nB) return { ...base, estimate: null, p: null, ciLow: null, ciHigh: null };
  const estimate = mA - mB;
  const pAt = (tau: number) => pValue(ref.rows, obs, idx, y as number[], tau);
  const p = pAt(0);
  let ciLow: number | null = null;
  let ciHigh: number | null = null;
  if (options.interval !== false && minP <= alpha) {
    const scale = spread(idx.map((i) => y[i] as number)) || Math.abs(estimate) || 1;
    ciHigh = boundary(pAt, estimate, scale, alpha);
    ciLow = boundary(pAt, estimate, -scale, alpha);
  }
  return { ...base, estimate, p, ciLow, ciHigh };
}

function means(row: Uint8Array, idx: readonly number[], y: readonly number[]): { mA: number; mB: number; nA: number; nB: number } {
  let sA = 0,
    sB = 0,
    nA = 0,
    nB = 0;
  for (const i of idx) {
    if (row[i]) {
      sA += y[i]!;
      nA++;
    } else {
      sB += y[i]!;
      nB++;
    }
  }
  return { mA: nA ? sA / nA : 0, mB: nB ? sB / nB : 0, nA, nB };
}

/**
 * p of H0: effect = τ. Under it, unit i's outcome without the treatment is y0 = y − τ·[observed A]; an
 * assignment w gives the difference mean_w=A(y0) − mean_w=B(y0); p is the share at least as far from 0 as
 * the observed one (which is estimate − τ).
 */
function pValue(rows: readonly Uint8Array[], obs: Uint8Array, idx: readonly number[], y: readonly number[], tau: number): number {
  const y0 = new Float64Array(y.length);
  for (const i of idx) y0[i] = y[i]! - (obs[i] ? tau : 0);
  const observed = Math.abs(diff(obs, idx, y0));
  const tol = 1e-9 * (1 + observed);
  let extreme = 0,
    counted = 0;
  for (const row of rows) {
    const d = diff(row, idx, y0);
    if (Number.isNaN(d)) continue;
    counted++;
    if (Math.abs(d) >= observed - tol) extreme++;
  }
  // Sampled rows include the observed assignment, so this is the (1 + k) / (1 + M) estimate.
  return counted ? extreme / counted : 1;
}

function diff(row: Uint8Array, idx: readonly number[], y0: ArrayLike<number>): number {
  let sA = 0,
    sB = 0,
    nA = 0,
    nB = 0;
  for (const i of idx) {
    if (row[i]) {
      sA += y0[i]!;
      nA++;
    } else {
      sB += y0[i]!;
      nB++;
    }
  }
  return nA && nB ? sA / nA - sB / nB : Number.NaN;
}

/** The τ beyond `estimate` (in the direction of `step`) where p falls to α; null if none within reach. */
function boundary(pAt: (tau: number) => number, estimate: number, step: number, alpha: number): number | null {
  // Bounds to 1/10,000 of the outcome's spread: far finer than the interval's own Monte Carlo wobble.
  const tol = Math.abs(step) * 1e-4;
  let inside = estimate;
  let outside = estimate + step;
  let k = 0;
  while (pAt(outside) > alpha) {
    inside = outside;
    step *= 2;
    outside = estimate + step;
    if (++k > 30) return null;
  }
  for (let i = 0; i < 40 && Math.abs(outside - inside) > tol; i++) {
    const mid = (inside + outside) / 2;
    if (pAt(mid) > alpha) inside = mid;
    else outside = mid;
  }
  return (inside + outside) / 2;
}

function spread(v: readonly number[]): number {
  if (v.length < 2) return 0;
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
}
