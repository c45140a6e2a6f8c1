import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { buildReport, buildReportAsync } from '../../../src/core/report/build';
import type { ReportFilter } from '../../../src/core/report/model';
import { prices } from '../helpers/events';
import { fixtureNow, fixtureStore } from './fixture';

const LAST = '2026-03-31';
const OPTS = { prices, nowMs: fixtureNow(LAST), analysis: { lags: [0, 1, 2], minPairs: 6 }, developer: 'ana@example.com' };

/**
 * Filters covering every branch of the build (default period from the first data day, coarse and fine
 * tables, a model filter, developer and source dimensions, the team scope), each with the SHA-256 (first 16
 * hex digits) of the model the synchronous buildReport produced before it was split into steps (issue 15),
 * its non-integer numbers rounded to 10 significant digits. Two of them changed since on purpose: a row whose
 * high and low days have the same mean now has its interval (it read "[-NaN, -NaN]"; nothing else differs).
 */
const CASES: Array<[ReportFilter, string]> = [
  [{}, '2263e6198198d4a7'],
  [{ since: '2026-03-01', until: '2026-03-31' }, 'ca0f4ac2d92c8ccf'],
  [{ since: '2026-01-01', until: '2026-03-31', repo: 'acme/api' }, '9669c397c85ac7a9'],
  [{ since: '2026-02-01', until: '2026-03-31', model: 'claude-sonnet-4-5' }, 'ee68dc5e063ad242'],
  [{ since: '2026-02-01', until: '2026-03-31', developer: 'ben@example.com', source: 'claude-code-otel' }, '065ede766220f15d'],
  [{ since: '2026-03-01', until: '2026-03-31', scope: 'all' }, '0d8ab2c253eb1517'],
];

function digest(model: unknown): string {
  const json = JSON.stringify(model, (_k, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(10)) : v));
  return createHash('sha256').update(json).digest('hex').slice(0, 16);
}

describe('buildReportAsync (the extension host: the loop turns between queries)', () => {
  // Two stores with the same data: each build is the first for its filter in its store (a second build would
  // read the correlations its predecessor cached, marked `cached`).
  let store: Awaited<ReturnType<typeof fixtureStore>>;
  let twin: Awaited<ReturnType<typeof fixtureStore>>;
  before(async () => {
    store = await fixtureStore({ lastDay: LAST, days: 120, quietEvery: 9 });
    twin = await fixtureStore({ lastDay: LAST, days: 120, quietEvery: 9 });
  });
  after(async () => {
    await store.close();
    await twin.close();
  });

  for (const [filter, before] of CASES) {
    it(`equals the synchronous report, and the report before the split, for ${JSON.stringify(filter)}`, async () => {
      let turns = 0;
      let counting = true;
      const count = () => {
        turns += 1;
        if (counting) setImmediate(count);
      };
      setImmediate(count);
      const sliced = await buildReportAsync(store, filter, OPTS);
      counting = false;
      assert.ok(turns >= 10, `the event loop turned between the queries (${turns} turns)`);
      assert.deepEqual(sliced, buildReport(twin, filter, OPTS));
      assert.equal(digest(sliced), before);
      assert.doesNotMatch(JSON.stringify(sliced), /NaN|Infinity/, 'no undefined number in a value or a reading');
    });
  }

  it('stops between queries once its signal is aborted', async () => {
    const abort = new AbortController();
    const build = buildReportAsync(store, {}, OPTS, abort.signal);
    abort.abort(new Error('superseded'));
    await assert.rejects(build, /superseded/);
  });
});
