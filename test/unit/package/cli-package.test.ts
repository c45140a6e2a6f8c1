import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cliManifest, externalPackages } from '../../../scripts/pack-cli.mjs';

const root = path.resolve(__dirname, '../../..');
const template = JSON.parse(readFileSync(path.join(root, 'packages/cli/package.json'), 'utf8'));
const rootPkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

describe('the prodlens-cli package (npm run pack:cli)', () => {
  it('finds the modules a bundle leaves external, not Node built-ins or relative files', () => {
    const bundle = [
      'var fs = require("node:fs"); var p = require("path"); var z = require("zlib");',
      'const d = Promise.resolve().then(() => __toESM(require("@duckdb/node-api")));',
      'const x = require("./chunk.js"); const y = require( "better-sqlite3/lib/x" );',
      'const w = require("fs/promises"); const { DuckDBInstance } = await import("@duckdb/node-api");',
      'const v = await import("valibot"); const u = await import("node:url"); const t = await import("./t.js");',
    ].join('\n');
    assert.deepEqual(externalPackages(bundle), ['@duckdb/node-api', 'better-sqlite3', 'valibot']);
  });

  it('also finds a declared external whose name the bundle hands to a function of its own (the minified ES module importer)', () => {
    const bundle = 'const{DuckDBInstance:s}=await wte("@duckdb/node-api"),o={};const t = "not-a-package-mention-of-left-pad-x";';
    assert.deepEqual(externalPackages(bundle), []);
    assert.deepEqual(externalPackages(bundle, ['@duckdb/node-api', 'left-pad', 'esbuild']), ['@duckdb/node-api']);
    assert.deepEqual(externalPackages("x = f('@duckdb/node-api/sub')", ['@duckdb/node-api']), ['@duckdb/node-api']);
  });

  it('depends on exactly those, at the versions the root package.json gives', () => {
    const m = cliManifest({ version: '9.9.9', devDependencies: { '@duckdb/node-api': '^1.5.6' }, dependencies: { valibot: '^1' } }, template, [
      '@duckdb/node-api',
    ]);
    assert.deepEqual(m.dependencies, { '@duckdb/node-api': '^1.5.6' });
    assert.equal(m.version, '9.9.9');
    assert.equal(cliManifest(rootPkg, template, []).dependencies, undefined, 'a bundle without externals needs nothing installed');
  });

  it('refuses to pack a bundle that requires a module package.json does not list', () => {
    assert.throws(() => cliManifest(rootPkg, template, ['left-pad']), /requires left-pad, which package.json does not list/);
  });

  it('installs the `prodlens` command and ships the WASM and report page the bundle loads from beside itself', () => {
    assert.deepEqual(template.bin, { prodlens: 'dist/cli.js' });
    assert.deepEqual(template.files, [
      'dist/cli.js',
      'dist/cli-main.js',
      'dist/parquet-worker.js',
      'dist/scan-worker.js',
      'dist/sql-wasm.js',
      'dist/*.wasm',
      'dist/webview.js',
      'dist/webview.css',
    ]);
    assert.equal(template.engines.node, rootPkg.engines.node);
  });
});
