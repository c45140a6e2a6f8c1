import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Store } from '../../../src/core/store/store';
import { findWorkspaceDatabases, uriPath, userDataDirs } from '../../../src/cli/vscode-workspace';
import { colourEnabled } from '../../../src/cli/style';
import { batchOf, event, sqlLoader, tempDir } from '../helpers/events';
import { cli, FIXTURES } from '../helpers/cli';

/**
 * A VS Code user data folder as VS Code lays it out: workspaceStorage/<id>/workspace.json naming the folder,
 * and the extension's database under prodlens.prodlens/. Returns the database path.
 */
function vscodeStorage(userData: string, id: string, workspaceJson: object): string {
  const dir = path.join(userData, 'User', 'workspaceStorage', id);
  mkdirSync(path.join(dir, 'prodlens.prodlens'), { recursive: true });
  writeFileSync(path.join(dir, 'workspace.json'), JSON.stringify(workspaceJson));
  return path.join(dir, 'prodlens.prodlens', 'prodlens.sqlite');
}

describe('prodlens report next to VS Code', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it('finds the workspace’s database by what workspace.json names, and reads it while VS Code holds it', async () => {
    const folder = path.join(tmp.dir, 'my project');
    mkdirSync(folder);
    const userData = path.join(tmp.dir, 'user-data');
    // Another workspace, and a web/remote-style URI for ours (code-server writes vscode-remote://).
    vscodeStorage(userData, 'aaa111', { folder: `file://${path.join(tmp.dir, 'other')}` });
    const dbPath = vscodeStorage(userData, 'bbb222', { folder: `vscode-remote://127.0.0.1:8080${folder.replace(/ /g, '%20')}` });
    const owner = await Store.open({ path: dbPath, sql: await sqlLoader.load(), snapshotDelayMs: 3_600_000, snapshotMaxDelayMs: 3_600_000 });
    try {
      // In the journal only: the report must replay it.
      await owner.ingest(batchOf([event({ id: 'w1', time: '2026-01-05T10:00:00Z' }), event({ id: 'w2', time: '2026-01-05T11:00:00Z' })]));
      const r = await cli(
        ['report', '--workspace', folder, '--user-data-dir', userData, '--json', '--since', '2026-01-05', '--until', '2026-01-05', '--verbose'],
        { cwd: tmp.dir },
      );
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).headline.find((h: { key: string }) => h.key === 'requests').value, 2);
      assert.match(r.stderr, new RegExp(`reading ${dbPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} read-only`));
      const text = await cli(['report', '--workspace', 'my project', '--user-data-dir', userData, '--since', '2026-01-05'], { cwd: tmp.dir });
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /Database: .*prodlens\.sqlite \(read-only/);
    } finally {
      await owner.close();
    }
  });

  it('says what to do when VS Code has no database for the folder', async () => {
    const r = await cli(['report', '--workspace', tmp.dir, '--user-data-dir', path.join(tmp.dir, 'nowhere')], { cwd: tmp.dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no ProdLens database for .* Open the folder in VS Code/);
    const both = await cli(['report', '--workspace', tmp.dir, '--db', 'x.sqlite'], { cwd: tmp.dir });
    assert.equal(both.code, 1);
  });

  it('knows where VS Code, its relatives and the remote servers keep user data', () => {
    const linux = userDataDirs({}, 'linux', '/home/dana');
    assert.ok(linux.includes('/home/dana/.config/Code'));
    assert.ok(linux.includes('/home/dana/.local/share/code-server'));
    assert.ok(linux.includes('/home/dana/.vscode-server/data'));
    assert.ok(userDataDirs({}, 'darwin', '/Users/dana').includes('/Users/dana/Library/Application Support/Code'));
    assert.ok(userDataDirs({ APPDATA: 'C:\\Users\\dana\\AppData\\Roaming' }, 'win32', 'C:\\Users\\dana').some((d) => d.endsWith(`Roaming${path.sep}Code`)));
    assert.equal(uriPath('file:///home/dana/my%20project'), '/home/dana/my project');
    assert.equal(uriPath('vscode-remote://ssh-remote%2Bbox/home/dana/p'), '/home/dana/p');
    assert.equal(uriPath('file:///c%3A/Users/dana/p'), 'c:/Users/dana/p');
    assert.equal(uriPath('vscode-vfs://github/acme/api'), null);
  });

  it('finds a code-server or remote-server database by the extension’s own note, else by the folder name', async () => {
    const folder = path.join(tmp.dir, 'api');
    mkdirSync(folder);
    const server = path.join(tmp.dir, 'vscode-server', 'data');
    // Servers write meta.json with the folder's name only, under an id that hashes a URI with the host.
    const storage = (id: string, name: string) => {
      const dir = path.join(server, 'User', 'workspaceStorage', id);
      mkdirSync(path.join(dir, 'prodlens.prodlens'), { recursive: true });
      writeFileSync(path.join(dir, 'meta.json'), JSON.stringify({ id, name }));
      writeFileSync(path.join(dir, 'prodlens.prodlens', 'prodlens.sqlite'), 'x');
      return dir;
    };
    const other = storage('-1a2b', 'api'); // another folder called api, elsewhere
    const mine = storage('-3c4d', 'api');
    // Without notes, both match by name (newest first); with the extension's note, only the right one.
    assert.equal(findWorkspaceDatabases(folder, [server]).length, 2);
    assert.ok(findWorkspaceDatabases(folder, [server]).every((f) => f.match === 'name'));
    writeFileSync(path.join(mine, 'prodlens.prodlens', 'workspace-folders.json'), JSON.stringify({ folders: [folder], workspaceFile: null }));
    writeFileSync(path.join(other, 'prodlens.prodlens', 'workspace-folders.json'), JSON.stringify({ folders: ['/elsewhere/api'], workspaceFile: null }));
    const found = findWorkspaceDatabases(folder, [server]);
    assert.deepEqual(
      found.map((f) => [f.dbPath, f.match]),
      [[path.join(mine, 'prodlens.prodlens', 'prodlens.sqlite'), 'marker']],
    );
  });

  it('picks the newest database when a folder was opened by several VS Codes', async () => {
    const folder = path.join(tmp.dir, 'p');
    mkdirSync(folder);
    const older = vscodeStorage(path.join(tmp.dir, 'code'), 'x', { folder: `file://${folder}` });
    const newer = vscodeStorage(path.join(tmp.dir, 'insiders'), 'y', { folder: `file://${folder}` });
    writeFileSync(older, 'a');
    writeFileSync(newer, 'b');
    const { utimesSync } = await import('node:fs');
    utimesSync(older, new Date('2026-01-01'), new Date('2026-01-01'));
    const found = findWorkspaceDatabases(folder, [path.join(tmp.dir, 'code'), path.join(tmp.dir, 'insiders')]);
    assert.deepEqual(
      found.map((f) => f.dbPath),
      [newer, older],
    );
  });

  it('checks budgets with --budget, in JSON and text', async () => {
    const db = path.join(tmp.dir, 'db.sqlite');
    const store = await Store.open({ path: db, sql: await sqlLoader.load() });
    const now = Date.now();
    await store.ingest(batchOf([event({ id: 'b1', time: new Date(now - 60_000).toISOString(), cost_usd: 4.5, tokens_in: 1000, tokens_out: 500 })]));
    await store.close();
    const env = { ...process.env, PRODLENS_DB: undefined, PRODLENS_TIMEZONE: 'UTC' };
    const r = await cli(['report', '--db', db, '--json', '--budget', 'daily=5', '--budget', 'weekly=1000tokens'], { cwd: tmp.dir, env });
    assert.equal(r.code, 0, r.stderr);
    const budgets = JSON.parse(r.stdout).budgets as Array<{ period: string; unit: string; used: number; share: number; reached: number | null }>;
    assert.deepEqual(
      budgets.map((b) => [b.period, b.unit, b.used, b.reached]),
      [
        ['daily', 'usd', 4.5, 0.8],
        ['weekly', 'tokens', 1500, 1],
      ],
    );
    const text = await cli(['report', '--db', db, '--budget', 'daily=5'], { cwd: tmp.dir, env });
    assert.match(text.stdout, /daily .* \$4\.50 +\$5\.00 +90% warn/);
    const bad = await cli(['report', '--db', db, '--budget', 'yearly=5'], { cwd: tmp.dir, env });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--budget: expected PERIOD=AMOUNT/);
  });

  it('colours only a terminal, never with NO_COLOR', async () => {
    assert.equal(colourEnabled({}, true), true);
    assert.equal(colourEnabled({}, false), false);
    assert.equal(colourEnabled({ NO_COLOR: '1' }, true), false);
    assert.equal(colourEnabled({ TERM: 'dumb' }, true), false);
    assert.equal(colourEnabled({ FORCE_COLOR: '1' }, false), true);
    assert.equal(colourEnabled({ FORCE_COLOR: '0' }, true), false);
    const db = path.join(tmp.dir, 'db.sqlite');
    await cli(['import', path.join(FIXTURES, 'prodlens', 'events.ndjson'), '--db', db], { cwd: tmp.dir });
    const plain = await cli(['report', '--db', db, '--since', '2026-01-01'], { cwd: tmp.dir });
    assert.doesNotMatch(plain.stdout, /\x1b\[/);
    assert.match(plain.stdout, /^Models$/m);
    assert.match(plain.stdout, /^Repositories$/m);
    assert.match(plain.stdout, /^Data health$/m);
  });

  it('prints help and exits 0 when run bare', async () => {
    const r = await cli([]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: prodlens <command>/);
  });
});
