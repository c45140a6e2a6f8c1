// The hand-written reference of bench/team.ts, as its own small process (no TypeScript loader, like the
// built `prodlens team` it is compared with): the aggregates the team report computes — AI use per day ×
// device × developer × repository × model; commits per day × repository × author, each (repository, SHA)
// once, unreachable ones out; merged pull requests per merge day × repository × author, each (repository,
// number) once from its latest copy — as one would write them for DuckDB.
//   node bench/team-reference.mjs LAKE THREADS aggregates|events
// `aggregates` reads what `prodlens team` reads (_aggregates/daily_usage, commits_compact,
// pull_requests_compact); `events` reads the raw events and the day-partitioned commits and pull requests.
import { DuckDBInstance } from '@duckdb/node-api';

const [lake, threads, over] = process.argv.slice(2);
const HIVE = `hive_partitioning = true, hive_types = {'event_date': DATE, 'repo': VARCHAR}, union_by_name = true`;
const FLAT = 'hive_partitioning = false, union_by_name = true';
const g = (rel, opts) => `read_parquet('${lake}/*/${rel}', ${opts})`;
const ai =
  over === 'aggregates'
    ? `SELECT event_date, device_id, developer_id, repo_slug, model,
          sum(events) FILTER (WHERE kind = 'request') AS requests, sum(total_tokens) AS tokens, sum(cost_usd) AS cost,
          sum(accepted_lines) AS accepted_lines, sum(flagged) FILTER (WHERE kind = 'edit') AS suggestions,
          sum(accepted) FILTER (WHERE kind = 'edit') AS accepted, sum(events) AS events
       FROM ${g('_aggregates/daily_usage/*.parquet', FLAT)} GROUP BY ALL`
    : `SELECT event_date, device_id, developer_id, repo_slug, model,
          count(*) FILTER (WHERE kind = 'request') AS requests, sum(total_tokens) AS tokens, sum(cost_usd) AS cost,
          sum(accepted_lines) AS accepted_lines, count(*) FILTER (WHERE kind = 'edit' AND accepted_flag IS NOT NULL) AS suggestions,
          count(*) FILTER (WHERE kind = 'edit' AND accepted_flag) AS accepted, count(*) AS events
       FROM ${g('sessions/**/*.parquet', HIVE)} WHERE duplicate_of IS NULL GROUP BY ALL`;
const commits = over === 'aggregates' ? g('_aggregates/commits_compact/*.parquet', FLAT) : g('commits/**/*.parquet', HIVE);
const prs = over === 'aggregates' ? g('_aggregates/pull_requests_compact/*.parquet', FLAT) : g('pull_requests/**/*.parquet', HIVE);
const queries = [
  ai,
  `SELECT event_date, repo_slug, lower(coalesce(author_email, author)) AS author, count(*) FILTER (WHERE NOT is_merge) AS commits,
          sum(lines_added + lines_removed) FILTER (WHERE NOT is_merge) AS lines_changed
   FROM (SELECT DISTINCT ON (repo_slug, sha) * FROM ${commits} WHERE unreachable_at IS NULL)
   GROUP BY ALL`,
  `SELECT CAST(merged_at AS DATE) AS day, repo_slug, lower(author) AS author, count(*) AS merged, sum(date_diff('second', created_at, merged_at)) / 3600 AS hours
   FROM (SELECT DISTINCT ON (repo_slug, number) * FROM ${prs} ORDER BY repo_slug, number, updated_at DESC)
   WHERE merged_at IS NOT NULL AND created_at IS NOT NULL GROUP BY ALL`,
];
const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const con = await instance.connect();
await con.run("SET TimeZone = 'UTC'");
let rows = 0;
for (const sql of queries) rows += (await con.runAndReadAll(sql)).getRows().length;
con.closeSync();
instance.closeSync();
process.stdout.write(`${JSON.stringify({ rows })}\n`);
