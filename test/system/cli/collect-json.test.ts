import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../../unit/helpers/events';
import { claudeApiRequests, postJson, TOKEN } from '../../unit/collector/harness';

import { REPO_ROOT } from '../../unit/helpers/cli';

/** The built CLI (npm run build): a child process from source would spend most of its time compiling. */
const BIN = path.join(REPO_ROOT, 'dist', 'cli.js');

describe('prodlens collect --json', function () {
  this.timeout(60_000);

  it('says where it listens and what it accepted as JSON lines', async () => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first (npm test does)`);
    const tmp = tempDir();
    try {
      const child = spawn(process.execPath, [BIN, 'collect', '--port', '0', '--token', TOKEN, '--json', '--db', path.join(tmp.dir, 'db.sqlite')], {
        cwd: tmp.dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      const listening = await new Promise<Record<string, unknown>>((resolve, reject) => {
        child.stdout.on('data', () => {
          const line = out.split('\n')[0];
          if (out.includes('\n')) resolve(JSON.parse(line!) as Record<string, unknown>);
        });
        child.once('exit', (code) => reject(new Error(`collect exited ${code}: ${out}`)));
      });
      assert.equal(listening.event, 'listening');
      assert.equal(listening.token, TOKEN);
      assert.match(String(listening.endpoint), /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal((listening.environment as Record<string, string>).OTEL_EXPORTER_OTLP_ENDPOINT, listening.endpoint);
      const r = await postJson(String(listening.endpoint), '/v1/logs', claudeApiRequests(3));
      assert.equal(r.status, 200);
      child.kill('SIGINT');
      assert.equal(await exited, 0);
      const lines = out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.deepEqual(lines.at(-1), { event: 'stopped', accepted: 1, refused: 0 });
    } finally {
      tmp.cleanup();
    }
  });
});
