/** The report's "Experiment" section: the newest experiment overlapping the period, analysed as of now. */
import { DayZone } from '../day';
import { unitInterval } from '../experiments/design';
import { analyseExperiment, type ExperimentSummary } from '../experiments/analysis';
import { experimentOverlapping, observeUnits, type StoredExperiment } from '../store/experiments-repo';
import type { Store } from '../store/store';

/** Sampled assignments per test in the report (the interval costs ~60 passes over them). */
export const REPORT_DRAWS = 2000;

export function experimentSection(store: Store, since: string, until: string, nowMs: number): ExperimentSummary | null {
  const e = experimentOverlapping(store, since, until);
  return e ? summarizeExperiment(store, e, nowMs) : null;
}

/** Analyses a stored experiment with the units that have ended by `nowMs` (or by its stop). */
export function summarizeExperiment(store: Store, e: StoredExperiment, nowMs: number, draws = REPORT_DRAWS): ExperimentSummary {
  const zone = new DayZone(e.design.timeZone);
  const cutoff = e.stoppedAt ? Math.min(nowMs, Date.parse(e.stoppedAt)) : nowMs;
  let pastBefore = 0;
  let currentIndex: number | null = null;
  for (const u of e.design.schedule) {
    const { startMs, endMs } = unitInterval(e.design, u, zone);
    if (endMs <= cutoff) pastBefore = u.index + 1;
    else if (startMs <= cutoff && currentIndex === null) currentIndex = u.index;
  }
  const observations = observeUnits(store, e.design, currentIndex === null ? pastBefore : currentIndex + 1);
  return analyseExperiment(e.id, e.design, e.power, observations, { pastBefore, currentIndex, stopped: e.status === 'stopped', draws });
}
