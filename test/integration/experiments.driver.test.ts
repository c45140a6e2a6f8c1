import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ExperimentDesign } from '../../src/core/experiments/design';
import type { ProdLensApi } from '../../src/extension/extension';
import { askDriver } from './support/driver';
import { prodlens, rows, waitFor, workspaceFolder } from './support/prodlens-api';

describe('experiments and experience sampling', () => {
  let api: ProdLensApi;
  let dir: string;

  async function notificationTexts(): Promise<string[]> {
    await vscode.commands.executeCommand('notifications.showList');
    const answer = await askDriver('workbenchElements', { selector: '.notification-list-item-message', timeoutMs: 20_000 });
    return answer.elements.map((e) => e.text.replace(/\s+/g, ' ').trim());
  }

  before(async () => {
    api = await prodlens();
    dir = mkdtempSync(path.join(os.tmpdir(), 'prodlens-experiments-e2e-'));
  });
  after(async () => {
    const c = vscode.workspace.getConfiguration('prodlens');
    for (const k of ['survey.enabled', 'survey.sessionIdleMinutes']) await c.update(k, undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('notifications.hideList');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(dir, { recursive: true, force: true });
  });

  it('Start an Experiment: the first QuickPick step, then a schedule saved from its seed and the arm applied to the workspace setting; Stop restores it', async function () {
    this.timeout(120_000);
    const before = vscode.workspace.getConfiguration('editor').inspect<boolean>('inlineSuggest.enabled')?.workspaceValue;
    // Every weekday is a working day here, so the test runs on any day of the week.
    const started = vscode.commands.executeCommand('prodlens.startExperiment', {
      unit: 'day',
      units: 10,
      outcomes: ['commits', 'rating'],
      seed: 4242,
      workWeekdays: [1, 2, 3, 4, 5, 6, 7],
    });
    const items = await askDriver('workbenchElements', { selector: '.quick-input-widget .monaco-list-row', timeoutMs: 30_000 });
    assert.match(items.elements[0]!.text, /Inline completions on vs off/);
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await started;

    const e = await waitFor('the experiment in the store', async () => (await api.experiments.active()) ?? undefined, 30_000);
    const store = await api.services.store();
    const stored = JSON.parse(rows(store, 'SELECT design FROM experiments WHERE id = ?', [e.id])[0]![0] as string) as ExperimentDesign;
    assert.equal(stored.treatment, 'inline-completions');
    assert.equal(stored.seed, 4242);
    assert.equal(stored.schedule.length, 10);
    // (That the seed rebuilds the schedule is a unit test; here: the units table holds the same arms, balanced per block.)
    const units = rows(store, 'SELECT unit_index, arm, block FROM experiment_units WHERE experiment_id = ? ORDER BY unit_index', [e.id]);
    assert.deepEqual(
      units.map((u) => u[1]),
      stored.schedule.map((u) => u.arm),
    );
    for (const block of new Set(units.map((u) => u[2]))) {
      const arms = units.filter((u) => u[2] === block).map((u) => u[1]);
      if (arms.length % 2 === 0) assert.equal(arms.filter((a) => a === 'A').length, arms.length / 2, `block ${String(block)} is balanced`);
    }

    const today = stored.schedule[0]!;
    const expectOn = stored.arms[today.arm] === 'on';
    await waitFor(
      'the arm in the workspace setting',
      () => vscode.workspace.getConfiguration('editor').inspect<boolean>('inlineSuggest.enabled')?.workspaceValue === expectOn,
      20_000,
    );
    const settingsFile = JSON.parse(readFileSync(path.join(workspaceFolder(), '.vscode', 'settings.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(settingsFile['editor.inlineSuggest.enabled'], expectOn, "written to the workspace's settings.json");
    const reminder = await waitFor('the reminder', () => api.experiments.reminders.find((m) => m.includes('unit 1 of 10')), 20_000);
    assert.match(reminder, new RegExp(`today is ${today.arm} — inline completions ${expectOn ? 'on' : 'off'}`));
    await waitFor('the reminder on screen', async () => (await notificationTexts()).find((t) => t.includes('unit 1 of 10')), 30_000);
    await askDriver('screenshot', { name: 'experiment-reminder.png' });

    await vscode.commands.executeCommand('prodlens.stopExperiment', { confirm: false });
    assert.equal(rows(store, 'SELECT status FROM experiments WHERE id = ?', [e.id])[0]![0], 'stopped');
    assert.equal(await api.experiments.active(), null);
    assert.equal(
      vscode.workspace.getConfiguration('editor').inspect<boolean>('inlineSuggest.enabled')?.workspaceValue,
      before,
      'the setting is back as it was',
    );
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  it('asks about an agent session that just ended, in a non-modal notification, and stores the answers as a survey event', async function () {
    this.timeout(120_000);
    const now = Date.now();
    const session = `survey-e2e-${now}`;
    const lines = [0, 1, 2].map((k) =>
      JSON.stringify({
        timestamp: new Date(now - 30_000 + k * 10_000).toISOString(),
        kind: 'request',
        event_id: `${session}-${k}`,
        session_id: session,
        agent: 'claude-code',
        model: 'claude-sonnet-4-5',
        tokens_in: 100,
        tokens_out: 40,
      }),
    );
    const file = path.join(dir, 'session.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);
    await vscode.commands.executeCommand('prodlens.importEvents', vscode.Uri.file(file));
    // Turned on only now, so the first check sees this session as the newest that ended (sessions other tests
    // left in the workspace are older and would otherwise take the one question the minimum gap allows).
    const c = vscode.workspace.getConfiguration('prodlens');
    await c.update('survey.sessionIdleMinutes', 0, vscode.ConfigurationTarget.Workspace);
    await c.update('survey.enabled', true, vscode.ConfigurationTarget.Workspace);

    await api.survey.checkNow();
    const shown = await waitFor(
      'the question',
      async () => {
        await api.survey.checkNow();
        return api.survey.shown.find((s) => s.key === session);
      },
      60_000,
      () => JSON.stringify(api.survey.shown),
    );
    assert.match(shown.message, /how productive was that Claude Code session\?/);
    await waitFor(
      'the question on screen',
      async () => (await notificationTexts()).find((t) => t.includes('how productive was that Claude Code session')),
      30_000,
    );
    await askDriver('screenshot', { name: 'survey-question.png' });
    await askDriver('click', { selector: '.notification-list-item:has-text("how productive was that Claude Code session") .monaco-button:has-text("4")' });
    await waitFor('the second question on screen', async () => (await notificationTexts()).find((t) => t.includes('faster without AI')), 30_000);
    await askDriver('click', { selector: '.notification-list-item:has-text("faster without AI") .monaco-button:has-text("No")' });
    await api.survey.settled(session);

    const store = await api.services.store();
    const answers = rows(
      store,
      "SELECT session_id, source, json_extract(attrs, '$.productivity'), json_extract(attrs, '$.faster_without_ai') FROM sessions WHERE kind = 'survey'",
    );
    assert.deepEqual(answers, [[session, 'prodlens', 4, 'no']]);
    // Asked once per session: a second check shows nothing new.
    await api.survey.checkNow();
    assert.equal(api.survey.shown.filter((s) => s.key === session).length, 1);
  });
});
