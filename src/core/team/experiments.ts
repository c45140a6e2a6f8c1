/**
 * Self-experiments across the team (docs/team.md, docs/experiments.md): the `experiment_units` of every
 * device, with what each unit recorded (sql.ts `experimentUnitsSql`), grouped by design — the same
 * treatment, arm labels and unit kind. Every developer's experiment is analysed on its own (intention-to-
 * treat randomization test, as the personal report does); a design run by two or more developers is also
 * pooled with `pooledRandomizationTest`, which re-randomizes each developer's blocks independently, exactly
 * as they were drawn, so each developer's baseline cancels and the pooled p stays valid. Pure: no I/O.
 */
import { adherenceOf, type UnitUsage } from '../experiments/adherence';
import { OUTCOME_LABELS, type Arm, type ExperimentDesign } from '../experiments/design';
import { pooledRandomizationTest, type DeveloperExperiment } from '../experiments/pooled';
import { randomizationTest, type RandomizationResult } from '../experiments/randomization';
import type { ExperimentModelRow, ExperimentUnitRow } from '../store/team-lake-sql';

/** The outcomes the lake holds per unit (the rating is a survey answer and is not exported). */
export const TEAM_EXPERIMENT_OUTCOMES = ['commits', 'lines_changed', 'accepted_lines', 'ai_cost_usd'] as const;
export type TeamExperimentOutcome = (typeof TEAM_EXPERIMENT_OUTCOMES)[number];
/** Fewest developers for a pooled analysis. */
export const MIN_POOLED_DEVELOPERS = 2;

export interface EffectEstimate {
  outcome: TeamExperimentOutcome;
  label: string;
  /** Units with a value in arm A / arm B. */
  nA: number;
  nB: number;
  /** mean(A) − mean(B) per unit; null when an arm has no value. */
  estimate: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  p: number | null;
  exact: boolean;
}

export interface TeamExperimentRun {
  developer: string;
  device: string;
  experiment: string;
  status: string;
  firstDay: string;
  lastDay: string;
  units: number;
  /** Ended units with anything recorded (the units analysed). */
  unitsAnalysed: number;
  adherence: { checked: number; adherent: number; rate: number | null };
  results: EffectEstimate[];
}

export interface TeamExperimentDesign {
  treatment: string;
  arms: { A: string; B: string };
  unit: string;
  /** Distinct developers who ran it. */
  developers: number;
  runs: TeamExperimentRun[];
  /** The pooled analysis; null when fewer than MIN_POOLED_DEVELOPERS developers ran the design. */
  pooled: EffectEstimate[] | null;
  reason: string | null;
}

export interface TeamExperiments {
  method: string;
  alpha: number;
  minDevelopers: number;
  outcomes: TeamExperimentOutcome[];
  designs: TeamExperimentDesign[];
}

export interface TeamExperimentOptions {
  alpha?: number;
  draws?: number;
}

const LABELS: Record<TeamExperimentOutcome, string> = {
  commits: OUTCOME_LABELS.commits,
  lines_changed: OUTCOME_LABELS.lines_changed,
  accepted_lines: OUTCOME_LABELS.accepted_lines,
  ai_cost_usd: OUTCOME_LABELS.ai_cost_usd,
};

function valueOf(r: ExperimentUnitRow, o: TeamExperimentOutcome): number {
  return o === 'ai_cost_usd' ? r.cost_usd : r[o];
}

function estimateOf(outcome: TeamExperimentOutcome, r: RandomizationResult): EffectEstimate {
  return { outcome, label: LABELS[outcome], nA: r.nA, nB: r.nB, estimate: r.estimate, ciLow: r.ciLow, ciHigh: r.ciHigh, p: r.p, exact: r.exact };
}

interface Prepared {
  run: Omit<TeamExperimentRun, 'results'>;
  data: Record<TeamExperimentOutcome, DeveloperExperiment>;
}

