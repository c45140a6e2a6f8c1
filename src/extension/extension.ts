import * as vscode from 'vscode';

/** Activation only registers things; WASM and heavy work load lazily on first use. */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('ProdLens', { log: true });
  context.subscriptions.push(log);
  log.info('[extension] activated');
}

export function deactivate(): void {}
