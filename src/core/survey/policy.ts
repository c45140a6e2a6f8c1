/**
 * When to ask an experience-sampling question: right after the moment it is about (an agent session that
 * ended, a larger AI insertion kept), never while the developer is typing, at most a few times a day,
 * never in quiet hours, never while snoozed, never when turned off, and never twice about one session.
 * Pure: the extension feeds it the trigger, its settings and history, and the time.
 */
import type { DayZone } from '../day';

export interface SurveySettings {
  enabled: boolean;
  maxPerDay: number;
  /** `HH:MM-HH:MM` local time (may wrap midnight), or empty for none. */
  quietHours: string;
  /** Least time between two questions. */
  minGapMinutes: number;
  /** A question waits until the keyboard has been idle this long. */
  idleSeconds: number;
  /** Insertions smaller than this do not trigger a question. */
  minInsertionLines: number;
}

export const DEFAULT_SURVEY_SETTINGS: SurveySettings = {
  enabled: true,
  maxPerDay: 3,
  quietHours: '',
  minGapMinutes: 45,
  idleSeconds: 20,
  minInsertionLines: 20,
};

export type SurveyTriggerKind = 'agent-session-end' | 'ai-insertion';

export interface SurveyTrigger {
  kind: SurveyTriggerKind;
  /** The session the question is about (an insertion matched to an agent session carries its id). */
  sessionId: string | null;
  /** A stable key for "already asked about this" (session id, or the insertion's trace hash). */
  key: string;
  /** When the moment happened (session's last event, insertion time). */
  atMs: number;
  agent: string | null;
  lines?: number;
}

export interface SurveyHistory {
  /** When questions were shown (recent ones are enough: today's and the last gap). */
  askedMs: number[];
  /** Keys already asked about. */
  askedKeys: ReadonlySet<string>;
  snoozedUntilMs: number | null;
}

export type SurveyDecision =
  | { ask: true }
  | {
      ask: false;
      reason: 'disabled' | 'snoozed' | 'quiet-hours' | 'daily-limit' | 'too-soon' | 'already-asked' | 'too-small' | 'stale' | 'typing';
      retryAtMs: number | null;
    };

/** A trigger older than this is no longer "at the moment" and is dropped. */
export const STALE_AFTER_MS = 2 * 3_600_000;

export function parseQuietHours(text: string): { startMin: number; endMin: number } | null {
  const m = /^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/.exec(text ?? '');
  if (!m) return null;
  const [h1, m1, h2, m2] = m.slice(1).map(Number) as [number, number, number, number];
  if (h1 > 23 || h2 > 24 || m1 > 59 || m2 > 59) return null;
  const startMin = h1 * 60 + m1;
  const endMin = h2 * 60 + m2;
  return startMin === endMin ? null : { startMin, endMin };
}

/** Minutes since local midnight. */
function localMinute(ms: number, zone: DayZone): number {
  return Math.floor(((((ms + zone.offsetAt(ms)) % 86_400_000) + 86_400_000) % 86_400_000) / 60_000);
}

export function inQuietHours(ms: number, quiet: string, zone: DayZone): boolean {
  const q = parseQuietHours(quiet);
  if (!q) return false;
  const m = localMinute(ms, zone);
  return q.startMin < q.endMin ? m >= q.startMin && m < q.endMin : m >= q.startMin || m < q.endMin;
}

/** The first instant after `ms` outside the quiet hours (minute resolution). */
function quietEnd(ms: number, quiet: string, zone: DayZone): number {
  let t = ms;
  for (let i = 0; i < 24 * 60 && inQuietHours(t, quiet, zone); i++) t += 60_000;
  return t;
}

export function decideSurvey(t: SurveyTrigger, s: SurveySettings, h: SurveyHistory, nowMs: number, lastTypingMs: number | null, zone: DayZone): SurveyDecision {
  if (!s.enabled || s.maxPerDay <= 0) return { ask: false, reason: 'disabled', retryAtMs: null };
  if (h.askedKeys.has(t.key)) return { ask: false, reason: 'already-asked', retryAtMs: null };
  if (t.kind === 'ai-insertion' && (t.lines ?? 0) < s.minInsertionLines) return { ask: false, reason: 'too-small', retryAtMs: null };
  if (nowMs - t.atMs > STALE_AFTER_MS) return { ask: false, reason: 'stale', retryAtMs: null };
  if (h.snoozedUntilMs !== null && nowMs < h.snoozedUntilMs) return { ask: false, reason: 'snoozed', retryAtMs: h.snoozedUntilMs };
  if (inQuietHours(nowMs, s.quietHours, zone)) return { ask: false, reason: 'quiet-hours', retryAtMs: quietEnd(nowMs, s.quietHours, zone) };
  const today = zone.dayOf(nowMs);
  if (h.askedMs.filter((a) => zone.dayOf(a) === today).length >= s.maxPerDay) return { ask: false, reason: 'daily-limit', retryAtMs: null };
  const last = h.askedMs.length ? Math.max(...h.askedMs) : null;
  if (last !== null && nowMs - last < s.minGapMinutes * 60_000) return { ask: false, reason: 'too-soon', retryAtMs: last + s.minGapMinutes * 60_000 };
  if (lastTypingMs !== null && nowMs - lastTypingMs < s.idleSeconds * 1000)
    return { ask: false, reason: 'typing', retryAtMs: lastTypingMs + s.idleSeconds * 1000 };
  return { ask: true };
}
