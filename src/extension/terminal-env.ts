import * as vscode from 'vscode';

/**
 * Sets the agents' telemetry environment on the extension's environment variable collection, so every new
 * integrated terminal sends to the collector. Variables that ProdLens set before but no longer sets are
 * removed; `clearTerminalEnvironment` removes all of them (collector turned off).
 */
export function applyTerminalEnvironment(collection: vscode.GlobalEnvironmentVariableCollection, env: Record<string, string>, endpoint: string): void {
  // Not cached on disk between sessions: the values hold the collector token, which lives in SecretStorage.
  collection.persistent = false;
  collection.forEach((name) => {
    if (!(name in env)) collection.delete(name);
  });
  for (const [k, v] of Object.entries(env)) collection.replace(k, v);
  collection.description = new vscode.MarkdownString(
    `Points Claude Code and Gemini CLI at the ProdLens collector at \`${endpoint}\` (this machine only; logs and metrics, never traces), tagged with this workspace's repository and branch. Your own OTEL_EXPORTER_* settings take precedence.`,
  );
}

export function clearTerminalEnvironment(collection: vscode.GlobalEnvironmentVariableCollection): void {
  collection.persistent = false;
  collection.clear();
  collection.description = undefined;
}
