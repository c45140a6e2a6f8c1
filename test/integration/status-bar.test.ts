import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ProdLensApi } from '../../src/extension/extension';
import { prodlens, scalar, utcDay, waitFor } from './support/prodlens-api';

/** Today's model requests as the status bar defines them (UTC day, repeats through a second channel excluded). */
async function requestsToday(api: ProdLensApi): Promise<number> {
  const store = await api.services.store();
  return Number(scalar(store, "SELECT COUNT(*) FROM sessions WHERE event_date = ? AND kind = 'request' AND duplicate_of IS NULL", [utcDay()]));
}

/** The request count the status bar text shows ("… · 3 req · …"), or undefined before it shows totals. */
function shownRequests(text: string): string | undefined {
  return /· (\S+) req\b/.exec(text)?.[1];
}

describe('status bar', () => {
  let api: ProdLensApi;
  let dir: string | undefined;

  before(async () => {
    api = await prodlens();
  });

  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('reads ProdLens and shows today’s totals from the store, even when today has no data yet', async () => {
    const text = await waitFor(
      'the status bar to show today’s totals',
      () => (shownRequests(api.statusBar.text) !== undefined ? api.statusBar.text : undefined),
      15_000,
      () => api.statusBar.text,
    );
    assert.match(text, /^\$\(pulse\) ProdLens · /);
    // The fixture's sample data is dated January 2026, so this is 0 on any other day.
    assert.equal(shownRequests(text), String(await requestsToday(api)));
  });

  it('counts requests that arrive today within seconds', async () => {
    const before = await requestsToday(api);
    dir = mkdtempSync(path.join(os.tmpdir(), 'prodlens-status-'));
    const file = path.join(dir, 'today.ndjson');
    const now = Date.now();
    const lines = [0, 1, 2].map((i) =>
      JSON.stringify({
        timestamp: new Date(now - i * 1000).toISOString(),
        kind: 'request',
        event_id: `e2e-status-${now}-${i}`,
        session_id: `e2e-status-${now}`,
        model: 'claude-sonnet-4-5',
        tokens_in: 1000,
        tokens_out: 200,
      }),
    );
    writeFileSync(file, `${lines.join('\n')}\n`);
    await vscode.commands.executeCommand('prodlens.importEvents', vscode.Uri.file(file));
    const expected = before + lines.length;
    assert.equal(await requestsToday(api), expected, 'the import stored today’s requests');
    await waitFor(
      `the status bar to show ${expected} req`,
      () => shownRequests(api.statusBar.text) === String(expected),
      10_000,
      () => api.statusBar.text,
    );
    assert.match(api.statusBar.text, /^\$\(pulse\) ProdLens · /);
  });
});
