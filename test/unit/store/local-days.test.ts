import assert from 'node:assert/strict';
import path from 'node:path';
import { DayZone, dayRange, shiftDay, utcDay } from '../../../src/core/day';
import { BundledPriceTable } from '../../../src/core/pricing';
import { buildReport } from '../../../src/core/report/build';
import { Store } from '../../../src/core/store/store';
import { cli } from '../helpers/cli';
import { batchOf, event, sqlLoader, tempDir } from '../helpers/events';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

/**
 * The developer's local days (issue 13 §2): `event_date` stays the UTC day, `local_date` is the day in the
 * store's zone, and the report's days, periods, "today" and correlations use the local day. Daylight-saving
 * transitions make one local day 23 or 25 hours long; none is lost or doubled.
 */

const prices = new BundledPriceTable();

async function openStore(timeZone: string): Promise<Store> {
  return Store.open({ path: null, sql: await sqlLoader.load(), timeZone });
}

function insertCommit(store: Store, sha: string, iso: string): void {
  rawDatabaseForTests(store).run(
    'INSERT INTO commits (sha, repo_slug, author, author_email, timestamp, event_date, lines_added, lines_removed, is_merge) VALUES (?, ?, ?, ?, ?, ?, 1, 0, 0)',
    [sha, 'acme/api', 'dev@example.com', 'dev@example.com', iso, utcDay(Date.parse(iso))],
  );
}

/** One request at the top of every UTC hour from `fromIso` (inclusive) to `toIso` (exclusive). */
function hourly(fromIso: string, toIso: string) {
  const out = [];
  for (let t = Date.parse(fromIso); t < Date.parse(toIso); t += 3_600_000) out.push(event({ id: `h${t}`, time: new Date(t).toISOString() }));
  return out;
}

function column(store: Store, sql: string): unknown[][] {
  return rawDatabaseForTests(store).exec(sql)[0]?.values ?? [];
}

