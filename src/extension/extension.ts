import * as vscode from 'vscode';
import { registerCollector, type CollectorFeature } from './collector';
import { channelLogger } from './logger';
import { ProdLensServices } from './services';
import { StatusBar } from './status-bar';

let services: ProdLensServices | undefined;
let collector: CollectorFeature | undefined;

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
  collector = registerCollector(services, statusBar);
  context.subscriptions.push(collector);
  services.logger.info('[extension] activated');
  return { services, statusBar, collector };
}

/** Flushes the database snapshot before the extension host exits. */
export async function deactivate(): Promise<void> {
  // Stop accepting (requests in flight finish their ingest) before the database closes.
  await collector?.shutdown();
  collector = undefined;
  await services?.shutdown();
  services = undefined;
}

/** Returned from activate(); integration tests reach the running services through it. */
export interface ProdLensApi {
  services: ProdLensServices;
  statusBar: StatusBar;
  collector: CollectorFeature;
}
