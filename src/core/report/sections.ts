import type { Database, SqlValue } from 'sql.js';
import type { Series } from '../analyze/series';
import type { BreakdownRow, DeadLetterSummary, Efficiency, Headline, ModelRow, SourceHealth, Unit } from './model';

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

export interface Where {
  sql: string;
  params: SqlValue[];
}

/** Distinct sessions active in the period (first seen ≤ until and last seen ≥ since). */
export function sessionCount(
  db: Database,
  since: string,
  until: string,
  w: { repo?: string | null; developer?: string | null; source?: string | null },
): number | null {
  const parts = ['first_day <= ?', 'last_day >= ?'];
  const params: SqlValue[] = [until, since];
  if (w.repo !== undefined && w.repo !== null) {
    parts.push('repo_slug IS ?');
    params.push(w.repo || null);
  }
  if (w.developer !== undefined && w.developer !== null) {
    parts.push('developer_id IS ?');
    params.push(w.developer || null);
  }
  if (w.source) {
    parts.push('source = ?');
    params.push(w.source);
  }
  const r = db.exec(`SELECT COUNT(*) FROM session_index WHERE ${parts.join(' AND ')}`, params);
  return (r[0]?.values[0]?.[0] as number) ?? 0;
}

export function models(db: Database, w: Where, table: 'daily_model' | 'daily_model_totals'): ModelRow[] {
  const r = db.exec(
    `SELECT model, SUM(requests), SUM(errors), SUM(total_tokens), SUM(tokens_out), SUM(cache_read_tokens) + SUM(cache_write_tokens),
            SUM(cost_usd), SUM(unpriced_requests), SUM(insertions), SUM(accepted_insertions), SUM(accepted_lines)
       FROM ${table} WHERE ${w.sql} GROUP BY model ORDER BY SUM(cost_usd) DESC, SUM(requests) DESC`,
    w.params,
  );
  const rows: ModelRow[] = (r[0]?.values ?? []).map((v) => ({
    model: v[0] as string | null,
    requests: v[1] as number,
    errors: v[2] as number,
    totalTokens: v[3] as number,
    outputTokens: v[4] as number,
    cacheTokens: v[5] as number,
    costUsd: v[6] as number,
    unpricedRequests: v[7] as number,
    insertions: v[8] as number,
    acceptedInsertions: v[9] as number,
    acceptanceRate: ratio(v[9] as number, v[8] as number),
    acceptedLines: v[10] as number,
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
  db: Database,
  src: { table: string; by: string; where: Where },
  commitWhere: Where,
  commitKey: 'repo_slug' | 'author_email',
): BreakdownRow[] {
  const r = db.exec(
    `SELECT ${src.by}, SUM(requests), SUM(total_tokens), SUM(cost_usd), SUM(insertions), SUM(accepted_lines)
       FROM ${src.table} WHERE ${src.where.sql} GROUP BY ${src.by} ORDER BY SUM(total_tokens) DESC LIMIT 50`,
    src.where.params,
  );
  const c = db.exec(
    `SELECT ${commitKey}, COUNT(*) FROM commits WHERE ${commitWhere.sql} AND is_merge = 0 AND unreachable_at IS NULL GROUP BY ${commitKey}`,
    commitWhere.params,
  );
  const commits = new Map((c[0]?.values ?? []).map((v) => [(v[0] as string | null) ?? null, v[1] as number]));
  const rows: BreakdownRow[] = (r[0]?.values ?? []).map((v) => ({
    key: v[0] as string | null,
    requests: v[1] as number,
    totalTokens: v[2] as number,
    costUsd: v[3] as number,
    insertions: v[4] as number,
    acceptedLines: v[5] as number,
    commits: commits.get(v[0] as string | null) ?? (commits.size ? 0 : null),
  }));
  for (const [key, n] of commits) {
    if (!rows.some((row) => row.key === key)) rows.push({ key, requests: 0, totalTokens: 0, costUsd: 0, insertions: 0, acceptedLines: 0, commits: n });
  }
  return rows;
}

export function sourceHealth(db: Database, today: string): SourceHealth[] {
  const r = db.exec('SELECT source, last_event_ms, last_received_at, records_received, dead_letters FROM source_status ORDER BY source');
  const todayCounts = db.exec("SELECT value, requests + errors + insertions + agent_edits FROM daily_totals WHERE dim = 'source' AND event_date = ?", [today]);
  const counts = new Map((todayCounts[0]?.values ?? []).map((v) => [v[0] as string, v[1] as number]));
  return (r[0]?.values ?? []).map((v) => ({
    source: v[0] as string,
    lastEventAt: v[1] === null ? null : new Date(v[1] as number).toISOString(),
    lastReceivedAt: v[2] as string,
    recordsReceived: v[3] as number,
    eventsToday: counts.get(v[0] as string) ?? 0,
    deadLetters: v[4] as number,
  }));
}

export function deadLetters(db: Database): DeadLetterSummary {
  const total = (db.exec('SELECT COUNT(*) FROM dead_letter')[0]?.values[0]?.[0] as number) ?? 0;
  const by = db.exec('SELECT reason, COUNT(*) FROM dead_letter GROUP BY reason ORDER BY COUNT(*) DESC LIMIT 20');
  // Never the input itself: its size, hash and where it failed (issue 14).
  const recent = db.exec('SELECT received_at, source, reason, input_bytes, input_hash, json_path, count FROM dead_letter ORDER BY id DESC LIMIT 50');
  return {
    total,
    byReason: (by[0]?.values ?? []).map((v) => ({ reason: v[0] as string, count: v[1] as number })),
    recent: (recent[0]?.values ?? []).map((v) => {
      const bytes = v[3] as number | null;
      const hash = (v[4] as string | null)?.slice(0, 16) ?? null;
      const path = v[5] as string | null;
      const count = (v[6] as number | null) ?? 1;
      const detail = [
        bytes === null ? 'input not recorded' : `${bytes} bytes`,
        hash ? `sha256 ${hash}` : '',
        path ? `at ${path}` : '',
        count > 1 ? `${count} records` : '',
      ]
        .filter(Boolean)
        .join(' · ');
      return { receivedAt: v[0] as string, source: v[1] as string, reason: v[2] as string, bytes, hash, path, count, detail };
    }),
  };
}
