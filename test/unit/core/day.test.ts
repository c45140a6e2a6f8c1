import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  canonicalTimeZone,
  dayNumberOf,
  dayOfNumber,
  dayRange,
  DayZone,
  daysBetween,
  isDayKey,
  isoWeekday,
  monthStart,
  shiftDay,
  utcDay,
  weekStart,
} from '../../../src/core/day';

/** The local date of an instant as Intl prints it: an independent reference for DayZone.dayOf. */
function intlDay(ms: number, timeZone: string): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(ms)).map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day}`;
}

const ZONES = [
  'UTC',
  'America/Los_Angeles',
  'Europe/Berlin',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Pacific/Chatham',
  'Australia/Lord_Howe',
  'America/Santiago',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
];

describe('day module', () => {
  it('day numbers round-trip and agree with Date for every day from 1900 to 2200', () => {
    for (let n = dayNumberOf('1900-01-01')!; n <= dayNumberOf('2200-12-31')!; n++) {
      const key = dayOfNumber(n);
      assert.equal(key, new Date(n * 86_400_000).toISOString().slice(0, 10));
      assert.equal(dayNumberOf(key), n);
    }
  });

  it('rejects what is not a calendar date', () => {
    for (const bad of ['2026-02-29', '2026-13-01', '2026-00-10', '2026-04-31', '26-01-01', '2026-1-01', '2026-01-01T00:00', '', '0999-12-31']) {
      assert.equal(isDayKey(bad), false, bad);
    }
    assert.equal(isDayKey('2024-02-29'), true);
    assert.throws(() => shiftDay('2026-02-30', 1), /not a YYYY-MM-DD date/);
  });

  it('utcDay matches toISOString for random instants', () => {
    fc.assert(fc.property(fc.integer({ min: -2_000_000_000_000, max: 7_000_000_000_000 }), (ms) => utcDay(ms) === new Date(ms).toISOString().slice(0, 10)));
  });

  it('ranges, shifts, weekdays, weeks and months', () => {
    assert.deepEqual(dayRange('2024-02-27', '2024-03-01'), ['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01']);
    assert.deepEqual(dayRange('2026-01-02', '2026-01-01'), []);
    assert.equal(shiftDay('2026-12-31', 1), '2027-01-01');
    assert.equal(shiftDay('2026-03-01', -1), '2026-02-28');
    assert.equal(daysBetween('2026-01-01', '2027-01-01'), 365);
    assert.equal(isoWeekday('2026-12-02'), 3); // a Wednesday
    assert.equal(isoWeekday('2026-12-06'), 7);
    assert.equal(weekStart('2026-12-06'), '2026-11-30');
    assert.equal(weekStart('2026-11-30'), '2026-11-30');
    assert.equal(weekStart('2027-01-01'), '2026-12-28'); // ISO week 53 of 2026
    assert.equal(monthStart('2026-02-17'), '2026-02-01');
  });

  it('canonicalTimeZone accepts IANA names and refuses fixed offsets and junk', () => {
    assert.equal(canonicalTimeZone('Europe/Berlin'), 'Europe/Berlin');
    assert.equal(canonicalTimeZone('UTC'), 'UTC');
    assert.equal(canonicalTimeZone('Mars/Olympus'), null);
    assert.equal(canonicalTimeZone('+02:00'), null);
    assert.throws(() => new DayZone('Nowhere/Special'), /unknown time zone "Nowhere\/Special"/);
  });

  it('machineTimeZone is what Intl resolves for the process, and UTC where Intl cannot tell', () => {
    // Each TZ in a process of its own: the runtime reads TZ once. Compared with Intl's own answer there.
    const script = `const { machineTimeZone, canonicalTimeZone } = require(${JSON.stringify(require.resolve('../../../src/core/day'))});
      const intl = Intl.DateTimeFormat().resolvedOptions().timeZone;
      let accepted = null; try { accepted = new Intl.DateTimeFormat('en-US', { timeZone: intl }).resolvedOptions().timeZone; } catch {}
      process.stdout.write(JSON.stringify({ zone: machineTimeZone(), intl, accepted, utc: ['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT', 'utc'].map(canonicalTimeZone) }));`;
    const seen: Record<string, { zone: string; intl: string; accepted: string | null; utc: string[] }> = {};
    for (const tz of ['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT', 'Europe/Berlin', 'America/Los_Angeles', '']) {
      const out = execFileSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], { env: { ...process.env, TZ: tz }, encoding: 'utf8' });
      const r = JSON.parse(out) as (typeof seen)[string];
      seen[tz] = r;
      assert.deepEqual(r.utc, ['UTC', 'UTC', 'UTC', 'UTC', 'UTC'], tz);
      // Where Intl names a zone it accepts, that zone; else (an empty TZ: "Etc/Unknown") UTC, not a failure.
      assert.equal(r.zone, r.accepted ?? 'UTC', `TZ=${JSON.stringify(tz)}: ${JSON.stringify(r)}`);
    }
    assert.equal(seen['Europe/Berlin']!.zone, 'Europe/Berlin');
    assert.equal(seen['GMT']!.zone, 'UTC');
    assert.equal(seen['']!.accepted, null, 'Intl refuses its own answer under an empty TZ');
  });

  for (const zone of ZONES) {
    it(`dayOf agrees with Intl in ${zone} at random instants`, () => {
      const z = new DayZone(zone);
      fc.assert(
        fc.property(fc.integer({ min: Date.UTC(1980, 0, 1), max: Date.UTC(2040, 0, 1) }), (ms) => z.dayOf(ms) === intlDay(ms, zone)),
        { numRuns: 2000 },
      );
    });

    it(`every local day of 2026 in ${zone} starts where the previous one ends, without a gap or a double`, () => {
      const z = new DayZone(zone);
      let hours = 0;
      for (const day of dayRange('2026-01-01', '2026-12-31')) {
        const start = z.startOf(day);
        assert.equal(z.dayOf(start), day, `${day} starts inside itself`);
        assert.equal(z.dayOf(start - 1), shiftDay(day, -1), `the instant before ${day} starts is the day before`);
        hours += z.hoursIn(day);
      }
      assert.equal(hours, 365 * 24, 'the year has 8760 hours whatever the transitions');
    });
  }

  it('daylight saving makes 23- and 25-hour days, and hourly events fill each local day once', () => {
    const la = new DayZone('America/Los_Angeles');
    assert.equal(la.hoursIn('2026-03-08'), 23);
    assert.equal(la.hoursIn('2026-11-01'), 25);
    const berlin = new DayZone('Europe/Berlin');
    assert.equal(berlin.hoursIn('2026-03-29'), 23);
    assert.equal(berlin.hoursIn('2026-10-25'), 25);
    const counts = new Map<string, number>();
    for (let ms = Date.UTC(2026, 9, 30, 7); ms < Date.UTC(2026, 10, 3, 8); ms += 3_600_000) {
      const d = la.dayOf(ms);
      counts.set(d, (counts.get(d) ?? 0) + 1);
    }
    assert.deepEqual(
      [...counts],
      [
        ['2026-10-30', 24],
        ['2026-10-31', 24],
        ['2026-11-01', 25],
        ['2026-11-02', 24],
      ],
    );
  });

  it('a skipped midnight (Chile starts summer time at 24:00) starts the day at 01:00', () => {
    const z = new DayZone('America/Santiago');
    const start = z.startOf('2026-09-06');
    assert.equal(intlDay(start, 'America/Santiago'), '2026-09-06');
    assert.equal(new Intl.DateTimeFormat('en-US', { timeZone: 'America/Santiago', hour: 'numeric', hourCycle: 'h23' }).format(new Date(start)), '01');
    assert.equal(z.hoursIn('2026-09-06'), 23);
  });

  it('a developer in UTC−8 is still on the same day at 4 pm', () => {
    const la = new DayZone('America/Los_Angeles');
    const fourPm = Date.UTC(2026, 11, 2, 0, 30); // 16:30 on Dec 1 in Los Angeles
    assert.equal(utcDay(fourPm), '2026-12-02');
    assert.equal(la.dayOf(fourPm), '2026-12-01');
  });
});
