/**
 * The experiment analysed as the randomized experiment it is: per outcome, intention-to-treat (every unit
 * in its assigned arm; protected by the randomization) and per-protocol (deviating units left out; not
 * protected, since who deviates is not random), each with a randomization p and an interval by test
 * inversion, next to the minimum detectable effect stated up front.
 */
import { blocksOf, OUTCOME_LABELS, armInstruction, type ExperimentDesign, type OutcomeKey, type ScheduledUnit } from './design';
import { adherenceOf, type UnitUsage } from './adherence';
import { randomizationTest, type RandomizationResult } from './randomization';
import type { DesignPower } from './power';

/** What the store saw in one unit. */
export interface UnitObservation {
  index: number;
  usage: UnitUsage;
  /** Outcome values; null = not measured in this unit (e.g. no rating given). */
  values: Partial<Record<OutcomeKey, number | null>>;
  /** Anything at all recorded (events or commits); a unit without is treated as not worked. */
  active: boolean;
}

export type ExperimentStatus = 'scheduled' | 'running' | 'finished' | 'stopped';

export interface UnitRow {
  index: number;
  day: string;
  half: 'am' | 'pm' | null;
  arm: 'A' | 'B';
  /** past: analysed; today: running now; future: not yet. */
  when: 'past' | 'current' | 'future';
  worked: boolean | null;
  adherent: boolean | null;
  deviation: string | null;
}

export interface ArmComparison extends RandomizationResult {
  /** Whether the randomization protects this comparison (ITT yes, per-protocol no). */
  randomized: boolean;
}

export interface OutcomeResult {
  outcome: OutcomeKey;
  label: string;
  itt: ArmComparison;
  perProtocol: ArmComparison;
  mde: number | null;
  reading: string;
}

export interface ExperimentSummary {
  id: string;
  status: ExperimentStatus;
  treatment: ExperimentDesign['treatment'];
  arms: { A: string; B: string };
  armInstructions: { A: string; B: string };
  unit: ExperimentDesign['unit'];
  startDay: string;
  endDay: string;
  seed: number;
  blockSize: number;
  units: number;
  /** Units analysed so far (past units that were worked). */
  unitsAnalysed: number;
  adherence: { checked: number; adherent: number; deviations: number; rate: number | null };
  /** Today's (current) arm and what it means, when running. */
  today: { arm: 'A' | 'B'; instruction: string } | null;
  power: DesignPower;
  results: OutcomeResult[];
  schedule: UnitRow[];
  alpha: number;
  notes: string[];
}

export interface AnalyseOptions {
  alpha?: number;
  draws?: number;
  /** The current unit's index (running now), if any. */
  currentIndex?: number | null;
  /** Units with index < this are past. */
  pastBefore: number;
  stopped?: boolean;
}

