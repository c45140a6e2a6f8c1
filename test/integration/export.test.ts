import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ExportSummary } from '../../src/core/export/exporter';
import type { ProdLensApi } from '../../src/extension/extension';
import { extensionId } from './support/manifest';

/** A repository only this test writes, so its partition holds exactly this test's events. */
const REPO = 'acme/export-e2e';

describe('Parquet export ("ProdLens: Export Parquet")', () => {
  let api: ProdLensApi;
  let dir: string;

  before(async () => {
    const extension = vscode.extensions.getExtension<ProdLensApi>(extensionId());
    assert.ok(extension);
    api = await extension.activate();
    dir = mkdtempSync(path.join(os.tmpdir(), 'prodlens-export-e2e-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exports the workspace database into the hive layout with a manifest, then only what changed', async function () {
    this.timeout(90_000);
    const day = new Date(Date.now() - 3_600_000).toISOString().slice(0, 10);
    const lines = Array.from({ length: 9 }, (_, k) =>
      JSON.stringify({
        timestamp: `${day}T00:0${k}:00.000Z`,
        kind: 'request',
        event_id: `export-e2e-${k}`,
        session_id: 'export-e2e-session',
        developer_id: 'export-e2e@example.com',
        model: 'claude-sonnet-4-5',
        tokens_in: 100,
        tokens_out: 10,
        repo_slug: REPO,
      }),
    );
    const input = path.join(dir, 'events.ndjson');
    writeFileSync(input, `${lines.join('\n')}\n`);
    const imported = await vscode.commands.executeCommand<{ inserted: number } | undefined>('prodlens.importEvents', vscode.Uri.file(input));
    assert.equal(imported?.inserted, 9);

    const out = path.join(dir, 'export');
    const first = await vscode.commands.executeCommand<ExportSummary | undefined>('prodlens.exportParquet', vscode.Uri.file(out));
    assert.ok(first, 'the export command returned no summary (see the ProdLens log)');
    const store = await api.services.store();
    const manifest = JSON.parse(readFileSync(path.join(out, '_manifest.json'), 'utf8'));
    assert.equal(manifest.deviceId, store.deviceId);
    const file = manifest.files.find((f: { path: string }) => f.path.startsWith(`sessions/event_date=${day}/repo=acme__export-e2e/`));
    assert.ok(file, `no sessions file for ${REPO} on ${day} in ${manifest.files.map((f: { path: string }) => f.path).join(', ')}`);
    assert.equal(file.rows, 9);
    const bytes = readFileSync(path.join(out, file.path));
    assert.equal(bytes.subarray(0, 4).toString('latin1'), 'PAR1');
    assert.equal(bytes.subarray(bytes.length - 4).toString('latin1'), 'PAR1');
    assert.equal(first.rows, manifest.totals.rows);

    // A re-export of unchanged data writes nothing. The extension's own background jobs (watchers, syncs,
    // the experiment of an earlier test) may write between two exports on a slow machine, and then what they
    // changed is rightly rewritten: so up to three re-exports, the last of which must write nothing (a
    // re-export that always rewrites something fails all three).
    const attempts: Array<Array<[string, number]>> = [];
    let again: ExportSummary | undefined;
    for (let i = 0; i < 3; i++) {
      again = await vscode.commands.executeCommand<ExportSummary | undefined>('prodlens.exportParquet');
      assert.equal(again?.outDir, out, 'the folder is remembered');
      const rewritten = Object.entries(again?.datasets ?? {})
        .filter(([, d]) => d.filesWritten > 0)
        .map(([name, d]): [string, number] => [name, d.filesWritten]);
      if (!rewritten.length) break;
      attempts.push(rewritten);
      console.log(`re-export ${i + 1} rewrote ${JSON.stringify(rewritten)} (background writes in between)`);
    }
    assert.equal(again?.filesWritten, 0, `every re-export rewrote files: ${JSON.stringify(attempts)}`);
    assert.ok(existsSync(path.join(out, file.path)));
  });
});
