import * as vscode from 'vscode';

/**
 * Sets the agents' telemetry environment on the extension's environment variable collection, so every new
 * integrated terminal sends to the collector. Variables that ProdLens set before but no longer sets are
 * removed; `clearTerminalEnvironment` removes all of them (collector turned off).
 */
export function applyTerminalEnvironment(collection: vscode.GlobalEnvironmentVariableCollection, env: Record<string, string>, endpoint: string): void {
  collection.forEach((name) => {
    if (!(name in env)) collection.delete(name);
  });
  for (const [k, v] of Object.entries(env)) collection.replace(k, v);
  collection.description = new vscode.MarkdownString(
    `Sends Claude Code, Gemini CLI and OpenTelemetry telemetry to the ProdLens collector at \`${endpoint}\` (this machine only), tagged with this workspace's repository and branch.`,
  );
}

export function clearTerminalEnvironment(collection: vscode.GlobalEnvironmentVariableCollection): void {
  collection.clear();
  collection.description = undefined;
}