export function analyseExperiment(
  id: string,
  design: ExperimentDesign,
  power: DesignPower,
  observations: readonly UnitObservation[],
  o: AnalyseOptions,
): ExperimentSummary {
  const alpha = o.alpha ?? 0.05;
  const obsByIndex = new Map(observations.map((x) => [x.index, x]));
  const blocks = blocksOf(design);
  const observedA = design.schedule.map((u) => u.arm === 'A');
  const rows: UnitRow[] = design.schedule.map((u) => row(design, u, obsByIndex.get(u.index), o));
  const analysed = rows.filter((r) => r.when === 'past' && r.worked);
  const checked = analysed.length;
  const adherent = analysed.filter((r) => r.adherent).length;
  const results: OutcomeResult[] = design.outcomes.map((outcome, k) => {
    const itt: (number | null)[] = [];
    const pp: (number | null)[] = [];
    for (const r of rows) {
      const v = r.when === 'past' && r.worked ? (obsByIndex.get(r.index)?.values[outcome] ?? null) : null;
      itt.push(v);
      pp.push(r.adherent ? v : null);
    }
    const opts = { alpha, draws: o.draws, seed: (design.seed ^ (0x5bd1e995 * (k + 1))) >>> 0 };
    const ittR: ArmComparison = { ...randomizationTest(blocks, observedA, itt, opts), randomized: true };
    const ppR: ArmComparison = { ...randomizationTest(blocks, observedA, pp, opts), randomized: false };
    const mde = power.outcomes.find((x) => x.outcome === outcome)?.mde ?? null;
    return { outcome, label: OUTCOME_LABELS[outcome], itt: ittR, perProtocol: ppR, mde, reading: readResult(design, ittR, mde, alpha) };
  });
  const status: ExperimentStatus = o.stopped
    ? 'stopped'
    : o.pastBefore >= design.schedule.length
      ? 'finished'
      : o.pastBefore === 0 && o.currentIndex == null
        ? 'scheduled'
        : 'running';
  const current = o.currentIndex == null || o.stopped ? null : design.schedule[o.currentIndex];
  const notes: string[] = [];
  if (power.note) notes.push(power.note);
  const idle = rows.filter((r) => r.when === 'past' && r.worked === false).length;
  if (idle) notes.push(`${idle} past unit(s) with nothing recorded were treated as not worked and left out.`);
  if (checked - adherent)
    notes.push(
      `${checked - adherent} unit(s) deviated from their arm: intention-to-treat keeps them in their assigned arm; per-protocol leaves them out and is no longer protected by the randomization.`,
    );
  return {
    id,
    status,
    treatment: design.treatment,
    arms: design.arms,
    armInstructions: { A: armInstruction(design, 'A'), B: armInstruction(design, 'B') },
    unit: design.unit,
    startDay: design.schedule[0]!.day,
    endDay: design.schedule[design.schedule.length - 1]!.day,
    seed: design.seed,
    blockSize: design.blockSize,
    units: design.schedule.length,
    unitsAnalysed: checked,
    adherence: { checked, adherent, deviations: checked - adherent, rate: checked ? adherent / checked : null },
    today: current ? { arm: current.arm, instruction: armInstruction(design, current.arm) } : null,
    power,
    results,
    schedule: rows,
    alpha,
    notes,
  };
}

function row(design: ExperimentDesign, u: ScheduledUnit, obs: UnitObservation | undefined, o: AnalyseOptions): UnitRow {
  const when = u.index === o.currentIndex ? 'current' : u.index < o.pastBefore ? 'past' : 'future';
  if (when === 'future' || !obs) return { index: u.index, day: u.day, half: u.half, arm: u.arm, when, worked: null, adherent: null, deviation: null };
  const a = adherenceOf(design, u.arm, obs.usage);
  return { index: u.index, day: u.day, half: u.half, arm: u.arm, when, worked: obs.active, adherent: obs.active ? a.adherent : null, deviation: a.deviation };
}

function fmt(x: number): string {
  return Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(2);
}

/** One plain sentence: the estimate, its interval and p, and what it does not show. */
export function readResult(design: Pick<ExperimentDesign, 'arms'>, r: RandomizationResult, mde: number | null, alpha: number): string {
  if (r.estimate === null || r.p === null) return 'not enough units with a value in both arms yet';
  const ci =
    r.ciLow !== null && r.ciHigh !== null ? `, ${Math.round((1 - alpha) * 100)}% CI ${fmt(r.ciLow)} to ${fmt(r.ciHigh)}` : ', too few units for an interval';
  const head = `${design.arms.A} − ${design.arms.B}: ${r.estimate >= 0 ? '+' : ''}${fmt(r.estimate)} per unit${ci}, randomization p = ${r.p.toPrecision(2)}`;
  if (r.p <= alpha) return `${head}: a difference at the ${alpha} level`;
  const small = mde !== null ? `; the design could only reliably detect differences of about ${fmt(mde)} or more` : '';
  return `${head}: no difference shown (which is not evidence of no difference)${small}`;
}
