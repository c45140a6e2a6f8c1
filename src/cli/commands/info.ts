import { statSync } from 'node:fs';
import { cliLogger, openCliStore, parseCommandArgs, resolveDbPath, type CliIO, type Command } from '../context';
import { EXIT_OK } from '../errors';

const TABLES = ['sessions', 'metric_points', 'dead_letter', 'commits', 'pull_requests', 'daily_session_metrics', 'daily_github_metrics'];

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
      const count = (t: string) => store.db.exec(`SELECT COUNT(*) FROM ${t}`)[0]!.values[0]![0] as number;
      const sources = (store.db.exec('SELECT source, last_event_ms, last_received_at, records_received, dead_letters FROM source_status ORDER BY source')[0]?.values ?? []).map(
        (v) => ({ source: v[0], lastEventAt: v[1] === null ? null : new Date(v[1] as number).toISOString(), lastReceivedAt: v[2], records: v[3], deadLetters: v[4] }),
      );
      let sizeBytes: number | null = null;
      try {
        sizeBytes = statSync(dbPath).size;
      } catch {
        sizeBytes = null;
      }
      const info = {
        path: dbPath,
        sizeBytes,
        schemaVersion: store.db.exec('PRAGMA user_version')[0]!.values[0]![0],
        deviceId: store.deviceId,
        openMs: Math.round(openMs),
        opened: store.openReport,
        rows: Object.fromEntries(TABLES.map((t) => [t, count(t)])),
        sources,
      };
      if (values.json) io.stdout(`${JSON.stringify(info, null, 2)}\n`);
      else {
        io.stdout(`${info.path} (${sizeBytes === null ? 'not written yet' : `${(sizeBytes / 1048576).toFixed(1)} MiB`}, schema ${info.schemaVersion}, opened in ${info.openMs} ms from ${store.openReport.loadedFrom}${store.openReport.replayedBatches ? `, ${store.openReport.replayedBatches} journal batches replayed` : ''})\n`);
        for (const [t, n] of Object.entries(info.rows)) io.stdout(`  ${t.padEnd(22)} ${n}\n`);
        for (const s of sources) io.stdout(`  source ${String(s.source).padEnd(24)} last record ${s.lastEventAt ?? '—'}, ${s.records} received, ${s.deadLetters} dead letters\n`);
      }
    } finally {
      await store.close();
    }
    return EXIT_OK;
  },
};
