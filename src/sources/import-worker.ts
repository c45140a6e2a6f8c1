import { statSync } from 'node:fs';
import type { MessagePort } from 'node:worker_threads';
import type { Batch } from '../core/model';
import type { NormalizeContext } from '../core/normalize/context';
import { silentLogger, type Logger } from '../core/ports';
import { BundledPriceTable } from '../core/pricing';
import { readImportFile } from './file-import';
import { startReaderThread } from './reader-thread';
import type { ScanWorkerData } from './transcripts/scan-worker';

/**
 * Reading an import file (decompressing, `JSON.parse`, normalizing) on the reading thread (dist/scan-worker.js,
 * as transcript scans do) while the calling thread writes the batches to the store: a bulk import then uses
 * two cores, and its wall time is about the larger of the two halves instead of their sum (bench/import.ts).
 */

/** Files smaller than this are read on the calling thread (starting a worker costs ~50 ms). */
const WORKER_FROM_BYTES = 4 << 20;
/** Batches the worker may read ahead of the writer (each ~5000 records). */
const AHEAD = 3;

type Message = { batch: Batch } | { done: true } | { error: string; code?: string };

/** The reading thread's side: reads the file, posting batches while the writer has room for them. */
export async function serveImportFile(port: MessagePort, file: string, receivedAt: string, prices: BundledPriceTable): Promise<void> {
  let credit = AHEAD;
  let wake: (() => void) | undefined;
  port.on('message', (m) => {
    if (m !== 'more') return;
    credit += 1;
    wake?.();
  });
  try {
    for await (const batch of readImportFile(file, { prices, receivedAt })) {
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
 * `readImportFile` on the reading thread (same batches, same order) for files of at least WORKER_FROM_BYTES
 * normalized with a bundled price table (the thread rebuilds it from its spec); else, or when the thread
 * cannot start, on this thread.
 */
export async function* readImportFileOffThread(file: string, ctx: NormalizeContext, logger: Logger = silentLogger): AsyncGenerator<Batch> {
  let size = 0;
  try {
    size = statSync(file).size;
  } catch {
    // readImportFile reports it.
  }
  const prices = ctx.prices;
  let worker;
  if (size >= WORKER_FROM_BYTES && prices instanceof BundledPriceTable) {
    const data: ScanWorkerData = { kind: 'import', file, receivedAt: ctx.receivedAt ?? new Date().toISOString(), ...prices.spec };
    try {
      worker = startReaderThread(data);
    } catch (err) {
      logger.warn(`no reading thread (${(err as Error).message}), reading ${file} on this one`);
    }
  }
  if (!worker) {
    yield* readImportFile(file, ctx);
    return;
  }
  logger.info(`reading ${file} on a worker thread`);
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
    failure ??= new Error(`the reading thread stopped (exit code ${code}) before the end of ${file}`);
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
