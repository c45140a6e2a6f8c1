/**
 * Turns the page's filter controls into the core's `ReportFilter`. Runs on the host side (it knows the
 * date), in the CLI (standalone export) and in tests; no DOM, no `vscode`.
 */
import type { ReportFilter } from '../../core/report/model';
import type { PeriodPreset, ViewFilter } from './protocol';
import { shiftDay } from '../../core/day';

const DAY_MS = 86_400_000;

/** The report filter for a view filter on `today` (UTC day). A reversed custom range is swapped. */
export function toReportFilter(view: ViewFilter, today: string): ReportFilter {
  // The model key only when set, so a filter without one reads as before.
  const dims = {
    repo: view.repo,
    developer: view.developer,
    source: view.source,
    ...(view.model !== null && view.model !== undefined ? { model: view.model } : {}),
    ...(view.allDevelopers ? { scope: 'all' as const } : {}),
  };
  if (view.period === 'custom') {
    const since = view.since ?? undefined;
    const until = view.until ?? undefined;
    if (since && until && since > until) return { since: until, until: since, ...dims };
    return { since, until, ...dims };
  }
  if (view.period === 'all') return { until: today, ...dims };
  return { since: shiftDay(today, -(Number(view.period) - 1)), until: today, ...dims };
}

/** The range a preset covers when it ends on `until`. */
export function presetRange(preset: Exclude<PeriodPreset, 'all'>, until: string): { since: string; until: string } {
  return { since: shiftDay(until, -(Number(preset) - 1)), until };
}

/** Days in an inclusive range. */
export function dayCount(since: string, until: string): number {
  return Math.round((Date.parse(`${until}T00:00:00Z`) - Date.parse(`${since}T00:00:00Z`)) / DAY_MS) + 1;
}
