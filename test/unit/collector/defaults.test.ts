import assert from 'node:assert/strict';
import { fillWorkspaceDefaults } from '../../../src/collector/defaults';
import { batchOf, event } from '../helpers/events';

describe('workspace defaults for records without a repository', () => {
  it('fills repo and branch when missing, the branch alone for the same repo, nothing for another repo', () => {
    const b = batchOf([
      event({ id: 'none' }),
      event({ id: 'same', repo_slug: 'acme/api' }),
      event({ id: 'other', repo_slug: 'acme/web' }),
      event({ id: 'full', repo_slug: 'acme/api', branch: 'release' }),
    ]);
    fillWorkspaceDefaults(b, { repo_slug: 'acme/api', branch: 'main' });
    assert.deepEqual(
      b.events.map((e) => [e.repo_slug, e.branch]),
      [
        ['acme/api', 'main'],
        ['acme/api', 'main'],
        ['acme/web', null],
        ['acme/api', 'release'],
      ],
    );
  });

  it('leaves records alone when the workspace has no repository', () => {
    const b = batchOf([event({ id: 'x' })]);
    fillWorkspaceDefaults(b, { repo_slug: null, branch: null });
    assert.deepEqual([b.events[0]!.repo_slug, b.events[0]!.branch], [null, null]);
  });

  it('gives records without a developer the collector’s developer, never over one they name', () => {
    const b = batchOf([event({ id: 'anon', developer_id: null }), event({ id: 'named', developer_id: 'ann@example.com' })]);
    fillWorkspaceDefaults(b, { repo_slug: null, branch: null, developer_id: 'me@example.com' });
    assert.deepEqual(
      b.events.map((e) => [e.developer_id, e.repo_slug]),
      [
        ['me@example.com', null],
        ['ann@example.com', null],
      ],
    );
    const none = batchOf([event({ id: 'anon', developer_id: null })]);
    fillWorkspaceDefaults(none, { repo_slug: 'acme/api', branch: 'main', developer_id: null });
    assert.equal(none.events[0]!.developer_id, null);
  });
});
