import type { Logger } from '../../core/ports';
import { GITHUB_LOGIN_META } from '../../core/store/attribution-repo';
import type { Store } from '../../core/store/store';
import type { GitHubClient } from './client';

/**
 * Records the GitHub login the sync runs as (`GET /user`), the "mine" of pull requests in the personal report.
 * One request per sync; a token that cannot read its user (a fine-grained token without that permission, an
 * API that answers otherwise) leaves the login unknown and the personal PR series unmeasured.
 */
export async function recordViewerLogin(store: Store, gh: GitHubClient, logger?: Logger): Promise<string | null> {
  try {
    const r = await gh.get(gh.url('/user', {}), null);
    if (r.status !== 200) return null;
    const login = (r.data as { login?: unknown } | null)?.login;
    if (typeof login !== 'string' || !login) return null;
    store.setMeta(`${GITHUB_LOGIN_META}${gh.baseUrl}`, login);
    return login;
  } catch (err) {
    logger?.debug(`GitHub login not known: ${(err as Error).message}`);
    return null;
  }
}