function prepare(units: ExperimentUnitRow[], models: Map<number, Record<string, number>>): Prepared {
  const first = units[0]!;
  const arms = { A: units.find((u) => u.arm === 'A')?.arm_label ?? '', B: units.find((u) => u.arm === 'B')?.arm_label ?? '' };
  const design = { treatment: first.treatment as ExperimentDesign['treatment'], arms };
  const byBlock = new Map<number, number[]>();
  units.forEach((u, i) => byBlock.set(u.block, [...(byBlock.get(u.block) ?? []), i]));
  const blocks = [...byBlock.values()];
  const armsA = units.map((u) => u.arm === 'A');
  let checked = 0;
  let adherent = 0;
  const worked = units.map((u) => {
    const w = u.ended && (u.events > 0 || u.commits > 0);
    if (w) {
      checked++;
      const usage: UnitUsage = { agentRequests: u.agent_requests, editorInsertions: u.editor_insertions, models: models.get(u.unit_index) ?? {} };
      if (adherenceOf(design, u.arm as Arm, usage).adherent) adherent++;
    }
    return w;
  });
  const data = {} as Record<TeamExperimentOutcome, DeveloperExperiment>;
  for (const o of TEAM_EXPERIMENT_OUTCOMES) data[o] = { blocks, armsA, y: units.map((u, i) => (worked[i] ? valueOf(u, o) : null)) };
  const developer = units.find((u) => u.developer_id)?.developer_id ?? `device ${first.device_id}`;
  return {
    run: {
      developer,
      device: first.device_id,
      experiment: first.experiment_id,
      status: first.status,
      firstDay: units[0]!.day,
      lastDay: units[units.length - 1]!.day,
      units: units.length,
      unitsAnalysed: checked,
      adherence: { checked, adherent, rate: checked ? adherent / checked : null },
    },
    data,
  };
}

/** The team's experiments by design; null when the lake holds no experiment units. */
export function buildTeamExperiments(
  rows: readonly ExperimentUnitRow[],
  modelRows: readonly ExperimentModelRow[],
  o: TeamExperimentOptions = {},
): TeamExperiments | null {
  if (rows.length === 0) return null;
  const alpha = o.alpha ?? 0.05;
  const opts = (k: number) => ({ alpha, draws: o.draws, seed: 0x9e3779b1 ^ (k + 1) });
  const runs = new Map<string, ExperimentUnitRow[]>();
  for (const r of rows) {
    const key = `${r.device_id}\u0000${r.experiment_id}`;
    const list = runs.get(key) ?? [];
    list.push(r);
    runs.set(key, list);
  }
  const models = new Map<string, Map<number, Record<string, number>>>();
  for (const m of modelRows) {
    const key = `${m.device_id}\u0000${m.experiment_id}`;
    const perUnit = models.get(key) ?? new Map<number, Record<string, number>>();
    const rec = perUnit.get(m.unit_index) ?? {};
    rec[m.model] = (rec[m.model] ?? 0) + m.requests;
    perUnit.set(m.unit_index, rec);
    models.set(key, perUnit);
  }
  const designs = new Map<string, { treatment: string; arms: { A: string; B: string }; unit: string; prepared: Prepared[] }>();
  for (const [key, units] of runs) {
    units.sort((a, b) => a.unit_index - b.unit_index);
    const p = prepare(units, models.get(key) ?? new Map());
    const arms = { A: units.find((u) => u.arm === 'A')?.arm_label ?? '', B: units.find((u) => u.arm === 'B')?.arm_label ?? '' };
    const dkey = JSON.stringify([units[0]!.treatment, arms.A, arms.B, units[0]!.unit_kind]);
    const d = designs.get(dkey) ?? { treatment: units[0]!.treatment, arms, unit: units[0]!.unit_kind, prepared: [] };
    d.prepared.push(p);
    designs.set(dkey, d);
  }
  const out: TeamExperimentDesign[] = [];
  for (const d of designs.values()) {
    d.prepared.sort((a, b) => a.run.developer.localeCompare(b.run.developer) || a.run.firstDay.localeCompare(b.run.firstDay));
    const developers = new Set(d.prepared.map((p) => p.run.developer)).size;
    const runsOut = d.prepared.map((p) => ({
      ...p.run,
      results: TEAM_EXPERIMENT_OUTCOMES.map((oc, k) => {
        const x = p.data[oc];
        return estimateOf(oc, randomizationTest(x.blocks, x.armsA, x.y, opts(k)));
      }),
    }));
    const pooled =
      developers >= MIN_POOLED_DEVELOPERS
        ? TEAM_EXPERIMENT_OUTCOMES.map((oc, k) =>
            estimateOf(
              oc,
              pooledRandomizationTest(
                d.prepared.map((p) => p.data[oc]),
                opts(k),
              ),
            ),
          )
        : null;
    out.push({
      treatment: d.treatment,
      arms: d.arms,
      unit: d.unit,
      developers,
      runs: runsOut,
      pooled,
      reason: pooled ? null : `run by ${developers} developer(s); pooling needs ${MIN_POOLED_DEVELOPERS} or more`,
    });
  }
  out.sort((a, b) => b.developers - a.developers || a.treatment.localeCompare(b.treatment) || a.arms.A.localeCompare(b.arms.A));
  return {
    method:
      'intention-to-treat randomization test per developer; designs run by several developers pooled, every developer’s blocks re-randomized independently (src/core/experiments/pooled.ts)',
    alpha,
    minDevelopers: MIN_POOLED_DEVELOPERS,
    outcomes: [...TEAM_EXPERIMENT_OUTCOMES],
    designs: out,
  };
}
