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
  usageFromEventsSql,
} from '../../../src/core/store/team-lake-sql';

describe('team SQL: one portable text for DuckDB, Spark SQL and Trino', () => {
  const queries = [
    ...[aiDailySql, commitsDailySql, mergedPrsDailySql].map((q) => q(NAMED_SOURCES, '2026-01-05', '2026-01-23')),
    experimentUnitsSql(NAMED_SOURCES, '2026-01-23T10:00:00.000Z'),
    experimentModelsSql(NAMED_SOURCES),
    usageFromEventsSql('sessions'),
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
    assert.match(queries[0]!, /FROM daily_usage AS daily_usage/);
    const none = { sessions: [], commits: [], pull_requests: [], experiment_units: [], daily_usage: [], commits_compact: [], pull_requests_compact: [] };
    const src = duckdbSources({ ...none, sessions: ["/lake/a'b/sessions/**/*.parquet"] });
    assert.match(src.sessions, /^read_parquet\(\['\/lake\/a''b\/sessions\/\*\*\/\*\.parquet'\], hive_partitioning = true/);
    assert.match(src.usage, /^\(SELECT .* WHERE FALSE\)$/s, 'events are summed only for exports without daily_usage');
    assert.match(src.commits, /^\(SELECT .* WHERE FALSE\)$/s);
    assert.match(src.experiment_units, /^\(SELECT .* WHERE FALSE\)$/s);
    // New exports: the one-file datasets, read without hive partitioning; old ones: their events summed.
    const mixed = duckdbSources({
      ...none,
      daily_usage: ['/lake/new/_aggregates/daily_usage/*.parquet'],
      commits_compact: ['/lake/new/_aggregates/commits_compact/*.parquet'],
      commits: ['/lake/old/commits/**/*.parquet'],
      legacySessions: ['/lake/old/sessions/**/*.parquet'],
    });
    assert.match(mixed.usage, /daily_usage\/\*\.parquet'\], hive_partitioning = false.* UNION ALL BY NAME SELECT .*GROUP BY/s);
    assert.match(mixed.commits, /commits_compact.*hive_partitioning = false.* UNION ALL BY NAME .*old\/commits.*hive_partitioning = true/s);
    assert.match(
      duckdbSources({ ...none, daily_usage: ['/lake/new/_aggregates/daily_usage/*.parquet'] }).usage,
      /^read_parquet\(\['\/lake\/new\/_aggregates\/daily_usage\/\*\.parquet'\], hive_partitioning = false/,
    );
    assert.match(queries[3]!, /FROM experiment_units AS experiment_units/);
  });

  it('filters inclusive days and refuses anything but a day', () => {
    assert.equal(dayCondition('d', '2026-01-05', '2026-01-06'), "d >= DATE '2026-01-05' AND d <= DATE '2026-01-06'");
    assert.equal(dayCondition('d', null, null), 'TRUE');
    assert.throws(() => dayCondition('d', "2026-01-05' OR 1=1 --", null), RangeError);
    assert.throws(() => experimentUnitsSql(NAMED_SOURCES, "2026-01-05' OR 1=1 --"), RangeError);
  });
});
