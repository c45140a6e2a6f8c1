import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

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

/** Starts the reading thread with `workerData`; throws when its script is missing or it cannot start. */
export function startReaderThread(workerData: unknown): Worker {
  const script = readerThreadScript();
  if (!script) throw new Error('scan-worker.js is missing');
  return script.endsWith('.ts')
    ? // Running from source: the worker loads the TypeScript through tsx.
      new Worker(`require('tsx/cjs'); require(${JSON.stringify(script)});`, { eval: true, workerData })
    : new Worker(script, { workerData });
}
