/**
 * The transcript reading thread (worker_threads): reads, prefilters and parses files and builds their
 * events while the scanner's thread dedups and stores the previous ones (scan.ts). Built as
 * dist/scan-worker.js. Jobs and results are plain data: the file bytes never leave this thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BundledPriceTable, type PriceOverrides } from '../../core/pricing';
import { parseFile, type FileJob, type FileResult } from './parse-file';
import { pack, packedBuffers, type Packed } from './pack';

export interface ScanWorkerData {
  overrides: PriceOverrides;
  label: string;
}

export interface ScanRequest {
  id: number;
  job: FileJob;
}

/** `result.out.items` is empty: its events and request keys travel packed (pack.ts). */
export type ScanReply = { id: number; result: FileResult; events: Packed; keys: Packed } | { id: number; error: string; code?: string };

const port = parentPort;
if (port) {
  const data = workerData as ScanWorkerData;
  const prices = new BundledPriceTable(data.overrides, data.label);
  port.on('message', (m: ScanRequest) => {
    try {
      const result = parseFile(m.job, prices);
      const items = result.out.items;
      const events = pack(items.map((it) => it.event));
      const keys = pack(items.map((it) => it.claude));
      const reply: ScanReply = { id: m.id, result: { ...result, out: { items: [], rejects: result.out.rejects } }, events, keys };
      port.postMessage(reply, [...packedBuffers(events), ...packedBuffers(keys)]);
    } catch (err) {
      port.postMessage({ id: m.id, error: (err as Error).message, code: (err as NodeJS.ErrnoException).code } satisfies ScanReply);
    }
  });
}
