import assert from 'node:assert/strict';
import {
  aiDailySql,
  commitsDailySql,
  dayCondition,
  duckdbSources,
  experimentModelsSql,
  experimentUnitsSql,
  mergedPrsDailySql,
  NAMED_SOURCES,
} from '../../../src/core/team/sql';

describe('team SQL: one portable text for DuckDB, Spark SQL and Trino', () => {
  const queries = [
    ...[aiDailySql, commitsDailySql, mergedPrsDailySql].map((q) => q(NAMED_SOURCES, '2026-01-05', '2026-01-23')),
    experimentUnitsSql(NAMED_SOURCES, '2026-01-23T10:00:00.000Z'),
    experimentModelsSql(NAMED_SOURCES),
  ];

  it('uses none of the DuckDB-only constructs docs/team.md says it avoids', () => {
    for (const sql of queries) {
      assert.doesNotMatch(sql, /\bFILTER\s*\(/i);
      assert.doesNotMatch(sql, /DISTINCT\s+ON/i);
      assert.doesNotMatch(sql, /GROUP\s+BY\s+ALL/i);
      assert.doesNotMatch(sql, /date_trunc|read_parquet|epoch\(|::/i);
    }
  });

  it('reads named tables on Spark/Trino and the files inline on DuckDB', () => {
    assert.match(queries[0]!, /FROM sessions AS sessions/);
    const src = duckdbSources({ sessions: ["/lake/a'b/sessions/**/*.parquet"], commits: [], pull_requests: [], experiment_units: [] });
    assert.match(src.sessions, /^read_parquet\(\['\/lake\/a''b\/sessions\/\*\*\/\*\.parquet'\], hive_partitioning = true/);
    assert.match(src.commits, /^\(SELECT .* WHERE FALSE\)$/s);
    assert.match(src.experiment_units, /^\(SELECT .* WHERE FALSE\)$/s);
    assert.match(queries[3]!, /FROM experiment_units AS experiment_units/);
  });

  it('filters inclusive days and refuses anything but a day', () => {
    assert.equal(dayCondition('d', '2026-01-05', '2026-01-06'), "d >= DATE '2026-01-05' AND d <= DATE '2026-01-06'");
    assert.equal(dayCondition('d', null, null), 'TRUE');
    assert.throws(() => dayCondition('d', "2026-01-05' OR 1=1 --", null), RangeError);
    assert.throws(() => experimentUnitsSql(NAMED_SOURCES, "2026-01-05' OR 1=1 --"), RangeError);
  });
});
