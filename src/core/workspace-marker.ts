/**
 * The note the extension leaves in its storage folder about which workspace the folder belongs to, so
 * `prodlens report --workspace DIR` finds the database from a terminal (src/cli/vscode-workspace.ts).
 */
export const MARKER_FILE = 'workspace-folders.json';

export interface StorageMarker {
  /** Workspace folders on disk. */
  folders: string[];
  /** The .code-workspace file of a multi-root workspace. */
  workspaceFile: string | null;
}
