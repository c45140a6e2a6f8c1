import type { Batch } from '../core/model';
import type { WorkspaceDefaults } from './options';

/**
 * Gives records without a repository the workspace's repo and branch (ARCHITECTURE.md: "the collector
 * fills them from the workspace"). A record that names another repository keeps its own and gets no
 * branch from the workspace, whose branch belongs to a different repository. Records without a developer get
 * the developer running the collector (prodlens.developerId / --developer, else git user.email).
 */
export function fillWorkspaceDefaults(batch: Batch, d: WorkspaceDefaults | undefined): void {
  if (!d || (!d.repo_slug && !d.branch && !d.developer_id)) return;
  for (const r of [...batch.events, ...batch.metrics]) {
    // The developer running the collector, for records that name none (never over one they name).
    if (d.developer_id) r.developer_id ??= d.developer_id;
    if (!d.repo_slug && !d.branch) continue;
    if (!r.repo_slug) {
      r.repo_slug = d.repo_slug;
      r.branch ??= d.branch;
    } else if (!r.branch && r.repo_slug === d.repo_slug) {
      r.branch = d.branch;
    }
  }
}
