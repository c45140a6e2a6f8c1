import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ProdLensApi } from '../../src/extension/extension';
import type { ReportModel } from '../../src/core/report/model';
import { askDriver } from './support/driver';
import { prodlens, waitFor } from './support/prodlens-api';

const cssString = (s: string) => `"${s.replace(/["\\]/g, '\\$&')}"`;

/**
 * The report in the real workbench: opened from a session of the Recent Sessions view (the fixture's agent
 * transcripts), then filtered by clicks inside the webview — a model's name, a session's start, the week
 * grouping. What a click did is read from the model the extension built for the page.
 */
describe('report webview: a click filters it', () => {
  let api: ProdLensApi;

  before(async () => {
    api = await prodlens();
  });
  afterEach(() => api.reports.panel?.dispose());

  const last = () => api.reports.panel?.lastModel;
  const filterOf = () => JSON.stringify(last()?.filter ?? null);

  it('filters to a model and to a session’s day when they are clicked, and groups by week', async function () {
    this.timeout(150_000);
    await vscode.commands.executeCommand('workbench.view.extension.prodlens');
    const session = await waitFor(
      'the Recent Sessions view to list a session',
      async () => {
        api.views.source.invalidate(0);
        return (await api.views.sessions.currentRows()).find((r) => r.item.command?.arguments?.length);
      },
      60_000,
    );
    const day = session.item.command!.arguments![0] as { since: string; until: string };
    // Open the report the way the view does, on the session's day.
    await vscode.commands.executeCommand(session.item.command!.command, ...(session.item.command!.arguments ?? []));
    const opened: ReportModel = await waitFor(
      'the report on the session’s day',
      () => {
        const m = last();
        return m && m.filter.since === day.since && m.filter.until === day.until && m.models.length ? m : undefined;
      },
      60_000,
      filterOf,
    );
    assert.ok(opened.sessions?.length, 'the report lists the day’s sessions');
    const row = opened.models[0]!;
    assert.ok(row.model, 'the day’s first model has a name');

    // The sessions table shows the day's sessions.
    const note = (await askDriver('webviewText', { selector: '#sessions-note', timeoutMs: 30_000 })).text;
    assert.match(note, new RegExp(`^${opened.sessionsTotal} agent sessions? in this period`));

    // A click on the model's name: the report becomes that model's share.
    await askDriver('webviewClick', { selector: `#models tbody tr[data-row=${cssString(row.model)}] button.link`, timeoutMs: 30_000 });
    const byModel = await waitFor(
      'the report filtered to the clicked model',
      () => {
        const m = last();
        return m?.filter.model === row.model ? m : undefined;
      },
      60_000,
      filterOf,
    );
    assert.equal(byModel.filter.since, day.since, 'the period stays');
    assert.equal(byModel.headline.find((h) => h.key === 'requests')?.value, row.requests, 'the headline counts the model’s requests');
    assert.deepEqual(
      byModel.models.map((m) => m.model),
      [row.model],
    );
    const shown = (await askDriver('webviewText', { selector: '#filter-model option:checked', timeoutMs: 30_000 })).text;
    assert.equal(shown.trim(), row.model);

    // Group by week happens in the page: the chart title says so.
    await askDriver('webviewClick', { selector: 'button[data-group="week"]' });
    const title = await waitFor(
      'the charts grouped by week',
      async () => {
        const t = (await askDriver('webviewText', { selector: '#charts-title' })).text.trim();
        return t === 'Weekly activity' ? t : undefined;
      },
      30_000,
    );
    assert.equal(title, 'Weekly activity');

    // A session's start filters to its day (with the model filter kept).
    const s = byModel.sessions![0]!;
    await askDriver('webviewClick', { selector: `#sessions tbody tr[data-row=${cssString(s.sessionId)}] [data-col="start"] button.link`, timeoutMs: 30_000 });
    await waitFor(
      'the report on the clicked session’s day',
      () => {
        const m = last();
        return m && m.filter.since === s.day && m.filter.until === s.day && m.filter.model === row.model ? m : undefined;
      },
      60_000,
      filterOf,
    );
    await askDriver('screenshot', { name: 'report-click-filter.png' });
  });
});
