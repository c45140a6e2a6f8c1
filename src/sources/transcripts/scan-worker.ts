/**
 * The reading thread (worker_threads) of scans and imports, built as dist/scan-worker.js and started by
 * reader-thread.ts. `kind: 'transcripts'`: reads, prefilters and parses transcript files and builds their
 * events while the scanner's thread dedups and stores the previous ones (scan.ts); jobs and results are
 * plain data, the file bytes never leave this thread. `kind: 'import'`: reads one import file and posts
 * its batches (import-worker.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BundledPriceTable, loadPriceData, type PriceOverrides } from '../../core/pricing';
import { parseFile, type FileJob, type FileResult } from './parse-file';
import { pack, packedBuffers, type Packed } from './pack';
import { serveImportFile } from '../import-worker';

export type ScanWorkerData = { overrides: PriceOverrides; label: string } & (
  { kind: 'transcripts'; preloadPrices?: boolean } | { kind: 'import'; file: string; receivedAt: string }
);

export interface ScanRequest {
  id: number;
  job: FileJob;
}

/** `result.out.items` is empty: its events, request keys and unbuilt Claude requests travel packed (pack.ts). */
export type ScanReply = { id: number; result: FileResult; events: Packed; keys: Packed; raw: Packed } | { id: number; error: string; code?: string };

const port = parentPort;
if (port) {
  const data = workerData as ScanWorkerData;
  const prices = new BundledPriceTable(data.overrides, data.label);
  if (data.kind === 'import') void serveImportFile(port, data.file, data.receivedAt, prices);
  else {
    // The scanner is still opening its store: evaluate the price data before the first file arrives. (Not
    // when files are on their way already: then only a file whose requests are priced here needs it.)
    if (data.preloadPrices !== false) setImmediate(loadPriceData);
    port.on('message', (m: ScanRequest) => {
      try {
        // Claude requests go unbuilt: the scanner's thread, which waits on this one, builds them.
        const result = parseFile(m.job, prices, true);
        const items = result.out.items;
        const events = pack(items.map((it) => it.event));
        const keys = pack(items.map((it) => it.claude));
        const raw = pack(result.raw ?? []);
        const reply: ScanReply = {
          id: m.id,
          result: { ...result, out: { items: [], rejects: result.out.rejects }, raw: undefined },
          events,
          keys,
          raw,
        };
        port.postMessage(reply, [...packedBuffers(events), ...packedBuffers(keys), ...packedBuffers(raw)]);
      } catch (err) {
        port.postMessage({ id: m.id, error: (err as Error).message, code: (err as NodeJS.ErrnoException).code } satisfies ScanReply);
      }
    });
  }
}
