import type { Store } from './store';
import { databaseOf } from './database-of';

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
  const r = databaseOf(store).exec(
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

/**
 * When each collector source last stored an event or a metric point (epoch ms of `ingested_at`), for the
 * collector's activity tracker after a restart.
 */
export function collectorLastIngested(store: Store): Array<{ source: string; lastEventAt?: number; lastMetricAt?: number }> {
  const rows: Array<{ source: string; lastEventAt?: number; lastMetricAt?: number }> = [];
  const ev = databaseOf(store).exec(
    "SELECT source, MAX(ingested_at) FROM sessions WHERE source LIKE '%-otel' OR source IN ('litellm', 'openinference', 'prodlens') GROUP BY source",
  );
  // sessions.ingested_at is epoch ms (schema 15), metric_points.ingested_at ISO text.
  for (const [s, t] of ev[0]?.values ?? []) rows.push({ source: String(s), lastEventAt: typeof t === 'number' ? t : Date.parse(String(t)) });
  const mp = databaseOf(store).exec('SELECT source, MAX(ingested_at) FROM metric_points GROUP BY source');
  for (const [s, t] of mp[0]?.values ?? []) rows.push({ source: String(s), lastMetricAt: Date.parse(String(t)) });
  return rows;
}
