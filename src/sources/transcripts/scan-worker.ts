/**
 * The transcript reading thread (worker_threads): reads, prefilters and parses files and builds their
 * events while the scanner's thread dedups and stores the previous ones (scan.ts). Built as
 * dist/scan-worker.js. Jobs and results are plain data: the file bytes never leave this thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BundledPriceTable, type PriceOverrides } from '../../core/pricing';
import { parseFile, type FileJob, type FileResult } from './parse-file';

export interface ScanWorkerData {
  overrides: PriceOverrides;
  label: string;
}

export interface ScanRequest {
  id: number;
  job: FileJob;
}

export type ScanReply = { id: number; result: FileResult } | { id: number; error: string; code?: string };

const port = parentPort;
if (port) {
  const data = workerData as ScanWorkerData;
  const prices = new BundledPriceTable(data.overrides, data.label);
  port.on('message', (m: ScanRequest) => {
    let reply: ScanReply;
    try {
      reply = { id: m.id, result: parseFile(m.job, prices) };
    } catch (err) {
      reply = { id: m.id, error: (err as Error).message, code: (err as NodeJS.ErrnoException).code };
    }
    port.postMessage(reply);
  });
}
