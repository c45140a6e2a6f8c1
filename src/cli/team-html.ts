/**
 * The team report as one self-contained HTML file: the personal report's theme colours (the same light/dark/
 * high-contrast variables), server-rendered SVG charts and tables, the model as JSON data for anyone who
 * wants to re-chart it, and a CSP that allows exactly the inline stylesheet (by hash) and nothing else — no
 * script runs, nothing is fetched. Opens in any browser.
 */
import { createHash } from 'node:crypto';
import { standaloneThemeCss } from '../webview/shared/default-theme';
import { escapeAttr } from '../webview/shared/page-html';
import type { Breakdown, MetricSeries, PooledRow, TeamReport } from '../core/team/build';
import type { EffectEstimate, TeamExperiments } from '../core/team/experiments';
import { scriptSafeJson } from './report-html';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const STYLE = `
body { font-family: var(--vscode-font-family, system-ui, sans-serif); font-size: 13px; margin: 0; padding: 16px 24px;
  color: var(--vscode-foreground); background: var(--vscode-editor-background); }
h1 { font-size: 20px; margin: 0 0 8px; } h2 { font-size: 15px; margin: 28px 0 8px; border-bottom: 1px solid var(--vscode-panel-border, #8884); padding-bottom: 4px; }
.headline li { margin: 4px 0; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.card { border: 1px solid var(--vscode-panel-border, #8884); border-radius: 6px; padding: 8px 12px; min-width: 120px; }
.card .v { font-size: 18px; font-weight: 600; } .card .k { color: var(--vscode-descriptionForeground); }
table { border-collapse: collapse; margin: 8px 0; } th, td { padding: 3px 8px; text-align: right; border-bottom: 1px solid var(--vscode-panel-border, #8884); }
th:first-child, td:first-child { text-align: left; } th { font-weight: 600; }
td.sig { font-weight: 700; } .muted { color: var(--vscode-descriptionForeground); }
svg.chart { display: block; margin: 8px 0; max-width: 100%; } svg.chart text { fill: var(--vscode-foreground); font-size: 10px; }
svg.chart .axis { stroke: var(--vscode-descriptionForeground); stroke-width: 1; }
svg.chart .s0 { stroke: var(--vscode-charts-blue, #3b82f6); fill: none; stroke-width: 2; }
svg.chart .s1 { stroke: var(--vscode-charts-orange, #f59e0b); fill: none; stroke-width: 2; }
svg.chart .bar { fill: var(--vscode-charts-blue, #3b82f6); }
table.grid td { padding: 0; width: 10px; height: 14px; border: 1px solid var(--vscode-editor-background); }
table.grid td.on { background: var(--vscode-charts-green, #22c55e); } table.grid td.off { background: var(--vscode-panel-border, #8883); }
table.grid th { font-weight: 400; font-size: 11px; }
.warn li { color: var(--vscode-editorWarning-foreground, #b45309); }
`;

const num = (v: number | null | undefined, digits = 0) =>
  v === null || v === undefined ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function lineChart(id: string, periods: string[], series: Array<{ label: string; values: Array<number | null> }>): string {
  const w = 720;
  const h = 180;
  const pad = { l: 48, r: 12, t: 16, b: 24 };
  const n = periods.length;
  if (n === 0) return '<p class="muted">No data in the period.</p>';
  const x = (i: number) => pad.l + (n === 1 ? 0 : (i * (w - pad.l - pad.r)) / (n - 1));
  const parts: string[] = [];
  series.forEach((s, k) => {
    const max = Math.max(1, ...s.values.map((v) => v ?? 0));
    const y = (v: number) => h - pad.b - (v / max) * (h - pad.t - pad.b);
    const d = s.values.map((v, i) => (v === null ? '' : `${x(i).toFixed(1)},${y(v).toFixed(1)}`)).filter(Boolean);
    parts.push(`<polyline class="s${k}" points="${d.join(' ')}"><title>${esc(s.label)} (max ${num(max)})</title></polyline>`);
    parts.push(`<text x="${pad.l + 4 + k * 200}" y="11" class="legend">${k === 0 ? '━' : '━'} ${esc(s.label)} (max ${num(max)})</text>`);
  });
  const ticks = [0, Math.floor((n - 1) / 2), n - 1].filter((v, i, a) => a.indexOf(v) === i);
  return `<svg class="chart" id="${escapeAttr(id)}" role="img" aria-label="${escapeAttr(series.map((s) => s.label).join(', '))}" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}">
<line class="axis" x1="${pad.l}" y1="${h - pad.b}" x2="${w - pad.r}" y2="${h - pad.b}"/>
${ticks.map((i) => `<text x="${x(i)}" y="${h - 8}" text-anchor="middle">${esc(periods[i]!)}</text>`).join('')}
${parts.join('\n')}
</svg>`;
}

