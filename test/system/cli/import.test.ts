import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { binary, cli, FIXTURES } from '../../unit/helpers/cli';
import { tempDir } from '../../unit/helpers/events';

const INPUTS = ['otlp', 'litellm', 'prodlens'].map((d) => path.join(FIXTURES, d));
const TABLES = ['sessions', 'metric_points', 'dead_letter'];

async function counts(db: string): Promise<Record<string, number>> {
  const r = await cli(['info', '--json', '--db', db]);
  assert.equal(r.code, 0, r.stderr);
  const rows = JSON.parse(r.stdout).rows as Record<string, number>;
  return Object.fromEntries(TABLES.map((t) => [t, rows[t]!]));
}

describe('prodlens import', function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  it('imports every format, and a second import of the same files changes nothing', async () => {
    const db = path.join(tmp.dir, 'p.sqlite');
    const first = await cli(['import', ...INPUTS, '--json', '--db', db]);
    assert.equal(first.code, 0, first.stderr);
    const a = JSON.parse(first.stdout);
    assert.ok(a.inserted > 20, `inserted ${a.inserted}`);
    assert.ok(a.metricPoints > 0);
    const before = await counts(db);
    assert.equal(before.sessions, a.inserted);
    const second = await cli(['import', ...INPUTS, '--json', '--db', db]);
    const b = JSON.parse(second.stdout);
    assert.equal(b.inserted, 0);
    assert.equal(b.updated, 0);
    assert.equal(b.metricPoints, 0);
    assert.equal(b.duplicates, a.inserted + a.duplicates, 'every event is a duplicate the second time');
    assert.deepEqual(await counts(db), before);
  });

  it('dead-letters bad records with file and line, keeps the good ones, and exits 0', async () => {
    const db = path.join(tmp.dir, 'p.sqlite');
    const file = path.join(tmp.dir, 'mixed.ndjson');
    const good = {
      timestamp: '2026-01-05T10:00:00Z',
      session_id: 's',
      developer_id: 'd@example.com',
      model: 'gpt-4o',
      tokens_in: 5,
      tokens_out: 7,
      kind: 'request',
      event_id: 'ok-1',
    };
    writeFileSync(
      file,
      [JSON.stringify(good), '{"timestamp": "2026-01-05T10:00:00Z", oops', JSON.stringify({ ...good, event_id: 'neg', tokens_in: -4 })].join('\n'),
    );
    const r = await cli(['import', file, '--json', '--db', db]);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.inserted, 1);
    assert.equal(s.deadLettered, 2);
    const report = JSON.parse((await cli(['report', '--json', '--db', db])).stdout);
    const reasons = report.health.deadLetters.byReason.map((x: { reason: string }) => x.reason).join('\n');
    assert.match(reasons, /mixed\.ndjson:2: invalid JSON/);
    assert.match(reasons, /mixed\.ndjson:3: .*negative/);
  });

  it('exits 1 on bad usage and 2 on a missing path, with a message that says what to do', async () => {
    const db = path.join(tmp.dir, 'p.sqlite');
    const none = await cli(['import', '--db', db]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /name at least one file/);
    const bad = await cli(['import', '--frobnicate', 'x', '--db', db]);
    assert.equal(bad.code, 1);
    const missing = await cli(['import', path.join(tmp.dir, 'nope.json'), '--db', db]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no such file or folder.*Check the path/);
    const unknown = await cli(['frobnicate']);
    assert.equal(unknown.code, 1);
  });

  it('works as the bundled binary with its WASM beside it, honouring $PRODLENS_DB', async () => {
    const db = path.join(tmp.dir, 'env.sqlite');
    const r = await binary(['import', path.join(FIXTURES, 'litellm'), '--json'], { cwd: tmp.dir, env: { ...process.env, PRODLENS_DB: db } });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(JSON.parse(r.stdout).inserted > 0);
    const info = await binary(['info', '--json'], { cwd: tmp.dir, env: { ...process.env, PRODLENS_DB: db } });
    assert.equal(JSON.parse(info.stdout).path, db);
  });
});
