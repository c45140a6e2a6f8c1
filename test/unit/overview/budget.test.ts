import assert from 'node:assert/strict';
import { budgetPeriod, budgetsOf, dueWarnings, evaluateBudgets, parseBudget, tightest, warningKey } from '../../../src/core/budget';
import { asDayKey } from '../../../src/core/day';
import type { UsageTotals } from '../../../src/core/store/usage-reader';

const usage = (costUsd: number, totalTokens = 0, unpricedRequests = 0): UsageTotals => ({
  requests: 0,
  errors: 0,
  totalTokens,
  cacheTokens: 0,
  costUsd,
  unpricedRequests,
  insertions: 0,
  acceptedInsertions: 0,
  acceptedLines: 0,
});

describe('budgets', () => {
  it('finds the current local day, ISO week from Monday and calendar month', () => {
    // Sunday 2026-03-01 belongs to the week of Monday 2026-02-23; February 2028 has 29 days.
    assert.deepEqual(budgetPeriod('daily', asDayKey('2026-03-01')), { since: '2026-03-01', until: '2026-03-01' });
    assert.deepEqual(budgetPeriod('weekly', asDayKey('2026-03-01')), { since: '2026-02-23', until: '2026-03-01' });
    assert.deepEqual(budgetPeriod('weekly', asDayKey('2026-03-02')), { since: '2026-03-02', until: '2026-03-08' });
    assert.deepEqual(budgetPeriod('monthly', asDayKey('2028-02-14')), { since: '2028-02-01', until: '2028-02-29' });
    assert.deepEqual(budgetPeriod('monthly', asDayKey('2026-12-31')), { since: '2026-12-01', until: '2026-12-31' });
  });

  it('measures each budget against the usage since its period began, in its unit', () => {
    const asked: string[] = [];
    const bySince: Record<string, UsageTotals> = { '2026-03-04': usage(4.1, 90_000, 2), '2026-03-02': usage(12, 400_000), '2026-03-01': usage(30, 2_100_000) };
    const statuses = evaluateBudgets(
      [
        { period: 'daily', unit: 'usd', limit: 5 },
        { period: 'weekly', unit: 'tokens', limit: 500_000 },
        { period: 'monthly', unit: 'tokens', limit: 2_000_000 },
        { period: 'daily', unit: 'tokens', limit: 1_000_000 },
      ],
      asDayKey('2026-03-04'),
      (since) => {
        asked.push(since);
        return bySince[since]!;
      },
    );
    assert.deepEqual(
      statuses.map((s) => [s.period, s.unit, s.used, Math.round(s.share * 1000) / 1000, s.reached, s.unpricedRequests]),
      [
        ['daily', 'usd', 4.1, 0.82, 0.8, 2],
        ['weekly', 'tokens', 400_000, 0.8, 0.8, 0],
        ['monthly', 'tokens', 2_100_000, 1.05, 1, 0],
        ['daily', 'tokens', 90_000, 0.09, null, 0],
      ],
    );
    assert.deepEqual(asked, ['2026-03-04', '2026-03-02', '2026-03-01'], 'each period’s usage is read once');
    assert.equal(tightest(statuses)?.period, 'monthly');
    assert.equal(tightest([]), null);
  });

  it('warns once per period and threshold, the highest one when two are crossed at once', () => {
    const [day] = evaluateBudgets([{ period: 'daily', unit: 'usd', limit: 5 }], asDayKey('2026-03-04'), () => usage(4.2));
    const first = dueWarnings([day!], new Set());
    assert.deepEqual(
      first.map((w) => [w.threshold, w.keys]),
      [[0.8, ['daily:2026-03-04:usd:80']]],
    );
    const shown = new Set(first.flatMap((w) => w.keys));
    assert.deepEqual(dueWarnings([day!], shown), [], 'not again in the same day');
    const [over] = evaluateBudgets([{ period: 'daily', unit: 'usd', limit: 5 }], asDayKey('2026-03-04'), () => usage(5.5));
    assert.deepEqual(
      dueWarnings([over!], shown).map((w) => w.threshold),
      [1],
      '100 % is a new warning',
    );
    const [jump] = evaluateBudgets([{ period: 'daily', unit: 'usd', limit: 5 }], asDayKey('2026-03-05'), () => usage(6));
    const due = dueWarnings([jump!], shown);
    assert.deepEqual(
      due.map((w) => [w.threshold, w.keys]),
      [[1, ['daily:2026-03-05:usd:80', 'daily:2026-03-05:usd:100']]],
      'a new day starts over; 80 % is not announced after 100 %',
    );
    assert.equal(warningKey({ period: 'weekly', since: asDayKey('2026-03-02'), unit: 'tokens' }, 1), 'weekly:2026-03-02:tokens:100');
  });

  it('reads limits from settings, ignoring zero, negative and non-numbers', () => {
    assert.deepEqual(budgetsOf('usd', { daily: 5, weekly: 0, monthly: -1 }), [{ period: 'daily', unit: 'usd', limit: 5 }]);
    assert.deepEqual(budgetsOf('tokens', { weekly: '2e6', monthly: 'lots' }), [{ period: 'weekly', unit: 'tokens', limit: 2e6 }]);
  });

  it('parses --budget arguments', () => {
    const ok = (t: string) => {
      const r = parseBudget(t);
      assert.ok(r.ok, t);
      return r.value;
    };
    assert.deepEqual(ok('daily=5'), { period: 'daily', unit: 'usd', limit: 5 });
    assert.deepEqual(ok('weekly=$20.5'), { period: 'weekly', unit: 'usd', limit: 20.5 });
    assert.deepEqual(ok('month=2Mtokens'), { period: 'monthly', unit: 'tokens', limit: 2_000_000 });
    assert.deepEqual(ok('day=150k tok'), { period: 'daily', unit: 'tokens', limit: 150_000 });
    assert.deepEqual(ok('monthly=100usd'), { period: 'monthly', unit: 'usd', limit: 100 });
    for (const bad of ['daily', 'yearly=5', 'daily=0', 'daily=-3', 'daily=5eur', 'daily=five']) {
      const r = parseBudget(bad);
      assert.equal(r.ok, false, bad);
    }
  });
});