function barChart(id: string, labels: string[], values: Array<number | null>, label: string, max?: number): string {
  const w = 720;
  const h = 140;
  const pad = { l: 48, r: 12, t: 16, b: 24 };
  const n = labels.length;
  if (n === 0) return '<p class="muted">No data in the period.</p>';
  const top = max ?? Math.max(1e-9, ...values.map((v) => v ?? 0));
  const bw = (w - pad.l - pad.r) / n;
  const bars = values
    .map((v, i) => {
      const bh = ((v ?? 0) / top) * (h - pad.t - pad.b);
      return `<rect class="bar" x="${(pad.l + i * bw + 1).toFixed(1)}" y="${(h - pad.b - bh).toFixed(1)}" width="${Math.max(1, bw - 2).toFixed(1)}" height="${bh.toFixed(1)}"><title>${esc(labels[i]!)}: ${v === null ? '—' : num(v, 2)}</title></rect>`;
    })
    .join('');
  return `<svg class="chart" id="${escapeAttr(id)}" role="img" aria-label="${escapeAttr(label)}" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}">
<text x="${pad.l}" y="11">${esc(label)}</text><line class="axis" x1="${pad.l}" y1="${h - pad.b}" x2="${w - pad.r}" y2="${h - pad.b}"/>${bars}
<text x="${pad.l}" y="${h - 8}">${esc(labels[0]!)}</text><text x="${w - pad.r}" y="${h - 8}" text-anchor="end">${esc(labels[n - 1]!)}</text></svg>`;
}

