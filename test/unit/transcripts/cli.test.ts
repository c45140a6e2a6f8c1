import assert from 'node:assert/strict';
import path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { tempDir } from '../helpers/events';
import { FIXTURES } from './helpers';

function io(cwd: string, env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t), env, cwd, signal: new AbortController().signal } };
}

describe('prodlens scan-transcripts', () => {
  it('takes every session of the given folders, then reads nothing new on a second run', async () => {
    const tmp = tempDir();
    try {
      const db = path.join(tmp.dir, 'db.sqlite');
      const a = io(tmp.dir);
      assert.equal(
        await runCli(['scan-transcripts', '--json', '--db', db, path.join(FIXTURES, 'claude'), path.join(FIXTURES, 'codex')], a.io),
        0,
        a.err.join(''),
      );
      const first = JSON.parse(a.out.join('')) as { inserted: number; deadLettered: number; filesRead: number };
      assert.equal(first.inserted, 19); // 11 Claude requests, 1 error, 3 edits, 4 Codex turns
      assert.equal(first.deadLettered, 1);
      const b = io(tmp.dir);
      assert.equal(await runCli(['scan-transcripts', '--json', '--db', db, path.join(FIXTURES, 'claude'), path.join(FIXTURES, 'codex')], b.io), 0);
      const second = JSON.parse(b.out.join('')) as { inserted: number; filesRead: number; bytesRead: number };
      assert.deepEqual([second.inserted, second.filesRead, second.bytesRead], [0, 0, 0]);
    } finally {
      tmp.cleanup();
    }
  });

  it('scans the default locations, only sessions inside the current folder unless --all', async () => {
    const tmp = tempDir();
    try {
      const env = { HOME: path.join(tmp.dir, 'home'), CLAUDE_CONFIG_DIR: path.join(FIXTURES, 'claude'), CODEX_HOME: path.join(FIXTURES, 'codex') };
      const a = io('/home/dev/acme-api', env);
      assert.equal(await runCli(['scan-transcripts', '--json', '--db', path.join(tmp.dir, 'a.sqlite')], a.io), 0, a.err.join(''));
      const ws = JSON.parse(a.out.join('')) as { inserted: number; filesExcluded: number };
      assert.equal(ws.filesExcluded, 2);
      const b = io('/home/dev/acme-api', env);
      assert.equal(await runCli(['scan-transcripts', '--all', '--json', '--db', path.join(tmp.dir, 'b.sqlite')], b.io), 0);
      const all = JSON.parse(b.out.join('')) as { inserted: number; filesExcluded: number };
      assert.equal(all.filesExcluded, 0);
      assert.equal(all.inserted, ws.inserted + 2);
    } finally {
      tmp.cleanup();
    }
  });
});
