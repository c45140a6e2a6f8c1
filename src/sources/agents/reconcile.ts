import { shiftDay } from '../../core/day';
import {
  claimedCanonicalRows,
  copilotCopyCandidates,
  copilotShutdownRows,
  GeminiChatMatcher,
  geminiCopyCandidates,
  markCopies,
} from '../../core/store/history-copies-repo';
import type { Store } from '../../core/store/store';

/**
 * Marks the second copy of a model call that an agent recorded twice (docs/sources.md, "Reconciling
 * copies"), the way the transcript/OTel reconciliation does for Claude Code:
 *
 * - **Gemini CLI**: a telemetry `api_response` (gemini-cli-otel, from the local `telemetry.outfile` or OTLP)
 *   repeats the chat recording's message (gemini-cli-chat) when session, model, everything read (input +
 *   cache) and output are equal and the times are within GEMINI_WINDOW_MS (the chat message is written when
 *   the response completes, the telemetry event right after). A `tool_call` with diffStat lines repeats the
 *   chat's edit row of the same tool with the same line counts within GEMINI_TOOL_WINDOW_MS. The chat row is
 *   canonical (it is read with zero setup); each absorbs at most one copy, the closest in time, so two
 *   identical calls stay two.
 * - **Copilot CLI**: the session log keeps one row per process × model, written at `session.shutdown`; the
 *   OTel export one row per call. A call of a session whose log has a shutdown at or after the call's time
 *   is already in that shutdown's totals: it is marked `duplicate_of` that shutdown's row (the same model's,
 *   else the first). Calls after the last shutdown (a process still running) count until their shutdown
 *   arrives. This is ccusage's rule for the same two files, so per-day totals agree.
 *
 * Idempotent and order-free: run after every history scan and whenever stored events change.
 */
export const GEMINI_WINDOW_MS = 60_000;
export const GEMINI_TOOL_WINDOW_MS = 5 * 60_000;

export interface HistoryReconcileOptions {
  /** UTC days of newly stored rows (their neighbours are looked at too); all days when absent. */
  days?: readonly string[];
}

export interface HistoryReconcileResult {
  gemini: number;
  copilot: number;
}

export function reconcileHistoryCopies(store: Store, options: HistoryReconcileOptions = {}): HistoryReconcileResult {
  return { gemini: reconcileGemini(store, options.days), copilot: reconcileCopilot(store) };
}

function reconcileGemini(store: Store, days: readonly string[] | undefined): number {
  // A call near midnight can have its two copies on neighbouring UTC days.
  const wide = days ? [...new Set(days.flatMap((d) => [shiftDay(d, -1), d, shiftDay(d, 1)]))] : undefined;
  const candidates = geminiCopyCandidates(store, wide);
  if (!candidates.length) return 0;
  const claimed = claimedCanonicalRows(store, 'gemini-cli-otel');
  const matcher = new GeminiChatMatcher(store);
  const pairs: Array<{ copy: string; canonical: string; day: string }> = [];
  try {
    for (const c of candidates) {
      const window = c.kind === 'request' ? GEMINI_WINDOW_MS : GEMINI_TOOL_WINDOW_MS;
      let best: string | null = null;
      let bestGap = Infinity;
      for (const m of matcher.matches(c, window)) {
        const gap = Math.abs(m.tsMs - c.tsMs);
        if (!claimed.has(m.traceHash) && gap < bestGap) {
          best = m.traceHash;
          bestGap = gap;
        }
      }
      if (!best) continue;
      claimed.add(best);
      pairs.push({ copy: c.traceHash, canonical: best, day: c.day });
    }
  } finally {
    matcher.dispose();
  }
  markCopies(store, pairs);
  return pairs.length;
}

function reconcileCopilot(store: Store): number {
  const pairs: Array<{ copy: string; canonical: string; day: string }> = [];
  const candidates = copilotCopyCandidates(store);
  if (!candidates.length) return 0;
  const shutdowns = copilotShutdownRows(store);
  for (const c of candidates) {
    const after = (shutdowns.get(c.sessionId) ?? []).filter((r) => r.tsMs >= c.tsMs);
    if (!after.length) continue;
    // The first shutdown at or after the call ended the process that made it.
    const first = after[0]!.tsMs;
    const sameProcess = after.filter((r) => r.tsMs === first);
    const canonical = sameProcess.find((r) => r.model === c.model) ?? after.find((r) => r.model === c.model) ?? after[0]!;
    pairs.push({ copy: c.traceHash, canonical: canonical.traceHash, day: c.day });
  }
  markCopies(store, pairs);
  return pairs.length;
}
