import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { SqlJsStatic } from 'sql.js';

/**
 * Loads sql.js's WASM on first use. The bundles ship `sql-wasm.wasm` beside themselves (esbuild.mjs); under
 * tests the file comes from node_modules. The file's existence is checked first: sql.js aborts the whole
 * process when it cannot find its WASM, even if the init promise is caught (MEASURED.md).
 */
export class SqlJsLoader {
  private loading: Promise<SqlJsStatic> | undefined;

  constructor(private readonly wasmPath: string = defaultWasmPath('sql-wasm.wasm', 'sql.js/dist/sql-wasm.wasm')) {}

  load(): Promise<SqlJsStatic> {
    this.loading ??= this.init();
    return this.loading;
  }

  private async init(): Promise<SqlJsStatic> {
    if (!existsSync(this.wasmPath)) throw new Error(`sql.js WASM not found at ${this.wasmPath}; reinstall ProdLens or run npm run build`);
    const wasmBinary = readFileSync(this.wasmPath);
    const mod = await import('sql.js');
    const init = (mod as unknown as { default?: typeof mod.default }).default ?? (mod as unknown as typeof mod.default);
    const buffer = wasmBinary.buffer.slice(wasmBinary.byteOffset, wasmBinary.byteOffset + wasmBinary.byteLength) as ArrayBuffer;
    return init({ wasmBinary: buffer });
  }
}

/**
 * A WASM file next to the running bundle (`dist/<name>`), else resolved from node_modules (tests, tsx).
 */
export function defaultWasmPath(fileName: string, packagePath: string): string {
  const beside = path.join(__dirname, fileName);
  if (existsSync(beside)) return beside;
  try {
    return require.resolve(packagePath);
  } catch {
    return beside;
  }
}
