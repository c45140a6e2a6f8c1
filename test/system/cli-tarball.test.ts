/**
 * The `prodlens` command line as a user gets it: `npm run pack:cli` makes the tarball, `npm install -g
 * --prefix <empty folder> <tarball>` installs it (offline-first from the npm cache: its only dependencies
 * are native modules the bundle leaves external), and the installed `prodlens` runs from a folder that has
 * nothing of this repository around it.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packCli } from '../../scripts/pack-cli.mjs';

const root = path.resolve(__dirname, '../..');
const fixtures = path.join(root, 'test', 'fixtures');

function run(bin: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(bin, args, { cwd, env, maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('the prodlens-cli tarball installed into an empty prefix', function () {
  this.timeout(300_000);
  let tmp: string;
  let prefix: string;
  let work: string;
  let tarball: string;
  let prodlens: (...args: string[]) => Promise<{ code: number; stdout: string; stderr: string }>;

  before(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'prodlens-tarball-'));
    prefix = path.join(tmp, 'prefix');
    work = path.join(tmp, 'work');
    execFileSync('mkdir', ['-p', prefix, work]);
    tarball = packCli({ build: true });
    execFileSync('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel', 'error', tarball], {
      cwd: tmp,
      env: { ...process.env, npm_config_update_notifier: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const bin = path.join(prefix, 'bin', 'prodlens');
    assert.ok(existsSync(bin), `npm installed no ${bin}`);
    // A clean environment: no NODE_PATH or npm variables pointing back into this repository.
    const env: NodeJS.ProcessEnv = { PATH: `${path.join(prefix, 'bin')}:${path.dirname(process.execPath)}:/usr/bin:/bin`, HOME: tmp, TZ: 'UTC', NO_COLOR: '1' };
    prodlens = (...args) => run(bin, args, work, env);
  });

  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('holds only what runs', () => {
    const listing = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).trim().split('\n').sort();
    assert.deepEqual(listing, [
      'package/LICENSE',
      'package/README.md',
      'package/dist/cli-main.js',
      'package/dist/cli.js',
      'package/dist/parquet-worker.js',
      'package/dist/parquet_wasm_bg.wasm',
      'package/dist/scan-worker.js',
      'package/dist/sql-wasm.js',
      'package/dist/sql-wasm.wasm',
      'package/dist/webview.css',
      'package/dist/webview.js',
      'package/package.json',
    ]);
    const installed = JSON.parse(readFileSync(path.join(prefix, 'lib', 'node_modules', 'prodlens-cli', 'package.json'), 'utf8'));
    assert.equal(installed.version, JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version);
  });

  it('prints help with --help and when run bare, and exits 0', async () => {
    for (const args of [['--help'], []]) {
      const r = await prodlens(...args);
      assert.equal(r.code, 0, `prodlens ${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stdout, /^Usage: prodlens <command>/);
      assert.match(r.stdout, /\breport\b/);
    }
    const version = await prodlens('--version');
    assert.equal(version.stdout.trim(), JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version);
  });

  it('imports files and reports on the database: text, JSON, HTML and Parquet', async () => {
    const db = path.join(work, 'prodlens.sqlite');
    const events = path.join(fixtures, 'prodlens', 'events.ndjson');
    const litellm = path.join(fixtures, 'litellm', 'payloads.ndjson');
    const imported = await prodlens('import', events, litellm, '--db', db, '--json');
    assert.equal(imported.code, 0, imported.stderr);
    // What the files hold, counted here from the files themselves: successful model requests (ProdLens
    // events of kind request; LiteLLM payloads with status success).
    const lines = (file: string) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    const requests = lines(events).filter((e) => e.kind === 'request').length + lines(litellm).filter((p) => p.status === 'success').length;
    assert.equal(JSON.parse(imported.stdout).inserted, lines(events).length + lines(litellm).length);

    const json = await prodlens('report', '--db', db, '--json', '--since', '2025-12-01');
    assert.equal(json.code, 0, json.stderr);
    const model = JSON.parse(json.stdout) as { headline: Array<{ key: string; value: number | null }> };
    assert.equal(model.headline.find((h) => h.key === 'requests')?.value, requests);

    const text = await prodlens('report', '--db', db, '--since', '2025-12-01');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /ProdLens report/);
    assert.doesNotMatch(text.stdout, /\x1b\[/, 'no colour when stdout is not a terminal');

    const html = path.join(work, 'report.html');
    const page = await prodlens('report', '--db', db, '--html', html, '--since', '2025-12-01');
    assert.equal(page.code, 0, page.stderr);
    assert.match(readFileSync(html, 'utf8'), /<script type="application\/json" id="prodlens-data">/);

    const lake = path.join(work, 'lake');
    const exported = await prodlens('export', '--db', db, '--out', lake, '--json');
    assert.equal(exported.code, 0, exported.stderr);
    assert.ok(existsSync(path.join(lake, '_manifest.json')));
    assert.ok(readdirSync(path.join(lake, 'sessions')).length > 0, 'Parquet partitions of the events');

    // prodlens team reads the export with DuckDB, a dependency of the CLI package (not of the extension).
    const installed = JSON.parse(readFileSync(path.join(prefix, 'lib', 'node_modules', 'prodlens-cli', 'package.json'), 'utf8'));
    assert.ok(installed.dependencies?.['@duckdb/node-api'], 'the CLI package depends on @duckdb/node-api');
    const team = await prodlens('team', '--lake', lake, '--json');
    assert.equal(team.code, 0, team.stderr);
    assert.equal(JSON.parse(team.stdout).totals.requests, requests);
  });

  it('fails with a message and exit code 1 on bad usage', async () => {
    const r = await prodlens('report', '--since', 'yesterday');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--since/);
  });
});
