import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ProdLensApi } from '../../src/extension/extension';
import { askDriver } from './support/driver';
import { prodlens, scalar, waitFor } from './support/prodlens-api';

/** Start of today in the extension host's zone (ProdLens's default zone is the machine's). */
function startOfToday(): number {
  const now = new Date();
  return new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
}

describe('budgets', () => {
  let api: ProdLensApi;
  let dir: string;

  async function costToday(): Promise<number> {
    const store = await api.services.store();
    return Number(scalar(store, 'SELECT COALESCE(SUM(cost_usd), 0) FROM sessions WHERE duplicate_of IS NULL AND ts_ms >= ?', [startOfToday()]));
  }

  /** Imports `n` requests made a minute ago, each reported at `usd` (ProdLens events, docs/events.md). */
  async function spend(name: string, n: number, usd: number): Promise<void> {
    const now = Date.now();
    const lines = Array.from({ length: n }, (_, k) =>
      JSON.stringify({
        timestamp: new Date(now - 60_000 - k * 1000).toISOString(),
        kind: 'request',
        event_id: `budget-${name}-${now}-${k}`,
        session_id: `budget-${now}`,
        model: 'claude-sonnet-4-5',
        tokens_in: 100,
        tokens_out: 10,
        cost_usd: usd,
      }),
    );
    const file = path.join(dir, `${name}.ndjson`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    await vscode.commands.executeCommand('prodlens.importEvents', vscode.Uri.file(file));
  }

  /** The messages in the notification center (opened for the purpose: toasts may already have timed out of view). */
  async function notificationTexts(): Promise<string[]> {
    await vscode.commands.executeCommand('notifications.showList');
    const answer = await askDriver('workbenchElements', { selector: '.notification-list-item-message', timeoutMs: 20_000 });
    return answer.elements.map((e) => e.text.replace(/\s+/g, ' ').trim());
  }

  before(async () => {
    api = await prodlens();
    dir = mkdtempSync(path.join(os.tmpdir(), 'prodlens-budget-e2e-'));
  });
  after(async () => {
    await vscode.workspace.getConfiguration('prodlens').update('budget.daily', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('notifications.hideList');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    rmSync(dir, { recursive: true, force: true });
  });

  it('warns once at 80 % of the daily budget, with the share in the status bar, then again at 100 %', async function () {
    this.timeout(120_000);
    await spend('first', 4, 0.5);
    const spent = await costToday();
    assert.ok(spent >= 2, `today's cost includes the imported $2 (${spent})`);
    // A budget that today's spending fills to 85 %.
    const limit = Math.round((spent / 0.85) * 100) / 100;
    const share = Math.round((spent / limit) * 100);
    await vscode.workspace.getConfiguration('prodlens').update('budget.daily', limit, vscode.ConfigurationTarget.Workspace);

    const warning = await waitFor(
      'the 80 % warning',
      () => api.budget.shown.find((w) => /^daily:.*:usd:80$/.test(w.key)),
      30_000,
      () => JSON.stringify(api.budget.shown),
    );
    assert.match(warning.message, new RegExp(`you have used ${share}% of your daily budget`));
    const onScreen = await waitFor('the warning on screen', async () => (await notificationTexts()).find((t) => t.includes(warning.message)), 30_000);
    assert.ok(onScreen);
    await askDriver('screenshot', { name: 'budget-warning.png' });
    await waitFor(
      'the status bar to show the share',
      () => api.statusBar.text.includes(`${share}% of daily budget`),
      10_000,
      () => api.statusBar.text,
    );
    assert.equal(api.statusBar.background, 'statusBarItem.warningBackground');
    assert.match(api.statusBar.accessibleLabel, new RegExp(`${share}% of the daily budget used`));

    // Its button opens the report on today.
    await askDriver('click', { selector: `.notification-list-item:has-text("${share}% of your daily budget") .monaco-button:has-text("Show Report")` });
    const now = new Date();
    const today = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
    await waitFor(
      'the report on today',
      () => api.reports.panel?.lastModel?.filter.since === today && api.reports.panel.lastModel.filter.until === today,
      60_000,
      () => JSON.stringify(api.reports.panel?.lastModel?.filter ?? null),
    );
    api.reports.panel?.dispose();

    // Evaluating again in the same day shows nothing new.
    const before = api.budget.shown.length;
    await api.budget.evaluate();
    assert.equal(api.budget.shown.length, before, 'the 80 % warning is shown once per day');

    // Spending past the limit: a second, stronger warning, and the error colour.
    await spend('more', 2, limit / 2);
    const over = await waitFor(
      'the 100 % warning',
      () => api.budget.shown.find((w) => /^daily:.*:usd:100$/.test(w.key)),
      30_000,
      () => JSON.stringify(api.budget.shown),
    );
    assert.match(over.message, /you have used up your daily budget/);
    await waitFor(
      'the error colour',
      () => api.statusBar.background === 'statusBarItem.errorBackground',
      10_000,
      () => String(api.statusBar.background),
    );
    assert.equal(api.budget.shown.filter((w) => w.key.startsWith('daily:')).length, 2, 'one warning per threshold');
  });
});