describe('local days', () => {
  it('a UTC−8 developer’s 5 pm work, commit and "today" are on the same local day; event_date stays UTC', async () => {
    const store = await openStore('America/Los_Angeles');
    // Monday 2026-01-05: 9 am and 5 pm Pacific (17:00 and 01:00Z next day); a commit at 5:30 pm.
    await store.ingest(batchOf([event({ id: 'am', time: '2026-01-05T17:00:00Z' }), event({ id: 'pm', time: '2026-01-06T01:00:00Z' })]));
    insertCommit(store, 'c1', '2026-01-06T01:30:00Z');
    assert.deepEqual(column(store, 'SELECT event_date, local_date FROM sessions ORDER BY ts_ms'), [
      ['2026-01-05', '2026-01-05'],
      ['2026-01-06', '2026-01-05'],
    ]);
    // 6 pm Pacific on the 5th: "today" is still the 5th.
    const m = buildReport(store, { repo: null, developer: null, source: null }, { prices, nowMs: Date.parse('2026-01-06T02:00:00Z') });
    assert.equal(m.timeZone, 'America/Los_Angeles');
    assert.equal(m.filter.until, '2026-01-05');
    assert.deepEqual(m.days, ['2026-01-05']);
    assert.deepEqual(m.series.requests, [2]);
    assert.deepEqual(m.series.commits, [1]);
    // The seed's daily table keeps the UTC day.
    assert.deepEqual(column(store, 'SELECT event_date, request_count FROM daily_session_metrics ORDER BY event_date'), [
      ['2026-01-05', 1],
      ['2026-01-06', 1],
    ]);
    await store.close();
  });

  it('incremental refreshes rebuild a local day from both UTC days it spans, and equal a full rebuild', async () => {
    const store = await openStore('America/Los_Angeles');
    const q = { since: '2026-01-05', until: '2026-01-06', repo: null, developer: null, source: null };
    const nowMs = Date.parse('2026-01-07T20:00:00Z');
    // Evening of the 5th (01:00Z on the 6th), refreshed; then the morning of the 5th (17:00Z on the 5th) alone.
    await store.ingest(batchOf([event({ id: 'eve', time: '2026-01-06T01:00:00Z' })]));
    assert.deepEqual(buildReport(store, q, { prices, nowMs }).series.requests, [1, null]);
    await store.ingest(batchOf([event({ id: 'morning', time: '2026-01-05T17:00:00Z' })]));
    await store.ingest(batchOf([event({ id: 'next', time: '2026-01-06T18:00:00Z', session_id: 'sess-2' })]));
    const m = buildReport(store, q, { prices, nowMs });
    assert.deepEqual(m.series.requests, [2, 1]);
    assert.deepEqual(m.series.sessions, [1, 1]);
    const totals = () => column(store, "SELECT event_date, requests, sessions FROM daily_totals WHERE dim = 'all' ORDER BY 1");
    const incremental = totals();
    // Everything rebuilt from scratch gives the same day tables.
    rawDatabaseForTests(store).run('INSERT OR IGNORE INTO dirty_days (event_date) SELECT DISTINCT event_date FROM sessions');
    store.refreshDailyMetrics();
    assert.deepEqual(totals(), incremental);
    await store.close();
  });

  for (const [zone, transitions] of [
    [
      'America/Los_Angeles',
      [
        ['2026-03-08', 23],
        ['2026-11-01', 25],
      ],
    ],
    [
      'Europe/Berlin',
      [
        ['2026-03-29', 23],
        ['2026-10-25', 25],
      ],
    ],
  ] as const) {
    it(`${zone}: days around both DST transitions are each there once, with their own hours of events`, async () => {
      const z = new DayZone(zone);
      for (const [day, hours] of transitions) {
        const store = await openStore(zone);
        const first = shiftDay(day, -2);
        const last = shiftDay(day, 2);
        // An event at the top of every hour from the first day's local midnight to the end of the last day.
        const to = z.startOf(shiftDay(last, 1));
        await store.ingest(batchOf(hourly(new Date(z.startOf(first)).toISOString(), new Date(to).toISOString())));
        const m = buildReport(store, { since: first, until: last, repo: null, developer: null, source: null }, { prices, nowMs: to });
        assert.deepEqual(m.days, dayRange(first, last), 'dense local days, none missing or repeated');
        assert.deepEqual(
          m.series.requests,
          m.days.map((d) => (d === day ? hours : 24)),
          `${day} has ${hours} hours, the others 24`,
        );
        assert.equal(z.hoursIn(day), hours);
        // Every event is on exactly one local day and one UTC day.
        const total = column(store, 'SELECT COUNT(*) FROM sessions')[0]![0] as number;
        const local = column(store, 'SELECT local_date, COUNT(*) FROM sessions GROUP BY 1');
        assert.equal(
          local.reduce((a, r) => a + (r[1] as number), 0),
          total,
        );
        for (const r of column(store, 'SELECT event_date, COUNT(*) FROM sessions GROUP BY 1 ORDER BY 1').slice(1, -1)) assert.equal(r[1], 24, `UTC ${r[0]}`);
        await store.close();
      }
    });
  }

  it('a new zone recomputes local_date and the report’s days once; event_date and daily_session_metrics do not move', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = path.join(dir, 'p.sqlite');
      let store = await Store.open({ path: file, sql: await sqlLoader.load(), timeZone: 'UTC' });
      await store.ingest(batchOf([event({ id: 'late', time: '2026-01-05T23:30:00Z' }), event({ id: 'noon', time: '2026-01-05T12:00:00Z' })]));
      const q = { since: '2026-01-05', until: '2026-01-06', repo: null, developer: null, source: null };
      const nowMs = Date.parse('2026-01-07T12:00:00Z');
      assert.deepEqual(buildReport(store, q, { prices, nowMs }).series.requests, [2, null], 'nothing measured after the last day with data');
      const dsmBefore = column(store, 'SELECT * FROM daily_session_metrics');
      await store.close();

      // Reopened in Berlin (UTC+1): 23:30Z is 00:30 on the 6th.
      store = await Store.open({ path: file, sql: await sqlLoader.load(), timeZone: 'Europe/Berlin' });
      assert.equal(store.getMeta('time_zone'), 'Europe/Berlin');
      assert.deepEqual(column(store, 'SELECT event_date, local_date FROM sessions ORDER BY ts_ms'), [
        ['2026-01-05', '2026-01-05'],
        ['2026-01-05', '2026-01-06'],
      ]);
      const m = buildReport(store, q, { prices, nowMs });
      assert.deepEqual(m.series.requests, [1, 1]);
      assert.deepEqual(column(store, 'SELECT * FROM daily_session_metrics'), dsmBefore);
      // The same zone again changes nothing; opening without a zone keeps the stored one.
      assert.equal(store.setTimeZone('Europe/Berlin'), false);
      await store.close();
      store = await Store.open({ path: file, sql: await sqlLoader.load() });
      assert.equal(store.zone.timeZone, 'Europe/Berlin');
      assert.throws(() => store.setTimeZone('Mars/Olympus_Mons'), /unknown time zone/);
      await store.close();
    } finally {
      cleanup();
    }
  });

  it('prodlens report --timezone: local days in the JSON, the zone and the method sentence in the text, a clear error for an unknown zone', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const db = path.join(dir, 'p.sqlite');
      const store = await Store.open({ path: db, sql: await sqlLoader.load(), timeZone: 'UTC' });
      await store.ingest(batchOf([event({ id: 'pm', time: '2026-01-06T01:00:00Z' })]));
      await store.close();
      const env = { ...process.env, PRODLENS_DB: undefined, PRODLENS_TIMEZONE: undefined };
      const json = await cli(['report', '--db', db, '--json', '--since', '2026-01-05', '--until', '2026-01-06', '--timezone', 'America/Los_Angeles'], {
        cwd: dir,
        env,
      });
      assert.equal(json.code, 0, json.stderr);
      const m = JSON.parse(json.stdout);
      assert.equal(m.timeZone, 'America/Los_Angeles');
      assert.deepEqual(m.series.requests, [1, null]);
      const text = await cli(['report', '--db', db, '--since', '2026-01-05', '--until', '2026-01-06', '--timezone', 'Europe/Berlin'], { cwd: dir, env });
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /local days in Europe\/Berlin/);
      assert.match(text.stdout, /working days of 2 .*Benjamini–Hochberg over \d+ tests/);
      const bad = await cli(['report', '--db', db, '--timezone', 'Mars/Olympus_Mons'], { cwd: dir, env });
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /--timezone "Mars\/Olympus_Mons" is not a time zone; use an IANA name/);
      const badEnv = await cli(['report', '--db', db], { cwd: dir, env: { ...env, PRODLENS_TIMEZONE: '+02:00' } });
      assert.equal(badEnv.code, 1);
      assert.match(badEnv.stderr, /PRODLENS_TIMEZONE "\+02:00" is not a time zone/);
    } finally {
      cleanup();
    }
  });
});
