import { RetryBudgetError } from './retry';

/** A user-facing sentence for a failed GitHub sync: what went wrong and what to do. */
export function describeGitHubError(err: unknown, ctx: { slug: string; apiUrl: string; tokenSource: string }): string {
  if (err instanceof RetryBudgetError) return err.message;
  const e = err as { name?: string; status?: unknown; message?: string; response?: unknown };
  if (e?.name === 'AbortError') return 'cancelled';
  const message = e?.message ?? String(err);
  switch (e?.status) {
    case 401:
      return `GitHub rejected the token (401 ${message}): check ${ctx.tokenSource} — it may be expired or revoked`;
    case 403:
      return `GitHub refused access to ${ctx.slug} (403 ${message}): the token needs read access to its pull requests, issues and contents (classic token: \`repo\` scope)`;
    case 404:
      return `${ctx.slug} was not found at ${ctx.apiUrl} (404): check the name, the API URL (GitHub Enterprise: https://HOST/api/v3), and that the token can see the repository`;
  }
  // Octokit reports a request that got no response (DNS, refused, TLS) as status 500 without a response.
  if (e?.status === 500 && e.response === undefined) return `cannot reach ${ctx.apiUrl}: ${message}`;
  return typeof e?.status === 'number' ? `GitHub answered ${e.status}: ${message}` : message;
}
