/**
 * The report where people look: weekly and monthly groups, the model filter and the sessions table, each
 * checked against an independent path — a report built for the period's own range, the unfiltered model
 * table, the headline — on the same real store.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { shiftDay } from '../../../src/core/day';
import { buildReport } from '../../../src/core/report/build';
import { groupSeries } from '../../../src/core/report/grouping';
import type { ReportFilter, ReportModel } from '../../../src/core/report/model';
import { cli } from '../helpers/cli';
import { Store } from '../../../src/core/store/store';
import { sessionsInRange } from '../../../src/core/store/usage-reader';
import { batchOf, event, prices, sqlLoader, tempDir } from '../helpers/events';
import { buildPage } from '../../system/report/browser';
import { fixtureNow, fixtureStore } from './fixture';

const LAST = '2026-06-24'; // a Wednesday: the range cuts its first and last week and month
const NOW = fixtureNow(LAST);
const DAYS = 100;
const FIRST = shiftDay(LAST, -(DAYS - 1));

describe('report grouping, model filter and sessions', function () {
  this.timeout(120_000);
  let store: Store;
  const report = (f: ReportFilter): ReportModel => buildReport(store, f, { prices, nowMs: NOW });
  const head = (m: ReportModel, key: string) => m.headline.find((h) => h.key === key)!.value;

  before(async () => {
    store = await fixtureStore({ lastDay: LAST, days: DAYS, quietEvery: 13 });
  });
  after(async () => store?.close());

  for (const group of ['week', 'month'] as const) {
    it(`sums each ${group} as a report built for that ${group}'s days alone`, () => {
      const m = report({ since: FIRST, until: LAST });
      const g = groupSeries(m.days, m.series, group);
      assert.ok(g.periods.length >= (group === 'week' ? 14 : 4));
      assert.equal(
        g.periods.reduce((a, p) => a + p.days, 0),
        m.days.length,
        'every day in exactly one period',
      );
      for (const [i, p] of g.periods.entries()) {
        const alone = report({ since: p.since, until: p.until });
        for (const [series, headline] of [
          ['requests', 'requests'],
          ['total_tokens', 'total_tokens'],
          ['accepted_lines', 'accepted_lines'],
          ['commits', 'commits'],
          ['merged_prs', 'merged_prs'],
        ] as const) {
          assert.equal(g.series[series][i], head(alone, headline), `${group} ${p.start} ${series}`);
        }
        assert.ok(Math.abs(g.series.cost_usd[i]! - head(alone, 'cost_usd')!) < 1e-6, `${group} ${p.start} cost`);
        const rate = head(alone, 'error_rate');
        assert.ok(rate === null ? g.series.error_rate[i] === null : Math.abs(g.series.error_rate[i]! - rate) < 1e-12, `${group} ${p.start} error rate`);
        assert.equal(g.series.latency_p50_ms[i], null, 'a median of daily medians is not shown');
      }
      // The range starts and ends inside a period: the first and last are partial, the middle ones whole.
      assert.equal(g.periods[0]!.partial, true);
      assert.equal(g.periods.at(-1)!.partial, true);
      assert.ok(g.periods.slice(1, -1).every((p) => !p.partial && p.days === (group === 'week' ? 7 : p.days)));
      if (group === 'week')
        assert.ok(
          g.periods.every((p) => new Date(`${p.start}T00:00:00Z`).getUTCDay() === 1),
          'weeks start on Monday',
        );
      else assert.ok(g.periods.every((p) => p.start.endsWith('-01')));
    });
  }

  it('keeps unmeasured periods empty, not zero', () => {
    // Before the first day with data: nothing was measured.
    const m = report({ since: shiftDay(FIRST, -40), until: shiftDay(FIRST, 10) });
    const g = groupSeries(m.days, m.series, 'week');
    assert.equal(g.series.requests[0], null);
    assert.ok((g.series.requests.at(-1) ?? 0) > 0);
  });

  it('filters to one model: its requests, tokens and cost as in the unfiltered model table', () => {
    const since = shiftDay(LAST, -29);
    const all = report({ since, until: LAST });
    assert.ok(all.models.length >= 3);
    assert.deepEqual(new Set(all.options.models), new Set(all.models.map((r) => r.model)));
    for (const row of all.models) {
      const m = report({ since, until: LAST, model: row.model ?? '' });
      assert.equal(m.filter.model, row.model ?? '');
      assert.deepEqual(
        m.models.map((r) => r.model),
        [row.model],
        'the model table keeps only the model',
      );
      assert.equal(head(m, 'requests'), row.requests, `${row.model} requests`);
      assert.equal(head(m, 'total_tokens'), row.totalTokens, `${row.model} tokens`);
      assert.ok(Math.abs(head(m, 'cost_usd')! - row.costUsd) < 1e-6, `${row.model} cost`);
      assert.equal(
        m.byRepo.reduce((a, r) => a + r.requests, 0),
        row.requests,
        'repositories split the model’s requests',
      );
      // Every listed session used the model; their requests add up to the model's (a week: under the list's limit).
      const week = report({ since: shiftDay(LAST, -6), until: LAST, model: row.model ?? '' });
      assert.ok(week.sessionsTotal! <= week.sessions!.length);
      assert.equal(
        week.sessions!.reduce((a, s) => a + s.requests, 0),
        head(week, 'requests'),
      );
    }
  });

  it('lists the period’s sessions with agent, model, start, duration, tokens, cost and repository', () => {
    const since = shiftDay(LAST, -6);
    const m = report({ since, until: LAST });
    const rows = m.sessions!;
    assert.ok(rows.length > 5 && rows.length <= 100);
    assert.ok(m.sessionsTotal! >= rows.length, 'every session of the week is listed (the total also counts sessions without a request)');
    // Every request of the fixture belongs to a session.
    assert.equal(
      rows.reduce((a, s) => a + s.requests, 0),
      head(m, 'requests'),
    );
    for (const s of rows) {
      assert.ok(s.day >= since && s.day <= LAST);
      assert.equal(s.day, s.start.slice(0, 10));
      assert.equal(s.durationMs, Date.parse(s.end) - Date.parse(s.start));
      assert.ok(s.agent === 'claude-code' || s.agent === 'codex', `agent ${s.agent}`);
      assert.ok(s.repo?.startsWith('acme/'));
    }
    assert.deepEqual(
      rows.map((s) => s.start),
      [...rows.map((s) => s.start)].sort().reverse(),
      'newest first',
    );
    const repo = report({ since, until: LAST, repo: 'acme/web' });
    assert.ok(repo.sessions!.every((s) => s.repo === 'acme/web'));
    assert.equal(
      repo.sessions!.reduce((a, s) => a + s.requests, 0),
      head(repo, 'requests'),
    );
  });

  it('lists the newest sessions of a long range by reading its last days first, completing sessions that began earlier', async () => {
    const day0 = '2026-01-01';
    const small = await Store.open({ path: null, sql: await sqlLoader.load() });
    try {
      const events = [];
      for (let t = 0; t < 60; t++) {
        const day = shiftDay(day0, t);
        for (let k = 0; k < 3; k++)
          for (let r = 0; r < 2; r++) events.push(event({ id: `${t}-${k}-${r}`, time: `${day}T1${k}:0${r}:00Z`, session_id: `s-${day}-${k}` }));
      }
      // One session active on the first and the last day: it began first, whatever the window read.
      events.push(
        event({ id: 'long-a', time: `${day0}T08:00:00Z`, session_id: 'long' }),
        event({ id: 'long-b', time: `${shiftDay(day0, 59)}T23:00:00Z`, session_id: 'long' }),
      );
      await small.ingest(batchOf(events));
      const until = shiftDay(day0, 59);
      const top = sessionsInRange(small, day0, until, {}, 10);
      assert.deepEqual(
        top.map((s) => s.sessionId),
        [2, 1, 0, 2, 1, 0, 2, 1, 0, 2].map((k, i) => `s-${shiftDay(until, -Math.floor(i / 3))}-${k}`),
        'the ten newest starts; the long session began 59 days earlier',
      );
      const all = sessionsInRange(small, day0, until, {}, 1000);
      assert.equal(all.length, 60 * 3 + 1);
      const long = all.find((s) => s.sessionId === 'long')!;
      assert.deepEqual([long.requests, new Date(long.startMs).toISOString(), all.at(-1)!.sessionId], [2, `${day0}T08:00:00.000Z`, 'long']);
      // A range starting later cuts it there.
      const cut = sessionsInRange(small, shiftDay(day0, 30), until, {}, 1000).find((s) => s.sessionId === 'long')!;
      assert.equal(cut.requests, 1);
    } finally {
      await small.close();
    }
  });

  it('prodlens report --group week|month: "grouped" in --json, a period table in text; other values are refused', async () => {
    const tmp = tempDir();
    try {
      const db = path.join(tmp.dir, 'r.sqlite');
      const last = '2026-06-30';
      const s = await fixtureStore({ lastDay: last, days: 40, path: db });
      await s.close();
      const range = ['--since', shiftDay(last, -34), '--until', last, '--db', db];
      const json = await cli(['report', '--json', '--group', 'month', ...range]);
      assert.equal(json.code, 0, json.stderr);
      const m = JSON.parse(json.stdout) as ReportModel;
      assert.deepEqual(
        m.grouped!.periods.map((p) => p.start),
        ['2026-05-01', '2026-06-01'],
      );
      assert.deepEqual(m.grouped, JSON.parse(JSON.stringify(groupSeries(m.days, m.series, 'month'))));
      const text = await cli(['report', '--group', 'week', ...range]);
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /By week \(from Monday\)/);
      assert.match(text.stdout, /\n {2}2026-06-29 \(2 days\)/, 'the last week, cut by the range, says so');
      assert.match(text.stdout, /Sessions \(newest 10 of \d+\)/);
      const model = await cli(['report', '--json', '--model', 'gpt-5-codex', ...range]);
      assert.deepEqual(
        (JSON.parse(model.stdout) as ReportModel).models.map((r) => r.model),
        ['gpt-5-codex'],
      );
      const bad = await cli(['report', '--group', 'year', ...range]);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /--group must be day, week or month/);
      await buildPage();
      const html = path.join(tmp.dir, 'r.html');
      const out = await cli(['report', '--html', html, '--group', 'week', ...range]);
      assert.equal(out.code, 0, out.stderr);
      assert.match(readFileSync(html, 'utf8'), /"group":"week"/);
    } finally {
      tmp.cleanup();
    }
  });
});
