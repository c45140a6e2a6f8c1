import type { ActivitySnapshot } from './activity';

/** How one source's telemetry looks right now. */
export interface SourceHealth {
  source: string;
  /** stale: the agent is active (events arrive) but a stream it should also send has gone quiet. */
  level: 'ok' | 'stale' | 'idle';
  /** Milliseconds since the newest data of any kind, null when never seen. */
  ageMs: number | null;
  /** One line for a tooltip, e.g. "events 2 min ago, metrics 1 min ago". */
  detail: string;
}

export interface StalenessOptions {
  /** Events newer than this mean the agent is in use. */
  activeWindowMs: number;
  /** How far metric points may lag behind events before the metrics stream counts as silent. */
  metricsLagMs: number;
}

export const DEFAULT_STALENESS: StalenessOptions = { activeWindowMs: 10 * 60_000, metricsLagMs: 10 * 60_000 };

/**
 * Sources whose agents send metric points as well as events when set up by ProdLens (the terminal
 * environment turns on OTEL_METRICS_EXPORTER). Claude Code's metrics exporter is known to stop sending
 * silently while its events keep flowing (FORMATS.md), which is what this flags.
 */
const SENDS_METRICS = new Set(['claude-code-otel', 'gemini-cli-otel']);

/** "just now", "3 min ago", "2 h ago", "4 d ago". */
export function formatAge(ms: number): string {
  if (ms < 60_000) return 'just now';
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ago`;
  if (ms < 86_400_000) return `${Math.floor(ms / 3_600_000)} h ago`;
  return `${Math.floor(ms / 86_400_000)} d ago`;
}

/** Per-source health from the collector's activity, newest first. */
export function assessSources(snapshot: ActivitySnapshot, now: number, o: StalenessOptions = DEFAULT_STALENESS): SourceHealth[] {
  const out: SourceHealth[] = [];
  for (const [source, a] of Object.entries(snapshot)) {
    const newest = Math.max(a.lastEventAt ?? -Infinity, a.lastMetricAt ?? -Infinity);
    const ageMs = Number.isFinite(newest) ? Math.max(0, now - newest) : null;
    const parts: string[] = [];
    if (a.lastEventAt !== null) parts.push(`events ${formatAge(now - a.lastEventAt)}`);
    if (a.lastMetricAt !== null) parts.push(`metrics ${formatAge(now - a.lastMetricAt)}`);
    let level: SourceHealth['level'] = ageMs !== null && ageMs < o.activeWindowMs ? 'ok' : 'idle';
    const active = a.lastEventAt !== null && now - a.lastEventAt < o.activeWindowMs;
    // Silent metrics: none for longer than the allowed lag while events keep arriving.
    const since = a.lastMetricAt ?? a.firstEventAt ?? now;
    if (active && SENDS_METRICS.has(source) && a.lastEventAt! - since > o.metricsLagMs) {
      level = 'stale';
      parts.push(a.lastMetricAt === null ? 'no metrics received' : 'metrics have stopped while events continue');
    }
    out.push({ source, level, ageMs, detail: parts.join(', ') || 'nothing received' });
  }
  return out.sort((x, y) => (x.ageMs ?? Infinity) - (y.ageMs ?? Infinity));
}
