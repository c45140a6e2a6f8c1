/**
 * A small seeded pseudo-random generator and the distributions the simulators need. Deterministic: the same
 * seed gives the same stream on every machine (32-bit integer arithmetic only, no Math.random).
 *
 * mulberry32 (Tommy Ettinger's public-domain generator): 32 bits of state, passes PractRand to 2^32 outputs,
 * which is far more than a simulated year of days needs; it is not for cryptography.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    // Mix the seed so that neighbouring seeds (1, 2, 3 …) start far apart.
    this.state = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ 0xc2b2ae35) >>> 0;
  }

  /** Uniform on [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A new independent stream (for one process), so adding draws to one process does not shift the others. */
  fork(): Rng {
    return new Rng(Math.floor(this.next() * 4294967296));
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  int(lo: number, hiInclusive: number): number {
    return lo + Math.floor(this.next() * (hiInclusive - lo + 1));
  }

  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal (Box–Muller; one of the pair is discarded to keep the stream simple). */
  normal(mean = 0, sd = 1): number {
    const u = 1 - this.next(); // (0, 1]: log(0) never happens
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Gamma(shape, scale) by Marsaglia & Tsang (2000); shape < 1 via the boost u^(1/shape). */
  gamma(shape: number, scale = 1): number {
    if (shape < 1) return this.gamma(shape + 1, scale) * Math.pow(1 - this.next(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = this.normal();
      const v0 = 1 + c * x;
      if (v0 <= 0) continue;
      const v = v0 * v0 * v0;
      const u = 1 - this.next();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v * scale;
    }
  }

  /** Poisson(lambda): Knuth's product method below 30, else a rounded normal (days never need more). */
  poisson(lambda: number): number {
    if (!(lambda > 0)) return 0;
    if (lambda >= 30) return Math.max(0, Math.round(this.normal(lambda, Math.sqrt(lambda))));
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }

  /**
   * Negative binomial with the given mean and size (dispersion): a Poisson with a Gamma-distributed rate,
   * variance mean + mean²/size. Small sizes give the overdispersed counts real commit logs show.
   */
  negBinomial(mean: number, size: number): number {
    if (!(mean > 0)) return 0;
    return this.poisson(this.gamma(size, mean / size));
  }

  binomial(n: number, p: number): number {
    let k = 0;
    for (let i = 0; i < n; i++) if (this.next() < p) k++;
    return k;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
}
