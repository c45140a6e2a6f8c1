/** Typed access to test/fixtures/stats/reference.json (made by scripts/stats-reference.py with SciPy). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface RefStat {
  n: number;
  status: 'ok' | 'undefined' | 'not-enough-data';
  r?: number;
  p?: number;
  ci?: [number, number] | null;
}

export interface RefCorrelation {
  name: string;
  x: (number | null)[];
  y: (number | null)[];
  minPairs: number;
  pearson: RefStat;
  spearman: RefStat;
}

export interface RefLagged {
  name: string;
  ai: { days: string[]; values: (number | null)[] };
  outcome: { days: string[]; values: (number | null)[] };
  lags: { lag: number; pearson: RefStat; spearman: RefStat }[];
}

export interface RefBh {
  name: string;
  p: (number | null)[];
  adjusted: (number | null)[];
}

export interface RefEffect {
  name: string;
  ai: (number | null)[];
  outcome: (number | null)[];
  minPairs: number;
  expected: {
    n: number;
    status: 'ok' | 'undefined' | 'not-enough-data';
    median?: number;
    high?: { n: number; mean: number };
    low?: { n: number; mean: number };
    d?: number | null;
    g?: number | null;
    percentChange?: number | null;
  };
}

export interface RefSerialStat {
  r: number;
  nEffective: number;
  p: number;
  ci: [number, number] | null;
}

/** Autocorrelation-aware inference on complete series (statsmodels acf, scipy t). */
export interface RefSerial {
  name: string;
  x: number[];
  y: number[];
  pearson: RefSerialStat;
  spearman: RefSerialStat;
  effect: { difference: number; nEffective: number; ci: [number, number] };
}

export interface Reference {
  meta: { scipy: string; bhReference: string };
  serial: RefSerial[];
  correlations: RefCorrelation[];
  lagged: RefLagged[];
  bh: RefBh[];
  effects: RefEffect[];
}

export function loadReference(): Reference {
  const file = path.join(__dirname, '..', '..', 'fixtures', 'stats', 'reference.json');
  return JSON.parse(readFileSync(file, 'utf8')) as Reference;
}

/** |actual − expected| ≤ tol. */
export function near(actual: number | null | undefined, expected: number, tol: number, what: string): void {
  assert.equal(typeof actual, 'number', `${what}: expected a number, got ${String(actual)}`);
  const diff = Math.abs((actual as number) - expected);
  assert.ok(diff <= tol, `${what}: ${actual} vs ${expected} (|diff| ${diff} > ${tol})`);
}

/** |actual − expected| ≤ rel · max(|actual|, |expected|); two zeros agree. */
export function nearRel(actual: number | null | undefined, expected: number, rel: number, what: string): void {
  assert.equal(typeof actual, 'number', `${what}: expected a number, got ${String(actual)}`);
  const a = actual as number;
  const diff = Math.abs(a - expected);
  assert.ok(
    diff <= rel * Math.max(Math.abs(a), Math.abs(expected)),
    `${what}: ${a} vs ${expected} (relative ${diff / Math.max(Math.abs(a), Math.abs(expected))} > ${rel})`,
  );
}

/** Every number anywhere in `value` is finite, and nothing is `undefined` (it would vanish from JSON). */
export function assertJsonSafe(value: unknown, where = '$'): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    assert.ok(Number.isFinite(value), `${where} is ${value}`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => assertJsonSafe(v, `${where}[${i}]`));
    return;
  }
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) assertJsonSafe(v, `${where}.${k}`);
    return;
  }
  assert.fail(`${where} is ${typeof value}, not JSON`);
}
