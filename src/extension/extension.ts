import * as vscode from 'vscode';
import { registerCollector, type CollectorFeature } from './collector';
import { registerEditorCapture, type EditorCapture, type EditorCaptureApi } from './editor-capture';
import { registerExperiments, type ExperimentsApi } from './experiments';
import { registerSurvey, type SurveyApi } from './survey';
import { registerPresence, type PresenceTracker } from './presence';
import { registerBudget, type BudgetMonitor } from './budget';
import { registerExport } from './export';
import { registerImportCommand } from './import-command';
import { registerLiteLlm, type LiteLlmApi } from './litellm';
import { channelLogger } from './logger';
import { registerOutcomes, type OutcomesApi } from './outcomes';
import { registerReportPanel, type ReportPanels } from './report-panel';
import { ProdLensServices } from './services';
import { StatusBar } from './status-bar';
import { registerStorageMarker } from './storage-marker';
import { registerTranscripts } from './transcripts';
import { registerViews, type ProdLensViews } from './views';
import { registerWalkthrough } from './walkthrough';

let services: ProdLensServices | undefined;
let collector: CollectorFeature | undefined;
let editorCapture: EditorCapture | undefined;
let presence: PresenceTracker | undefined;

/**
 * Activation only wires objects and registers commands; the database (sql.js WASM) opens on first use.
 * Each feature lives in its own file and registers itself here.
 */
export function activate(context: vscode.ExtensionContext): ProdLensApi {
  const channel = vscode.window.createOutputChannel('ProdLens', { log: true });
  context.subscriptions.push(channel);
  services = new ProdLensServices(context, channelLogger(channel));
  context.subscriptions.push(services);
  const statusBar = new StatusBar(services);
  context.subscriptions.push(statusBar);
  context.subscriptions.push(vscode.commands.registerCommand('prodlens.showLog', () => channel.show(true)));
  context.subscriptions.push(registerImportCommand(services));
  context.subscriptions.push(registerTranscripts(services, statusBar));
  const outcomes = registerOutcomes(services);
  context.subscriptions.push(outcomes);
  context.subscriptions.push((editorCapture = registerEditorCapture(services)));
  context.subscriptions.push((presence = registerPresence(services)));
  const reports = registerReportPanel(services);
  context.subscriptions.push(reports);
  context.subscriptions.push((collector = registerCollector(services, statusBar)));
  context.subscriptions.push(registerExport(services));
  const litellm = registerLiteLlm(services);
  context.subscriptions.push(litellm);
  context.subscriptions.push(registerWalkthrough(context));
  context.subscriptions.push(registerStorageMarker(context, (m) => services?.logger.warn(`[extension] ${m}`)));
  const budget = registerBudget(services, statusBar);
  context.subscriptions.push(budget);
  const c = collector;
  const views = registerViews(services, () => c.liveSources(), budget);
  context.subscriptions.push(views);
  const experiments = registerExperiments(services);
  context.subscriptions.push(experiments);
  const survey = registerSurvey(services);
  context.subscriptions.push(survey);
  services.logger.info('[extension] activated');
  return { services, statusBar, editorCapture, outcomes, reports, collector, views, budget, litellm, experiments, survey, presence };
}

/** Flushes the database snapshot before the extension host exits. */
export async function deactivate(): Promise<void> {
  // Stop accepting (requests in flight finish their ingest) before the database closes.
  await collector?.shutdown().catch(() => undefined);
  collector = undefined;
  // Editor regions get their last (close) measurement written while the store is still open.
  await editorCapture?.shutdown().catch(() => undefined);
  editorCapture = undefined;
  // The last minutes of editor presence, while the store is still open.
  await presence?.flush().catch(() => undefined);
  presence = undefined;
  await services?.shutdown();
  services = undefined;
}

/** Returned from activate(); integration tests reach the running services through it. */
export interface ProdLensApi {
  services: ProdLensServices;
  statusBar: StatusBar;
  /** Editor capture's test surface (see EditorCaptureApi). */
  editorCapture: EditorCaptureApi;
  /** The outcome sync's test surface (see OutcomesApi). */
  outcomes: OutcomesApi;
  /** The report panel (integration tests reach the open panel through it). */
  reports: ReportPanels;
  /** The collector feature (its running server's port and health). */
  collector: CollectorFeature;
  /** The ProdLens views in the activity bar (integration tests read their rows). */
  views: ProdLensViews;
  /** Budgets: their statuses and the warnings shown. */
  budget: BudgetMonitor;
  /** The opt-in LiteLLM proxy pull (store a key without the input box, run a sync). */
  litellm: LiteLlmApi;
  /** Self-experiments: the running one, its reminders, a tick on demand. */
  experiments: ExperimentsApi;
  /** Experience sampling: questions shown, a check on demand. */
  survey: SurveyApi;
  /** Editor presence (active minutes); `flush()` writes the minutes seen so far. */
  presence: PresenceTracker;
}
