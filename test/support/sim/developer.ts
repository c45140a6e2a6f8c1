/**
 * One simulated developer: a working calendar, independent latent intensities for AI use and for delivery,
 * and the daily series the report reads (dense days, `null` = not measured), plus editor presence
 * (`active_minutes`). Optionally a planted lagged effect: AI use on working day t raises the outcome's
 * expected level on working day t + k.
 *
 * Everything the analysis must not see (the true calendar, the latent intensities) is in `truth`.
 */
import { Rng } from './prng';
import { simulateCalendar, type CalendarOptions } from './calendar';
import { logIntensity, type IntensityOptions } from './intensity';

export const SIM_AI_SERIES = ['requests', 'total_tokens', 'insertions', 'accepted_insertions', 'accepted_lines', 'acceptance_rate'] as const;
export const SIM_OUTCOME_SERIES = ['commits', 'lines_added', 'lines_removed', 'lines_changed', 'merged_prs', 'merge_hours', 'reopened_prs'] as const;
export type SimSeriesKey = (typeof SIM_AI_SERIES)[number] | (typeof SIM_OUTCOME_SERIES)[number] | 'active_minutes';

export interface PlantedEffect {
  /** Working days between the AI use and the outcome it shifts. */
  lag: number;
  /** Log-scale lift of the outcome's mean per SD of log(1 + requests) on the AI day (0.3 ≈ +35%). */
  size: number;
  /** Which outcome family it shifts; default commits (lines follow commits). */
  outcome?: 'commits' | 'merged_prs';
}

export interface DeveloperOptions {
  seed: number;
  /** Calendar; default a year from 2025-01-06. */
  calendar?: Partial<CalendarOptions>;
  /** Record editor presence (`active_minutes`); false = the series is all null (no tracker). Default true. */
  presence?: boolean;
  /** Mean model requests on a full working day with AI use. */
  aiLevel?: number;
  /** Chance a working day has no AI use at all. */
  aiZeroProb?: number;
  /** Mean commits on a full working day. */
  commitLevel?: number;
  /** Extra chance of a working day without commits (zero inflation on top of the negative binomial). */
  commitZeroProb?: number;
  /** Negative-binomial size of commits and requests (smaller = more overdispersed). */
  dispersion?: number;
  /** Mean merged PRs per full working day. */
  prLevel?: number;
  aiIntensity?: IntensityOptions;
  outcomeIntensity?: IntensityOptions;
  /** Chance of a commit on a day off (a weekend fix): evidence of work without AI use or presence. */
  offDayCommitProb?: number;
  /** Working-day index before which AI was not measured yet (ProdLens installed later): AI series null. */
  aiMeasuredFrom?: number;
  effect?: PlantedEffect | null;
}

export interface SimulatedDeveloper {
  days: string[];
  series: Record<SimSeriesKey, Array<number | null>>;
  settings: Required<Omit<DeveloperOptions, 'calendar' | 'effect'>> & { calendar: CalendarOptions; effect: PlantedEffect | null };
  truth: { capacity: number[]; aiLog: number[]; outcomeLog: number[] };
}

const DEFAULT_CALENDAR: CalendarOptions = { start: '2025-01-06', days: 365 };

export function simulateDeveloper(o: DeveloperOptions): SimulatedDeveloper {
  const root = new Rng(o.seed);
  // One stream per process, so that switching a planted effect on or off leaves everything else identical.
  const [rCal, rAi, rOut, rAiObs, rOutObs, rPres] = [root.fork(), root.fork(), root.fork(), root.fork(), root.fork(), root.fork()];
  const s: SimulatedDeveloper['settings'] = {
    seed: o.seed,
    calendar: { ...DEFAULT_CALENDAR, ...o.calendar },
    presence: o.presence ?? true,
    aiLevel: o.aiLevel ?? 20,
    aiZeroProb: o.aiZeroProb ?? 0.2,
    commitLevel: o.commitLevel ?? 3,
    commitZeroProb: o.commitZeroProb ?? 0.15,
    dispersion: o.dispersion ?? 2,
    prLevel: o.prLevel ?? 0.3,
    aiIntensity: o.aiIntensity ?? { phi: 0.6, sd: 0.5, regime: null },
    outcomeIntensity: o.outcomeIntensity ?? { phi: 0.6, sd: 0.5, regime: null },
    offDayCommitProb: o.offDayCommitProb ?? 0.02,
    aiMeasuredFrom: o.aiMeasuredFrom ?? 0,
    effect: o.effect ?? null,
  };
  const cal = simulateCalendar(rCal, s.calendar);
  const n = cal.days.length;
  const work = cal.capacity.flatMap((c, i) => (c > 0 ? [i] : []));
  const aiLog = logIntensity(rAi, work.length, s.aiIntensity);
  const outLog = logIntensity(rOut, work.length, s.outcomeIntensity);

  const series = Object.fromEntries(
    [...SIM_AI_SERIES, ...SIM_OUTCOME_SERIES, 'active_minutes'].map((k) => [k, new Array<number | null>(n).fill(0)]),
  ) as SimulatedDeveloper['series'];

  // AI use on working days; zero on days off (measured: ProdLens was running and saw nothing).
  const aiSignal: number[] = [];
  work.forEach((day, w) => {
    const cap = cal.capacity[day] as number;
    const used = !rAiObs.bernoulli(s.aiZeroProb);
    const requests = used ? Math.max(1, rAiObs.negBinomial(s.aiLevel * cap * Math.exp(aiLog[w] as number), s.dispersion)) : 0;
    const insertions = used ? rAiObs.negBinomial(0.4 * s.aiLevel * cap * Math.exp(aiLog[w] as number), s.dispersion) : 0;
    const acceptP = 1 / (1 + Math.exp(-(0.6 + rAiObs.normal(0, 0.5))));
    const accepted = rAiObs.binomial(insertions, acceptP);
    series.requests[day] = requests;
    series.total_tokens[day] = requests === 0 ? 0 : Math.round(requests * Math.exp(rAiObs.normal(Math.log(6000), 0.4)));
    series.insertions[day] = insertions;
    series.accepted_insertions[day] = accepted;
    series.accepted_lines[day] = accepted === 0 ? 0 : Math.round(accepted * Math.exp(rAiObs.normal(Math.log(6), 0.6)));
    series.acceptance_rate[day] = insertions === 0 ? null : accepted / insertions;
    aiSignal.push(Math.log1p(requests));
  });
  const lift = plantedLift(aiSignal, s.effect);

  work.forEach((day, w) => {
    const cap = cal.capacity[day] as number;
    const level = Math.exp((outLog[w] as number) + (s.effect?.outcome !== 'merged_prs' ? (lift[w] as number) : 0));
    const commits = rOutObs.bernoulli(s.commitZeroProb) ? 0 : rOutObs.negBinomial(s.commitLevel * cap * level, s.dispersion);
    setCommits(series, day, commits, rOutObs);
    const prLevel = Math.exp((outLog[w] as number) + (s.effect?.outcome === 'merged_prs' ? (lift[w] as number) : 0));
    const merged = rOutObs.poisson(s.prLevel * cap * prLevel);
    series.merged_prs[day] = merged;
    series.merge_hours[day] = merged === 0 ? null : Math.exp(rOutObs.normal(Math.log(20), 0.8));
    series.reopened_prs[day] = rOutObs.binomial(merged, 0.05);
  });
  for (let day = 0; day < n; day++) {
    if ((cal.capacity[day] as number) > 0) {
      series.active_minutes[day] = Math.max(5, Math.round(420 * (cal.capacity[day] as number) * Math.exp(rPres.normal(0, 0.2))));
    } else {
      series.merge_hours[day] = null;
      if (rOutObs.bernoulli(s.offDayCommitProb)) setCommits(series, day, 1, rOutObs);
    }
  }
  if (!s.presence) series.active_minutes.fill(null);
  const firstAiDay = work[s.aiMeasuredFrom] ?? n;
  for (const k of SIM_AI_SERIES) for (let day = 0; day < firstAiDay; day++) series[k][day] = null;
  return { days: cal.days, series, settings: s, truth: { capacity: cal.capacity, aiLog, outcomeLog: outLog } };
}

