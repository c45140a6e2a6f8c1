import assert from 'node:assert/strict';
import path from 'node:path';
import { shiftDay } from '../../../src/core/day';
import { exportParquet } from '../../../src/core/export/exporter';
import { ParquetWasmLoader } from '../../../src/core/export/node-parquet';
import { buildReport } from '../../../src/core/report/build';
import { prices, tempDir } from '../helpers/events';
import { fixtureNow, fixtureStore } from '../report/fixture';
import { duck } from './fixtures';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

/**
 * Exported correlations are computed for the export's own scope when it runs (issue 13 §5), not copied from
 * whatever the report cache last held: read back with DuckDB, they equal the report's analysis of exactly
 * that scope, and differ from the cached analysis of another filter.
 */
describe('exported correlations', () => {
  it('are the analysis of the export’s period over all developers and repositories, computed at export time', async function () {
    this.timeout(120_000);
    const lastDay = '2026-03-31';
    const store = await fixtureStore({ lastDay, days: 50, seed: 11 });
    const tmp = tempDir('prodlens-corr-');
    const db = await duck();
    try {
      const nowMs = fixtureNow(lastDay);
      const since = shiftDay(lastDay, -39);
      // The report last looked at one repository over two weeks: that is what the cache holds.
      const viewed = buildReport(store, { since: shiftDay(lastDay, -13), until: lastDay, repo: 'acme/api', developer: null, source: null }, { prices, nowMs });
      assert.ok(viewed.correlations.rows.length > 0);
      const cachedRows = rawDatabaseForTests(store).exec('SELECT COUNT(*) FROM correlation_cache')[0]!.values[0]![0];
      const out = path.join(tmp.dir, 'export');
      await exportParquet(store, {
        outDir: out,
        exporterVersion: 't',
        parquet: new ParquetWasmLoader(),
        durable: false,
        filter: { since },
        clock: { now: () => nowMs },
      });
      assert.equal(
        rawDatabaseForTests(store).exec('SELECT COUNT(*) FROM correlation_cache')[0]!.values[0]![0],
        cachedRows,
        'the export neither reads nor fills the report cache',
      );

      const exported = await db.all(
        `SELECT x_series, y_series, method, lag_days, n, r, p_value, p_adjusted, ci_low, ci_high, status,
                strftime(since, '%Y-%m-%d'), strftime(until, '%Y-%m-%d'), json_extract_string(filter, '$.repo')
           FROM read_parquet('${out}/_aggregates/correlations/*.parquet')`,
      );
      // The report's analysis of the same scope, computed independently of the export.
      const scope = buildReport(store, { since, until: lastDay, repo: null, developer: null, source: null }, { prices, nowMs }).correlations;
      const key = (r: unknown[]) => JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? Number(v) : v));
      const want = scope.rows.map((c) =>
        key([c.ai, c.outcome, c.method, c.lag, c.n, c.r, c.p, c.pAdjusted, c.ciLow, c.ciHigh, c.status, since, lastDay, null]),
      );
      assert.equal(exported.length, scope.rows.length);
      assert.deepEqual(exported.map(key).sort(), want.sort());
      assert.ok(
        scope.rows.some((r) => r.status === 'ok' && r.n >= 20),
        'a real analysis of weeks of working days',
      );
      // Not the cached analysis of the viewed filter.
      const cachedN = new Set(viewed.correlations.rows.map((r) => r.n));
      assert.ok(
        exported.some((r) => !cachedN.has(Number(r[4]))),
        'exported n differ from the cached two-week analysis',
      );
    } finally {
      db.close();
      await store.close();
      tmp.cleanup();
    }
  });
});
