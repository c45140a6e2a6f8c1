import * as vscode from 'vscode';

/** Extensions known to provide AI inline completions, by the agent name their insertions get. */
const PROVIDERS: ReadonlyArray<[string, string]> = [
  ['GitHub.copilot', 'copilot'],
  ['GitHub.copilot-chat', 'copilot'],
  ['Codeium.codeium', 'codeium'],
  ['TabNine.tabnine-vscode', 'tabnine'],
  ['supermaven.supermaven', 'supermaven'],
  ['Continue.continue', 'continue'],
  ['AmazonWebServices.amazon-q-vscode', 'amazon-q'],
  ['sourcegraph.cody-ai', 'cody'],
];

/**
 * The agent to name an accepted inline completion after: the one active AI completion provider, else the
 * generic `inline` (several or none active: the API does not say which provider's suggestion it was).
 */
export function inlineAgent(): string {
  const active = new Set(PROVIDERS.filter(([id]) => vscode.extensions.getExtension(id)?.isActive).map(([, name]) => name));
  return active.size === 1 ? [...active][0]! : 'inline';
}
