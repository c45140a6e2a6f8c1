import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import type { Batch } from '../core/model';
import type { NormalizeContext } from '../core/normalize/context';
import { silentLogger, type Logger } from '../core/ports';
import { BundledPriceTable } from '../core/pricing';
import { readImportFile } from './file-import';

/**
 * Reading an import file (decompressing, `JSON.parse`, normalizing) on a worker thread while the calling
 * thread writes the batches to the store: a bulk import then uses two cores, and its wall time is about
 * the larger of the two halves instead of their sum (bench/import.ts). The worker is the CLI bundle itself
 * (`dist/cli.js` started with `workerData.kind === IMPORT_WORKER_KIND`, see src/cli/main.ts), normalizing
 * with the bundled price table, so only callers that use that table may use it (the CLI).
 */
const IMPORT_WORKER_KIND = 'prodlens-import-reader';
/** Files smaller than this are read on the calling thread (starting a worker costs ~50 ms). */
const WORKER_FROM_BYTES = 4 << 20;
/** Batches the worker may read ahead of the writer (each ~5000 records). */
const AHEAD = 3;

interface Request {
  kind: typeof IMPORT_WORKER_KIND;
  file: string;
  receivedAt: string;
}
type Message = { batch: Batch } | { done: true } | { error: string; code?: string };

/**
 * The worker's side: reads the file, posting batches while the writer has room for them.
 * @public Loaded when this bundle starts as a worker (src/cli/main.ts checks `workerData.kind`).
 */
export async function runImportWorker(): Promise<void> {
  const port = parentPort!;
  const { file, receivedAt } = workerData as Request;
  let credit = AHEAD;
  let wake: (() => void) | undefined;
  port.on('message', (m) => {
    if (m !== 'more') return;
    credit += 1;
    wake?.();
  });
  try {
    for await (const batch of readImportFile(file, { prices: new BundledPriceTable(), receivedAt })) {
      while (credit <= 0) await new Promise<void>((r) => (wake = r));
      credit -= 1;
      port.postMessage({ batch } satisfies Message);
    }
    port.postMessage({ done: true } satisfies Message);
  } catch (err) {
    port.postMessage({ error: (err as Error).message, code: (err as NodeJS.ErrnoException).code } satisfies Message);
  }
  port.close();
}

/**
 * The script that can run as an import reader: the CLI bundle this code is part of; undefined when not
 * running from it (tests under tsx, the extension bundle), or when `PRODLENS_IMPORT_WORKER=0`.
 */
export function importWorkerScript(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.PRODLENS_IMPORT_WORKER === '0') return undefined;
  const script = path.join(__dirname, 'cli.js');
  return __filename === script && existsSync(script) ? script : undefined;
}

/**
 * `readImportFile` on a worker thread (same batches, same order) when `script` is given and the file is at
 * least WORKER_FROM_BYTES; else on this thread. Only for the bundled price table (see IMPORT_WORKER_KIND).
 */
export async function* readImportFileOffThread(
  file: string,
  ctx: NormalizeContext,
  script: string | undefined,
  logger: Logger = silentLogger,
): AsyncGenerator<Batch> {
  let size = 0;
  try {
    size = statSync(file).size;
  } catch {
    // readImportFile reports it.
  }
  if (!script || size < WORKER_FROM_BYTES) {
    yield* readImportFile(file, ctx);
    return;
  }
  logger.info(`reading ${file} on a worker thread`);
  const request: Request = { kind: IMPORT_WORKER_KIND, file, receivedAt: ctx.receivedAt ?? new Date().toISOString() };
  const worker = new Worker(script, { workerData: request });
  const queue: Message[] = [];
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  worker.on('message', (m: Message) => {
    queue.push(m);
    wake?.();
  });
  worker.on('error', (err) => {
    failure = err;
    wake?.();
  });
  worker.on('exit', (code) => {
    failure ??= new Error(`the import reader stopped (exit code ${code}) before the end of ${file}`);
    wake?.();
  });
  try {
    for (;;) {
      const m = queue.shift();
      if (!m) {
        if (failure) throw failure;
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
        continue;
      }
      if ('done' in m) return;
      if ('error' in m) throw Object.assign(new Error(m.error), m.code ? { code: m.code } : {});
      worker.postMessage('more');
      yield m.batch;
    }
  } finally {
    worker.removeAllListeners();
    await worker.terminate();
  }
}
