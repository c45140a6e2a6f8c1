/**
 * What the ProdLens view shows, as one plain object: usage today and this week (the developer's local days,
 * weeks from Monday), the recent agent sessions with the local day each started on, and the health of each
 * source. Built from the store's readers; the extension turns it into tree items.
 */
import { shiftDay, weekStart, type DayKey, type DayZone } from '../day';
import { recentSessions, sourceStatuses, usageBetween, type SessionSummary, type UsageTotals } from '../store/usage-reader';
import type { Store } from '../store/store';
import { assessSourceHealth, type SourceHealthRow } from './source-health';

export interface PeriodUsage {
  /** First and last local day of the period (the last is today). */
  since: DayKey;
  until: DayKey;
  totals: UsageTotals;
}

export interface OverviewSession extends SessionSummary {
  /** Local day the session started on (what a click opens the report at). */
  day: DayKey;
}

export interface Overview {
  timeZone: string;
  today: PeriodUsage;
  week: PeriodUsage;
  sessions: OverviewSession[];
  sources: SourceHealthRow[];
}

export interface OverviewOptions {
  nowMs: number;
  zone: DayZone;
  /** Sessions listed (default 20). */
  sessionLimit?: number;
}

/** Usage from the start of local day `since` to the end of today (a record stamped a little ahead still counts today). */
export function usageSince(store: Store, zone: DayZone, since: DayKey, nowMs: number): UsageTotals {
  return usageBetween(store, { startMs: zone.startOf(since), endMs: zone.startOf(shiftDay(zone.dayOf(nowMs), 1)) });
}

export function buildOverview(store: Store, o: OverviewOptions): Overview {
  const today = o.zone.dayOf(o.nowMs);
  const monday = weekStart(today);
  const sessions = recentSessions(store, { limit: o.sessionLimit ?? 20, windowDays: 14 }).map((s) => ({ ...s, day: o.zone.dayOf(s.startMs) }));
  return {
    timeZone: o.zone.timeZone,
    today: { since: today, until: today, totals: usageSince(store, o.zone, today, o.nowMs) },
    week: { since: monday, until: today, totals: usageSince(store, o.zone, monday, o.nowMs) },
    sessions,
    sources: assessSourceHealth(sourceStatuses(store), o.nowMs),
  };
}
