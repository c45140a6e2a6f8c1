/**
 * A Parquet encoding worker (worker_threads): its own parquet-wasm instance, turning Arrow IPC streams
 * into Parquet file bytes for the exporter's main thread (parquet-pool.ts). Built as dist/parquet-worker.js.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ParquetWasmLoader, type EncodeOptions } from './node-parquet';

export interface EncodeRequest {
  id: number;
  ipc: Uint8Array;
  options: EncodeOptions;
}

export type EncodeReply = { id: number; bytes: Uint8Array } | { id: number; error: string };

const port = parentPort;
if (port) {
  const loader = new ParquetWasmLoader((workerData as { wasmPath: string }).wasmPath);
  port.on('message', (m: EncodeRequest) => {
    loader.load().then(
      (encoder) => {
        let reply: EncodeReply;
        try {
          reply = { id: m.id, bytes: encoder.encode(m.ipc, m.options) };
        } catch (err) {
          reply = { id: m.id, error: (err as Error).message };
        }
        const b = 'bytes' in reply ? reply.bytes : null;
        port.postMessage(reply, b && b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? [b.buffer as ArrayBuffer] : []);
      },
      (err: unknown) => port.postMessage({ id: m.id, error: (err as Error).message } satisfies EncodeReply),
    );
  });
}
