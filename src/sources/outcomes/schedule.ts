/** The background outcome sync's settings. */
export interface AutoSyncSettings {
  /** `prodlens.git.autoSync`: read the workspace's git history after startup and daily. */
  gitAutoSync: boolean;
  /** `prodlens.github.backgroundSync`: sync GitHub daily without being asked. */
  githubBackgroundSync: boolean;
}

export const DAY_MS = 86_400_000;

/** The etl_runs jobs that remember when each background part last ran. */
export const AUTO_GIT_JOB = 'outcomes:auto-git';
export const AUTO_GITHUB_JOB = 'outcomes:auto-github';

/**
 * Which parts of the background sync are due. Git (local, cheap, incremental) runs once after each
 * startup and then daily; GitHub (network, rate-limited) runs daily, counted from its last run, so
 * reloading the window does not trigger it again.
 */
export function dueParts(
  settings: AutoSyncSettings,
  nowMs: number,
  last: { git: string | null; github: string | null },
  startup: boolean,
): { git: boolean; github: boolean } {
  const due = (iso: string | null) => iso === null || !(nowMs - Date.parse(iso) < DAY_MS);
  return {
    git: settings.gitAutoSync && (startup || due(last.git)),
    github: settings.githubBackgroundSync && due(last.github),
  };
}
