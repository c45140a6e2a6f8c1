import { utcDay } from '../../core/day';
import { compact, pruneToRetention } from '../../core/store/retention-prune';
import { cliLogger, openCliStore, parseCommandArgs, resolveDbPath, type CliIO, type Command } from '../context';
import { EXIT_OK, usageError } from '../errors';

/** @public Loaded when it runs (src/cli/commands.ts). */
export const pruneCommand: Command = {
  summary: 'delete records older than a number of days, then compact the database',
  help: [
    'Usage: prodlens prune --keep-days N [--no-compact] [--json] [--db FILE]',
    '',
    'Deletes every record dated before the last N UTC days (today counts as one): AI events, metric points,',
    'dead letters, commits, pull request events and the day-level tables built from them. Then compacts the',
    'database (VACUUM) and writes the snapshot. The same as the prodlens.retention.days setting in VS Code.',
    '  --keep-days N  days to keep, N ≥ 1',
    '  --no-compact   skip the compaction',
    '  --json         print {"keptFrom","deleted":{table:rows},"bytesBefore","bytesAfter"}',
  ].join('\n'),
  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parseCommandArgs(args, { 'keep-days': { type: 'string' }, 'no-compact': { type: 'boolean' }, json: { type: 'boolean' } });
    const n = Number(values['keep-days']);
    if (values['keep-days'] === undefined || !/^\d+$/.test(values['keep-days']) || n < 1) throw usageError('--keep-days must be a whole number of days ≥ 1');
    const store = await openCliStore(resolveDbPath(values.db, io), cliLogger(io, !!values.verbose));
    try {
      const r = pruneToRetention(store, n, utcDay(Date.now()));
      const c = values['no-compact'] ? null : compact(store);
      await store.flush();
      const total = Object.values(r.deleted).reduce((a, b) => a + b, 0);
      if (values.json)
        io.stdout(`${JSON.stringify({ keptFrom: r.keptFrom, deleted: r.deleted, bytesBefore: c?.before ?? null, bytesAfter: c?.after ?? null })}\n`);
      else {
        io.stdout(
          `Kept records from ${r.keptFrom}; deleted ${total} row(s)${
            total
              ? ` (${Object.entries(r.deleted)
                  .map(([t, k]) => `${t} ${k}`)
                  .join(', ')})`
              : ''
          }.\n`,
        );
        if (c) io.stdout(`Compacted: ${(c.before / 1048576).toFixed(1)} MiB → ${(c.after / 1048576).toFixed(1)} MiB.\n`);
      }
    } finally {
      await store.close();
    }
    return EXIT_OK;
  },
};

/** @public Loaded when it runs (src/cli/commands.ts). */
export const compactCommand: Command = {
  summary: 'rewrite the database without free space (VACUUM) and write the snapshot',
  help: 'Usage: prodlens compact [--json] [--db FILE]\n\nGives back the space of deleted rows (after prune): the snapshot written afterwards is smaller.',
  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parseCommandArgs(args, { json: { type: 'boolean' } });
    const store = await openCliStore(resolveDbPath(values.db, io), cliLogger(io, !!values.verbose));
    try {
      const c = compact(store);
      await store.flush();
      if (values.json) io.stdout(`${JSON.stringify({ bytesBefore: c.before, bytesAfter: c.after })}\n`);
      else io.stdout(`Compacted: ${(c.before / 1048576).toFixed(1)} MiB → ${(c.after / 1048576).toFixed(1)} MiB.\n`);
    } finally {
      await store.close();
    }
    return EXIT_OK;
  },
};
