import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { claudeProjectSlug, createFixtureWorkspace } from '../../../scripts/e2e/fixture.mjs';
import { Store } from '../../../src/core/store/store';
import { scanTranscripts } from '../../../src/sources/transcripts/scan';
import { prices, sqlLoader, tempDir } from '../helpers/events';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

/**
 * The fixture workspace of the real-VS-Code suite: its sample transcripts must land where Claude Code would
 * write them for that workspace, with a cwd inside it, whatever the run folder is called.
 */
describe('e2e fixture workspace', function () {
  this.timeout(20_000);
  let tmp: ReturnType<typeof tempDir>;

  beforeEach(() => {
    tmp = tempDir('prodlens-fixture-');
  });
  afterEach(() => tmp.cleanup());

  it('names project folders the way Claude Code does: every character but letters and digits becomes -', () => {
    assert.equal(claudeProjectSlug('/tmp/prodlens-e2e-Ab3/my demo.v2'), '-tmp-prodlens-e2e-Ab3-my-demo-v2');
  });

  it('puts the sample transcripts under the workspace slug with cwd = the workspace, so only they are taken', async () => {
    // A folder name with a space and a dot: the slug and the JSON-escaped cwd must both follow it.
    const workspace = path.join(tmp.dir, 'work space', 'demo.app');
    const home = path.join(tmp.dir, 'home');
    createFixtureWorkspace({ workspace, home });
    const projects = path.join(home, '.claude', 'projects');
    const slug = claudeProjectSlug(workspace);
    assert.ok(readdirSync(projects).includes(slug), `no ${slug} in ${readdirSync(projects).join(', ')}`);
    const session = readdirSync(path.join(projects, slug)).find((f) => f.endsWith('.jsonl'))!;
    const cwds = readFileSync(path.join(projects, slug, session), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { cwd?: string }).cwd)
      .filter(Boolean);
    assert.ok(cwds.length > 0);
    assert.deepEqual(new Set(cwds), new Set([workspace]));
    assert.ok(!readFileSync(path.join(workspace, 'samples', 'prodlens-events.ndjson'), 'utf8').includes('__WORKSPACE'));

    const store = await Store.open({ path: null, sql: await sqlLoader.load() });
    try {
      const scan = await scanTranscripts(null, store, { prices, workspaceFolders: [workspace], locations: { home, env: {} } });
      assert.equal(scan.deadLettered, 0);
      const sessions = rawDatabaseForTests(store)
        .exec('SELECT DISTINCT session_id FROM sessions ORDER BY 1')[0]!
        .values.map((r) => r[0]);
      // The root session (with its subagent) and the session started in src/; not the other project's.
      assert.equal(sessions.length, 2);
      assert.ok(!sessions.includes('c0ffee00-1234-4abc-9def-0123456789ab'));
      assert.ok(scan.filesExcluded >= 1, 'the other project’s file was looked at and left out');
    } finally {
      await store.close();
    }
  });
});
