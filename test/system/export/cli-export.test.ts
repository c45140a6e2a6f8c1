import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import { runCli } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/context';
import { tempDir } from '../../unit/helpers/events';
import { duck, HIVE, listFiles, populatedStore } from '../../unit/export/fixtures';

function io(cwd: string, env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIO = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env, cwd, signal: new AbortController().signal };
  return { io: value, stdout: () => out.join(''), stderr: () => err.join('') };
}

describe('prodlens export', () => {
  let tmp: ReturnType<typeof tempDir>;
  let dbPath: string;
  beforeEach(async () => {
    tmp = tempDir('prodlens-cli-export-');
    dbPath = path.join(tmp.dir, 'prodlens.sqlite');
    await (await populatedStore({ path: dbPath })).close();
  });
  afterEach(() => tmp.cleanup());

  it('exports the database and prints a JSON summary that matches the files', async () => {
    const c = io(tmp.dir);
    assert.equal(await runCli(['export', '--out', 'out', '--db', dbPath, '--json'], c.io), 0, c.stderr());
    const summary = JSON.parse(c.stdout());
    const out = path.join(tmp.dir, 'out');
    assert.equal(summary.outDir, out);
    assert.equal(summary.files, listFiles(out).filter((f) => f.endsWith('.parquet')).length);
    const db = await duck();
    try {
      assert.equal(Number(await db.one(`SELECT count(*) FROM read_parquet('${out}/sessions/**/*.parquet', ${HIVE})`)), summary.datasets.sessions.rows);
    } finally {
      db.close();
    }
    const again = io(tmp.dir);
    assert.equal(await runCli(['export', '--out', 'out', '--db', dbPath], again.io), 0);
    assert.match(again.stdout(), /0 written, \d+ unchanged, 0 removed/);
  });

  it('asks for the team secret before pseudonymizing, and checks its arguments', async () => {
    const noSecret = io(tmp.dir);
    assert.equal(await runCli(['export', '--out', 'out', '--db', dbPath, '--pseudonymize'], noSecret.io), 1);
    assert.match(noSecret.stderr(), /PRODLENS_TEAM_SECRET/);
    for (const bad of [['--since', '2026-02-30'], ['--repo', 'not-a-slug'], ['--since', '2026-01-07', '--until', '2026-01-05'], []]) {
      const c = io(tmp.dir);
      assert.equal(await runCli(['export', '--db', dbPath, ...(bad.length ? ['--out', 'out', ...bad] : [])], c.io), 1, bad.join(' '));
    }
    const ok = io(tmp.dir, { PRODLENS_TEAM_SECRET: 'a-team-secret-of-some-length' });
    assert.equal(await runCli(['export', '--out', 'out', '--db', dbPath, '--pseudonymize', '--json'], ok.io), 0, ok.stderr());
    const manifest = JSON.parse(readFileSync(path.join(tmp.dir, 'out', '_manifest.json'), 'utf8'));
    assert.equal(manifest.pseudonymization.method, 'hmac-sha256');
  });

  it('reports a folder it must not write into as a data error', async () => {
    const c = io(tmp.dir);
    assert.equal(await runCli(['export', '--out', '.', '--db', dbPath], c.io), 2);
    assert.match(c.stderr(), /not empty and holds no ProdLens export/);
  });

  it('works as the bundled CLI, loading parquet-wasm from beside the bundle (and on its worker threads)', async () => {
    const dist = path.join(tmp.dir, 'dist');
    await esbuild.build({
      entryPoints: { cli: path.resolve('src/cli/main.ts'), 'parquet-worker': path.resolve('src/core/export/parquet-worker.ts') },
      outdir: dist,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      mainFields: ['module', 'main'],
      external: ['vscode', '@duckdb/node-api'],
      logLevel: 'error',
    });
    copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), path.join(dist, 'sql-wasm.wasm'));
    copyFileSync(require.resolve('sql.js/dist/sql-wasm.js'), path.join(dist, 'sql-wasm.js'));
    copyFileSync(require.resolve('parquet-wasm/esm/parquet_wasm_bg.wasm'), path.join(dist, 'parquet_wasm_bg.wasm'));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(dist, 'cli.js'), 'export', '--out', path.join(tmp.dir, 'bundled'), '--db', dbPath, '--json', '--threads', '3'],
      { cwd: tmp.dir },
    );
    const summary = JSON.parse(stdout);
    assert.ok(summary.filesWritten > 0);
    assert.ok(listFiles(path.join(tmp.dir, 'bundled')).includes('_manifest.json'));
  });
});
