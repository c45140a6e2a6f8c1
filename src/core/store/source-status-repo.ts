import type { Store } from './store';

/** When a source last delivered data (table source_status), for the status bar and data health. */
export interface SourceLastSeen {
  source: string;
  /** Time of the newest record received from the source (epoch ms), or null. */
  lastEventMs: number | null;
  /** When ProdLens last stored something from it (ISO). */
  lastReceivedAt: string | null;
  records: number;
}

/** The given sources' rows of source_status (sources never seen are absent). */
export function sourcesLastSeen(store: Store, sources: readonly string[]): SourceLastSeen[] {
  if (!sources.length) return [];
  const r = store.db.exec(
    `SELECT source, last_event_ms, last_received_at, records_received FROM source_status WHERE source IN (${sources.map(() => '?').join(', ')}) ORDER BY source`,
    [...sources],
  );
  return (r[0]?.values ?? []).map((v) => ({
    source: v[0] as string,
    lastEventMs: v[1] as number | null,
    lastReceivedAt: v[2] as string | null,
    records: v[3] as number,
  }));
}
