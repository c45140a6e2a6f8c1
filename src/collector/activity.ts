import type { Batch } from '../core/model';

/** When one source last delivered data to the collector, and how much. */
export interface SourceActivity {
  /** Epoch ms of the last accepted request that carried this source's events. */
  lastEventAt: number | null;
  /** Epoch ms of the first events seen (since start, or the seeded last time). */
  firstEventAt: number | null;
  /** Epoch ms of the last metric points (Claude Code's metrics exporter is known to stop silently). */
  lastMetricAt: number | null;
  events: number;
  metrics: number;
}

export type ActivitySnapshot = Record<string, SourceActivity>;

/**
 * Per-source "last seen" bookkeeping for GET /health and the status bar: telemetry that silently stops is
 * a known failure of these agents, so the time of the last delivery must be visible.
 */
export class ActivityTracker {
  private readonly sources = new Map<string, SourceActivity>();
  private readonly listeners = new Set<() => void>();

  /** Counts what a stored batch carried, per source. */
  record(batch: Batch, now: number): void {
    this.recordCounts(countBySource(batch), now);
  }

  /** Counts events and metric points stored per source (a request stored part by part). */
  recordCounts(counts: SourceCounts, now: number): void {
    let touched = false;
    for (const [source, c] of counts) {
      const a = this.get(source);
      if (c.events) {
        a.events += c.events;
        a.lastEventAt = now;
        a.firstEventAt ??= now;
        touched = true;
      }
      if (c.metrics) {
        a.metrics += c.metrics;
        a.lastMetricAt = now;
        touched = true;
      }
    }
    if (touched) for (const l of this.listeners) l();
  }

  /** Seeds last-seen times from the database (after a restart), never moving a time backwards. */
  seed(rows: Array<{ source: string; lastEventAt?: number | null; lastMetricAt?: number | null }>): void {
    for (const r of rows) {
      const a = this.get(r.source);
      if (r.lastEventAt && (a.lastEventAt ?? 0) < r.lastEventAt) a.lastEventAt = r.lastEventAt;
      if (r.lastEventAt && (a.firstEventAt === null || r.lastEventAt < a.firstEventAt)) a.firstEventAt = r.lastEventAt;
      if (r.lastMetricAt && (a.lastMetricAt ?? 0) < r.lastMetricAt) a.lastMetricAt = r.lastMetricAt;
    }
    if (rows.length) for (const l of this.listeners) l();
  }

  snapshot(): ActivitySnapshot {
    const out: ActivitySnapshot = {};
    for (const [k, v] of [...this.sources].sort(([a], [b]) => a.localeCompare(b))) out[k] = { ...v };
    return out;
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private get(source: string): SourceActivity {
    let a = this.sources.get(source);
    if (!a) {
      a = { lastEventAt: null, firstEventAt: null, lastMetricAt: null, events: 0, metrics: 0 };
      this.sources.set(source, a);
    }
    return a;
  }
}

/** Events and metric points per source. */
export type SourceCounts = Map<string, { events: number; metrics: number }>;

/** Adds what `batch` carries to `into` (per source). */
export function countBySource(batch: Batch, into: SourceCounts = new Map()): SourceCounts {
  const of = (source: string) => {
    let c = into.get(source);
    if (!c) into.set(source, (c = { events: 0, metrics: 0 }));
    return c;
  };
  for (const e of batch.events) of(e.source).events += 1;
  for (const m of batch.metrics) of(m.source).metrics += 1;
  return into;
}
