/**
 * `prodlens report` for a person at a terminal: the headline with its change, budgets, models,
 * repositories, developers, the recent days, data health and what the correlations found — the same
 * report model as `--json`, laid out in aligned tables. Colour (from `Style`) only marks, never carries,
 * meaning: every mark also has a word or a sign.
 */
import { whoLine } from '../core/report/who';
import type { BudgetStatus } from '../core/budget';
import { LocaleFormat } from '../core/locale-format';
import type { BreakdownRow, ReportModel } from '../core/report/model';
import { visibleLength, type Style } from './style';

export interface TextReportOptions {
  style: Style;
  nowMs: number;
  /** Budgets evaluated for today (from --budget), and the zone of their local days. */
  budgets?: BudgetStatus[];
  timeZone?: string;
  /** Where the data came from, when it is worth saying (--workspace). */
  database?: { path: string; readOnly: boolean };
  /** How many of the most recent days with activity to list. */
  days?: number;
}

const fmt = new LocaleFormat('en-US');

function value(v: number | null, unit: string): string {
  if (v === null) return '—';
  if (unit === 'usd') return fmt.usd(v);
  if (unit === 'ratio') return `${(v * 100).toFixed(1)}%`;
  if (unit === 'ms') return `${Math.round(v).toLocaleString('en-US')} ms`;
  if (unit === 'hours') return `${v.toFixed(1)} h`;
  return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(2);
}

/** Aligned columns; the first column left-aligned, the others right-aligned. */
export function table(headers: string[], rows: string[][], s: Style): string[] {
  const widths = headers.map((h, i) => Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[i] ?? ''))));
  const cell = (text: string, i: number) => {
    const pad = ' '.repeat(Math.max(0, widths[i]! - visibleLength(text)));
    return i === 0 ? text + pad : pad + text;
  };
  return [`  ${s.dim(headers.map(cell).join('  '))}`, ...rows.map((r) => `  ${r.map(cell).join('  ')}`)];
}

function duration(ms: number): string {
  const min = Math.round(ms / 60_000);
  return min < 1 ? '<1 min' : min < 60 ? `${min} min` : `${Math.floor(min / 60)} h ${String(min % 60).padStart(2, '0')}`;
}

function heading(title: string, s: Style): string[] {
  return ['', s.bold(title)];
}

function breakdown(title: string, keyName: string, rows: BreakdownRow[], s: Style, none: string): string[] {
  if (!rows.length) return [];
  const top = rows.slice(0, 10);
  const out = [
    ...heading(title, s),
    ...table(
      [keyName, 'requests', 'tokens', 'cost', 'accepted lines', 'commits'],
      top.map((r) => [
        r.key ?? s.dim(none),
        value(r.requests, 'count'),
        fmt.compact(r.totalTokens),
        value(r.costUsd, 'usd'),
        value(r.acceptedLines, 'lines'),
        value(r.commits, 'count'),
      ]),
      s,
    ),
  ];
  if (rows.length > top.length) out.push(s.dim(`  … and ${rows.length - top.length} more (--json lists all)`));
  return out;
}

