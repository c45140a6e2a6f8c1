import { existsSync, readFileSync } from 'node:fs';
import { defaultWasmPath } from '../store/node-sqljs';

type ParquetWasm = typeof import('parquet-wasm/esm');

/** Per-file options of the Parquet writer. */
export interface EncodeOptions {
  /** Columns written without dictionary encoding. */
  plain: readonly string[];
  /** Columns written without compression (everything else is ZSTD). */
  uncompressed: readonly string[];
  /** Key-value metadata of the file footer. */
  metadata: Record<string, string>;
}

/** Writes one Arrow IPC stream (one record batch) as one Parquet file's bytes. */
export interface ParquetEncoder {
  encode(ipcStream: Uint8Array, options: EncodeOptions): Uint8Array;
  /** Bytes of WASM memory in use (it grows and never shrinks: MEASURED.md). */
  wasmMemoryBytes(): number;
}

/**
 * Loads parquet-wasm on first use: the `esm` build initialised synchronously from the `.wasm` file that
 * esbuild copies beside the bundle (under tests it comes from node_modules). Nothing is loaded at
 * activation; the first export pays ~100 ms.
 */
export class ParquetWasmLoader {
  private loading: Promise<ParquetEncoder> | undefined;

  constructor(private readonly wasmPath: string = defaultWasmPath('parquet_wasm_bg.wasm', 'parquet-wasm/esm/parquet_wasm_bg.wasm')) {}

  load(): Promise<ParquetEncoder> {
    this.loading ??= this.init().catch((err: unknown) => {
      this.loading = undefined;
      throw err;
    });
    return this.loading;
  }

  private async init(): Promise<ParquetEncoder> {
    if (!existsSync(this.wasmPath)) throw new Error(`parquet-wasm WASM not found at ${this.wasmPath}; reinstall ProdLens or run npm run build`);
    const pw = (await import('parquet-wasm/esm')) as ParquetWasm;
    pw.initSync({ module: readFileSync(this.wasmPath) });
    return {
      encode(ipcStream, options) {
        // writeParquet consumes both its table and its properties (MEASURED.md): build them per file.
        const wasmTable = pw.Table.fromIPCStream(ipcStream);
        // Parquet format 1 pages (PLAIN and RLE dictionary) are what every reader handles, old Spark and
        // Hive included. Row-group statistics are enough for pruning files of a few thousand rows; page
        // statistics and column indexes cost ~25% of the write time for nothing here.
        let b = new pw.WriterPropertiesBuilder()
          .setCompression(pw.Compression.ZSTD)
          .setWriterVersion(pw.WriterVersion.V1)
          .setStatisticsEnabled(pw.EnabledStatistics.Chunk)
          .setCreatedBy('ProdLens')
          .setKeyValueMetadata(new Map(Object.entries(options.metadata)));
        for (const c of options.plain) b = b.setColumnDictionaryEnabled(c, false);
        for (const c of options.uncompressed) b = b.setColumnCompression(c, pw.Compression.UNCOMPRESSED);
        return pw.writeParquet(wasmTable, b.build());
      },
      wasmMemoryBytes: () => pw.wasmMemory().buffer.byteLength,
    };
  }
}
