/**
 * The report model: one JSON-serializable object built by the core and rendered by the webview, the
 * standalone HTML page and `prodlens report --json`, so all of them agree. Its schema is documented in
 * docs/report.md; bump REPORT_SCHEMA_VERSION on incompatible changes.
 */
export const REPORT_SCHEMA_VERSION = 1;

export interface ReportFilter {
  /** Inclusive UTC day `YYYY-MM-DD`. */
  since?: string;
  /** Inclusive UTC day `YYYY-MM-DD`. */
  until?: string;
}

/** One UTC day summed over developers. */
export interface DailyRow {
  event_date: string;
  session_count: number;
  request_count: number;
  total_tokens: number;
  accepted_count: number;
  error_count: number;
  cost_usd: number;
}

export interface ReportModel {
  schemaVersion: number;
  generatedAt: string;
  filter: { since: string | null; until: string | null };
  /** The price table behind estimated costs, shown wherever a cost is shown. */
  priceTable: string;
  totals: Omit<DailyRow, 'event_date'> & { days: number };
  daily: DailyRow[];
  /** Per day and developer, as stored in daily_session_metrics. */
  dailyByDeveloper: Array<DailyRow & { developer_id: string | null; median_latency_ms: number | null }>;
}
