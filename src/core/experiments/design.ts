/**
 * A self-experiment's design: what is compared, the unit (working day or half-day), and the schedule drawn
 * up front from a recorded seed by block randomization (every block of consecutive units holds both arms
 * equally often), so the arms stay balanced over weeks and a weekly pattern cannot favour one arm.
 */
import { DayZone, isoWeekday, shiftDay, type DayKey } from '../day';
import { SeededRandom } from './prng';

/** What the experiment switches. Arm A is "on" (or model A), arm B "off" (or model B). */
export const TREATMENTS = ['inline-completions', 'agent', 'model'] as const;
export type Treatment = (typeof TREATMENTS)[number];

export const UNIT_KINDS = ['day', 'half-day'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/** Per-unit outcome measures the analysis can compare. */
export const OUTCOMES = ['commits', 'lines_changed', 'accepted_lines', 'ai_cost_usd', 'rating'] as const;
export type OutcomeKey = (typeof OUTCOMES)[number];

export const OUTCOME_LABELS: Record<OutcomeKey, string> = {
  commits: 'Commits',
  lines_changed: 'Lines changed in commits',
  accepted_lines: 'Accepted AI lines',
  ai_cost_usd: 'AI cost (USD)',
  rating: 'Productivity rating (1–5)',
};

export type Arm = 'A' | 'B';

export interface ExperimentSpec {
  treatment: Treatment;
  /** Labels of the arms: `on`/`off` for switches, the model names for a model comparison. */
  arms: { A: string; B: string };
  unit: UnitKind;
  /** Number of units (working days, or half-days: two per working day). */
  units: number;
  /** First day (local, in `timeZone`); non-working days are skipped. */
  startDay: DayKey;
  timeZone: string;
  /** The first is the primary outcome; the others are secondary. */
  outcomes: OutcomeKey[];
  seed: number;
  /** Units per randomization block (even, 2–8). Default: 4 for days, 2 (one day's morning and afternoon) for half-days. */
  blockSize?: number;
  /** ISO weekdays worked (1 = Monday … 7 = Sunday). Default Monday–Friday. */
  workWeekdays?: number[];
}

export interface ScheduledUnit {
  index: number;
  day: DayKey;
  /** Morning or afternoon of a half-day unit; null for a whole day. */
  half: 'am' | 'pm' | null;
  block: number;
  arm: Arm;
}

export interface ExperimentDesign extends Required<Omit<ExperimentSpec, 'workWeekdays'>> {
  workWeekdays: number[];
  schedule: ScheduledUnit[];
}

export const MAX_BLOCK_SIZE = 8;

export function defaultBlockSize(unit: UnitKind): number {
  return unit === 'day' ? 4 : 2;
}

/** Checks a spec; returns the reason it cannot be run, or null. */
export function specProblem(spec: ExperimentSpec): string | null {
  if (!Number.isInteger(spec.units) || spec.units < 4) return 'an experiment needs at least 4 units';
  if (spec.units > 400) return 'an experiment has at most 400 units';
  const b = spec.blockSize ?? defaultBlockSize(spec.unit);
  if (!Number.isInteger(b) || b < 2 || b > MAX_BLOCK_SIZE || b % 2) return `the block size must be even, 2–${MAX_BLOCK_SIZE}`;
  if (!spec.outcomes.length) return 'choose at least one outcome';
  if (spec.arms.A === spec.arms.B) return 'the two arms must differ';
  if (!Number.isInteger(spec.seed) || spec.seed < 0) return 'the seed must be a non-negative integer';
  return null;
}

/**
 * Draws the schedule. The same spec (seed included) always gives the same schedule: the seed is recorded
 * with the design so anyone can rebuild and check it.
 */
export function makeSchedule(spec: ExperimentSpec): ExperimentDesign {
  const problem = specProblem(spec);
  if (problem) throw new RangeError(problem);
  const blockSize = spec.blockSize ?? defaultBlockSize(spec.unit);
  const workWeekdays = spec.workWeekdays?.length ? [...spec.workWeekdays].sort((a, b) => a - b) : [1, 2, 3, 4, 5];
  const slots: Array<{ day: DayKey; half: 'am' | 'pm' | null }> = [];
  for (let day = spec.startDay, guard = 0; slots.length < spec.units && guard < 5000; day = shiftDay(day, 1), guard++) {
    if (!workWeekdays.includes(isoWeekday(day))) continue;
    if (spec.unit === 'day') slots.push({ day, half: null });
    else {
      slots.push({ day, half: 'am' });
      if (slots.length < spec.units) slots.push({ day, half: 'pm' });
    }
  }
  const rng = new SeededRandom(spec.seed);
  const schedule: ScheduledUnit[] = [];
  for (let start = 0, block = 0; start < slots.length; start += blockSize, block++) {
    const k = Math.min(blockSize, slots.length - start);
    const arms: Arm[] = [];
    for (let i = 0; i < Math.floor(k / 2); i++) arms.push('A', 'B');
    // An odd last block: its extra unit's arm is drawn too, so the design stays symmetric in A and B.
    if (k % 2) arms.push(rng.next() < 0.5 ? 'A' : 'B');
    rng.shuffle(arms);
    for (let i = 0; i < k; i++) schedule.push({ index: start + i, ...slots[start + i]!, block, arm: arms[i]! });
  }
  return { ...spec, blockSize, workWeekdays, schedule };
}

/** The instants a unit covers: [startMs, endMs), local midnight to midnight, or split at local noon. */
export function unitInterval(
  design: Pick<ExperimentDesign, 'timeZone'>,
  unit: Pick<ScheduledUnit, 'day' | 'half'>,
  zone = new DayZone(design.timeZone),
): { startMs: number; endMs: number } {
  const start = zone.startOf(unit.day);
  const end = zone.startOf(shiftDay(unit.day, 1));
  if (unit.half === null) return { startMs: start, endMs: end };
  const noon = start + 12 * 3_600_000;
  return unit.half === 'am' ? { startMs: start, endMs: noon } : { startMs: noon, endMs: end };
}

/** The unit running at an instant, or null (a weekend, before the start, after the end). */
export function unitAt(design: ExperimentDesign, ms: number, zone = new DayZone(design.timeZone)): ScheduledUnit | null {
  const day = zone.dayOf(ms);
  for (const u of design.schedule) {
    if (u.day !== day) continue;
    const { startMs, endMs } = unitInterval(design, u, zone);
    if (ms >= startMs && ms < endMs) return u;
  }
  return null;
}

/** What the developer should do in an arm, in words ("inline completions on", "use model claude-opus-4"). */
export function armInstruction(design: Pick<ExperimentDesign, 'treatment' | 'arms'>, arm: Arm): string {
  const label = design.arms[arm];
  switch (design.treatment) {
    case 'inline-completions':
      return `inline completions ${label}`;
    case 'agent':
      return label === 'off' ? 'no AI agent (do the work without Claude Code, Codex, Gemini CLI, …)' : 'AI agents allowed';
    case 'model':
      return `use model ${label}`;
  }
}

/** Randomization blocks of the schedule: unit indexes per block. */
export function blocksOf(design: Pick<ExperimentDesign, 'schedule'>): number[][] {
  const blocks: number[][] = [];
  for (const u of design.schedule) (blocks[u.block] ??= []).push(u.index);
  return blocks;
}
