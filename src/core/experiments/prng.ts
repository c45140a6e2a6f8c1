/**
 * The experiment's seeded pseudo-random generator: mulberry32 (Tommy Ettinger's public-domain generator),
 * 32-bit integer arithmetic only, so a recorded seed rebuilds the same schedule on every machine and in
 * every later version. Not for cryptography: the seed is recorded on purpose.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    // Mix the seed so that neighbouring seeds start far apart.
    this.state = (Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ 0xc2b2ae35) >>> 0;
  }

  /** Uniform on [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

/** A fresh 31-bit seed (from the platform's crypto when present); recorded with the design. */
export function newSeed(): number {
  const c = (globalThis as { crypto?: { getRandomValues?(a: Uint32Array): Uint32Array } }).crypto;
  if (c?.getRandomValues) return c.getRandomValues(new Uint32Array(1))[0]! >>> 1;
  return Math.floor(Math.random() * 2 ** 31);
}
