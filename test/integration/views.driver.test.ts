import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ProdLensApi } from '../../src/extension/extension';
import type { Node } from '../../src/extension/views/tree';
import { askDriver } from './support/driver';
import { prodlens, scalar, waitFor, workspaceFolder } from './support/prodlens-api';

interface FixtureSession {
  id: string;
  requests: number;
  /** The model most of its requests used. */
  model: string;
  models: number;
  /** Local day of its first request. */
  day: string;
  names: string[];
  /** Requests older than an hour: the fixture's own, not those earlier tests of the suite append. */
  shipped: number;
}

/**
 * This workspace's Claude Code sessions, read straight from the fixture transcripts (HOME is the run's):
 * requests are distinct message id + request id pairs that are not `<synthetic>`.
 */
function fixtureSessions(): FixtureSession[] {
  const projects = path.join(os.homedir(), '.claude', 'projects');
  const slug = workspaceFolder().replace(/[^A-Za-z0-9]/g, '-');
  const bySession = new Map<string, { requests: Map<string, string>; shipped: Set<string>; first: number }>();
  for (const dir of readdirSync(projects).filter((d) => d === slug || d.startsWith(`${slug}-`))) {
    for (const file of readdirSync(path.join(projects, dir), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.jsonl'))) {
      for (const text of readFileSync(path.join(projects, dir, file), 'utf8')
        .split('\n')
        .filter(Boolean)) {
        const line = JSON.parse(text) as {
          type?: string;
          sessionId?: string;
          timestamp?: string;
          requestId?: string;
          message?: { id?: string; model?: string; usage?: unknown };
        };
        if (line.type !== 'assistant' || !line.sessionId || !line.message?.usage || line.message.model === '<synthetic>') continue;
        const s = bySession.get(line.sessionId) ?? { requests: new Map(), shipped: new Set<string>(), first: Infinity };
        s.requests.set(`${line.message.id}/${line.requestId}`, line.message.model ?? '');
        if (Date.parse(line.timestamp ?? '') < Date.now() - 3_600_000) s.shipped.add(`${line.message.id}/${line.requestId}`);
        s.first = Math.min(s.first, Date.parse(line.timestamp ?? ''));
        bySession.set(line.sessionId, s);
      }
    }
  }
  return [...bySession].map(([id, s]) => {
    const counts = new Map<string, number>();
    for (const m of s.requests.values()) counts.set(m, (counts.get(m) ?? 0) + 1);
    const model = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
    return { id, requests: s.requests.size, model, models: counts.size, names: [...counts.keys()], shipped: s.shipped.size, day: localDay(s.first) };
  });
}

/** The extension host's local day of an instant (ProdLens counts days in the machine's zone by default). */
function localDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

const labelOf = (n: Node) => n.item.accessibilityInformation?.label ?? '';
const cssString = (s: string) => `"${s.replace(/["\\]/g, '\\$&')}"`;

describe('ProdLens view in the activity bar', () => {
  let api: ProdLensApi;
  let expected: FixtureSession[];

  before(async () => {
    api = await prodlens();
    expected = fixtureSessions();
    assert.ok(expected.length >= 2, 'the fixture holds Claude Code sessions of this workspace');
  });
  afterEach(() => api.reports.panel?.dispose());

  it('lists this workspace’s agent sessions as their transcripts say, in the tree and for screen readers', async function () {
    this.timeout(90_000);
    await vscode.commands.executeCommand('workbench.view.extension.prodlens');
    await vscode.commands.executeCommand('prodlens.sessions.focus');
    const rows = await waitFor(
      'the Recent Sessions view to list the fixture sessions',
      async () => {
        api.views.source.invalidate(0);
        const r = await api.views.sessions.currentRows();
        return expected.every((e) => r.some((n) => n.item.id === `session.${e.id}`)) ? r : undefined;
      },
      45_000,
    );
    for (const e of expected) {
      const n = rows.find((r) => r.item.id === `session.${e.id}`)!;
      // Label: start and agent; description: the model without its release date, then the numbers.
      assert.match(String(n.item.label), /^\S+ \d{1,2}:\d{2}( [AP]M)? · Claude Code$/);
      // The main model first; " +N" counts the session's other models (other tests of this suite may add rows to
      // the workspace's sessions from other sources, so at least as many as the transcripts name).
      const shownModels = /^(\S+)(?: \+(\d+))? · /.exec(String(n.item.description));
      assert.ok(shownModels, `${e.id}: ${n.item.description}`);
      assert.ok(
        e.names.map((m) => m.replace(/-20\d{6}$/, '')).includes(shownModels[1]!),
        `${e.id}: the main model is one the transcripts name (${e.names.join(', ')}): ${n.item.description}`,
      );
      assert.ok(Number(shownModels[2] ?? 0) >= e.models - 1, `${e.id}: ${n.item.description}`);
      // Earlier tests of the suite append requests to a fixture session; the view shows at least the fixture's own.
      const shownRequests = Number(/· (\d+) req ·/.exec(String(n.item.description))?.[1]);
      assert.ok(shownRequests >= e.shipped, `${e.id}: ${e.shipped} requests in the fixture transcripts: ${n.item.description}`);
      assert.match(labelOf(n), /^Claude Code session with \S+/);
      assert.ok(
        e.names.some((m) => labelOf(n).startsWith(`Claude Code session with ${m}`)),
        labelOf(n),
      );
      assert.ok(Number(/: (\d+) model requests,/.exec(labelOf(n))?.[1]) >= e.shipped, labelOf(n));
      assert.deepEqual(n.item.command?.arguments, [{ since: e.day, until: e.day }]);
    }
    // The tree is rendered with those rows, each with its spoken label.
    const shown = await askDriver('workbenchElements', { selector: '.monaco-list-row[aria-label*="session with"]', timeoutMs: 20_000 });
    const labels = shown.elements.map((el) => el.ariaLabel ?? '');
    for (const e of expected) {
      const label = labelOf(rows.find((r) => r.item.id === `session.${e.id}`)!);
      assert.ok(labels.includes(label), `the view shows "${label}"; it shows ${JSON.stringify(labels)}`);
    }
    await askDriver('screenshot', { name: 'prodlens-view.png' });
  });

  it('opens the report on a session’s day when the session is clicked', async function () {
    this.timeout(90_000);
    const e = expected[0]!;
    const n = (await api.views.sessions.currentRows()).find((r) => r.item.id === `session.${e.id}`);
    assert.ok(n, `no row for ${e.id}`);
    await askDriver('click', { selector: `.monaco-list-row[aria-label=${cssString(labelOf(n))}]` });
    const model = await waitFor(
      'the report to show the session’s day',
      () => {
        const m = api.reports.panel?.lastModel;
        return m && m.filter.since === e.day && m.filter.until === e.day ? m : undefined;
      },
      60_000,
      () => JSON.stringify(api.reports.panel?.lastModel?.filter ?? null),
    );
    assert.ok((model.headline.find((h) => h.key === 'requests')?.value ?? 0) >= 1, 'the report for that day counts the session’s requests');
  });

  it('opens the report from the keyboard: Enter on the first session', async function () {
    this.timeout(90_000);
    const [first] = await api.views.sessions.currentRows();
    assert.ok(first);
    await vscode.commands.executeCommand('prodlens.sessions.focus');
    await askDriver('press', { keys: ['Home', 'Enter'] });
    const day = (first.item.command?.arguments?.[0] as { since: string } | undefined)?.since;
    await waitFor(
      'the report to open on the first session’s day',
      () => api.reports.panel?.lastModel?.filter.since === day,
      60_000,
      () => JSON.stringify(api.reports.panel?.lastModel?.filter ?? null),
    );
  });

  it('shows today and this week with the store’s numbers, and every source that sent data', async () => {
    await vscode.commands.executeCommand('prodlens.usage.focus');
    const [today, week] = await api.views.usage.currentRows();
    assert.match(String(today?.item.label), /^Today$/);
    assert.match(String(week?.item.label), /^This week$/);
    // Today's requests counted here with the test's own query (the extension host's zone is the machine's).
    const now = new Date();
    const start = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
    const store = await api.services.store();
    const requests = Number(scalar(store, "SELECT COUNT(*) FROM sessions WHERE kind = 'request' AND duplicate_of IS NULL AND ts_ms >= ?", [start]));
    api.views.source.invalidate(0);
    await waitFor(
      `Today to say ${requests} model requests`,
      async () => labelOf((await api.views.usage.currentRows())[0]!).includes(`: ${requests.toLocaleString('en-US')} model requests`),
      10_000,
    );
    await vscode.commands.executeCommand('prodlens.sources.focus');
    const sources = (await api.views.sources.currentRows()).map((r) => String(r.item.label));
    assert.ok(sources.includes('claude-code-transcript'), `sources: ${sources.join(', ')}`);
  });
});
