import * as vscode from 'vscode';
import { DEFAULT_COLLECTOR_PORT } from '../collector/options';
import type { PriceOverrides } from '../core/pricing';
import { DEFAULT_SURVEY_SETTINGS, type SurveySettings } from '../core/survey/policy';

/**
 * The one typed reader of ProdLens settings (declared in package.json `contributes.configuration`).
 * Features add their settings here and in package.json together.
 */
export interface ProdLensConfig {
  prices: PriceOverrides;
  collector: CollectorConfig;
  transcripts: { enabled: boolean; includeAllProjects: boolean };
  git: {
    /** `prodlens.git.autoSync`: read the workspace's git history after startup and daily. */
    autoSync: boolean;
    /** VS Code's own `git.path` (first entry), else `git` on PATH. */
    path: string;
  };
  github: {
    /** `prodlens.github.apiUrl`: REST API root; empty means https://api.github.com. */
    apiUrl: string;
    /** `prodlens.github.backgroundSync`: sync pull requests daily without being asked. */
    backgroundSync: boolean;
  };
  editor: EditorCaptureConfig;
  /** Options of the report's correlations (`analysis` of buildReport). */
  report: { lags: number[]; minPairs: number };
  export: {
    /** Replace identities by HMAC pseudonyms keyed with the team secret (SecretStorage). */
    pseudonymize: boolean;
  };
  litellm: {
    /** `prodlens.litellm.proxyUrl` (user setting only): the team proxy to pull spend logs from; empty = off. */
    proxyUrl: string;
  };
  /** `prodlens.developerId`: the developer's identity on rows whose source names none; empty = git user.email. */
  developerId: string;
  /** `prodlens.budget.*`: limits per local day, week and month (0 = none). */
  budget: { unit: 'usd' | 'tokens'; daily: number; weekly: number; monthly: number };
  /** `prodlens.survey.*`: experience sampling (off unless turned on). */
  survey: SurveySettings & { sessionIdleMinutes: number };
}

/** `prodlens.editor.*`: editor capture of AI insertions. */
export interface EditorCaptureConfig {
  capture: boolean;
  exclude: string[];
  minInsertionChars: number;
  acceptThreshold: number;
}

/** `prodlens.collector.*`: the local OTLP/HTTP collector and the terminal environment pointing at it. */
export interface CollectorConfig {
  enabled: boolean;
  /** 0 = any free port; a busy port falls back to a free one. */
  port: number;
  protocol: 'http/protobuf' | 'http/json';
  /** Whether new integrated terminals get the agents' telemetry environment. */
  terminalEnvironment: boolean;
}

export function readConfig(scope?: vscode.ConfigurationScope): ProdLensConfig {
  const c = vscode.workspace.getConfiguration('prodlens', scope);
  const gitPath = vscode.workspace.getConfiguration('git', scope).get<string | string[] | null>('path');
  return {
    prices: c.get<PriceOverrides>('prices.overrides', {}),
    collector: {
      enabled: c.get<boolean>('collector.enabled', true),
      port: clampPort(c.get<number>('collector.port', DEFAULT_COLLECTOR_PORT)),
      protocol: c.get<string>('collector.protocol') === 'http/json' ? 'http/json' : 'http/protobuf',
      terminalEnvironment: c.get<boolean>('collector.terminalEnvironment', true),
    },
    transcripts: {
      enabled: c.get<boolean>('transcripts.enabled', true),
      includeAllProjects: c.get<boolean>('transcripts.includeAllProjects', false),
    },
    git: {
      autoSync: c.get<boolean>('git.autoSync', true),
      path: (Array.isArray(gitPath) ? gitPath.find((p) => typeof p === 'string' && p) : gitPath) || 'git',
    },
    github: {
      apiUrl: c.get<string>('github.apiUrl', '').trim() || 'https://api.github.com',
      backgroundSync: c.get<boolean>('github.backgroundSync', false),
    },
    editor: {
      capture: c.get<boolean>('editor.capture', true),
      exclude: c.get<string[]>('editor.exclude', []).filter((g) => typeof g === 'string' && g.trim()),
      minInsertionChars: clamp(c.get<number>('editor.minInsertionChars', 8), 1, 1000, 8),
      acceptThreshold: clamp(c.get<number>('editor.acceptThreshold', 0.7), 0, 1, 0.7),
    },
    report: {
      lags: reportLags(c.get<unknown>('report.lags')),
      minPairs: reportMinPairs(c.get<unknown>('report.minPairs')),
    },
    export: {
      pseudonymize: c.get<boolean>('export.pseudonymize', false),
    },
    litellm: {
      proxyUrl: (c.get<string>('litellm.proxyUrl', '') ?? '').trim(),
    },
    developerId: (c.get<string>('developerId', '') ?? '').trim(),
    budget: {
      unit: c.get<string>('budget.unit') === 'tokens' ? 'tokens' : 'usd',
      daily: nonNegative(c.get<unknown>('budget.daily')),
      weekly: nonNegative(c.get<unknown>('budget.weekly')),
      monthly: nonNegative(c.get<unknown>('budget.monthly')),
    },
    survey: {
      ...DEFAULT_SURVEY_SETTINGS,
      enabled: c.get<boolean>('survey.enabled', false),
      maxPerDay: Math.round(clamp(c.get<number>('survey.maxPerDay', DEFAULT_SURVEY_SETTINGS.maxPerDay), 0, 20, DEFAULT_SURVEY_SETTINGS.maxPerDay)),
      quietHours: (c.get<string>('survey.quietHours', '') ?? '').trim(),
      minInsertionLines: Math.round(
        clamp(c.get<number>('survey.minInsertionLines', DEFAULT_SURVEY_SETTINGS.minInsertionLines), 1, 10_000, DEFAULT_SURVEY_SETTINGS.minInsertionLines),
      ),
      sessionIdleMinutes: clamp(c.get<number>('survey.sessionIdleMinutes', 5), 0, 240, 5),
    },
  };
}

function nonNegative(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0;
}

function clampPort(v: unknown): number {
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 && n <= 65535 ? n : DEFAULT_COLLECTOR_PORT;
}

export const DEFAULT_REPORT_LAGS = [0, 1, 2, 3];
export const DEFAULT_REPORT_MIN_PAIRS = 6;

/** Whole days 0–60, each once, ascending; anything else falls back to the default. */
export function reportLags(v: unknown): number[] {
  if (!Array.isArray(v)) return DEFAULT_REPORT_LAGS;
  const lags = [...new Set(v.filter((x): x is number => Number.isInteger(x) && x >= 0 && x <= 60))].sort((a, b) => a - b);
  return lags.length ? lags : DEFAULT_REPORT_LAGS;
}

/** A whole number of days, at least 3 (fewer pairs cannot give a p-value). */
export function reportMinPairs(v: unknown): number {
  return Number.isInteger(v) && (v as number) >= 3 ? (v as number) : DEFAULT_REPORT_MIN_PAIRS;
}

function clamp(v: unknown, min: number, max: number, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : fallback;
}
