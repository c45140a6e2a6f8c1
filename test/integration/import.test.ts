import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ProdLensApi } from '../../src/extension/extension';
import type { ImportSummary } from '../../src/sources/import-paths';
import { prodlens, scalar, workspaceFolder } from './support/prodlens-api';

/** The NDJSON files test/fixtures/e2e/workspace/samples/ put into the fixture workspace. */
const SAMPLES = ['prodlens-events.ndjson', 'litellm.ndjson'];

/** One record per line; the session id each sample record carries (ProdLens events and LiteLLM payloads). */
function sampleRecords(file: string): Array<{ session: string }> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const record = JSON.parse(line) as { session_id?: string; metadata?: { spend_logs_metadata?: { session_id?: string } } };
      const session = record.session_id ?? record.metadata?.spend_logs_metadata?.session_id;
      if (!session) throw new Error(`a sample record in ${file} has no session id: ${line.slice(0, 80)}`);
      return { session };
    });
}

describe('import command', () => {
  let api: ProdLensApi;
  const files = () => SAMPLES.map((name) => path.join(workspaceFolder(), 'samples', name));

  before(async () => {
    api = await prodlens();
  });

  /** Rows stored for the sample files' sessions. */
  async function storedSampleRows(): Promise<number> {
    const sessions = [...new Set(files().flatMap((f) => sampleRecords(f).map((r) => r.session)))];
    const store = await api.services.store();
    return Number(scalar(store, `SELECT COUNT(*) FROM sessions WHERE session_id IN (${sessions.map(() => '?').join(',')})`, sessions));
  }

  it('imports the files it is given as Uris (no dialog): every sample record becomes a row', async () => {
    const expected = files().reduce((n, f) => n + sampleRecords(f).length, 0);
    assert.ok(expected > 0, 'the fixture workspace has sample records');
    const summary = await vscode.commands.executeCommand<ImportSummary | undefined>(
      'prodlens.importEvents',
      files().map((f) => vscode.Uri.file(f)),
    );
    assert.ok(summary, 'the command returned no summary (it failed or showed a dialog)');
    assert.equal(summary.deadLettered, 0, 'no sample record is rejected');
    assert.equal(summary.inserted + summary.duplicates, expected, 'each record is either new or already stored');
    assert.equal(await storedSampleRows(), expected, 'rows stored for the samples’ sessions');
  });

  it('adds nothing when the same files are imported again', async () => {
    const uris = files().map((f) => vscode.Uri.file(f));
    await vscode.commands.executeCommand('prodlens.importEvents', uris);
    const rowsBefore = await storedSampleRows();
    const again = await vscode.commands.executeCommand<ImportSummary | undefined>('prodlens.importEvents', uris);
    assert.ok(again);
    assert.equal(again.inserted, 0, 'new rows on a repeated import');
    assert.equal(again.duplicates, rowsBefore, 'every record is recognised as already stored');
    assert.equal(await storedSampleRows(), rowsBefore);
  });

  it('imports a folder of Claude Code transcripts (routed to the transcript reader) and finishes', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'prodlens-import-'));
    try {
      // A copy of this workspace's project folder from the fixture HOME, where the watcher does not look.
      const project = path.join(os.homedir(), '.claude', 'projects', workspaceFolder().replace(/[^A-Za-z0-9]/g, '-'));
      const copy = path.join(dir, path.basename(project));
      cpSync(project, copy, { recursive: true });
      const files = readdirSync(copy, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.jsonl'));
      const requests = new Set(
        files.flatMap((f) =>
          readFileSync(path.join(copy, f), 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as { type?: string; requestId?: string; message?: { model?: string; usage?: unknown } })
            .filter((l) => l.type === 'assistant' && l.message?.usage && l.message.model !== '<synthetic>')
            .map((l) => l.requestId),
        ),
      );
      const summary = await vscode.commands.executeCommand<ImportSummary | undefined>('prodlens.importEvents', vscode.Uri.file(copy));
      assert.ok(summary, 'the command returned no summary');
      assert.equal(summary.transcriptFiles, files.length);
      assert.equal(summary.deadLettered, 0);
      // Already captured from HOME at startup, so mostly duplicates; either way every request is accounted for.
      assert.ok(summary.inserted + summary.duplicates >= requests.size, `${JSON.stringify(summary)} for ${requests.size} requests`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('returns its summary when some records are rejected, without waiting for the notification to be dismissed', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'prodlens-import-'));
    try {
      const file = path.join(dir, 'mixed.ndjson');
      const good = readFileSync(files()[0]!, 'utf8').split('\n')[0]!;
      // A misspelt column is rejected (docs/events.md: unknown fields are reported, not silently lost).
      writeFileSync(file, `${good}\n{"timestamp":"2026-01-08T10:00:00Z","kind":"request","token_in":5}\n`);
      const summary = await vscode.commands.executeCommand<ImportSummary | undefined>('prodlens.importEvents', vscode.Uri.file(file));
      assert.ok(summary, 'the command returned no summary');
      assert.equal(summary.deadLettered, 1);
      assert.equal(summary.inserted + summary.duplicates, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
