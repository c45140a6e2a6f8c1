import type { Attribution } from './model';
/** Whose outcomes the report counts, in one line. */
export function whoLine(a: Attribution): string {
  const commits =
    a.commits === 'mine'
      ? `your commits (${a.commitsMine} of ${a.commitsAll})`
      : a.commits === 'developer'
        ? "the developer's commits"
        : `every author's commits (${a.commitsAll})`;
  const prs =
    a.pullRequests === 'mine'
      ? `your pull requests (${a.githubLogins.join(', ')})`
      : a.pullRequests === 'none'
        ? 'no pull requests'
        : "every author's pull requests";
  const view = a.scope === 'mine' ? `Personal view${a.developer ? ` for ${a.developer}` : ''}` : 'All developers';
  return `${view}: AI use against ${commits} and ${prs}.`;
}
