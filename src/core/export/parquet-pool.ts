import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { defaultWasmPath } from '../store/node-sqljs';
import type { EncodeOptions } from './node-parquet';
import type { EncodeReply, EncodeRequest } from './parquet-worker';

/**
 * Parquet encoding on worker threads, each with its own parquet-wasm instance: the export's main thread
 * reads rows and builds Arrow IPC streams while the workers compress and encode earlier files. The IPC
 * buffer is transferred, not copied, and so are the file bytes coming back.
 */
export class ParquetPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { resolve: (b: Uint8Array) => void; reject: (e: Error) => void }>();
  private readonly load: number[] = [];
  private nextId = 0;
  private failed: Error | null = null;

  constructor(size: number, wasmPath = defaultWasmPath('parquet_wasm_bg.wasm', 'parquet-wasm/esm/parquet_wasm_bg.wasm')) {
    const script = workerScript();
    if (!script) throw new Error('the Parquet worker script is missing');
    for (let i = 0; i < size; i++) {
      const w = script.endsWith('.ts')
        ? // Running from source (tests, benchmarks under tsx): the worker loads the TypeScript through tsx.
          new Worker(`require('tsx/cjs'); require(${JSON.stringify(script)});`, { eval: true, workerData: { wasmPath } })
        : new Worker(script, { workerData: { wasmPath } });
      w.on('message', (m: EncodeReply) => {
        this.load[i]!--;
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (!p) return;
        if ('error' in m) p.reject(new Error(`Parquet encoding failed: ${m.error}`));
        else p.resolve(m.bytes);
      });
      w.on('error', (err) => this.fail(err));
      w.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`Parquet worker exited with code ${code}`));
      });
      this.workers.push(w);
      this.load.push(0);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Encodes on the least busy worker; `ipc` is transferred (unusable here afterwards). */
  encode(ipc: Uint8Array, options: EncodeOptions): Promise<Uint8Array> {
    if (this.failed) return Promise.reject(this.failed);
    let k = 0;
    for (let i = 1; i < this.load.length; i++) if (this.load[i]! < this.load[k]!) k = i;
    const id = this.nextId++;
    return new Promise<Uint8Array>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.load[k]!++;
      const msg: EncodeRequest = {
        id,
        ipc,
        options: { plain: [...options.plain], uncompressed: [...options.uncompressed], metadata: { ...options.metadata } },
      };
      const whole = ipc.byteOffset === 0 && ipc.byteLength === ipc.buffer.byteLength;
      this.workers[k]!.postMessage(msg, whole ? [ipc.buffer as ArrayBuffer] : []);
    });
  }

  async close(): Promise<void> {
    const ws = this.workers.splice(0);
    for (const w of ws) w.removeAllListeners('exit');
    await Promise.all(ws.map((w) => w.terminate()));
    this.fail(new Error('Parquet pool closed'));
  }

  private fail(err: Error): void {
    this.failed ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}

/**
 * dist/parquet-worker.js beside the bundle, else (running from source) the TypeScript file; null when
 * neither is there (a bundle shipped without its worker): the exporter then encodes on its own thread.
 */
export function workerScript(): string | null {
  for (const f of ['parquet-worker.js', 'parquet-worker.ts']) {
    const p = path.join(__dirname, f);
    if (existsSync(p)) return p;
  }
  return null;
}
