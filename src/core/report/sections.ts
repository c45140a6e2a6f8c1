import type { Series } from '../analyze/series';
import { breakdownTotals, modelTotals, type Where } from '../store/report-reader';
import type { Store } from '../store/store';
import type { BreakdownRow, Efficiency, Headline, ModelRow, Unit } from './model';

/** Sum of a series' non-null values, or null when nothing was measured. */
export function sum(values: ReadonlyArray<number | null>): number | null {
  let s = 0;
  let any = false;
  for (const v of values) {
    if (v !== null) {
      s += v;
      any = true;
    }
  }
  return any ? s : null;
}

export function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : a / b;
}

function changePct(value: number | null, previous: number | null): number | null {
  return value === null || previous === null || previous === 0 ? null : ((value - previous) / previous) * 100;
}

interface PeriodTotals {
  sessions: number | null;
  requests: number | null;
  errors: number | null;
  totalTokens: number | null;
  outputTokens: number | null;
  cacheTokens: number | null;
  costUsd: number | null;
  insertions: number | null;
  acceptedInsertions: number | null;
  acceptedLines: number | null;
  commits: number | null;
  mergedPrs: number | null;
  reopenedPrs: number | null;
  linesChanged: number | null;
  latencyP50: number | null;
  /** Share of the period's days on which each family was measured (0..1). */
  measured: Record<Family, number>;
}

type Family = 'ai' | 'commits' | 'prs';

function measuredShare(values: ReadonlyArray<number | null>): number {
  return values.length ? values.filter((v) => v !== null).length / values.length : 0;
}

/** Period totals from daily series (sessions come from session_index: distinct over the period). */
export function periodTotals(series: Series, sessions: number | null, latencyP50: number | null): PeriodTotals {
  const cacheRead = sum(series.cache_read_tokens);
  const cacheWrite = sum(series.cache_write_tokens);
  return {
    sessions,
    requests: sum(series.requests),
    errors: sum(series.errors),
    totalTokens: sum(series.total_tokens),
    outputTokens: sum(series.tokens_out),
    cacheTokens: cacheRead === null && cacheWrite === null ? null : (cacheRead ?? 0) + (cacheWrite ?? 0),
    costUsd: sum(series.cost_usd),
    insertions: sum(series.insertions),
    acceptedInsertions: sum(series.accepted_insertions),
    acceptedLines: sum(series.accepted_lines),
    commits: sum(series.commits),
    mergedPrs: sum(series.merged_prs),
    reopenedPrs: sum(series.reopened_prs),
    linesChanged: sum(series.lines_changed),
    latencyP50,
    measured: { ai: measuredShare(series.requests), commits: measuredShare(series.commits), prs: measuredShare(series.merged_prs) },
  };
}

/**
 * Headline numbers with the change against the previous period of equal length. A change is only given
 * when the previous period was measured on every day: a period that ProdLens saw only partly would make
 * any growth look large.
 */
export function headline(cur: PeriodTotals, prev: PeriodTotals): Headline[] {
  const h = (key: string, label: string, unit: Unit, pick: (t: PeriodTotals) => number | null, family: Family = 'ai'): Headline => {
    const value = pick(cur);
    const share = prev.measured[family];
    const previous = share > 0 ? pick(prev) : null;
    const comparable = share === 1;
    return {
      key,
      label,
      unit,
      value,
      previous,
      changePct: comparable ? changePct(value, previous) : null,
      note: share > 0 && !comparable ? `previous period only ${Math.round(share * 100)}% measured; no change shown` : null,
    };
  };
  return [
    h('sessions', 'Sessions', 'count', (t) => t.sessions),
    h('requests', 'Model requests', 'count', (t) => t.requests),
    h('total_tokens', 'Tokens (in + out)', 'tokens', (t) => t.totalTokens),
    h('cache_tokens', 'Cache tokens', 'tokens', (t) => t.cacheTokens),
    h('cost_usd', 'Cost', 'usd', (t) => t.costUsd),
    h('error_rate', 'Error rate', 'ratio', (t) => ratio(t.errors, t.requests === null ? null : t.requests + (t.errors ?? 0))),
    h('latency_p50_ms', 'Median latency', 'ms', (t) => t.latencyP50),
    h('insertions', 'AI insertions', 'count', (t) => t.insertions),
    h('accepted_lines', 'Accepted AI lines', 'lines', (t) => t.acceptedLines),
    h('acceptance_rate', 'Acceptance rate', 'ratio', (t) => ratio(t.acceptedInsertions, t.insertions)),
    h('commits', 'Commits', 'count', (t) => t.commits, 'commits'),
    h('merged_prs', 'Merged PRs', 'count', (t) => t.mergedPrs, 'prs'),
  ];
}

