import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { cli, FIXTURES, REPO_ROOT } from '../../unit/helpers/cli';
import { tempDir } from '../../unit/helpers/events';

const BIN = path.join(REPO_ROOT, 'dist', 'cli.js');

/** Runs dist/cli.js with its standard output closed before it writes (a reader that stopped: `| head`). */
function withClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TZ: 'UTC' } });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('prodlens writing into a closed pipe', function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  it('finishes quietly with its own exit code when the reader is gone (help, a JSON report, a failing command)', async () => {
    const db = path.join(tmp.dir, 'p.sqlite');
    const imported = await cli(['import', path.join(FIXTURES, 'otlp'), '--json', '--db', db]);
    assert.equal(imported.code, 0, imported.stderr);
    for (const [args, code] of [
      [['--help'], 0],
      [['report', '--json', '--all-developers', '--db', db], 0],
      [['report', '--since', 'yesterday-ish', '--db', db], 1],
    ] as const) {
      const r = await withClosedStdout([...args]);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /EPIPE|Unhandled|at .*\.js:\d+/, args.join(' '));
    }
  });
});
