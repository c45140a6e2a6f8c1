import type { PriceTable } from '../pricing';
import type { Store } from '../store/store';
import { REPORT_SCHEMA_VERSION, type DailyRow, type ReportFilter, type ReportModel } from './model';

/** Builds the report model for a period (refreshing the daily tables first). */
export function buildReport(store: Store, filter: ReportFilter, prices: PriceTable, nowMs: number): ReportModel {
  store.refreshDailyMetrics();
  const where: string[] = [];
  const params: string[] = [];
  if (filter.since) {
    where.push('event_date >= ?');
    params.push(filter.since);
  }
  if (filter.until) {
    where.push('event_date <= ?');
    params.push(filter.until);
  }
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const res = store.db.exec(
    `SELECT event_date, developer_id, session_count, request_count, total_tokens, accepted_count, error_count,
            median_latency_ms, cost_usd
       FROM daily_session_metrics ${clause} ORDER BY event_date, developer_id`,
    params,
  );
  const dailyByDeveloper = (res[0]?.values ?? []).map((r) => ({
    event_date: r[0] as string,
    developer_id: r[1] as string | null,
    session_count: r[2] as number,
    request_count: r[3] as number,
    total_tokens: r[4] as number,
    accepted_count: r[5] as number,
    error_count: r[6] as number,
    median_latency_ms: r[7] as number | null,
    cost_usd: r[8] as number,
  }));
  const byDay = new Map<string, DailyRow>();
  for (const r of dailyByDeveloper) {
    const d = byDay.get(r.event_date) ?? { event_date: r.event_date, session_count: 0, request_count: 0, total_tokens: 0, accepted_count: 0, error_count: 0, cost_usd: 0 };
    d.session_count += r.session_count;
    d.request_count += r.request_count;
    d.total_tokens += r.total_tokens;
    d.accepted_count += r.accepted_count;
    d.error_count += r.error_count;
    d.cost_usd += r.cost_usd;
    byDay.set(r.event_date, d);
  }
  const daily = [...byDay.values()];
  const totals = { days: daily.length, session_count: 0, request_count: 0, total_tokens: 0, accepted_count: 0, error_count: 0, cost_usd: 0 };
  for (const d of daily) {
    totals.session_count += d.session_count;
    totals.request_count += d.request_count;
    totals.total_tokens += d.total_tokens;
    totals.accepted_count += d.accepted_count;
    totals.error_count += d.error_count;
    totals.cost_usd += d.cost_usd;
  }
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: new Date(nowMs).toISOString(),
    filter: { since: filter.since ?? null, until: filter.until ?? null },
    priceTable: prices.version,
    totals,
    daily,
    dailyByDeveloper,
  };
}