export function formatTextReport(m: ReportModel, o: TextReportOptions): string {
  const s = o.style;
  const span = m.days.length;
  const lines = [
    `${s.bold('ProdLens report')}  ${m.filter.since} → ${m.filter.until}  ${s.dim(`(${span} day${span === 1 ? '' : 's'}${m.timeZone ? `, local days in ${m.timeZone}` : ''}; prices: ${m.priceTable})`)}`,
  ];
  const dims = [
    m.filter.repo !== null && `repository ${m.filter.repo || '(none)'}`,
    m.filter.developer !== null && `developer ${m.filter.developer || '(none)'}`,
    m.filter.source && `source ${m.filter.source}`,
    m.filter.model !== undefined && m.filter.model !== null && `model ${m.filter.model || '(none)'}`,
  ].filter(Boolean);
  if (dims.length) lines.push(s.dim(`Filtered to ${dims.join(', ')}.`));
  const at = m.attribution;
  if (at) lines.push(s.dim(`${whoLine(at)}${at.scope === 'mine' ? ' (--all-developers for the team)' : ''}`));
  if (o.database) lines.push(s.dim(`Database: ${o.database.path}${o.database.readOnly ? ' (read-only: as VS Code left it, snapshot and journal)' : ''}`));
  if (m.empty) {
    lines.push(
      '',
      'No data yet. Import files with `prodlens import PATH…`, run `prodlens collect` for agents to send to,',
      'or `prodlens scan-transcripts` for Claude Code and Codex sessions of this folder.',
      '',
    );
    return lines.join('\n');
  }

  lines.push(
    ...heading('Headline', s),
    ...table(
      ['', 'this period', 'vs previous'],
      m.headline.map((h) => {
        const change = h.changePct === null ? s.dim(h.note ? 'partly measured' : '—') : `${h.changePct >= 0 ? '+' : ''}${h.changePct.toFixed(0)}%`;
        return [h.label, value(h.value, h.unit), change];
      }),
      s,
    ),
  );

  if (o.budgets?.length) {
    lines.push(
      ...heading(`Budgets (current periods, local days${o.timeZone ? ` in ${o.timeZone}` : ''})`, s),
      ...table(
        ['budget', 'period', 'used', 'limit', 'share'],
        o.budgets.map((b) => {
          const amount = (v: number) => (b.unit === 'usd' ? fmt.usd(v) : `${fmt.integer(v)} tokens`);
          const share = `${Math.round(b.share * 100)}%`;
          const mark = b.reached === null ? s.green(share) : b.reached >= 1 ? s.red(`${share} over`) : s.yellow(`${share} warn`);
          return [b.period, `${b.since} → ${b.until}`, amount(b.used), amount(b.limit), mark];
        }),
        s,
      ),
    );
    const unpriced = Math.max(...o.budgets.map((b) => b.unpricedRequests));
    if (unpriced) lines.push(s.dim(`  ${unpriced} request(s) to models without a price are not in the USD amounts.`));
  }

  if (m.models.length) {
    lines.push(
      ...heading('Models', s),
      ...table(
        ['model', 'requests', 'errors', 'tokens', 'cache', 'cost', 'accepted lines'],
        m.models
          .slice(0, 12)
          .map((r) => [
            r.editorUnknown ? s.dim('editor (model unknown)') : (r.model ?? s.dim('(none)')),
            value(r.requests, 'count'),
            r.errors ? s.yellow(value(r.errors, 'count')) : '0',
            fmt.compact(r.totalTokens),
            fmt.compact(r.cacheTokens),
            r.unpricedRequests ? `${value(r.costUsd, 'usd')} ${s.yellow(`+${r.unpricedRequests} unpriced`)}` : value(r.costUsd, 'usd'),
            value(r.acceptedLines, 'lines'),
          ]),
        s,
      ),
    );
  }
  lines.push(...breakdown('Repositories', 'repository', m.byRepo, s, '(no repository)'));
  lines.push(...breakdown('Developers', 'developer', m.byDeveloper, s, '(unknown)'));

  const active = m.days.map((d, i) => ({ d, i })).filter(({ i }) => [m.series.requests[i], m.series.commits[i], m.series.merged_prs[i]].some((v) => v));
  if (active.length) {
    const shown = active.slice(-(o.days ?? 14));
    lines.push(
      ...heading(`Days with activity${shown.length < active.length ? ` (last ${shown.length} of ${active.length})` : ''}`, s),
      ...table(
        ['day', 'requests', 'tokens', 'cost', 'accepted lines', 'commits', 'merged PRs'],
        shown.map(({ d, i }) => [
          d,
          value(m.series.requests[i] ?? null, 'count'),
          m.series.total_tokens[i] == null ? '—' : fmt.compact(m.series.total_tokens[i]!),
          value(m.series.cost_usd[i] ?? null, 'usd'),
          value(m.series.accepted_lines[i] ?? null, 'lines'),
          value(m.series.commits[i] ?? null, 'count'),
          value(m.series.merged_prs[i] ?? null, 'count'),
        ]),
        s,
      ),
    );
  }

  const g = m.grouped;
  if (g && g.group !== 'day') {
    lines.push(
      ...heading(g.group === 'week' ? 'By week (from Monday)' : 'By month', s),
      ...table(
        [g.group, 'requests', 'tokens', 'cost', 'accepted lines', 'commits', 'merged PRs'],
        g.periods.map((p, i) => [
          `${g.group === 'week' ? p.start : p.start.slice(0, 7)}${p.partial ? s.dim(` (${p.days} day${p.days === 1 ? '' : 's'})`) : ''}`,
          value(g.series.requests[i] ?? null, 'count'),
          g.series.total_tokens[i] == null ? '—' : fmt.compact(g.series.total_tokens[i]!),
          value(g.series.cost_usd[i] ?? null, 'usd'),
          value(g.series.accepted_lines[i] ?? null, 'lines'),
          value(g.series.commits[i] ?? null, 'count'),
          value(g.series.merged_prs[i] ?? null, 'count'),
        ]),
        s,
      ),
    );
  }

  if (m.sessions?.length) {
    const shown = m.sessions.slice(0, 10);
    lines.push(
      ...heading(`Sessions (newest ${shown.length} of ${m.sessionsTotal ?? m.sessions.length})`, s),
      ...table(
        ['agent', 'model', 'start (UTC)', 'duration', 'requests', 'tokens', 'cost', 'repository'],
        shown.map((r) => [
          r.agent ?? s.dim('(unknown)'),
          r.model ?? s.dim('(none)'),
          r.start.slice(0, 16).replace('T', ' '),
          duration(r.durationMs),
          value(r.requests, 'count'),
          fmt.compact(r.totalTokens),
          value(r.costUsd, 'usd'),
          r.repo ?? s.dim('(none)'),
        ]),
        s,
      ),
    );
  }

  lines.push(...heading('Data health', s));
  if (m.health.sources.length) {
    lines.push(
      ...table(
        ['source', 'last record', 'today', 'received', 'rejected'],
        m.health.sources.map((h) => [
          h.source,
          h.lastEventAt ? `${h.lastEventAt.slice(0, 16).replace('T', ' ')} (${fmt.ago(Date.parse(h.lastEventAt), o.nowMs)})` : s.dim('never'),
          value(h.eventsToday, 'count'),
          value(h.recordsReceived, 'count'),
          h.deadLetters ? s.yellow(value(h.deadLetters, 'count')) : '0',
        ]),
        s,
      ),
    );
  } else lines.push('  No source has sent data.');
  if (at) for (const n of at.notes) lines.push(`  ${s.yellow(n)}`);
  const dl = m.health.deadLetters;
  if (dl.total)
    lines.push(
      `  ${s.yellow(`${dl.total} rejected record(s)`)}: ${dl.byReason
        .slice(0, 3)
        .map((r) => `${r.reason} (${r.count})`)
        .join('; ')}`,
    );
  const cov = m.coverage;
  lines.push(
    `  Measured: AI ${cov.ai ? `${cov.ai.first} → ${cov.ai.last}` : 'never'}, commits ${cov.commits ? `${cov.commits.first} → ${cov.commits.last}` : 'never synced (prodlens sync-git)'}, pull requests ${cov.pullRequests ? `${cov.pullRequests.first} → ${cov.pullRequests.last}` : 'never synced (prodlens sync-github)'}.`,
  );

  const am = m.activeMinutes?.filter((v): v is number => v !== null) ?? [];
  if (am.length) {
    const total = am.reduce((a, b) => a + b, 0);
    lines.push(`  Editor presence: ${(total / 60).toFixed(1)} h active on ${am.filter((v) => v > 0).length} of ${am.length} measured days.`);
  }

  const c = m.correlations;
  const significant = c.rows.filter((r) => r.pAdjusted !== null && r.pAdjusted < 0.05).sort((a, b) => Math.abs(b.r ?? 0) - Math.abs(a.r ?? 0));
  lines.push(...heading('Correlations', s));
  // The same sentence the webview shows: which days, which method, how many tests in the family.
  if (c.summary) lines.push(`  ${c.summary}.`);
  if (!c.tested) lines.push(`  Not enough data yet: a pair needs ${c.minPairs} days with both values.`);
  else {
    lines.push(`  ${c.tested} tested (lags ${c.lags.join(', ')}); ${significant.length} significant after Benjamini–Hochberg adjustment.`);
    // Rows that could not be tested: one line per reason, not a wall of dashes.
    for (const u of c.untested ?? []) lines.push(s.dim(`  ${u.count} pair${u.count === 1 ? '' : 's'} × lags not tested: ${u.reason}`));
    for (const r of significant.slice(0, 5))
      lines.push(`  ${r.ai} → ${r.outcome}, lag ${r.lag}, ${r.method}: r = ${r.r?.toFixed(2)}, p adj = ${r.pAdjusted?.toPrecision(2)} — ${r.reading}`);
  }
  lines.push(...experimentLines(m, s));
  lines.push('', s.dim('Use --json for every number (schema: docs/report.md), --html FILE for the charts.'), '');
  return lines.join('\n');
}

