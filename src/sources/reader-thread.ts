import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { DEFAULT_OVERRIDES_LABEL } from '../core/pricing';

/**
 * The reading thread of scans and imports: `dist/scan-worker.js` beside the bundle (esbuild.mjs), else,
 * running from source (tests under tsx), `src/sources/transcripts/scan-worker.ts`; null when neither exists.
 * Its `workerData` says which job it does (scan-worker.ts).
 */
export function readerThreadScript(): string | null {
  for (const p of [path.join(__dirname, 'scan-worker.js'), path.join(__dirname, 'transcripts', 'scan-worker.ts')]) {
    if (existsSync(p)) return p;
  }
  return null;
}

/** A reading thread started before anyone asked for it (prestartScanReader), kept across bundles. */
const PRESTARTED = Symbol.for('prodlens.prestartedReader');
interface Prestarted {
  worker: Worker;
  /** What it was started for (workerData but `preloadPrices`, which only says what to do while idle). */
  key: string;
  failed: boolean;
  onEnd: () => void;
}

function keyOf(workerData: unknown): string {
  const { preloadPrices: _ignored, ...rest } = (workerData ?? {}) as Record<string, unknown>;
  return JSON.stringify(rest);
}

/**
 * Starts the transcript scan's reading thread now, for a scan with the bundled price table that will ask
 * for it (startReaderThread then adopts it): the CLI's entry does this before it loads its main bundle, so
 * the thread's own start (~60 ms: a V8 isolate, scan-worker.js) overlaps that load (80-120 ms). It evaluates
 * the price data only when a file needs it there. Unadopted, it does not keep the process alive. Returns the
 * thread, or null when it cannot start.
 */
export function prestartScanReader(): Worker | null {
  const data = { kind: 'transcripts', overrides: {}, label: DEFAULT_OVERRIDES_LABEL, preloadPrices: false };
  let worker: Worker;
  try {
    worker = newReaderThread(data);
  } catch {
    return null;
  }
  const pre: Prestarted = { worker, key: keyOf(data), failed: false, onEnd: () => (pre.failed = true) };
  // A thread that fails before it is adopted is not adopted (its error would reach no one).
  worker.on('error', pre.onEnd);
  worker.on('exit', pre.onEnd);
  worker.unref();
  (globalThis as Record<symbol, Prestarted | undefined>)[PRESTARTED] = pre;
  return worker;
}

/**
 * Starts the reading thread with `workerData` (or adopts the one prestartScanReader started for the same
 * job); throws when its script is missing or it cannot start.
 */
export function startReaderThread(workerData: unknown): Worker {
  const slot = globalThis as Record<symbol, Prestarted | undefined>;
  const pre = slot[PRESTARTED];
  if (pre) {
    slot[PRESTARTED] = undefined;
    pre.worker.off('error', pre.onEnd);
    pre.worker.off('exit', pre.onEnd);
    if (!pre.failed && pre.key === keyOf(workerData)) {
      pre.worker.ref();
      return pre.worker;
    }
    void pre.worker.terminate();
  }
  return newReaderThread(workerData);
}

function newReaderThread(workerData: unknown): Worker {
  const script = readerThreadScript();
  if (!script) throw new Error('scan-worker.js is missing');
  return script.endsWith('.ts')
    ? // Running from source: the worker loads the TypeScript through tsx.
      new Worker(`require('tsx/cjs'); require(${JSON.stringify(script)});`, { eval: true, workerData })
    : new Worker(script, { workerData });
}
