import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { isDayKey, isoWeekday, shiftDay, type DayKey } from '../core/day';
import {
  armInstruction,
  makeSchedule,
  OUTCOME_LABELS,
  OUTCOMES,
  specProblem,
  unitAt,
  type Arm,
  type ExperimentSpec,
  type OutcomeKey,
  type Treatment,
  type UnitKind,
} from '../core/experiments/design';
import { designPower } from '../core/experiments/power';
import { newSeed } from '../core/experiments/prng';
import { summarizeExperiment } from '../core/report/experiment';
import { activeExperiment, historicalSpread, listExperiments, saveExperiment, stopExperiment, type StoredExperiment } from '../core/store/experiments-repo';
import { Disposable, toDisposable } from './lifecycle';
import type { ProdLensServices } from './services';
import { configuredZone } from './time-zone';

export const START_COMMAND = 'prodlens.startExperiment';
export const STOP_COMMAND = 'prodlens.stopExperiment';
export const SHOW_COMMAND = 'prodlens.showExperiment';
const APPLIED_KEY = 'prodlens.experiment.applied';
const TICK_MS = 60_000;

/** Arguments that skip the matching QuickPick step (tests, keybindings). */
export interface StartArgs {
  treatment?: Treatment;
  arms?: { A: string; B: string };
  unit?: UnitKind;
  units?: number;
  outcomes?: OutcomeKey[];
  startDay?: string;
  seed?: number;
  workWeekdays?: number[];
}

interface Applied {
  experimentId: string;
  /** The unit whose arm was last applied and announced. */
  unitKey: string | null;
  /** The workspace value of editor.inlineSuggest.enabled before the experiment (undefined = unset). */
  previousInlineSuggest: boolean | null | undefined;
}

/** The experiment feature's test surface. */
export interface ExperimentsApi {
  active(): Promise<StoredExperiment | null>;
  /** Applies today's arm and shows the reminder now (instead of at the next minute's check). */
  tick(): Promise<void>;
  /** Reminders shown. */
  readonly reminders: string[];
}

/**
 * Self-experiments in VS Code: "Start an Experiment" asks what to compare, the unit, the length and the
 * outcomes, draws the schedule from a recorded seed and saves it; each unit's arm is applied where ProdLens
 * can (the workspace's editor.inlineSuggest.enabled) and announced by a non-modal reminder at the start of
 * the day (or half-day); "Stop Experiment" ends it early and restores the setting; "Show Experiment" opens
 * the report on the experiment's days.
 */
export class Experiments extends Disposable implements ExperimentsApi {
  readonly reminders: string[] = [];
  private ticking = false;

  constructor(private readonly services: ProdLensServices) {
    super();
    this._register(vscode.commands.registerCommand(START_COMMAND, (args?: StartArgs) => this.start(args ?? {})));
    this._register(vscode.commands.registerCommand(STOP_COMMAND, (args?: { confirm?: boolean }) => this.stop(args?.confirm !== false)));
    this._register(vscode.commands.registerCommand(SHOW_COMMAND, () => this.show()));
    const timer = setInterval(() => void this.tick(), TICK_MS);
    timer.unref?.();
    this._register(toDisposable(() => clearInterval(timer)));
    // Apply the arm of a running experiment soon after startup (the store opens lazily).
    const first = setTimeout(() => void this.tick(), 5000);
    first.unref?.();
    this._register(toDisposable(() => clearTimeout(first)));
  }

  async active(): Promise<StoredExperiment | null> {
    const store = await this.services.store();
    const zone = configuredZone();
    return activeExperiment(store, zone.dayOf(Date.now()));
  }

