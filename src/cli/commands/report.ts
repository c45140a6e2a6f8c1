import { BundledPriceTable } from '../../core/pricing';
import { buildReport } from '../../core/report/build';
import type { Command } from '../commands';
import { cliLogger, openCliStore, parseCommandArgs, parseDay, resolveDbPath, type CliIO } from '../context';
import { EXIT_OK, usageError } from '../errors';

export const reportCommand: Command = {
  summary: 'print the report (daily metrics; --json)',
  help: [
    'Usage: prodlens report [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--json] [--db FILE]',
    '',
    'Builds the same report model the VS Code webview shows. --since/--until are inclusive UTC days.',
    '  --json   print the report model as JSON (schema: docs/report.md)',
  ].join('\n'),
  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parseCommandArgs(args, { since: { type: 'string' }, until: { type: 'string' }, json: { type: 'boolean' } });
    const since = parseDay(values.since, '--since');
    const until = parseDay(values.until, '--until');
    if (since && until && since > until) throw usageError(`--since ${since} is after --until ${until}`);
    const logger = cliLogger(io, !!values.verbose);
    const store = await openCliStore(resolveDbPath(values.db, io), logger);
    try {
      const model = buildReport(store, { since, until }, new BundledPriceTable(), Date.now());
      if (values.json) io.stdout(`${JSON.stringify(model, null, 2)}\n`);
      else io.stdout(formatText(model));
    } finally {
      await store.close();
    }
    return EXIT_OK;
  },
};

function formatText(m: ReturnType<typeof buildReport>): string {
  const lines = [
    `ProdLens report ${m.filter.since ?? '…'} → ${m.filter.until ?? '…'} (costs: ${m.priceTable})`,
    `${m.totals.days} day(s), ${m.totals.session_count} session-days, ${m.totals.request_count} requests, ${m.totals.total_tokens} tokens, ${m.totals.error_count} errors, $${m.totals.cost_usd.toFixed(2)}`,
    '',
    'day         sessions  requests      tokens  errors      cost',
    ...m.daily.map(
      (d) =>
        `${d.event_date}  ${String(d.session_count).padStart(8)}  ${String(d.request_count).padStart(8)}  ${String(d.total_tokens).padStart(10)}  ${String(d.error_count).padStart(6)}  ${('$' + d.cost_usd.toFixed(2)).padStart(8)}`,
    ),
    '',
  ];
  return lines.join('\n');
}
