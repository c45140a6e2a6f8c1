import type { Store } from './store';
import { databaseOf } from './database-of';

/** Tables `prodlens info` counts. */
export const INFO_TABLES = ['sessions', 'metric_points', 'dead_letter', 'commits', 'pull_requests', 'daily_session_metrics', 'daily_github_metrics'] as const;

export interface SourceStatusRow {
  source: string;
  lastEventAt: string | null;
  lastReceivedAt: string | null;
  records: number;
  deadLetters: number;
}

/** What `prodlens info` shows about an open database: schema version, row counts, every source's status. */
export function storeInfo(store: Store): { schemaVersion: number; rows: Record<string, number>; sources: SourceStatusRow[] } {
  const db = databaseOf(store);
  const count = (t: string) => db.exec(`SELECT COUNT(*) FROM ${t}`)[0]!.values[0]![0] as number;
  const sources = (
    db.exec('SELECT source, last_event_ms, last_received_at, records_received, dead_letters FROM source_status ORDER BY source')[0]?.values ?? []
  ).map((v) => ({
    source: v[0] as string,
    lastEventAt: v[1] === null ? null : new Date(v[1] as number).toISOString(),
    lastReceivedAt: v[2] as string | null,
    records: v[3] as number,
    deadLetters: v[4] as number,
  }));
  return {
    schemaVersion: db.exec('PRAGMA user_version')[0]!.values[0]![0] as number,
    rows: Object.fromEntries(INFO_TABLES.map((t) => [t, count(t)])),
    sources,
  };
}