  private async start(args: StartArgs): Promise<StoredExperiment | undefined> {
    const running = await this.active();
    if (running) {
      const pick = await vscode.window.showWarningMessage(
        `An experiment is already running (until ${running.design.schedule[running.design.schedule.length - 1]!.day}).`,
        'Show Experiment',
        'Stop It',
      );
      if (pick === 'Show Experiment') await this.show();
      if (pick === 'Stop It') await this.stop(false);
      return undefined;
    }
    const spec = await this.askSpec(args);
    if (!spec) return undefined;
    const problem = specProblem(spec);
    if (problem) {
      void vscode.window.showErrorMessage(`ProdLens: cannot start the experiment: ${problem}.`);
      return undefined;
    }
    const design = makeSchedule(spec);
    const store = await this.services.store();
    const sds = historicalSpread(store, {
      startDay: design.startDay,
      unit: design.unit,
      timeZone: design.timeZone,
      workWeekdays: design.workWeekdays,
      outcomes: design.outcomes,
    });
    const power = designPower(design, sds);
    const experiment: StoredExperiment = { id: randomUUID(), createdAt: new Date().toISOString(), status: 'active', stoppedAt: null, design, power };
    saveExperiment(store, experiment);
    await store.flush();
    this.services.logger.info(
      `[experiments] started ${experiment.id}: ${design.treatment}, ${design.units} ${design.unit} units from ${design.startDay}, seed ${design.seed}`,
    );
    await this.services.context.workspaceState.update(APPLIED_KEY, {
      experimentId: experiment.id,
      unitKey: null,
      previousInlineSuggest: vscode.workspace.getConfiguration('editor').inspect<boolean>('inlineSuggest.enabled')?.workspaceValue,
    } satisfies Applied);
    const primary = power.outcomes[0]!;
    const mde =
      primary.mde !== null
        ? `it can detect a difference of about ${primary.mde.toFixed(2)} ${OUTCOME_LABELS[primary.outcome as OutcomeKey].toLowerCase()} per unit (80% power; ${primary.sdBasis})`
        : (power.note ?? `no detectable effect can be stated yet (${primary.sdBasis})`);
    void vscode.window
      .showInformationMessage(
        `ProdLens: experiment scheduled, ${design.units} ${design.unit === 'day' ? 'working days' : 'half-days'} from ${design.startDay} (seed ${design.seed}); ${mde}.`,
        'Show Experiment',
      )
      .then((p) => (p ? this.show() : undefined));
    await this.tick();
    return experiment;
  }

  private async askSpec(args: StartArgs): Promise<ExperimentSpec | undefined> {
    const zone = configuredZone();
    let treatment = args.treatment;
    let arms = args.arms;
    if (!treatment) {
      const pick = await vscode.window.showQuickPick(
        [
          {
            label: 'Inline completions on vs off',
            detail: "ProdLens switches this workspace's editor.inlineSuggest.enabled for you.",
            t: 'inline-completions' as const,
          },
          {
            label: 'AI agent on vs off',
            detail: 'Claude Code, Codex, Gemini CLI…: you follow the schedule; ProdLens records agent use on "off" units as deviations.',
            t: 'agent' as const,
          },
          { label: 'Model A vs model B', detail: 'You use the scheduled model; requests to the other are recorded as deviations.', t: 'model' as const },
        ],
        { title: 'Start an Experiment (1/4): what to compare', ignoreFocusOut: true },
      );
      if (!pick) return undefined;
      treatment = pick.t;
    }
    if (!arms) {
      if (treatment === 'model') {
        const a = await vscode.window.showInputBox({ title: 'Model A (a name or its start, e.g. claude-sonnet-4-5)', ignoreFocusOut: true });
        if (!a) return undefined;
        const b = await vscode.window.showInputBox({ title: 'Model B', ignoreFocusOut: true });
        if (!b) return undefined;
        arms = { A: a.trim(), B: b.trim() };
      } else arms = { A: 'on', B: 'off' };
    }
    let unit = args.unit;
    if (!unit) {
      const pick = await vscode.window.showQuickPick(
        [
          { label: 'Working days', detail: 'One arm per day, balanced in blocks of four days.', u: 'day' as const },
          {
            label: 'Half-days',
            detail: 'Morning and afternoon get different arms each day: twice the units in the same weeks, some carry-over.',
            u: 'half-day' as const,
          },
        ],
        { title: 'Start an Experiment (2/4): the unit', ignoreFocusOut: true },
      );
      if (!pick) return undefined;
      unit = pick.u;
    }
    let units = args.units;
    if (!units) {
      const per = unit === 'day' ? 5 : 10;
      const pick = await vscode.window.showQuickPick(
        [2, 3, 4, 6].map((w) => ({ label: `${w} weeks`, detail: `${w * per} ${unit === 'day' ? 'working days' : 'half-days'}`, n: w * per })),
        { title: 'Start an Experiment (3/4): the length', ignoreFocusOut: true },
      );
      if (!pick) return undefined;
      units = pick.n;
    }
    let outcomes = args.outcomes;
    if (!outcomes) {
      const picks = await vscode.window.showQuickPick(
        OUTCOMES.map((o, i) => ({ label: OUTCOME_LABELS[o], picked: i === 0, o })),
        { title: 'Start an Experiment (4/4): outcomes (the first is the primary one)', canPickMany: true, ignoreFocusOut: true },
      );
      if (!picks?.length) return undefined;
      outcomes = picks.map((p) => p.o);
    }
    const workWeekdays = args.workWeekdays ?? [1, 2, 3, 4, 5];
    let startDay: DayKey = args.startDay && isDayKey(args.startDay) ? args.startDay : zone.dayOf(Date.now());
    for (let i = 0; i < 7 && !workWeekdays.includes(isoWeekday(startDay)); i++) startDay = shiftDay(startDay, 1);
    return { treatment, arms, unit, units, outcomes, startDay, timeZone: zone.timeZone, seed: args.seed ?? newSeed(), workWeekdays };
  }

