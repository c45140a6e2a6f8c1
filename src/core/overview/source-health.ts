/**
 * Which sources are alive, from what each last sent. An agent often reaches ProdLens through two channels
 * (Claude Code: its transcript files and its OpenTelemetry); when one keeps delivering and the other stops,
 * the quiet one has gone silent — a terminal without the environment, a telemetry exporter that stopped —
 * which is worth flagging, whereas an agent nobody used today is simply idle.
 */
import { agentOfSource, type SourceStatus } from '../store/usage-reader';

export interface SourceHealthOptions {
  /** A source that sent within this long is active. */
  activeMs: number;
  /** A source this far behind an active sibling channel of the same agent is silent. */
  silentGapMs: number;
}

export const DEFAULT_SOURCE_HEALTH: SourceHealthOptions = { activeMs: 24 * 3_600_000, silentGapMs: 2 * 3_600_000 };

export interface SourceHealthRow {
  source: string;
  agent: string | null;
  /** Newest data from it: the newest record's time, else when it was received (epoch ms). */
  lastSeenMs: number | null;
  level: 'active' | 'idle' | 'silent';
  /** For silent sources: the sibling channel that kept sending. */
  behind: { source: string; gapMs: number } | null;
  recordsReceived: number;
  deadLetters: number;
}

/** Health of every source, active first, then by newest data. */
export function assessSourceHealth(rows: SourceStatus[], nowMs: number, o: SourceHealthOptions = DEFAULT_SOURCE_HEALTH): SourceHealthRow[] {
  const seen = rows.map((r) => ({ r, agent: agentOfSource(r.source), last: r.lastEventMs ?? r.lastReceivedMs }));
  const out = seen.map(({ r, agent, last }): SourceHealthRow => {
    const active = last !== null && nowMs - last < o.activeMs;
    let behind: SourceHealthRow['behind'] = null;
    if (agent && last !== null) {
      for (const other of seen) {
        if (other.r.source === r.source || other.agent !== agent || other.last === null || nowMs - other.last >= o.activeMs) continue;
        const gap = other.last - last;
        if (gap > o.silentGapMs && (!behind || gap > behind.gapMs)) behind = { source: other.r.source, gapMs: gap };
      }
    }
    return {
      source: r.source,
      agent,
      lastSeenMs: last,
      level: behind ? 'silent' : active ? 'active' : 'idle',
      behind,
      recordsReceived: r.recordsReceived,
      deadLetters: r.deadLetters,
    };
  });
  const rank = { silent: 0, active: 1, idle: 2 } as const;
  return out.sort((a, b) => rank[a.level] - rank[b.level] || (b.lastSeenMs ?? -Infinity) - (a.lastSeenMs ?? -Infinity) || a.source.localeCompare(b.source));
}
