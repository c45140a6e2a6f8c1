import assert from 'node:assert/strict';
import { shiftDay } from '../../../src/core/analyze/series';
import { buildReport, buildReportAsync } from '../../../src/core/report/build';
import type { ReportModel } from '../../../src/core/report/model';
import { silentLogger } from '../../../src/core/ports';
import { ReportController } from '../../../src/extension/report-controller';
import { correlationRows } from '../../../src/webview/shared/correlation-rows';
import { DEFAULT_VIEW_STATE, parseFromWebview, parseViewState, type ToWebview, type ViewFilter } from '../../../src/webview/shared/protocol';
import { toReportFilter } from '../../../src/webview/shared/view-filter';
import { prices } from '../helpers/events';
import { fixtureNow, fixtureStore } from './fixture';

const LAST = '2026-06-30';
const NOW = fixtureNow(LAST);
const base: ViewFilter = { period: '30', since: null, until: null, repo: null, developer: null, source: null, model: null };

describe('report protocol', () => {
  it('accepts the page messages it defines and names what is wrong with others', () => {
    assert.ok(parseFromWebview({ type: 'ready', requestId: 1, filter: base }).ok);
    assert.ok(parseFromWebview({ type: 'runCommand', requestId: 2, command: 'prodlens.rescanTranscripts' }).ok);
    const bad = [
      { type: 'ready', requestId: 1 },
      { type: 'setFilter', requestId: -1, filter: base },
      { type: 'setFilter', requestId: 1, filter: { ...base, period: '14' } },
      { type: 'setFilter', requestId: 1, filter: { ...base, period: 'custom', since: '2026-02-30' } },
      { type: 'runCommand', requestId: 3, command: 'workbench.action.terminal.sendSequence' },
      { type: 'eval', requestId: 4 },
    ];
    for (const m of bad) {
      const r = parseFromWebview(m);
      assert.equal(r.ok, false, JSON.stringify(m));
      assert.ok(!r.ok && r.reason.length > 0);
    }
  });

  it('falls back to the default view state for a missing or outdated saved state', () => {
    assert.deepEqual(parseViewState(undefined), DEFAULT_VIEW_STATE);
    assert.deepEqual(parseViewState({ v: 0, filter: base }), DEFAULT_VIEW_STATE);
    const saved = { ...DEFAULT_VIEW_STATE, filter: { ...base, period: '90', repo: 'acme/api' } };
    assert.deepEqual(parseViewState(saved), saved);
  });

  it('resolves periods against the host day, and swaps a reversed custom range', () => {
    assert.deepEqual(toReportFilter({ ...base, period: '7', repo: '' }, LAST), { since: '2026-06-24', until: LAST, repo: '', developer: null, source: null });
    assert.deepEqual(toReportFilter({ ...base, period: 'all' }, LAST), { until: LAST, repo: null, developer: null, source: null });
    assert.deepEqual(toReportFilter({ ...base, period: 'custom', since: '2026-05-10', until: '2026-05-01' }, LAST), {
      since: '2026-05-01',
      until: '2026-05-10',
      repo: null,
      developer: null,
      source: null,
    });
  });
});