function breakdownTable(id: string, title: string, rows: Breakdown[], delivery: boolean): string {
  const head = [
    'requests',
    'tokens',
    'cost (USD)',
    'accepted lines',
    'acceptance',
    ...(delivery ? ['commits', 'lines changed', 'merged PRs', 'hours to merge'] : []),
  ];
  const body = rows
    .map((r) => {
      const t = r.totals;
      const cells = [
        num(t.requests),
        num(t.total_tokens),
        num(t.cost_usd, 2),
        num(t.accepted_lines),
        t.acceptance === null ? '—' : `${Math.round(t.acceptance * 100)}%`,
        ...(delivery ? [num(t.commits), num(t.lines_changed), num(t.merged_prs), num(t.merge_hours, 1)] : []),
      ];
      return `<tr><td>${esc(r.name)}</td>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
    })
    .join('\n');
  return `<table id="${escapeAttr(id)}"><caption class="muted">${esc(title)}</caption><thead><tr><th>${esc(title)}</th>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table>`;
}

function correlationTable(rows: PooledRow[], alpha: number): string {
  const body = rows
    .map((r) => {
      const sig = r.pAdjusted !== null && r.pAdjusted < alpha;
      return (
        `<tr data-ai="${escapeAttr(r.ai)}" data-outcome="${escapeAttr(r.outcome)}" data-lag="${r.lag}"><td>${esc(r.ai)}</td><td>${esc(r.outcome)}</td><td>${r.lag}</td><td>${r.developers}</td><td>${r.n}</td>` +
        `<td class="${sig ? 'sig' : ''}">${r.r === null ? '—' : r.r.toFixed(2)}</td><td>${r.ci ? `[${r.ci.lower.toFixed(2)}, ${r.ci.upper.toFixed(2)}]` : '—'}</td>` +
        `<td>${r.p === null ? '—' : r.p.toPrecision(2)}</td><td>${r.pAdjusted === null ? '—' : r.pAdjusted.toPrecision(2)}</td><td>${r.i2 === null ? '—' : `${Math.round(r.i2 * 100)}%`}</td><td>${esc(r.reading)}</td></tr>`
      );
    })
    .join('\n');
  return `<table id="correlations"><thead><tr><th>AI</th><th>outcome</th><th>lag (working days)</th><th>developers</th><th>pairs</th><th>r</th><th>95% CI</th><th>p</th><th>p adjusted</th><th>I²</th><th>reading</th></tr></thead><tbody>${body}</tbody></table>`;
}

function effectCells(e: EffectEstimate): string {
  const f = (v: number | null) => (v === null ? '—' : v.toFixed(Math.abs(v) >= 100 ? 0 : 2));
  return `<td>${esc(e.label)}</td><td>${e.nA} + ${e.nB}</td><td>${f(e.estimate)}</td><td>${e.ciLow === null || e.ciHigh === null ? '—' : `${f(e.ciLow)} to ${f(e.ciHigh)}`}</td><td>${e.p === null ? '—' : e.p.toPrecision(2)}</td>`;
}

function experimentsHtml(x: TeamExperiments): string {
  const head = '<th>outcome</th><th>units (A + B)</th><th>A − B per unit</th><th>95% CI</th><th>p</th>';
  const designs = x.designs
    .map((d, i) => {
      const title = `${d.treatment}: ${d.arms.A} (A) vs ${d.arms.B} (B), per ${d.unit} — ${d.developers} developer(s)`;
      const pooled = d.pooled
        ? `<table id="experiment-${i}-pooled"><caption>Pooled over ${d.developers} developers</caption><thead><tr>${head}</tr></thead><tbody>${d.pooled.map((e) => `<tr>${effectCells(e)}</tr>`).join('')}</tbody></table>`
        : `<p class="muted">Not pooled: ${esc(d.reason ?? '')}.</p>`;
      const runs = `<table id="experiment-${i}-developers"><thead><tr><th>developer</th><th>days</th><th>status</th><th>units analysed</th><th>adherence</th>${head}</tr></thead><tbody>${d.runs
        .map(
          (run) =>
            `<tr><td>${esc(run.developer)}</td><td>${esc(`${run.firstDay} – ${run.lastDay}`)}</td><td>${esc(run.status)}</td><td>${run.unitsAnalysed} / ${run.units}</td><td>${run.adherence.rate === null ? '—' : `${Math.round(run.adherence.rate * 100)}%`}</td>${effectCells(run.results[0]!)}</tr>`,
        )
        .join('')}</tbody></table>`;
      return `<h3>${esc(title)}</h3>${pooled}${runs}`;
    })
    .join('\n');
  return `<h2>Self-experiments</h2>
<p class="muted">${esc(x.method)}. Arm A minus arm B per unit; the per-developer rows show the first outcome. α = ${x.alpha}. Causal for these developers and weeks: the arm was assigned at random; it says nothing of other people or code.</p>
<div id="experiments">${designs}</div>`;
}

export function teamHtml(report: TeamReport): string {
  const r = report;
  const t = r.totals;
  const team: MetricSeries = r.daily.team;
  const cards = [
    ['developers', num(r.developers.length)],
    ['devices', num(r.devices.length)],
    ['requests', num(t.requests)],
    ['tokens', num(t.total_tokens)],
    ['cost (USD)', num(t.cost_usd, 2)],
    ['accepted AI lines', num(t.accepted_lines)],
    ['commits', num(t.commits)],
    ['merged PRs', num(t.merged_prs)],
    ['hours to merge', num(t.merge_hours, 1)],
  ];
  const c = r.correlations;
  const cov = r.health.coverage;
  const grid = `<table class="grid" id="coverage"><thead><tr><th>device</th>${cov.days.map((d, i) => `<th title="${d}">${i % 7 === 0 ? esc(d.slice(5)) : ''}</th>`).join('')}</tr></thead><tbody>${cov.devices
    .map(
      (d) =>
        `<tr><th>${esc(d.device.slice(0, 12))}</th>${d.events.map((e, i) => `<td class="${e > 0 ? 'on' : 'off'}" title="${esc(cov.days[i]!)}: ${e} events"></td>`).join('')}</tr>`,
    )
    .join('')}</tbody></table>`;
  const exportsTable = `<table id="exports"><thead><tr><th>export folder</th><th>device</th><th>status</th><th>schema</th><th>exporter</th><th>exported at</th><th>pseudonym key</th><th>days</th><th>files</th><th>problems</th></tr></thead><tbody>${r.health.exports
    .map(
      (e) =>
        `<tr><td>${esc(e.root)}</td><td>${esc(e.deviceId ?? '—')}</td><td>${e.status}</td><td>${e.schemaVersion ?? '—'}</td><td>${esc(e.exporterVersion ?? '—')}</td><td>${esc(e.exportedAt ?? '—')}</td><td>${esc(e.keyId ?? 'none')}</td><td>${esc(`${e.timeRange.from ?? '—'} – ${e.timeRange.until ?? '—'}`)}</td><td>${e.files}</td><td>${esc(e.problems.join('; ') || '—')}</td></tr>`,
    )
    .join('')}</tbody></table>`;
  const body = `<h1>ProdLens team report</h1>
<p class="muted">${esc(r.period.since ?? '—')} to ${esc(r.period.until ?? '—')} · generated ${esc(r.generatedAt)} · lakes: ${esc(r.lakes.join(', '))}</p>
<ul class="headline" id="headline">${r.headline.map((h) => `<li>${esc(h)}</li>`).join('')}</ul>
<div class="cards" id="totals">${cards.map(([k, v]) => `<div class="card"><div class="v">${v}</div><div class="k">${k}</div></div>`).join('')}</div>
<h2>Activity</h2>
${lineChart('chart-daily', r.daily.periods, [
  { label: 'requests per day', values: team.requests },
  { label: 'commits per day', values: team.commits },
])}
${lineChart('chart-weekly', r.weekly.periods, [
  { label: 'tokens per week', values: r.weekly.team.total_tokens },
  { label: 'merged PRs per week', values: r.weekly.team.merged_prs },
])}
<h2>Adoption</h2>
${barChart(
  'chart-adoption',
  r.adoption.map((a) => a.week),
  r.adoption.map((a) => a.share),
  'share of active developers using AI, per week',
  1,
)}
<table id="adoption"><thead><tr><th>week</th><th>developers using AI</th><th>active developers</th><th>share</th></tr></thead><tbody>${r.adoption
    .map(
      (a) =>
        `<tr><td>${a.week}</td><td>${a.aiDevelopers}</td><td>${a.activeDevelopers}</td><td>${a.share === null ? '—' : `${Math.round(a.share * 100)}%`}</td></tr>`,
    )
    .join('')}</tbody></table>
<h2>Per developer</h2>${breakdownTable('by-developer', 'developer', r.daily.developers, true)}
<h2>Per repository</h2>${breakdownTable('by-repo', 'repository', r.daily.repos, true)}
<h2>Per model</h2>${breakdownTable('by-model', 'model', r.daily.models, false)}
<h2>AI use and delivery, within developers</h2>
<p class="muted">${esc(c.method)}. Each developer is compared only with their own working days, so differences between people do not count. A row needs ≥ ${c.minDevelopers} developers with ≥ ${c.minWorkingDays} working days; ${c.familySize} tests adjusted together (α = ${c.alpha}). An association is not a cause. References: ${esc(c.reference)}.</p>
${c.status === 'ok' ? correlationTable(c.rows, c.alpha) : `<p id="correlations-none">${esc(c.reason ?? 'not enough data')}</p>`}
<h3>Between developers (descriptive, not tested)</h3>
<p class="muted">Developers' average daily AI use against their average daily outcome. Differences between people (role, seniority, kind of work) drive this; it is not an effect of AI.</p>
<table id="between"><thead><tr><th>AI</th><th>outcome</th><th>developers</th><th>Spearman r</th></tr></thead><tbody>${c.between.map((b) => `<tr><td>${esc(b.ai)}</td><td>${esc(b.outcome)}</td><td>${b.developers}</td><td>${b.r === null ? '—' : b.r.toFixed(2)}</td></tr>`).join('')}</tbody></table>
${r.experiments ? experimentsHtml(r.experiments) : ''}
<h2>Data health</h2>
${r.health.warnings.length ? `<ul class="warn" id="warnings">${r.health.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>` : '<p id="warnings">No problems found.</p>'}
<p>Schema versions: ${esc(
    Object.entries(r.health.schemaVersions)
      .map(([k, v]) => `${k} (${v})`)
      .join(', '),
  )}; exporter versions: ${esc(
    Object.entries(r.health.exporterVersions)
      .map(([k, v]) => `${k} (${v})`)
      .join(', '),
  )}; duplicate rows dropped: ${r.health.duplicateCommitRows} commit, ${r.health.duplicatePrRows} pull request.</p>
${exportsTable}
<h3>Devices × days (events)</h3>${grid}`;
  const style = `${standaloneThemeCss()}\n${STYLE}`;
  const hash = `'sha256-${createHash('sha256').update(style, 'utf8').digest('base64')}'`;
  const csp = ["default-src 'none'", `style-src ${hash}`, "script-src 'none'", "base-uri 'none'", "form-action 'none'"].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="prodlens team --html">
<title>ProdLens team report ${escapeAttr(`${r.period.since ?? ''} – ${r.period.until ?? ''}`)}</title>
<style>${style}</style>
</head>
<body class="vscode-light">
<main id="app">${body}</main>
<script type="application/json" id="prodlens-team-data">${scriptSafeJson(r)}</script>
</body>
</html>
`;
}
