import * as vscode from 'vscode';
import type { PriceOverrides } from '../core/pricing';

/**
 * The one typed reader of ProdLens settings (declared in package.json `contributes.configuration`).
 * Features add their settings here and in package.json together.
 */
export interface ProdLensConfig {
  prices: PriceOverrides;
  transcripts: { enabled: boolean; includeAllProjects: boolean };
}

export function readConfig(scope?: vscode.ConfigurationScope): ProdLensConfig {
  const c = vscode.workspace.getConfiguration('prodlens', scope);
  return {
    prices: c.get<PriceOverrides>('prices.overrides', {}),
    transcripts: {
      enabled: c.get<boolean>('transcripts.enabled', true),
      includeAllProjects: c.get<boolean>('transcripts.includeAllProjects', false),
    },
  };
}
