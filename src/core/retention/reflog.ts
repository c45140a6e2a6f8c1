/** What a line of `.git/logs/HEAD` says happened: a commit (a checkpoint) or another move of HEAD. */
export type HeadMove = 'commit' | 'other';

/** Classifies a reflog line (`<old> <new> <who> <time> <tz>\t<message>`) by its message; null if malformed. */
export function classifyReflogLine(line: string): HeadMove | null {
  const tab = line.indexOf('\t');
  if (tab < 0) return null;
  return /^commit( \(initial\)| \(amend\)| \(merge\))?:/.test(line.slice(tab + 1)) ? 'commit' : 'other';
}
