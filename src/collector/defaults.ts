import type { Batch } from '../core/model';
import type { WorkspaceDefaults } from './options';

/**
 * Gives records without a repository the workspace's repo and branch (ARCHITECTURE.md: "the collector
 * fills them from the workspace"). A record that names another repository keeps its own and gets no
 * branch from the workspace, whose branch belongs to a different repository.
 */
export function fillWorkspaceDefaults(batch: Batch, d: WorkspaceDefaults | undefined): void {
  if (!d || (!d.repo_slug && !d.branch)) return;
  for (const r of [...batch.events, ...batch.metrics]) {
    if (!r.repo_slug) {
      r.repo_slug = d.repo_slug;
      r.branch ??= d.branch;
    } else if (!r.branch && r.repo_slug === d.repo_slug) {
      r.branch = d.branch;
    }
  }
}
