import assert from 'node:assert/strict';
import { DayZone, utcDay } from '../../../src/core/day';
import type { AiEvent } from '../../../src/core/model';
import { BundledPriceTable } from '../../../src/core/pricing';
import { buildReport } from '../../../src/core/report/build';
import { analyzeReportSeries } from '../../../src/core/report/correlations';
import { recordPresence } from '../../../src/core/store/presence-repo';
import { Store } from '../../../src/core/store/store';
import { simulateDeveloper } from '../../support/sim';
import { batchOf, event, sqlLoader } from '../helpers/events';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

/**
 * The calibration (test/unit/calibration) runs the report's analysis on simulated daily series. This checks
 * the other half: a simulated developer in Los Angeles, written into a real store as timestamped events,
 * commits and editor minutes — working until 7 pm local, so evenings fall on the next UTC day, across a DST
 * change — gives the report exactly the series and correlations the simulator's local days say. So the
 * calibration figures hold for what the store feeds the analysis, local days and presence included.
 */
describe('a simulated developer through the store', () => {
  it('yields the simulator’s local-day series and the same requests → commits statistics', async function () {
    this.timeout(120_000);
    const zone = new DayZone('America/Los_Angeles');
    const dev = simulateDeveloper({ seed: 4242, calendar: { start: '2025-10-13', days: 70 }, presence: true });
    const store = await Store.open({ path: null, sql: await sqlLoader.load(), timeZone: zone.timeZone });
    const HOUR = 3_600_000;
    const events: AiEvent[] = [];
    const commit = rawDatabaseForTests(store).prepare(
      'INSERT INTO commits (sha, repo_slug, author, author_email, timestamp, event_date, lines_added, lines_removed, is_merge) VALUES (?, ?, ?, ?, ?, ?, 1, 0, 0)',
    );
    const minutes: number[] = [];
    dev.days.forEach((day, i) => {
      const start = zone.startOf(day);
      const requests = dev.series.requests[i] ?? 0;
      // Requests spread over 9 am – 7 pm local time.
      for (let k = 0; k < requests; k++)
        events.push(event({ id: `r${i}-${k}`, time: new Date(start + 9 * HOUR + Math.floor((k * 10 * HOUR) / requests)).toISOString(), session_id: `s${i}` }));
      const commits = dev.series.commits[i] ?? 0;
      for (let k = 0; k < commits; k++) {
        const at = start + 10 * HOUR + Math.floor((k * 9 * HOUR) / commits);
        commit.run([`c${i}-${k}`, 'acme/api', 'dev@example.com', 'dev@example.com', new Date(at).toISOString(), utcDay(at)]);
      }
      const active = dev.series.active_minutes[i] ?? 0;
      for (let m = 0; m < active; m++) minutes.push(start + 8 * HOUR + m * 60_000);
    });
    commit.free();
    await store.ingest(batchOf(events));
    recordPresence(store, minutes);
    const first = dev.days[0]!;
    const last = dev.days.at(-1)!;
    // The git sync ran at the end of the last day: commits are measured through it.
    store.setCheckpoint('git:acme/api', null);
    rawDatabaseForTests(store).run("UPDATE etl_runs SET last_run_at = ? WHERE job = 'git:acme/api'", [new Date(zone.startOf(last) + 23 * HOUR).toISOString()]);
    assert.ok(
      (rawDatabaseForTests(store).exec('SELECT COUNT(*) FROM sessions WHERE event_date <> local_date')[0]!.values[0]![0]! as number) > 0,
      'some evenings are on the next UTC day',
    );

    const m = buildReport(
      store,
      { since: first, until: last, repo: null, developer: null, source: null },
      { prices: new BundledPriceTable(), nowMs: zone.startOf(last) + 23 * HOUR },
    );
    assert.deepEqual(m.days, dev.days);
    // The store measures AI use from its first day with requests, commits from the first commit.
    const from = (s: Array<number | null>) => s.findIndex((v) => (v ?? 0) > 0);
    const aiFrom = from(dev.series.requests);
    const lastAi = dev.series.requests.length - 1 - [...dev.series.requests].reverse().findIndex((v) => (v ?? 0) > 0);
    const commitFrom = from(dev.series.commits);
    const presenceFrom = from(dev.series.active_minutes);
    const requests = dev.series.requests.map((v, i) => (i < aiFrom || i > lastAi ? null : v));
    const commits = dev.series.commits.map((v, i) => (i < commitFrom ? null : v));
    const active = dev.series.active_minutes.map((v, i) => (i < presenceFrom ? null : v));
    assert.deepEqual(m.series.requests, requests);
    assert.deepEqual(m.series.commits, commits);
    assert.deepEqual(m.activeMinutes, active);

    const expected = analyzeReportSeries(dev.days, { requests, commits, active_minutes: active }).correlations;
    assert.equal(m.correlations.calendar?.workingDays, expected.calendar?.workingDays);
    assert.equal(m.correlations.calendar?.basis, 'presence');
    const pick = (rows: typeof expected.rows) =>
      rows.filter((r) => r.ai === 'requests' && r.outcome === 'commits').map((r) => [r.method, r.lag, r.n, r.nEffective, r.r, r.p]);
    const got = pick(m.correlations.rows);
    assert.equal(got.length, 8, 'Spearman and Pearson at lags 0–3');
    assert.deepEqual(got, pick(expected.rows));
    await store.close();
  });
});
