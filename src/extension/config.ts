import * as vscode from 'vscode';
import type { PriceOverrides } from '../core/pricing';

/**
 * The one typed reader of ProdLens settings (declared in package.json `contributes.configuration`).
 * Features add their settings here and in package.json together.
 */
export interface ProdLensConfig {
  prices: PriceOverrides;
  transcripts: { enabled: boolean; includeAllProjects: boolean };
  editor: EditorCaptureConfig;
}

/** `prodlens.editor.*`: editor capture of AI insertions. */
export interface EditorCaptureConfig {
  capture: boolean;
  exclude: string[];
  minInsertionChars: number;
  acceptThreshold: number;
}

export function readConfig(scope?: vscode.ConfigurationScope): ProdLensConfig {
  const c = vscode.workspace.getConfiguration('prodlens', scope);
  return {
    prices: c.get<PriceOverrides>('prices.overrides', {}),
    transcripts: {
      enabled: c.get<boolean>('transcripts.enabled', true),
      includeAllProjects: c.get<boolean>('transcripts.includeAllProjects', false),
    },
    editor: {
      capture: c.get<boolean>('editor.capture', true),
      exclude: c.get<string[]>('editor.exclude', []).filter((g) => typeof g === 'string' && g.trim()),
      minInsertionChars: clamp(c.get<number>('editor.minInsertionChars', 8), 1, 1000, 8),
      acceptThreshold: clamp(c.get<number>('editor.acceptThreshold', 0.7), 0, 1, 0.7),
    },
  };
}

function clamp(v: unknown, min: number, max: number, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : fallback;
}
