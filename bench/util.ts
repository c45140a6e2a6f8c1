import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Median of the finite values, or NaN when there are none. */
export function median(values: number[]): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/** Writes a benchmark's result to bench/out/<name>.json (read by bench/run.mjs for the summary). */
export function writeResult(name: string, result: unknown): void {
  const dir = path.resolve(__dirname, 'out');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
}