const signed = (v: number | null) => (v === null ? '—' : `${v >= 0 ? '+' : '−'}${Math.abs(v) >= 100 ? Math.abs(v).toFixed(0) : Math.abs(v).toFixed(2)}`);

/** "Perceived vs measured" and "Experiment", when the model has them. */
function experimentLines(m: ReportModel, s: Style): string[] {
  const out: string[] = [];
  const p = m.perceived;
  if (p) {
    out.push(...heading('Perceived vs measured', s));
    out.push(
      `  ${p.answers.length} survey answer(s), ${p.rated} rated, mean rating ${p.meanRating === null ? '—' : p.meanRating.toFixed(1)}; "faster without AI?" yes ${p.fasterWithoutAi.yes}, no ${p.fasterWithoutAi.no}, same ${p.fasterWithoutAi.same}.`,
    );
    out.push(
      ...table(
        ['rating against', 'n', 'Spearman ρ', 'reading'],
        p.agreement.map((a) => [a.label, String(a.n), a.rho === null ? '—' : a.rho.toFixed(2), a.reading]),
        s,
      ),
    );
  }
  const e = m.experiment;
  if (e) {
    out.push(...heading('Experiment', s));
    out.push(
      `  ${e.status}: A = ${e.armInstructions.A}, B = ${e.armInstructions.B}; ${e.units} ${e.unit === 'day' ? 'working days' : 'half-days'} ${e.startDay} → ${e.endDay} (seed ${e.seed}).`,
    );
    if (e.today) out.push(`  Now: arm ${e.today.arm} — ${e.today.instruction}.`);
    out.push(
      `  Adherence: ${e.adherence.rate === null ? 'no unit checked yet' : `${e.adherence.adherent}/${e.adherence.checked} units followed their arm, ${e.adherence.deviations} deviation(s)`}.`,
    );
    out.push(
      ...table(
        ['outcome', 'ITT A − B', '95% CI', 'p', 'per-protocol', 'p', 'MDE'],
        e.results.map((r) => [
          r.label,
          signed(r.itt.estimate),
          `${signed(r.itt.ciLow)} … ${signed(r.itt.ciHigh)}`,
          r.itt.p === null ? '—' : r.itt.p.toPrecision(2),
          signed(r.perProtocol.estimate),
          r.perProtocol.p === null ? '—' : r.perProtocol.p.toPrecision(2),
          signed(r.mde),
        ]),
        s,
      ),
    );
    for (const r of e.results) out.push(`  ${r.label}: ${r.reading}`);
    for (const n of e.notes) out.push(`  ${s.dim(n)}`);
  }
  return out;
}
