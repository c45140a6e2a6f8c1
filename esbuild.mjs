// Builds the extension host bundle, the CLI bundle and the webview bundle, and copies the WASM files that
// sql.js and parquet-wasm load at run time next to them (kept in the VSIX, see .vscodeignore).
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, mkdtempSync, existsSync, chmodSync, rmSync } from 'node:fs';
import os from 'node:os';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { priceDataPlugin } from './scripts/price-data-plugin.mjs';
import { CLI_EXTERNAL } from './scripts/cli-external.mjs';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const outdir = 'dist';

/** WASM files the bundles load lazily from their own folder. */
const wasmFiles = [
  [require.resolve('sql.js/dist/sql-wasm.wasm'), 'sql-wasm.wasm'],
  // Loaded as text and patched at run time (src/core/store/node-sqljs.ts), the same way as under tests.
  [require.resolve('sql.js/dist/sql-wasm.js'), 'sql-wasm.js'],
  [require.resolve('parquet-wasm/esm/parquet_wasm_bg.wasm'), 'parquet_wasm_bg.wasm'],
];

function copyWasm() {
  mkdirSync(outdir, { recursive: true });
  for (const [from, to] of wasmFiles) {
    if (!existsSync(from)) throw new Error(`WASM file missing: ${from} (run npm ci)`);
    copyFileSync(from, path.join(outdir, to));
  }
}

/**
 * The image of a new, migrated database (src/core/store/fresh-image.ts): store.ts's `freshImage`, bundled
 * on its own and run here with sql.js from node_modules (the bundles' sql.js patches change memory growth,
 * not the file format). Baked into the Node bundles as `PRODLENS_FRESH_DB`, gzip + base64 (~0.5 MiB of
 * mostly empty pages → a few KB).
 */
async function freshDbDefine() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'prodlens-fresh-db-'));
  try {
    const outfile = path.join(dir, 'store.cjs');
    await esbuild.build({
      entryPoints: ['src/core/store/store.ts'],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile,
      logLevel: 'warning',
      external: ['vscode', 'sql.js', ...CLI_EXTERNAL],
    });
    const initSqlJs = require('sql.js');
    const image = require(outfile).freshImage(await initSqlJs());
    return { PRODLENS_FRESH_DB: JSON.stringify(gzipSync(image, { level: 9 }).toString('base64')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: 'warning',
  legalComments: production ? 'none' : 'inline',
};

const nodeCommon = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  mainFields: ['module', 'main'],
  // sql.js references these Node builtins behind environment checks; parquet-wasm is loaded from its esm build.
  external: ['vscode'],
  plugins: [priceDataPlugin],
};

const entries = [
  { ...nodeCommon, entryPoints: { extension: 'src/extension/extension.ts' }, outdir },
  // The CLI's entry (dist/cli.js): a few lines that start what can start before they load the main bundle.
  { ...nodeCommon, entryPoints: { cli: 'src/cli/launch.ts' }, outdir, banner: { js: '#!/usr/bin/env node' } },
  {
    ...nodeCommon,
    entryPoints: { 'cli-main': 'src/cli/main.ts' },
    outdir,
    // DuckDB (native) stays a package the CLI requires at run time (`prodlens team` only); pack-cli makes it a
    // dependency of the CLI package. The extension bundle never imports it.
    external: [...nodeCommon.external, ...CLI_EXTERNAL],
  },
  // The Parquet encoding worker of `prodlens export --threads N` (src/core/export/parquet-pool.ts).
  { ...nodeCommon, entryPoints: { 'parquet-worker': 'src/core/export/parquet-worker.ts' }, outdir },
  // The transcript reading thread of scan-transcripts and the extension's scans (src/sources/transcripts/scan.ts).
  { ...nodeCommon, entryPoints: { 'scan-worker': 'src/sources/transcripts/scan-worker.ts' }, outdir },
];
/**
 * The report page: one IIFE (dist/webview.js) and, from the CSS it imports (media/report.css, uPlot's),
 * one stylesheet (dist/webview.css). Exported so tests and benchmarks build exactly this bundle.
 */
export function webviewOptions(out = outdir, prod = production) {
  const root = path.dirname(fileURLToPath(import.meta.url));
  return {
    ...common,
    minify: prod,
    sourcemap: prod ? false : 'linked',
    legalComments: prod ? 'none' : 'inline',
    entryPoints: { webview: path.join(root, 'src/webview/main.ts') },
    outdir: out,
    platform: 'browser',
    format: 'iife',
    target: ['chrome120'],
    // Keep `</script>` out of the output so the bundle can be inlined into the standalone HTML export.
    supported: { 'inline-script': false },
  };
}
if (existsSync('src/webview/main.ts')) entries.push(webviewOptions());

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (!isMain) {
  // Imported for its options (tests, benchmarks): build nothing.
} else if (watch) {
  copyWasm();
  const define = await freshDbDefine();
  for (const options of entries) {
    if (options.platform === 'node') options.define = define;
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
  console.log('[esbuild] watching…');
} else {
  copyWasm();
  const define = await freshDbDefine();
  for (const options of entries) if (options.platform === 'node') options.define = define;
  await Promise.all(entries.map((options) => esbuild.build(options)));
  if (existsSync(path.join(outdir, 'cli.js'))) chmodSync(path.join(outdir, 'cli.js'), 0o755);
}
