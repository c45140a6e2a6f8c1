import * as vscode from 'vscode';
import type { PriceOverrides } from '../core/pricing';

/**
 * The one typed reader of ProdLens settings (declared in package.json `contributes.configuration`).
 * Features add their settings here and in package.json together.
 */
export interface ProdLensConfig {
  prices: PriceOverrides;
  /** Options of the report's correlations (`analysis` of buildReport). */
  report: { lags: number[]; minPairs: number };
}

export const DEFAULT_REPORT_LAGS = [0, 1, 2, 3];
export const DEFAULT_REPORT_MIN_PAIRS = 6;

export function readConfig(scope?: vscode.ConfigurationScope): ProdLensConfig {
  const c = vscode.workspace.getConfiguration('prodlens', scope);
  return {
    prices: c.get<PriceOverrides>('prices.overrides', {}),
    report: {
      lags: reportLags(c.get<unknown>('report.lags')),
      minPairs: reportMinPairs(c.get<unknown>('report.minPairs')),
    },
  };
}

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
