/**
 * The report filtered to one model: the AI series of a `DailySeriesSet` replaced by the model's share from
 * the `daily_model` rollup (src/core/store/model-series.ts). Series that rollup cannot split by model
 * (inserted lines, agent edits, latency) become unmeasured (null) rather than showing every model's value.
 */
import type { DailySeriesSet } from '../analyze/series';
import type { ModelDay } from '../store/model-series';

export function applyModelSeries(set: DailySeriesSet, rows: ModelDay[], sessionsPerDay: Map<string, number>): DailySeriesSet {
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const s = set.series;
  set.days.forEach((day, i) => {
    // Days outside the AI coverage stay unmeasured; inside it, a day without the model is 0.
    const measured = s.requests[i] !== null;
    const r = byDay.get(day);
    const put = (v: number | undefined) => (measured ? (v ?? 0) : null);
    s.requests[i] = put(r?.requests);
    s.errors[i] = put(r?.errors);
    s.tokens_out[i] = put(r?.tokensOut);
    s.total_tokens[i] = put(r?.totalTokens);
    s.tokens_in[i] = put(r ? r.totalTokens - r.tokensOut : 0);
    s.cache_read_tokens[i] = put(r?.cacheReadTokens);
    s.cache_write_tokens[i] = put(r?.cacheWriteTokens);
    s.cost_usd[i] = put(r?.costUsd);
    s.insertions[i] = put(r?.insertions);
    s.accepted_insertions[i] = put(r?.acceptedInsertions);
    s.accepted_lines[i] = put(r?.acceptedLines);
    s.sessions[i] = put(sessionsPerDay.get(day));
    const attempts = (s.requests[i] ?? 0) + (s.errors[i] ?? 0);
    s.error_rate[i] = measured && attempts > 0 ? s.errors[i]! / attempts : null;
    s.acceptance_rate[i] = measured && s.insertions[i] ? s.accepted_insertions[i]! / s.insertions[i]! : null;
    for (const k of ['inserted_lines', 'agent_edits', 'agent_lines_added', 'latency_p50_ms', 'latency_p90_ms'] as const) s[k][i] = null;
  });
  return { ...set, periodLatency: { p50: null, p90: null } };
}
