import { statSync } from 'node:fs';
import { storeInfo } from '../../core/store/store-info-repo';
import { cliLogger, openCliStore, parseCommandArgs, resolveDbPath, type CliIO, type Command } from '../context';
import { EXIT_OK } from '../errors';

/** @public Loaded when it runs (src/cli/commands.ts). */
export const infoCommand: Command = {
  summary: 'show the database: size, row counts, sources, how it was opened',
  help: 'Usage: prodlens info [--json] [--db FILE]\n\nOpens the database (replaying its journal if needed) and describes it.',
  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parseCommandArgs(args, { json: { type: 'boolean' } });
    const dbPath = resolveDbPath(values.db, io);
    const started = performance.now();
    const store = await openCliStore(dbPath, cliLogger(io, !!values.verbose));
    const openMs = performance.now() - started;
    try {
      const { schemaVersion, rows, sources } = storeInfo(store);
      let sizeBytes: number | null = null;
      try {
        sizeBytes = statSync(dbPath).size;
      } catch {
        sizeBytes = null;
      }
      const info = {
        path: dbPath,
        sizeBytes,
        schemaVersion,
        deviceId: store.deviceId,
        openMs: Math.round(openMs),
        opened: store.openReport,
        rows,
        sources,
      };
      if (values.json) io.stdout(`${JSON.stringify(info, null, 2)}\n`);
      else {
        io.stdout(
          `${info.path} (${sizeBytes === null ? 'not written yet' : `${(sizeBytes / 1048576).toFixed(1)} MiB`}, schema ${info.schemaVersion}, opened in ${info.openMs} ms from ${store.openReport.loadedFrom}${store.openReport.replayedBatches ? `, ${store.openReport.replayedBatches} journal batches replayed` : ''})\n`,
        );
        for (const [t, n] of Object.entries(info.rows)) io.stdout(`  ${t.padEnd(22)} ${n}\n`);
        for (const s of sources)
          io.stdout(`  source ${String(s.source).padEnd(24)} last record ${s.lastEventAt ?? '—'}, ${s.records} received, ${s.deadLetters} dead letters\n`);
      }
    } finally {
      await store.close();
    }
    return EXIT_OK;
  },
};
