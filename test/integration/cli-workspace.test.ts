import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ProdLensApi } from '../../src/extension/extension';
import { repoRoot } from './support/manifest';
import { prodlens, scalar, workspaceFolder } from './support/prodlens-api';

function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), ...args], { maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('prodlens report --workspace next to this VS Code', () => {
  let api: ProdLensApi;

  before(async () => {
    api = await prodlens();
  });

  it('finds the database this extension host uses for the folder, and reads it while the extension holds it', async function () {
    this.timeout(90_000);
    const store = await api.services.store();
    const dbPath = api.services.dbPath;
    // <user data>/User/workspaceStorage/<id>/prodlens.prodlens/prodlens.sqlite
    const userData = path.resolve(path.dirname(dbPath), '..', '..', '..', '..');
    const lock = readFileSync(`${dbPath}.lock`, 'utf8');
    const expected = Number(scalar(store, "SELECT COUNT(*) FROM sessions WHERE kind = 'request' AND duplicate_of IS NULL AND event_date >= '2020-01-01'"));
    const r = await runCli(['report', '--workspace', workspaceFolder(), '--user-data-dir', userData, '--json', '--since', '2020-01-01', '--verbose']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stderr.includes(`reading ${dbPath} read-only`), r.stderr);
    const model = JSON.parse(r.stdout) as { headline: Array<{ key: string; value: number | null }> };
    assert.equal(model.headline.find((h) => h.key === 'requests')?.value ?? 0, expected);
    // The extension still owns the database: its lock file is untouched.
    assert.ok(existsSync(`${dbPath}.lock`));
    assert.equal(readFileSync(`${dbPath}.lock`, 'utf8'), lock);
  });
});
