import assert from 'node:assert/strict';
import { normalizeOtlpLogs } from '../../../src/core/normalize/otlp-logs';
import { normalizeProdLensEvents } from '../../../src/core/normalize/prodlens-event';
import fc from 'fast-check';
import { firstOtlpTime, isoUtc, toEpochMs, utcDay } from '../../../src/core/normalize/time';
import { clone, ctx, fixture, fixtureText, logRecords, only } from './helpers';

/** Time rules (issue 2, item 2): every representation normalizes to UTC; event_date is the UTC day. */
describe('time rules', () => {
  const instant = Date.UTC(2026, 0, 5, 10, 0, 0, 123); // 2026-01-05T10:00:00.123Z

  it('reads epoch seconds, milliseconds, microseconds and nanoseconds, as numbers or numeric strings', () => {
    const cases: Array<[unknown, number]> = [
      [instant / 1000, instant],
      [String(instant / 1000), instant],
      [instant, instant],
      [String(instant), instant],
      [instant * 1000 + 456, instant],
      [`${instant}456`, instant],
      [`${instant}456789`, instant],
      [BigInt(instant) * 1_000_000n + 999_999n, instant],
    ];
    for (const [input, want] of cases) {
      const r = toEpochMs(input);
      assert.ok(r.ok, `${String(input)}: ${r.ok ? '' : r.reason}`);
      assert.equal(r.value, want, `${String(input)}`);
    }
  });

  it('reads every YYYY-MM-DDTHH:MM:SS.sssZ string as Date.parse does, and rejects impossible days, hours and minutes', () => {
    // The form the agents write has its own reader (no regular expressions): it must agree with Date.parse
    // on every valid string, and leave every invalid one to the general rules (which reject it).
    const d2 = (n: number) => String(n).padStart(2, '0');
    fc.assert(
      fc.property(
        fc.integer({ min: 1999, max: 2101 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 0, max: 61 }),
        fc.integer({ min: 0, max: 61 }),
        fc.integer({ min: 0, max: 999 }),
        (y, mo, d, h, mi, sec, ms) => {
          const s = `${y}-${d2(mo)}-${d2(d)}T${d2(h)}:${d2(mi)}:${d2(sec)}.${String(ms).padStart(3, '0')}Z`;
          const r = toEpochMs(s);
          const daysInMonth = mo >= 1 && mo <= 12 ? new Date(Date.UTC(y, mo, 0)).getUTCDate() : 0;
          const parsed = Date.parse(s);
          const valid = d >= 1 && d <= daysInMonth && !Number.isNaN(parsed) && parsed >= Date.UTC(2000, 0, 1) && parsed < Date.UTC(2100, 0, 1);
          assert.equal(r.ok, valid, s);
          if (r.ok) assert.equal(r.value, parsed, s);
        },
      ),
      { numRuns: 5000 },
    );
    // Near misses of the form go the general way, which reads them as before.
    assert.deepEqual(toEpochMs(' 2026-01-05T10:00:00.123Z '), { ok: true, value: instant });
    assert.deepEqual(toEpochMs('2026-01-05T10:00:00.123z'), { ok: true, value: instant });
    assert.equal(toEpochMs('2026-01-05T10:00:00.12xZ').ok, false);
    assert.equal(toEpochMs('2026-02-29T10:00:00.000Z').ok, false);
    assert.deepEqual(toEpochMs('2028-02-29T10:00:00.000Z'), { ok: true, value: Date.UTC(2028, 1, 29, 10) });
  });

  it('keeps the millisecond of float epoch seconds that binary floating point would lose', () => {
    // 1767607200.123 * 1000 is 1767607200122.9998 in binary; LiteLLM sends such floats.
    const r = toEpochMs(1767607200.123);
    assert.ok(r.ok);
    assert.equal(r.value, instant);
  });

  it('reads OTLP nanoseconds above 2^53 exactly from a decimal string', () => {
    const ns = '1767657599999999999'; // one nanosecond before midnight UTC
    assert.ok(BigInt(ns) > 2n ** 53n);
    const r = firstOtlpTime(ns);
    assert.ok(r.ok);
    assert.equal(utcDay(r.value), '2026-01-05', 'must not round up into the next day');
    assert.equal(r.value, Date.UTC(2026, 0, 5, 23, 59, 59, 999));
  });

  it('reads a bare JSON number of nanoseconds above 2^53 (as JSON.parse delivers it) to the millisecond', () => {
    const doc = JSON.parse(fixtureText('otlp/claude-code-logs-bare-ns.json'));
    const raw = logRecords(doc)[0]!.timeUnixNano;
    assert.equal(typeof raw, 'number', 'the fixture must carry a bare number');
    assert.ok((raw as number) > Number.MAX_SAFE_INTEGER);
    const b = normalizeOtlpLogs(doc, ctx());
    assert.equal(b.rejects.length, 0);
    assert.equal(b.events[0]!.timestamp, '2026-01-05T23:59:59.999Z');
    assert.equal(b.events[0]!.event_date, '2026-01-05');
  });

  it('uses the UTC day for ISO times with offsets that cross midnight', () => {
    const b = normalizeProdLensEvents(
      [
        { timestamp: '2026-01-05T22:30:00-05:00', kind: 'request', event_id: 'a' },
        { timestamp: '2026-01-06T01:30:00+09:00', kind: 'request', event_id: 'b' },
        { timestamp: '2026-01-05T23:45:00+0130', kind: 'request', event_id: 'c' },
      ],
      ctx(),
    );
    assert.equal(b.rejects.length, 0, JSON.stringify(b.rejects));
    assert.deepEqual(
      b.events.map((e) => [e.timestamp, e.event_date]),
      [
        ['2026-01-06T03:30:00.000Z', '2026-01-06'],
        ['2026-01-05T16:30:00.000Z', '2026-01-05'],
        ['2026-01-05T22:15:00.000Z', '2026-01-05'],
      ],
    );
  });

  it('falls back from timeUnixNano to observedTimeUnixNano to the event.timestamp attribute', () => {
    const doc = clone(fixture('otlp/claude-code-logs-go.json'));
    const b = normalizeOtlpLogs(doc, ctx());
    assert.equal(b.rejects.length, 0);
    const [req, err, decision] = logRecords(doc);
    assert.equal(only(b, (e) => e.kind === 'request', 'request').ts_ms, Number(BigInt(req!.timeUnixNano as string) / 1_000_000n));
    // timeUnixNano "0" means unset: observedTimeUnixNano is used.
    assert.equal(err!.timeUnixNano, '0');
    assert.equal(only(b, (e) => e.kind === 'error', 'error').ts_ms, Number(BigInt(err!.observedTimeUnixNano as string) / 1_000_000n));
    // Neither set: event.timestamp, an ISO time with a -05:00 offset late in the evening.
    assert.equal(decision!.timeUnixNano, undefined);
    const d = only(b, (e) => e.kind === 'tool', 'tool decision');
    assert.equal(d.timestamp, '2026-01-06T03:31:00.000Z');
    assert.equal(d.event_date, '2026-01-06');
  });

  it('rejects times that cannot be real: impossible days, out-of-range units, garbage', () => {
    for (const bad of ['2026-02-30T00:00:00Z', '2026-13-01T00:00:00Z', 'yesterday', -5, 0, 1e300, Number.NaN, {}, true]) {
      const r = toEpochMs(bad);
      assert.equal(r.ok, false, `${String(bad)} must be rejected`);
      if (!r.ok) assert.ok(r.reason.length > 0);
    }
  });

  it('turns an unusable time into a dead letter, not a guessed time', () => {
    const b = normalizeProdLensEvents({ timestamp: '2026-02-30T10:00:00Z', kind: 'request' }, ctx());
    assert.equal(b.events.length, 0);
    assert.equal(b.rejects.length, 1);
    assert.match(b.rejects[0]!.reason, /invalid time/);
  });
});

describe('isoUtc', () => {
  it('formats exactly like Date.prototype.toISOString', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253402300799999 }), (ms) => {
        if (isoUtc(ms) !== new Date(ms).toISOString()) throw new Error(`${ms}: ${isoUtc(ms)}`);
      }),
      { numRuns: 2000 },
    );
    for (const ms of [0, Date.UTC(2000, 1, 29, 23, 59, 59, 999), Date.UTC(2100, 0, 1), Date.UTC(2026, 11, 31, 23, 59, 59, 999)])
      assert.equal(isoUtc(ms), new Date(ms).toISOString());
  });
});
