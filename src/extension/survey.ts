import * as vscode from 'vscode';
import { decideSurvey, type SurveyHistory } from '../core/survey/policy';
import { surveyEvent, type FasterWithoutAi } from '../core/survey/answer';
import { surveyCandidates, type SurveyCandidate } from '../core/store/survey-reader';
import { readConfig } from './config';
import { Disposable, toDisposable } from './lifecycle';
import type { ProdLensServices } from './services';
import { configuredZone } from './time-zone';

const STATE_KEY = 'prodlens.survey.history';
const CHECK_MS = 60_000;
/** How far back a moment may lie (older ones are stale anyway). */
const LOOKBACK_MS = 2 * 3_600_000;
/** An agent session needs this many requests to be worth a question. */
const MIN_REQUESTS = 3;
/** The second question waits this long for an answer before the first is stored alone. */
const SECOND_QUESTION_MS = 120_000;

interface StoredHistory {
  askedMs: number[];
  askedKeys: string[];
  snoozedUntilMs: number | null;
}

/** What the survey showed and stored (integration tests read it). */
export interface SurveyApi {
  /** Looks for moments and asks now (instead of waiting for the next minute's check). */
  checkNow(): Promise<void>;
  /** Questions shown: the moment's key and the message. */
  readonly shown: Array<{ key: string; message: string }>;
  /** Resolves when the question about `key` has been answered and stored (or dismissed). */
  settled(key: string): Promise<void>;
}

/**
 * Experience sampling: after an agent session ends (quiet for a few minutes) or a larger AI insertion is
 * kept, a non-modal notification asks how productive it was (1–5) and whether it would have been faster
 * without AI. Never while typing, at most a few a day, never in quiet hours or while snoozed, off unless
 * turned on. Answers are stored as events of kind 'survey' tied to the session.
 */
export class SurveyMonitor extends Disposable implements SurveyApi {
  readonly shown: Array<{ key: string; message: string }> = [];
  private lastTypingMs: number | null = null;
  private running = false;
  private retry: NodeJS.Timeout | undefined;
  private readonly settling = new Map<string, Promise<void>>();

  constructor(private readonly services: ProdLensServices) {
    super();
    this._register(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.scheme === 'file' || e.document.uri.scheme === 'untitled') this.lastTypingMs = Date.now();
      }),
    );
    const timer = setInterval(() => void this.checkNow(), CHECK_MS);
    timer.unref?.();
    this._register(
      toDisposable(() => {
        clearInterval(timer);
        if (this.retry) clearTimeout(this.retry);
      }),
    );
  }

  settled(key: string): Promise<void> {
    return this.settling.get(key) ?? Promise.resolve();
  }

  private history(): StoredHistory {
    return this.services.context.workspaceState.get<StoredHistory>(STATE_KEY) ?? { askedMs: [], askedKeys: [], snoozedUntilMs: null };
  }

  private async saveHistory(h: StoredHistory): Promise<void> {
    await this.services.context.workspaceState.update(STATE_KEY, {
      askedMs: h.askedMs.slice(-50),
      askedKeys: h.askedKeys.slice(-500),
      snoozedUntilMs: h.snoozedUntilMs,
    });
  }

  async checkNow(): Promise<void> {
    const cfg = readConfig().survey;
    if (!cfg.enabled || this.running || this.isDisposed) return;
    this.running = true;
    try {
      const store = await this.services.store();
      const now = Date.now();
      const candidates = surveyCandidates(store, {
        sinceMs: now - LOOKBACK_MS,
        nowMs: now,
        idleMs: cfg.sessionIdleMinutes * 60_000,
        minRequests: MIN_REQUESTS,
        minLines: cfg.minInsertionLines,
      });
      const stored = this.history();
      const history: SurveyHistory = { askedMs: stored.askedMs, askedKeys: new Set(stored.askedKeys), snoozedUntilMs: stored.snoozedUntilMs };
      const zone = configuredZone();
      // The newest moment first: the question is about what just happened.
      for (const c of candidates.reverse()) {
        const d = decideSurvey({ ...c, lines: c.lines ?? undefined }, cfg, history, now, this.lastTypingMs, zone);
        if (d.ask) {
          stored.askedMs.push(now);
          stored.askedKeys.push(c.key);
          await this.saveHistory(stored);
          const done = this.ask(c).catch((err: Error) => this.services.logger.warn(`[survey] ${err.message}`));
          this.settling.set(c.key, done);
          return;
        }
        if (d.reason === 'typing' || d.reason === 'too-soon') {
          // Come back when the keyboard has been idle long enough.
          if (this.retry) clearTimeout(this.retry);
          this.retry = setTimeout(() => void this.checkNow(), Math.max(1000, (d.retryAtMs ?? now + CHECK_MS) - now));
          this.retry.unref?.();
          return;
        }
        if (d.reason === 'snoozed' || d.reason === 'quiet-hours' || d.reason === 'daily-limit' || d.reason === 'disabled') return;
      }
    } finally {
      this.running = false;
    }
  }

  private async ask(c: SurveyCandidate): Promise<void> {
    const what = c.kind === 'agent-session-end' ? `that ${c.agent ? `${agentName(c.agent)} ` : 'agent '}session` : `that AI insertion (${c.lines} lines)`;
    const message = `ProdLens: how productive was ${what}? (1 = not at all, 5 = very)`;
    this.shown.push({ key: c.key, message });
    const pick = await vscode.window.showInformationMessage(message, '1', '2', '3', '4', '5', 'Snooze…');
    if (pick === undefined) return;
    if (pick === 'Snooze…') return this.snooze();
    const productivity = Number(pick);
    const faster = await Promise.race([
      vscode.window.showInformationMessage('ProdLens: would it have been faster without AI?', 'Yes', 'No', 'Same'),
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), SECOND_QUESTION_MS).unref?.()),
    ]);
    const fasterWithoutAi = faster ? (faster.toLowerCase() as FasterWithoutAi) : null;
    const store = await this.services.store();
    await store.ingest({
      events: [
        surveyEvent({
          atMs: Date.now(),
          trigger: c.kind,
          key: c.key,
          sessionId: c.sessionId,
          agent: c.agent,
          repoSlug: c.repoSlug,
          developerId: c.developerId,
          productivity,
          fasterWithoutAi,
        }),
      ],
      metrics: [],
      rejects: [],
    });
    this.services.logger.info(`[survey] answer stored (${c.kind})`);
  }

  private async snooze(): Promise<void> {
    const choice = await vscode.window.showQuickPick(
      [
        { label: 'For an hour', ms: 3_600_000 },
        { label: 'For the rest of the day', ms: -1 },
        { label: 'Turn the questions off', ms: 0 },
      ],
      { title: 'ProdLens questions' },
    );
    if (!choice) return;
    if (choice.ms === 0) {
      await vscode.workspace.getConfiguration('prodlens').update('survey.enabled', false, vscode.ConfigurationTarget.Global);
      return;
    }
    const h = this.history();
    const zone = configuredZone();
    const now = Date.now();
    h.snoozedUntilMs = choice.ms > 0 ? now + choice.ms : zone.startOf(zone.dayOf(now + 86_400_000));
    await this.saveHistory(h);
  }
}

function agentName(agent: string): string {
  const names: Record<string, string> = { 'claude-code': 'Claude Code', codex: 'Codex', 'gemini-cli': 'Gemini CLI', copilot: 'Copilot' };
  return names[agent] ?? agent;
}

export function registerSurvey(services: ProdLensServices): SurveyMonitor {
  return new SurveyMonitor(services);
}
