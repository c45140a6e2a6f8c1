import { BundledPriceTable } from '../../core/pricing';
import { buildReport } from '../../core/report/build';
import type { ReportModel } from '../../core/report/model';
import type { Command } from '../commands';
import { cliLogger, openCliStore, parseCommandArgs, parseDay, resolveDbPath, type CliIO } from '../context';
import { EXIT_OK, usageError } from '../errors';

export const reportCommand: Command = {
  summary: 'print the report (text, --json, or --html FILE)',
  help: [
    'Usage: prodlens report [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--repo OWNER/NAME] [--developer ID]',
    '                       [--source SOURCE] [--json] [--db FILE]',
    '',
    'Builds the same report model the VS Code webview shows. --since/--until are inclusive UTC days',
    '(default: the first day with data through today).',
    '  --json        print the report model as JSON (schema: docs/report.md)',
  ].join('\n'),
  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parseCommandArgs(args, {
      since: { type: 'string' },
      until: { type: 'string' },
      repo: { type: 'string' },
      developer: { type: 'string' },
      source: { type: 'string' },
      json: { type: 'boolean' },
    });
    const since = parseDay(values.since, '--since');
    const until = parseDay(values.until, '--until');
    if (since && until && since > until) throw usageError(`--since ${since} is after --until ${until}`);
    const logger = cliLogger(io, !!values.verbose);
    const store = await openCliStore(resolveDbPath(values.db, io), logger);
    try {
      const model = buildReport(
        store,
        { since, until, repo: values.repo ?? null, developer: values.developer ?? null, source: values.source ?? null },
        { prices: new BundledPriceTable(), nowMs: Date.now() },
      );
      io.stdout(values.json ? `${JSON.stringify(model, null, 2)}\n` : formatText(model));
    } finally {
      await store.close();
    }
    return EXIT_OK;
  },
};

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
