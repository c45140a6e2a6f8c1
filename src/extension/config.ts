import * as vscode from 'vscode';
import { DEFAULT_COLLECTOR_PORT } from '../collector/options';
import type { PriceOverrides } from '../core/pricing';

/**
 * The one typed reader of ProdLens settings (declared in package.json `contributes.configuration`).
 * Features add their settings here and in package.json together.
 */
export interface ProdLensConfig {
  prices: PriceOverrides;
  collector: CollectorConfig;
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
  return {
    prices: c.get<PriceOverrides>('prices.overrides', {}),
    collector: {
      enabled: c.get<boolean>('collector.enabled', true),
      port: clampPort(c.get<number>('collector.port', DEFAULT_COLLECTOR_PORT)),
      protocol: c.get<string>('collector.protocol') === 'http/json' ? 'http/json' : 'http/protobuf',
      terminalEnvironment: c.get<boolean>('collector.terminalEnvironment', true),
    },
  };
}

function clampPort(v: unknown): number {
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 && n <= 65535 ? n : DEFAULT_COLLECTOR_PORT;
}