export function efficiency(cur: PeriodTotals, prev: PeriodTotals): Efficiency {
  return {
    tokensPerAcceptedLine: ratio(cur.totalTokens, cur.acceptedLines),
    costPerAcceptedLine: ratio(cur.costUsd, cur.acceptedLines),
    costPerMergedPr: ratio(cur.costUsd, cur.mergedPrs),
    acceptedLinesPer1kOutputTokens: cur.outputTokens ? ratio(cur.acceptedLines, cur.outputTokens / 1000) : null,
    sessionGrowthPct: prev.measured.ai === 1 ? changePct(cur.sessions, prev.sessions) : null,
  };
}

export function models(store: Store, w: Where, table: 'daily_model' | 'daily_model_totals'): ModelRow[] {
  const rows: ModelRow[] = modelTotals(store, w, table).map((v) => ({
    model: v.model,
    requests: v.requests,
    errors: v.errors,
    totalTokens: v.totalTokens,
    outputTokens: v.outputTokens,
    cacheTokens: v.cacheTokens,
    costUsd: v.costUsd,
    unpricedRequests: v.unpricedRequests,
    insertions: v.insertions,
    acceptedInsertions: v.acceptedInsertions,
    acceptanceRate: ratio(v.acceptedInsertions, v.insertions),
    acceptedLines: v.acceptedLines,
  }));
  return splitEditorUnknown(rows);
}

/**
 * Splits the unknown-model row: its insertions (only editor insertions count as insertions) become an
 * "editor (model unknown)" row, its requests stay the unknown-model row; an emptied row is dropped.
 */
export function splitEditorUnknown(rows: ModelRow[]): ModelRow[] {
  const i = rows.findIndex((m) => m.model === null);
  if (i < 0 || rows[i]!.insertions === 0) return rows;
  const u = rows[i]!;
  const editor: ModelRow = {
    model: null,
    editorUnknown: true,
    requests: 0,
    errors: 0,
    totalTokens: 0,
    outputTokens: 0,
    cacheTokens: 0,
    costUsd: 0,
    unpricedRequests: 0,
    insertions: u.insertions,
    acceptedInsertions: u.acceptedInsertions,
    acceptanceRate: u.acceptanceRate,
    acceptedLines: u.acceptedLines,
  };
  const rest: ModelRow = { ...u, insertions: 0, acceptedInsertions: 0, acceptanceRate: null, acceptedLines: 0 };
  const keep = rest.requests || rest.errors || rest.totalTokens || rest.cacheTokens || rest.costUsd;
  return [...rows.slice(0, i), ...(keep ? [rest] : []), ...rows.slice(i + 1), editor];
}

/** Totals per repository or developer for the period (commits by repo / by author email). */
export function breakdown(
  store: Store,
  src: { table: string; by: string; where: Where },
  commitWhere: Where,
  commitKey: 'repo_slug' | 'author_email',
): BreakdownRow[] {
  const { totals, commits } = breakdownTotals(store, src, commitWhere, commitKey);
  const rows: BreakdownRow[] = totals.map((t) => ({ ...t, commits: commits.get(t.key) ?? (commits.size ? 0 : null) }));
  for (const [key, n] of commits) {
    if (!rows.some((row) => row.key === key)) rows.push({ key, requests: 0, totalTokens: 0, costUsd: 0, insertions: 0, acceptedLines: 0, commits: n });
  }
  return rows;
}
