import * as vscode from 'vscode';
import { webHost } from '../sources/github/hosts';

/** Where the GitHub token comes from; the outcome sync depends on this, tests supply their own. */
export interface GitHubAuth {
  /**
   * A token for `apiUrl`, or undefined. `interactive` may show VS Code's sign-in prompt (only when the
   * user runs the sync or enables background sync); otherwise an existing session is used silently.
   */
  getToken(apiUrl: string, interactive: boolean): Promise<string | undefined>;
  /** Names the source in messages. */
  describe(apiUrl: string): string;
}

/** The `repo` scope lets the token read pull requests, issues and commits of private repositories. */
const SCOPES = ['repo'];

/**
 * VS Code's built-in GitHub authentication: provider `github` for github.com, `github-enterprise` (which
 * signs in to the server set in VS Code's `github-enterprise.uri`) for any other host.
 */
export function vscodeGitHubAuth(): GitHubAuth {
  const provider = (apiUrl: string) => (webHost(apiUrl) === 'github.com' ? 'github' : 'github-enterprise');
  return {
    async getToken(apiUrl, interactive) {
      try {
        const session = await vscode.authentication.getSession(provider(apiUrl), SCOPES, interactive ? { createIfNone: true } : { silent: true });
        return session?.accessToken;
      } catch {
        // The user dismissed the sign-in, or the provider is unavailable: no token, the sync skips GitHub.
        return undefined;
      }
    },
    describe: (apiUrl) => `VS Code's ${provider(apiUrl) === 'github' ? 'GitHub' : 'GitHub Enterprise'} sign-in`,
  };
}
