import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ProdLensApi } from '../../src/extension/extension';
import { askDriver } from './support/driver';
import { extensionId } from './support/manifest';

/** A repository only this test writes, so its row counts exactly this test's events. */
const REPO = 'acme/report-e2e';

/** ProdLens event lines (docs/events.md): `n` requests a few minutes ago, ids from `first`. */
function requestEvents(n: number, first: number): string {
  const now = Date.now();
  return Array.from({ length: n }, (_, k) =>
    JSON.stringify({
      timestamp: new Date(now - (k + 1) * 60_000).toISOString(),
      kind: 'request',
      event_id: `report-e2e-${first + k}`,
      session_id: 'report-e2e-session',
      developer_id: 'report-e2e@example.com',
      model: 'claude-sonnet-4-5',
      tokens_in: 1000 + k,
      tokens_out: 200,
      latency_ms: 1500,
      status_code: 200,
      repo_slug: REPO,
    }),
  ).join('\n');
}

/** Reads an element of the report webview until its text is `expected` (the page may still be updating). */
async function waitForText(selector: string, expected: string, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  for (;;) {
    text = (await askDriver('webviewText', { selector, timeoutMs: Math.max(1000, deadline - Date.now()) })).text.trim();
    if (text === expected || Date.now() > deadline) return text;
    await new Promise((r) => setTimeout(r, 300));
  }
}

const asNumber = (shown: string) => Number(shown.replace(/[$,]/g, ''));

describe('report webview ("ProdLens: Show Report")', () => {
  let api: ProdLensApi;
  let dir: string;

  async function importEvents(name: string, lines: string): Promise<number> {
    const file = path.join(dir, name);
    writeFileSync(file, `${lines}\n`);
    const summary = await vscode.commands.executeCommand<{ inserted: number } | undefined>('prodlens.importEvents', vscode.Uri.file(file));
    assert.ok(summary, 'the import command returned no summary');
    return summary.inserted;
  }

  const reportTabs = () =>
    vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('prodlens.report'));

  /** The tab model reaches the extension host a moment after the panel opens. */
  async function waitForReportTab(): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (reportTabs().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  }
  const tabList = () =>
    JSON.stringify(vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => [t.label, (t.input as { viewType?: string } | undefined)?.viewType ?? null]));

  before(async () => {
    const extension = vscode.extensions.getExtension<ProdLensApi>(extensionId());
    assert.ok(extension);
    api = await extension.activate();
    dir = mkdtempSync(path.join(os.tmpdir(), 'prodlens-report-e2e-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => api.reports.panel?.dispose());

  it('opens one panel and renders the numbers of the model the extension built', async function () {
    this.timeout(90_000);
    assert.equal(await importEvents('first.ndjson', requestEvents(12, 0)), 12);
    await vscode.commands.executeCommand('prodlens.showReport');
    await vscode.commands.executeCommand('prodlens.showReport');
    await waitForReportTab();
    assert.equal(reportTabs().length, 1, `a second Show Report reveals the open panel; tabs: ${tabList()}`);

    // This test's repository row: exactly the events it imported, rendered inside the webview.
    assert.equal(await waitForText(`#by-repo tr[data-row="${REPO}"] [data-col="requests"]`, '12', 60_000), '12');
    const model = api.reports.panel?.lastModel;
    assert.ok(model, 'the panel posted a model');
    const row = model.byRepo.find((r) => r.key === REPO);
    assert.ok(row, `no ${REPO} row in the model`);
    assert.equal(row.requests, 12);
    assert.equal(
      row.totalTokens,
      Array.from({ length: 12 }, (_, k) => 1000 + k + 200).reduce((a, b) => a + b, 0),
    );
    assert.equal(
      asNumber(await waitForText(`#by-repo tr[data-row="${REPO}"] [data-col="totalTokens"]`, row.totalTokens.toLocaleString('en-US'))),
      row.totalTokens,
    );
    // The headline shows the model's totals (other tests may have added events of their own).
    for (const key of ['requests', 'total_tokens']) {
      const value: number | null | undefined = model.headline.find((x) => x.key === key)?.value;
      const shown = await askDriver('webviewText', { selector: `[data-headline="${key}"] .card-value` });
      assert.equal(asNumber(shown.text), value, key);
    }
    await askDriver('screenshot', { name: 'report-webview.png' });
    // Uncaught errors and CSP violations inside the webview reach the extension (and its log).
    assert.deepEqual(api.reports.panel?.controller.pageProblems, []);
  });

  it('updates the open report when new events arrive', async function () {
    this.timeout(90_000);
    await importEvents('before.ndjson', requestEvents(12, 0)); // already stored: no change
    await vscode.commands.executeCommand('prodlens.showReport');
    const selector = `#by-repo tr[data-row="${REPO}"] [data-col="requests"]`;
    assert.equal(await waitForText(selector, '12', 60_000), '12');
    assert.equal(await importEvents('more.ndjson', requestEvents(3, 100)), 3);
    // No command: the panel rebuilds by itself about a second after the store changed.
    assert.equal(await waitForText(selector, '15', 20_000), '15');
  });
});
