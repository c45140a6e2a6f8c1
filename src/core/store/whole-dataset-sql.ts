/*
 * The SQL behind the export's unpartitioned `_aggregates` datasets (src/core/export/datasets.ts `whole`),
 * kept in the store like every statement on the ProdLens database; `$where` stands for the export's filter
 * and `$device` for the exporting device (src/core/store/whole-datasets.ts binds both).
 */

/** The sessions rows with duplicate_of NULL summed per UTC day, device, developer, repository, model, source and kind. */
export const DAILY_USAGE_TABLE = `(SELECT event_date, coalesce(device_id, $device) AS device_id, developer_id, repo_slug, model, source, kind,
      count(*) AS events, sum(coalesce(tokens_in, 0)) AS tokens_in, sum(coalesce(tokens_out, 0)) AS tokens_out,
      sum(coalesce(total_tokens, 0)) AS total_tokens, sum(coalesce(cache_read_tokens, 0)) AS cache_read_tokens,
      sum(coalesce(cache_write_tokens, 0)) AS cache_write_tokens, sum(coalesce(cost_usd, 0)) AS cost_usd,
      sum(CASE WHEN cost_usd IS NULL THEN 1 ELSE 0 END) AS unpriced, sum(coalesce(accepted_lines, 0)) AS accepted_lines,
      sum(CASE WHEN accepted_flag IS NOT NULL THEN 1 ELSE 0 END) AS flagged, sum(CASE WHEN accepted_flag THEN 1 ELSE 0 END) AS accepted
    FROM sessions WHERE duplicate_of IS NULL AND $where
    GROUP BY event_date, device_id, developer_id, repo_slug, model, source, kind)`;

/** A dataset's table restricted by the export's filter, for its one-file (compact) copy. */
export function compactTable(baseTable: string): string {
  return `(SELECT * FROM ${baseTable} WHERE $where)`;
}