/** lift[w] = size · z(AI on working day w − lag), z standardized over the working days; 0 without an effect. */
function plantedLift(aiSignal: number[], effect: PlantedEffect | null): number[] {
  if (!effect || effect.size === 0) return aiSignal.map(() => 0);
  const mean = aiSignal.reduce((a, b) => a + b, 0) / aiSignal.length;
  const sd = Math.sqrt(aiSignal.reduce((a, b) => a + (b - mean) ** 2, 0) / aiSignal.length) || 1;
  return aiSignal.map((_, w) => (w - effect.lag >= 0 ? (effect.size * ((aiSignal[w - effect.lag] as number) - mean)) / sd : 0));
}

function setCommits(series: SimulatedDeveloper['series'], day: number, commits: number, rng: Rng): void {
  // Lines per commit are heavy-tailed (one large refactor day dwarfs a month of small fixes).
  const added = commits === 0 ? 0 : Math.round(commits * Math.exp(rng.normal(Math.log(30), 1.0)));
  const removed = Math.round(added * rng.uniform(0.1, 0.6));
  series.commits[day] = commits;
  series.lines_added[day] = added;
  series.lines_removed[day] = removed;
  series.lines_changed[day] = added + removed;
}

/**
 * Long, strong busy spells on both sides (AR(1) φ = 0.9 with SD 1 on the log scale, plus busy/quiet regimes
 * lasting about 20 working days): the case where p-values that assume independent days fail even on
 * working days.
 */
export const BUSY_SPELLS: Pick<DeveloperOptions, 'aiIntensity' | 'outcomeIntensity'> = {
  aiIntensity: { phi: 0.9, sd: 1.0, regime: { stay: 0.95, busyLift: 1.0 } },
  outcomeIntensity: { phi: 0.9, sd: 1.0, regime: { stay: 0.95, busyLift: 1.0 } },
};

/**
 * A developer with randomly drawn settings (activity levels, dispersion, autocorrelation shape, calendar
 * extras) — the population the calibration draws from. `overrides` fix any of them.
 */
export function randomDeveloper(seed: number, overrides: Partial<DeveloperOptions> = {}): SimulatedDeveloper {
  const r = new Rng(seed ^ 0x5bd1e995);
  const intensity = (): IntensityOptions => ({
    phi: r.uniform(0.3, 0.9),
    sd: r.uniform(0.3, 1.0),
    regime: r.bernoulli(0.5) ? { stay: r.uniform(0.85, 0.97), busyLift: r.uniform(0.4, 1.2) } : null,
  });
  return simulateDeveloper({
    seed,
    presence: r.bernoulli(0.5),
    aiLevel: r.uniform(3, 60),
    aiZeroProb: r.uniform(0.05, 0.4),
    commitLevel: r.uniform(0.7, 6),
    commitZeroProb: r.uniform(0.05, 0.3),
    dispersion: r.uniform(0.8, 4),
    prLevel: r.uniform(0.1, 0.6),
    aiIntensity: intensity(),
    outcomeIntensity: intensity(),
    calendar: { start: '2025-01-06', days: 365, vacationWeeks: r.int(1, 2), oddDayOffProb: r.uniform(0.01, 0.06) },
    ...overrides,
  });
}