  /** Applies the current unit's arm and announces a new unit; ends a finished experiment. */
  async tick(): Promise<void> {
    if (this.ticking || this.isDisposed) return;
    this.ticking = true;
    try {
      const applied = this.services.context.workspaceState.get<Applied>(APPLIED_KEY);
      // Without an experiment started in this workspace, do not open the database just to look.
      if (!applied && !this.services.storeOpened) return;
      const e = await this.active();
      if (!e) {
        if (applied) {
          await this.restore(applied, 'The experiment has ended.');
          void vscode.window.showInformationMessage('ProdLens: the experiment has ended; its result is in the report.', 'Show Experiment').then(async (p) => {
            if (p) await this.show();
          });
        }
        return;
      }
      const now = Date.now();
      const unit = unitAt(e.design, now);
      if (!unit) return;
      const key = `${e.id}:${unit.index}`;
      if (applied?.experimentId === e.id && applied.unitKey === key) return;
      await this.apply(e, unit.arm);
      await this.services.context.workspaceState.update(APPLIED_KEY, {
        ...(applied ?? { previousInlineSuggest: undefined }),
        experimentId: e.id,
        unitKey: key,
      } satisfies Applied);
      const n = e.design.schedule.length;
      const what = e.design.unit === 'day' ? 'today' : unit.half === 'am' ? 'this morning' : 'this afternoon';
      const message = `ProdLens experiment, unit ${unit.index + 1} of ${n}: ${what} is ${unit.arm} — ${armInstruction(e.design, unit.arm)}.`;
      this.reminders.push(message);
      void vscode.window.showInformationMessage(message, 'Show Experiment', 'Stop Experiment').then(async (p) => {
        if (p === 'Show Experiment') await this.show();
        if (p === 'Stop Experiment') await this.stop(true);
      });
    } catch (err) {
      this.services.logger.warn(`[experiments] ${(err as Error).message}`);
    } finally {
      this.ticking = false;
    }
  }

  private async apply(e: StoredExperiment, arm: Arm): Promise<void> {
    if (e.design.treatment !== 'inline-completions') return;
    const on = e.design.arms[arm] === 'on';
    await vscode.workspace.getConfiguration('editor').update('inlineSuggest.enabled', on, vscode.ConfigurationTarget.Workspace);
  }

  private async restore(applied: Applied, why: string): Promise<void> {
    await this.services.context.workspaceState.update(APPLIED_KEY, undefined);
    await vscode.workspace
      .getConfiguration('editor')
      .update('inlineSuggest.enabled', applied.previousInlineSuggest ?? undefined, vscode.ConfigurationTarget.Workspace);
    this.services.logger.info(`[experiments] ${why} Restored editor.inlineSuggest.enabled.`);
  }

  private async stop(confirm: boolean): Promise<boolean> {
    const e = await this.active();
    if (!e) {
      void vscode.window.showInformationMessage('ProdLens: no experiment is running.');
      return false;
    }
    if (confirm) {
      const ok = await vscode.window.showWarningMessage('Stop the experiment? Units so far stay in the analysis (it is marked stopped).', 'Stop Experiment');
      if (ok !== 'Stop Experiment') return false;
    }
    const store = await this.services.store();
    stopExperiment(store, e.id, new Date().toISOString());
    await store.flush();
    const applied = this.services.context.workspaceState.get<Applied>(APPLIED_KEY);
    if (applied) await this.restore(applied, 'Experiment stopped.');
    return true;
  }

  private async show(): Promise<void> {
    const store = await this.services.store();
    const zone = configuredZone();
    const latest = activeExperiment(store, zone.dayOf(Date.now())) ?? listExperiments(store)[0] ?? null;
    if (!latest) {
      const p = await vscode.window.showInformationMessage('ProdLens: no experiment yet.', 'Start an Experiment');
      if (p) await vscode.commands.executeCommand(START_COMMAND);
      return;
    }
    const s = summarizeExperiment(store, latest, Date.now());
    await vscode.commands.executeCommand('prodlens.showReportForPeriod', { since: s.startDay, until: s.endDay });
  }
}

export function registerExperiments(services: ProdLensServices): Experiments {
  return new Experiments(services);
}
