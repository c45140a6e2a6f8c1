import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TeamReport } from '../../core/team/build';
import type { EffectEstimate, TeamExperiments } from '../../core/team/experiments';
import { LakeError } from '../../core/team/lake';
import { runTeamReport } from '../../core/team/run';
import { parseCommandArgs, parseDay, type CliIO, type Command } from '../context';
import { CliError, EXIT_OK, usageError } from '../errors';
import { teamHtml } from '../team-html';

/** @public Loaded when it runs (src/cli/commands.ts). */
export const teamCommand: Command = {
  summary: "the team's report over many developers' Parquet exports, on DuckDB (--lake DIR)",
  help: [
    'Usage: prodlens team --lake DIR [--lake DIR…] [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--json | --html FILE]',
    '                     [--threads N] [--memory-limit SIZE]',
    '',
    'Reads the exports many devices wrote (prodlens export; one export per folder, or a folder with one',
    'subfolder per device) with DuckDB and prints the team report: totals, daily and weekly series for the team,',
    'per developer, repository and model, adoption per week, the within-developer association of AI use with',
    'delivery pooled across developers, self-experiments by design (pooled when 2 or more developers ran one),',
    'and data health (devices × days, schema versions, duplicates). Commits and pull requests several devices',
    'exported count once. See docs/team.md.',
    '',
    '  --since/--until   inclusive UTC days (default: the days in the lake)',
    '  --json            print the report model as JSON',
    '  --html FILE       write the report as one self-contained HTML file',
    '  --threads N       DuckDB threads (default: all cores)',
    "  --memory-limit    DuckDB's memory limit, e.g. 2GB",
  ].join('\n'),
  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parseCommandArgs(args, {
      lake: { type: 'string', multiple: true },
      since: { type: 'string' },
      until: { type: 'string' },
      json: { type: 'boolean' },
      html: { type: 'string' },
      threads: { type: 'string' },
      'memory-limit': { type: 'string' },
    });
    if (!values.lake?.length) throw usageError('--lake DIR is required (a ProdLens export, or a folder of them)');
    if (values.json && values.html !== undefined) throw usageError('--json and --html cannot be combined');
    if (values.html === '') throw usageError('--html needs a file name');
    const since = parseDay(values.since, '--since') ?? null;
    const until = parseDay(values.until, '--until') ?? null;
    if (since && until && since > until) throw usageError(`--since ${since} is after --until ${until}`);
    const threads = values.threads === undefined ? undefined : Number(values.threads);
    if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1))
      throw usageError(`--threads must be a positive integer, got ${JSON.stringify(values.threads)}`);
    const memory = values['memory-limit'];
    if (memory !== undefined && !/^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(memory))
      throw usageError(`--memory-limit must be a size such as 2GB, got ${JSON.stringify(memory)}`);
    const lakes = values.lake.map((d) => path.resolve(io.cwd, d));
    let report: TeamReport;
    try {
      ({ report } = await runTeamReport({ lakes, since, until, threads, memoryLimit: memory }));
    } catch (err) {
      if (err instanceof LakeError) throw new CliError(err.message);
      if ((err as { code?: string }).code === 'MODULE_NOT_FOUND' || /Cannot find (module|package) '@duckdb/.test((err as Error).message)) {
        throw new CliError('prodlens team needs DuckDB: install @duckdb/node-api next to the CLI (npm install -g prodlens-cli installs it)');
      }
      throw new CliError(`cannot read the lake: ${(err as Error).message}`);
    }
    if (values.json) {
      io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    } else if (values.html !== undefined) {
      const file = path.resolve(io.cwd, values.html);
      try {
        writeFileSync(file, teamHtml(report));
      } catch (err) {
        throw new CliError(`cannot write ${file}: ${(err as Error).message}`);
      }
      io.stdout(`Wrote ${file}\n`);
    } else {
      io.stdout(teamText(report));
    }
    return EXIT_OK;
  },
};

export function teamText(r: TeamReport): string {
  const lines = ['ProdLens team report', '', ...r.headline, ''];
  const c = r.correlations;
  lines.push(`Within-developer association (${c.familySize} tests, BH-adjusted, ${c.eligibleDevelopers} developers with ≥ ${c.minWorkingDays} working days):`);
  if (c.status !== 'ok') lines.push(`  ${c.reason}`);
  else {
    for (const row of c.rows) {
      if (row.r === null) continue;
      lines.push(
        `  ${row.ai.padEnd(15)} ${row.outcome.padEnd(14)} lag ${row.lag}  r ${row.r.toFixed(2).padStart(5)} [${row.ci!.lower.toFixed(2)}, ${row.ci!.upper.toFixed(2)}]  p adj ${row.pAdjusted!.toPrecision(2).padStart(6)}  ${row.reading}`,
      );
    }
  }
  if (r.experiments) lines.push('', ...experimentsText(r.experiments));
  lines.push('', 'Adoption (developers using AI / active):');
  for (const a of r.adoption) lines.push(`  ${a.week}  ${a.aiDevelopers}/${a.activeDevelopers}${a.share === null ? '' : `  ${Math.round(a.share * 100)}%`}`);
  lines.push('', `Data health: ${r.health.exports.length} export(s), ${r.devices.length} device(s)`);
  for (const w of r.health.warnings) lines.push(`  ! ${w}`);
  lines.push('');
  return lines.join('\n');
}

function fmtEffect(x: number): string {
  return x.toFixed(Math.abs(x) >= 100 ? 0 : 2);
}

function effectText(e: EffectEstimate): string {
  if (e.estimate === null || e.p === null) return `${e.label}: not enough units with a value in both arms`;
  const ci = e.ciLow !== null && e.ciHigh !== null ? `95% CI ${fmtEffect(e.ciLow)} to ${fmtEffect(e.ciHigh)}` : 'too few units for an interval';
  return `${e.label}: ${e.estimate >= 0 ? '+' : ''}${fmtEffect(e.estimate)} per unit, ${ci}, p = ${e.p.toPrecision(2)} (n ${e.nA}+${e.nB})`;
}

export function experimentsText(x: TeamExperiments): string[] {
  const lines = [`Self-experiments (A − B per unit, intention-to-treat randomization test; pooled when ≥ ${x.minDevelopers} developers ran a design):`];
  for (const d of x.designs) {
    lines.push(`  ${d.treatment} ${d.arms.A} vs ${d.arms.B}, per ${d.unit}: ${d.developers} developer(s)${d.pooled ? ', pooled' : ` (${d.reason})`}`);
    if (d.pooled) for (const e of d.pooled) lines.push(`    pooled  ${effectText(e)}`);
    for (const run of d.runs) {
      const adh = run.adherence.rate === null ? '—' : `${Math.round(run.adherence.rate * 100)}%`;
      lines.push(`    ${run.developer}: ${run.unitsAnalysed}/${run.units} units analysed, adherence ${adh} (${run.firstDay} – ${run.lastDay}, ${run.status})`);
      lines.push(`      ${effectText(run.results[0]!)}`);
    }
  }
  return lines;
}
