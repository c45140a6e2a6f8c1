import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BundledPriceTable } from '../../core/pricing';
import { buildReport } from '../../core/report/build';
import type { ReportFilter, ReportModel } from '../../core/report/model';
import type { Store } from '../../core/store/store';
import type { StandaloneData } from '../../webview/transport';
import { dayCount, presetRange } from '../../webview/view-filter';
import type { Command } from '../commands';
import { cliLogger, openCliStore, parseCommandArgs, parseDay, resolveDbPath, type CliIO } from '../context';
import { CliError, EXIT_OK, usageError } from '../errors';
import { findWebviewAssets, standaloneHtml } from '../report-html';

export const reportCommand: Command = {
  summary: 'print the report (text, --json, or --html FILE)',
  help: [
    'Usage: prodlens report [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--repo OWNER/NAME] [--developer ID]',
    '                       [--source SOURCE] [--json | --html FILE] [--db FILE]',
    '',
    'Builds the same report model the VS Code webview shows. --since/--until are inclusive UTC days',
    '(default: the first day with data through today).',
    '  --json        print the report model as JSON (schema: docs/report.md)',
    '  --html FILE   write the report page as one self-contained HTML file (opens in any browser; no',
    '                network). It holds the exported range and the last 7/30/90 days of it; the',
    '                repository/developer/source filters are the ones given here (see docs/report.md).',
  ].join('\n'),
  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parseCommandArgs(args, {
      since: { type: 'string' },
      until: { type: 'string' },
      repo: { type: 'string' },
      developer: { type: 'string' },
      source: { type: 'string' },
      json: { type: 'boolean' },
      html: { type: 'string' },
    });
    if (values.json && values.html !== undefined) throw usageError('--json and --html cannot be combined');
    if (values.html === '') throw usageError('--html needs a file name');
    const since = parseDay(values.since, '--since');
    const until = parseDay(values.until, '--until');
    if (since && until && since > until) throw usageError(`--since ${since} is after --until ${until}`);
    const logger = cliLogger(io, !!values.verbose);
    const store = await openCliStore(resolveDbPath(values.db, io), logger);
    try {
      const filter: ReportFilter = { since, until, repo: values.repo ?? null, developer: values.developer ?? null, source: values.source ?? null };
      const opts = { prices: new BundledPriceTable(), nowMs: Date.now() };
      if (values.html !== undefined) {
        const file = path.resolve(io.cwd, values.html);
        const data = standaloneModels(store, filter, opts);
        writeHtml(file, data);
        const m = data.models.all;
        io.stdout(`Wrote ${file}: ${m.filter.since} → ${m.filter.until}, ${Object.keys(data.models).length} period(s). Open it in a browser.\n`);
        return EXIT_OK;
      }
      const model = buildReport(store, filter, opts);
      io.stdout(values.json ? `${JSON.stringify(model, null, 2)}\n` : formatText(model));
    } finally {
      await store.close();
    }
    return EXIT_OK;
  },
};

/**
 * The models a standalone file carries: the exported range (`all`) and the last 7, 30 and 90 days of it
 * when shorter, all with the same repository/developer/source filter. Switching among them needs no
 * extension; other filters need another export (the page says so next to the disabled controls).
 */
export function standaloneModels(store: Store, filter: ReportFilter, opts: Parameters<typeof buildReport>[2]): StandaloneData {
  const all = buildReport(store, filter, opts);
  const models: StandaloneData['models'] = { all };
  const span = dayCount(all.filter.since, all.filter.until);
  for (const preset of ['7', '30', '90'] as const) {
    if (Number(preset) < span) models[preset] = buildReport(store, { ...filter, ...presetRange(preset, all.filter.until) }, opts);
  }
  const dims = [
    all.filter.repo !== null ? `repository ${all.filter.repo || '(none)'}` : 'all repositories',
    all.filter.developer !== null ? `developer ${all.filter.developer || '(none)'}` : 'all developers',
    all.filter.source !== null ? `source ${all.filter.source}` : 'all sources',
  ].join(', ');
  return {
    models,
    note: `This file was exported for ${dims}, ${all.filter.since} to ${all.filter.until}. To look at another repository, developer, source or period, export again (prodlens report --html FILE --repo … --developer … --source … --since … --until …) or open the report in VS Code.`,
  };
}

/** Writes the page next to its final name first, so a failed write never leaves half a file. */
function writeHtml(file: string, data: StandaloneData): void {
  const assets = findWebviewAssets();
  if (!assets) throw new CliError('the report page bundle (webview.js, webview.css) is missing next to the CLI; run `npm run build`');
  const m = data.models.all;
  const html = standaloneHtml(data, assets, `ProdLens report ${m.filter.since} – ${m.filter.until}`);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, html);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new CliError(`cannot write ${file}: ${(err as Error).message}`);
  }
}

function fmt(v: number | null, unit: string): string {
  if (v === null) return '—';
  if (unit === 'usd') return `$${v.toFixed(2)}`;
  if (unit === 'ratio') return `${(v * 100).toFixed(1)}%`;
  if (unit === 'ms') return `${Math.round(v)} ms`;
  return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(2);
}

function formatText(m: ReportModel): string {
  const lines = [`ProdLens report ${m.filter.since} → ${m.filter.until} (UTC; costs: ${m.priceTable})`, ''];
  for (const h of m.headline) {
    const change = h.changePct === null ? '' : ` (${h.changePct >= 0 ? '+' : ''}${h.changePct.toFixed(0)}% vs previous period)`;
    lines.push(`  ${h.label.padEnd(20)} ${fmt(h.value, h.unit).padStart(14)}${change}`);
  }
  lines.push('', 'day         requests      tokens      cost  commits  merged PRs');
  m.days.forEach((d, i) => {
    const s = m.series;
    if ([s.requests[i], s.commits[i], s.merged_prs[i]].every((v) => !v)) return;
    lines.push(
      `${d}  ${fmt(s.requests[i] ?? null, 'count').padStart(8)}  ${fmt(s.total_tokens[i] ?? null, 'tokens').padStart(10)}  ${fmt(s.cost_usd[i] ?? null, 'usd').padStart(8)}  ${fmt(s.commits[i] ?? null, 'count').padStart(7)}  ${fmt(s.merged_prs[i] ?? null, 'count').padStart(10)}`,
    );
  });
  lines.push('', 'Days with no activity are omitted. Use --json for everything, including correlations.', '');
  return lines.join('\n');
}
