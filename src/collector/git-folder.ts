/** A workspace folder as VS Code describes it (only what the choice below needs). */
export interface FolderLike {
  uri: { scheme: string; fsPath: string };
}

/**
 * The folder whose repository and branch the collector gives records and terminals, or undefined: never in
 * an untrusted workspace (running `git` there can run programs the repository's configuration names, e.g.
 * `core.fsmonitor`), and only a folder on disk (a virtual workspace has none).
 */
export function gitFolderOf(trusted: boolean, folders: readonly FolderLike[] | undefined): string | undefined {
  if (!trusted) return undefined;
  return folders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;
}