describe('report controller (host side of the protocol)', () => {
  let store: Awaited<ReturnType<typeof fixtureStore>>;
  before(async () => {
    store = await fixtureStore({ lastDay: LAST, days: 40 });
  });
  after(async () => store.close());

  function controller(overrides: { build?: (f: ReturnType<typeof toReportFilter>, signal: AbortSignal) => Promise<ReportModel> } = {}) {
    const posted: ToWebview[] = [];
    const c = new ReportController({
      post: (m) => void posted.push(m),
      buildModel: overrides.build ?? (async (f) => buildReport(store, f, { prices, nowMs: NOW })),
      runCommand: async (id) => {
        if (id === 'prodlens.rescanTranscripts') throw new Error('no transcripts folder');
        return { ok: true, message: 'done' };
      },
      now: () => NOW,
      logger: silentLogger,
    });
    return { c, posted };
  }

  it('answers ready and filter changes with the request id and the model for that filter', async () => {
    const { c, posted } = controller();
    await c.refresh();
    assert.equal(posted.length, 0, 'nothing is pushed before the page is ready');
    await c.handle({ type: 'ready', requestId: 1, filter: base });
    await c.handle({ type: 'setFilter', requestId: 2, filter: { ...base, period: '7', repo: 'acme/api' } });
    assert.deepEqual(
      posted.map((m) => [m.type, m.type === 'report' ? m.requestId : null]),
      [
        ['report', 1],
        ['report', 2],
      ],
    );
    const second = posted[1]!;
    const m = second.type === 'report' ? second.model : null;
    assert.deepEqual(m!.filter, { since: shiftDay(LAST, -6), until: LAST, repo: 'acme/api', developer: null, source: null });
    await c.refresh();
    const live = posted[2]!;
    assert.ok(live.type === 'report' && live.requestId === null && live.model.filter.repo === 'acme/api', 'live updates keep the last filter');
  });

  it('answers an invalid message and a failing build with an error, and a failing command with its reason', async () => {
    const { c, posted } = controller({ build: async () => Promise.reject(new Error('database is locked')) });
    await c.handle({ type: 'setFilter', requestId: 5, filter: { ...base, period: 'week' } });
    await c.handle({ type: 'ready', requestId: 6, filter: base });
    await c.handle({ type: 'runCommand', requestId: 7, command: 'prodlens.rescanTranscripts' });
    await c.handle({ type: 'runCommand', requestId: 8, command: 'prodlens.copyCollectorSetup' });
    assert.equal(posted[0]!.type, 'error');
    const first = posted[0]!;
    assert.equal(first.type === 'error' && first.requestId, 5);
    assert.deepEqual(posted[1], { type: 'error', requestId: 6, message: 'database is locked' });
    assert.deepEqual(posted[2], { type: 'commandResult', requestId: 7, ok: false, message: 'prodlens.rescanTranscripts failed: no transcripts folder' });
    assert.deepEqual(posted[3], { type: 'commandResult', requestId: 8, ok: true, message: 'done' });
  });

  it('drops a live update that a newer build overtook', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    let calls = 0;
    const { c, posted } = controller({
      build: async (f) => {
        calls += 1;
        if (calls === 2) await gate; // the live update is slow
        return buildReport(store, f, { prices, nowMs: NOW });
      },
    });
    await c.handle({ type: 'ready', requestId: 1, filter: base });
    const slow = c.refresh();
    await c.handle({ type: 'setFilter', requestId: 2, filter: { ...base, period: '7' } });
    release();
    await slow;
    assert.deepEqual(
      posted.map((m) => (m.type === 'report' ? m.requestId : m.type)),
      [1, 2],
    );
  });

  it('stops a live update still building when a newer build starts; a request is never stopped', async () => {
    const signals: AbortSignal[] = [];
    const { c, posted } = controller({
      build: (f, signal) => {
        signals.push(signal);
        return buildReportAsync(store, f, { prices, nowMs: NOW }, signal);
      },
    });
    await c.handle({ type: 'ready', requestId: 1, filter: base });
    const live = c.refresh();
    const request = c.handle({ type: 'setFilter', requestId: 2, filter: { ...base, period: '7' } });
    const next = c.refresh();
    await Promise.all([live, request, next]);
    assert.deepEqual(
      signals.map((s) => s.aborted),
      [false, true, false, false],
      'only the live update overtaken while building was stopped',
    );
    assert.deepEqual(
      posted.map((m) => (m.type === 'report' ? m.requestId : m.type)),
      [1, 2, null],
      'nothing posted for the stopped build',
    );
  });
});

describe('correlation table rows', () => {
  it('shows test rows with a coefficient, each with its Pearson check and effect; sorts with missing values last', async () => {
    const store = await fixtureStore({ lastDay: LAST, days: 40 });
    // Hours to merge exist only on days with merges: fewer than 30 such working days gives untested rows.
    const model = buildReport(store, { since: shiftDay(LAST, -39), until: LAST }, { prices, nowMs: NOW, analysis: { minPairs: 30 } });
    await store.close();
    const tested = model.correlations.rows.filter((r) => r.role === 'test' && r.status === 'ok');
    assert.ok(tested.length > 0 && tested.length < model.correlations.rows.length / 2, 'the fixture has tested and untested rows');
    const untested = model.correlations.untested.reduce((a, u) => a + u.count, 0);
    assert.equal(untested + tested.length, model.correlations.rows.length / 2, 'every test row is either in the table or in an untested line');
    const rows = correlationRows(model, { sortKey: null, sortDir: 'asc' });
    assert.deepEqual(
      rows.map((r) => r.index),
      tested.map((r) => model.correlations.rows.indexOf(r)),
      'model order by default',
    );
    for (const r of rows) {
      assert.equal(r.method, 'spearman');
      assert.ok(r.check && r.check.method === 'pearson' && r.check.ai === r.ai && r.check.outcome === r.outcome && r.check.lag === r.lag);
      assert.ok(r.effect && r.effect.ai === r.ai && r.effect.outcome === r.outcome && r.effect.lag === r.lag, 'each row carries its own lag’s effect');
    }
    for (const sortDir of ['asc', 'desc'] as const) {
      const byCi = correlationRows(model, { sortKey: 'ci', sortDir });
      const width = byCi.map((r) => (r.ciLow === null || r.ciHigh === null ? null : r.ciHigh - r.ciLow));
      const firstNull = width.indexOf(null);
      const known = (firstNull < 0 ? width : width.slice(0, firstNull)) as number[];
      if (firstNull >= 0)
        assert.ok(
          width.slice(firstNull).every((w) => w === null),
          'rows without an interval sort last',
        );
      assert.deepEqual(
        known,
        [...known].sort((a, b) => (sortDir === 'asc' ? a - b : b - a)),
      );
      const byP = correlationRows(model, { sortKey: 'pAdjusted', sortDir }).map((r) => r.pAdjusted!);
      assert.deepEqual(
        byP,
        [...byP].sort((a, b) => (sortDir === 'asc' ? a - b : b - a)),
      );
    }
  });

  it('a saved table state from before (method picker, sort by method) still restores, without them', () => {
    const restored = parseViewState({ ...DEFAULT_VIEW_STATE, table: { sortKey: 'method', sortDir: 'desc', method: 'pearson' } });
    assert.deepEqual(restored.table, { sortKey: null, sortDir: 'desc' });
  });
});
