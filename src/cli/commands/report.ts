import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { evaluateBudgets, parseBudget, type Budget } from '../../core/budget';
import { usageSince } from '../../core/overview/overview';
import { BundledPriceTable } from '../../core/pricing';
import { buildReport } from '../../core/report/build';
import { groupSeries, parseGrouping } from '../../core/report/grouping';
import type { ReportFilter } from '../../core/report/model';
import type { Logger } from '../../core/ports';
import type { Store } from '../../core/store/store';
import type { StandaloneData } from '../../webview/shared/protocol';
import { dayCount, presetRange } from '../../webview/shared/view-filter';
import { cliLogger, cliTimeZone, openCliStore, parseCommandArgs, parseDay, resolveDbPath, type CliIO, type Command } from '../context';
import { CliError, EXIT_OK, usageError } from '../errors';
import { findWebviewAssets, standaloneHtml } from '../report-html';
import { colourEnabled, makeStyle } from '../style';
import { formatTextReport } from '../text-report';
import { findWorkspaceDatabases, userDataDirs } from '../vscode-workspace';
import { cliAttributor } from './scan-transcripts';

/** @public Loaded when it runs (src/cli/commands.ts). */
export const reportCommand: Command = {
  summary: 'print the report (text, --json, or --html FILE)',
  help: [
    'Usage: prodlens report [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--repo OWNER/NAME] [--developer ID]',
    '                       [--all-developers] [--source SOURCE] [--model MODEL] [--group day|week|month]',
    '                       [--timezone ZONE] [--budget PERIOD=AMOUNT]… [--json | --html FILE]',
    '                       [--db FILE | --workspace DIR [--user-data-dir DIR]]',
    '',
    'Builds the same report model the VS Code webview shows. Days are your local days: --since/--until',
    'are inclusive local days (default: the first day with data through today).',
    'Personal by default: AI use is set against your own commits (the commits sync-git marked as yours:',
    'git user.email or --developer/$PRODLENS_DEVELOPER there, .mailmap honoured) and your pull requests (the',
    'GitHub login sync-github ran as); series.commits counts those commits.',
    '  --all-developers',
    "                every author's commits and pull requests (the team view)",
    "  --developer ID  one developer's AI rows and commits (by author email); PR series are not measured",
    '  --timezone ZONE  IANA time zone of the days, periods, "today" and the correlations\' days',
    "                (default $PRODLENS_TIMEZONE, else this machine's zone); e.g. America/Los_Angeles.",
    '  --json        print the report model as JSON (schema: docs/report.md)',
    "  --model MODEL only that model's requests, tokens and cost (as a click on a model row does)",
    '  --group day|week|month',
    '                totals per ISO week (from Monday) or calendar month of UTC days besides the days:',
    '                the text report lists them, --json adds "grouped", --html opens grouped that way',
    '  --html FILE   write the report page as one self-contained HTML file (opens in any browser; no',
    '                network). It holds the exported range and the last 7/30/90 days of it; the',
    '                repository/developer/source filters are the ones given here (see docs/report.md).',
    '  --workspace DIR',
    '                read the database VS Code uses for the workspace folder DIR (or a .code-workspace',
    '                file), read-only: its snapshot and journal as they are, without stopping VS Code.',
    '                Searched in the user data folders of VS Code, Insiders, VSCodium, Cursor, code-server',
    '                and the remote servers (~/.vscode-server); --user-data-dir DIR or',
    '                $PRODLENS_VSCODE_USER_DATA names another.',
    '  --budget PERIOD=AMOUNT',
    '                check a budget for the current local day, week (from Monday) or month: daily=5,',
    '                weekly=$20, monthly=2Mtokens (USD unless the amount ends in tokens). Repeatable.',
    '                --json adds "budgets" next to the model; the exit code stays 0.',
  ].join('\n'),
  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parseCommandArgs(args, {
      since: { type: 'string' },
      until: { type: 'string' },
      repo: { type: 'string' },
      developer: { type: 'string' },
      source: { type: 'string' },
      model: { type: 'string' },
      group: { type: 'string' },
      json: { type: 'boolean' },
      html: { type: 'string' },
      workspace: { type: 'string' },
      'user-data-dir': { type: 'string' },
      budget: { type: 'string', multiple: true },
      timezone: { type: 'string' },
      'all-developers': { type: 'boolean' },
    });
    const timeZone = cliTimeZone(values.timezone, io);
    if (values.json && values.html !== undefined) throw usageError('--json and --html cannot be combined');
    if (values.workspace !== undefined && values.db !== undefined) throw usageError('--workspace and --db cannot be combined');
    if (values['user-data-dir'] !== undefined && values.workspace === undefined) throw usageError('--user-data-dir goes with --workspace');
    const budgets: Budget[] = (values.budget ?? []).map((b) => {
      const r = parseBudget(b);
      if (!r.ok) throw usageError(`--budget: ${r.reason}`);
      return r.value;
    });
    if (values.html === '') throw usageError('--html needs a file name');
    const group = values.group === undefined ? null : parseGrouping(values.group);
    if (values.group !== undefined && !group) throw usageError(`--group must be day, week or month, not ${JSON.stringify(values.group)}`);
    const since = parseDay(values.since, '--since');
    const until = parseDay(values.until, '--until');
    if (since && until && since > until) throw usageError(`--since ${since} is after --until ${until}`);
    const logger = cliLogger(io, !!values.verbose);
    const readOnly = values.workspace !== undefined;
    const dbPath = readOnly ? workspaceDb(values.workspace!, values['user-data-dir'], io, logger) : resolveDbPath(values.db, io);
    if (readOnly) logger.info(`reading ${dbPath} read-only (snapshot and journal, without the lock)`);
    const store = await openCliStore(dbPath, logger, true, readOnly, timeZone);
    try {
      const filter: ReportFilter = {
        since,
        until,
        repo: values.repo ?? null,
        developer: values.developer ?? null,
        source: values.source ?? null,
        scope: values['all-developers'] ? 'all' : 'mine',
        ...(values.model !== undefined ? { model: values.model } : {}),
      };
      const developer = values.developer ?? (values['all-developers'] ? null : await cliAttributor(io, undefined).developer());
      const opts = { prices: new BundledPriceTable(), nowMs: Date.now(), developer };
      if (values.html !== undefined) {
        const file = path.resolve(io.cwd, values.html);
        const data = standaloneModels(store, filter, opts);
        if (group) data.group = group;
        writeHtml(file, data);
        const m = data.models.all;
        io.stdout(`Wrote ${file}: ${m.filter.since} → ${m.filter.until}, ${Object.keys(data.models).length} period(s). Open it in a browser.\n`);
        return EXIT_OK;
      }
      const built = buildReport(store, filter, opts);
      const model = group ? { ...built, grouped: groupSeries(built.days, built.series, group) } : built;
      const zone = budgets.length ? store.zone : undefined;
      const statuses = zone ? evaluateBudgets(budgets, zone.dayOf(opts.nowMs), (since) => usageSince(store, zone, since, opts.nowMs)) : undefined;
      if (values.json) io.stdout(`${JSON.stringify(statuses ? { ...model, budgets: statuses } : model, null, 2)}\n`);
      else {
        const style = makeStyle(colourEnabled(io.env, io.isTTY === true));
        io.stdout(
          formatTextReport(model, {
            style,
            nowMs: opts.nowMs,
            budgets: statuses,
            timeZone: store.zone.timeZone,
            database: readOnly ? { path: dbPath, readOnly } : undefined,
          }),
        );
      }
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
    all.filter.developer !== null
      ? `developer ${all.filter.developer || '(none)'}`
      : filter.scope === 'all'
        ? 'all developers'
        : 'your own commits and pull requests',
    all.filter.source !== null ? `source ${all.filter.source}` : 'all sources',
    ...(all.filter.model !== undefined && all.filter.model !== null ? [`model ${all.filter.model || '(none)'}`] : []),
  ].join(', ');
  return {
    models,
    note: `This file was exported for ${dims}, ${all.filter.since} to ${all.filter.until}. To look at another repository, developer, source or period, export again (prodlens report --html FILE --repo … --developer … --all-developers --source … --since … --until …) or open the report in VS Code.`,
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

/** The database VS Code keeps for a workspace folder (the newest if it was opened by several VS Codes). */
function workspaceDb(workspace: string, userDataDir: string | undefined, io: CliIO, logger: Logger): string {
  const folder = path.resolve(io.cwd, workspace);
  const explicit = userDataDir ?? io.env.PRODLENS_VSCODE_USER_DATA;
  const dirs = explicit ? [path.resolve(io.cwd, explicit)] : userDataDirs(io.env);
  const found = findWorkspaceDatabases(folder, dirs);
  if (!found.length) {
    throw new CliError(
      `no ProdLens database for ${folder} in ${explicit ? path.resolve(io.cwd, explicit) : 'the VS Code user data folders on this machine'}. ` +
        "Open the folder in VS Code with ProdLens installed (the database appears once it has data), or name VS Code's user data folder with --user-data-dir.",
    );
  }
  if (found[0]!.match === 'name' && found.length > 1) {
    logger.warn(
      `${found.length} databases belong to folders named ${path.basename(folder)}; reading the newest, ${found[0]!.dbPath}. Open the folder in VS Code once with this version of ProdLens to tell them apart.`,
    );
  }
  return found[0]!.dbPath;
}
