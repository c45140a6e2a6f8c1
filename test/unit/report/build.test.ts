import assert from 'node:assert/strict';
import { shiftDay } from '../../../src/core/analyze/series';
import { buildReport } from '../../../src/core/report/build';
import { Store } from '../../../src/core/store/store';
import { batchOf, event, prices, sqlLoader } from '../helpers/events';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

const DAY0 = '2026-04-01';
const NOW = Date.parse('2026-04-30T12:00:00Z');

/** 30 days: requests on day t = 1 + (t*7 mod 5); commits on day t+1 = 2 × requests on day t. */
async function fixtureStore() {
  const store = await Store.open({ path: null, sql: await sqlLoader.load() });
  const events = [];
  const commit = rawDatabaseForTests(store).prepare(
    'INSERT INTO commits (sha, repo_slug, author_email, timestamp, event_date, lines_added, lines_removed, is_merge) VALUES (?, ?, ?, ?, ?, 1, 1, 0)',
  );
  for (let t = 0; t < 30; t++) {
    const day = shiftDay(DAY0, t);
    const n = 1 + ((t * 7) % 5);
    for (let k = 0; k < n; k++) events.push(event({ id: `${t}-${k}`, time: `${day}T10:0${k}:00Z`, repo_slug: 'acme/api', session_id: `s${t}` }));
    const commitDay = shiftDay(day, 1);
    if (t < 29) for (let c = 0; c < 2 * n; c++) commit.run([`${t}-${c}`, 'acme/api', 'dev@example.com', `${commitDay}T12:00:00Z`, commitDay]);
  }
  commit.free();
  await store.ingest(batchOf(events));
  return store;
}

describe('buildReport', () => {
  it('finds a lag-1 relation, adjusts p-values, and serializes without NaN', async () => {
    const store = await fixtureStore();
    const model = buildReport(store, { since: DAY0, until: shiftDay(DAY0, 29) }, { prices, nowMs: NOW });
    assert.equal(model.days.length, 30);
    const row = (lag: number, method = 'spearman') =>
      model.correlations.rows.find((r) => r.ai === 'requests' && r.outcome === 'commits' && r.method === method && r.lag === lag)!;
    assert.equal(row(1).r, 1, 'commits the next day are exactly twice the requests');
    assert.equal(row(1).n, 29);
    assert.equal(row(1).role, 'test');
    assert.ok(row(1).pAdjusted !== null && row(1).pAdjusted! < 0.05 && row(1).pAdjusted! >= row(1).p!);
    assert.match(row(1).reading, /perfect positive, significant after adjustment/);
    assert.ok(Math.abs(row(0).r!) < 0.9, `lag 0 is not the relation (r=${row(0).r})`);
    // Pearson is a check: its r is shown, it is never tested, and its reading never says significant.
    const check = row(1, 'pearson');
    assert.deepEqual([check.role, check.r, check.p, check.pAdjusted], ['check', 1, null, null]);
    assert.doesNotMatch(check.reading, /significant/);
    // One family: every test row with a p, across pairs and lags; no check row in it.
    assert.equal(model.correlations.tested, model.correlations.rows.filter((r) => r.role === 'test' && r.p !== null).length);
    assert.equal(model.correlations.method.familySize, model.correlations.tested);
    assert.match(model.correlations.summary, new RegExp(`^30 working days of 30 .*Spearman.*over ${model.correlations.tested} tests`));
    // merged PRs were never synced: not enough data, not a number.
    const pr = model.correlations.rows.find((r) => r.outcome === 'merged_prs')!;
    assert.equal(pr.status, 'not-enough-data');
    assert.equal(pr.r, null);
    const json = JSON.stringify(model);
    assert.doesNotMatch(json, /NaN|Infinity/);
    const effect = model.effects.find((e) => e.ai === 'requests' && e.outcome === 'commits' && e.lag === 1)!;
    assert.ok(effect.nHigh > 0 && effect.nLow > 0);
    assert.ok(effect.difference! > 0 && effect.differenceLow! > 0, 'next-day commits are higher after high-AI days, interval above 0');
    assert.equal(model.effects.length, model.correlations.rows.length / 2, 'one effect per pair and lag');
    assert.equal(
      model.headline.find((h) => h.key === 'requests')!.value,
      model.series.requests.reduce((a: number, v) => a + (v ?? 0), 0),
    );
    assert.equal(model.headline.find((h) => h.key === 'sessions')!.value, 30);
    await store.close();
  });

  it('reuses cached correlations until new data arrives on a covered day', async () => {
    const store = await fixtureStore();
    const filter = { since: DAY0, until: shiftDay(DAY0, 29) };
    const first = buildReport(store, filter, { prices, nowMs: NOW });
    assert.equal(first.correlations.cached, false);
    const second = buildReport(store, filter, { prices, nowMs: NOW });
    assert.equal(second.correlations.cached, true);
    assert.deepEqual(second.correlations.rows, first.correlations.rows);
    await store.ingest(batchOf([event({ id: 'late', time: `${shiftDay(DAY0, 3)}T18:00:00Z`, repo_slug: 'acme/api' })]));
    const third = buildReport(store, filter, { prices, nowMs: NOW });
    assert.equal(third.correlations.cached, false);
    assert.notDeepEqual(third.correlations.rows, first.correlations.rows);
    await store.close();
  });

  it('compares the period with the previous one of equal length', async () => {
    const store = await fixtureStore();
    const model = buildReport(store, { since: shiftDay(DAY0, 15), until: shiftDay(DAY0, 29) }, { prices, nowMs: NOW });
    assert.deepEqual(model.previousPeriod, { since: DAY0, until: shiftDay(DAY0, 14) });
    const req = model.headline.find((h) => h.key === 'requests')!;
    const expectedPrev = Array.from({ length: 15 }, (_, t) => 1 + ((t * 7) % 5)).reduce((a, b) => a + b, 0);
    assert.equal(req.previous, expectedPrev);
    assert.equal(req.changePct, ((req.value! - expectedPrev) / expectedPrev) * 100);
    assert.equal(model.efficiency.sessionGrowthPct, 0, '15 sessions in each period');
    await store.close();
  });
});
