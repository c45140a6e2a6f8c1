import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildReport } from '../../../src/core/report/build';
import { reject } from '../../../src/core/normalize/context';
import { emptyBatch } from '../../../src/core/model';
import { listSegments } from '../../../src/core/store/journal';
import { MIGRATIONS } from '../../../src/core/store/schema';
import { Store } from '../../../src/core/store/store';
import { prices, sqlLoader, tempDir } from '../helpers/events';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

const SECRET = 'sk-ant-api03-THIS-IS-A-SECRET-KEY-0123456789';
const PROMPT = 'please rewrite the billing module for the acquisition';

describe('Dead letters keep no input text', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  it('stores reason, source, size, hash and path, even when a caller passes raw text or a JSON.parse message quoting it', async () => {
    const store = await Store.open({ path: path.join(tmp.dir, 'p.sqlite'), sql: await sqlLoader.load() });
    const raw = `{"api_key":"${SECRET}","prompt":"${PROMPT}"`;
    let parseMessage = '';
    try {
      JSON.parse(`${SECRET} ${PROMPT}`);
    } catch (err) {
      parseMessage = (err as Error).message;
    }
    const batch = emptyBatch();
    reject(batch, '2026-01-05T10:00:00.000Z', 'litellm', 'tokens: not a number', JSON.parse(`${raw}}`), '$.usage.tokens');
    // An older caller that still puts the raw input in `excerpt`, with the parser's message as the reason.
    batch.rejects.push({ received_at: '2026-01-05T10:00:01.000Z', source: 'otlp-logs', reason: `invalid JSON: ${parseMessage}`, excerpt: raw });
    await store.ingest(batch);
    const dump = JSON.stringify(rawDatabaseForTests(store).exec('SELECT * FROM dead_letter'));
    for (const s of [SECRET.slice(0, 20), 'billing', 'acquisition']) assert.ok(!dump.includes(s), `${s} is not stored: ${dump}`);
    const rows = rawDatabaseForTests(store).exec('SELECT source, input_bytes, input_hash, json_path, excerpt FROM dead_letter ORDER BY id')[0]!.values;
    assert.deepEqual(rows[0]!.slice(0, 1), ['litellm']);
    assert.equal(rows[0]![3], '$.usage.tokens');
    assert.equal(rows[1]![1], Buffer.byteLength(raw));
    assert.equal(rows[1]![2], createHash('sha256').update(raw).digest('hex'));
    assert.deepEqual([rows[0]![4], rows[1]![4]], ['', '']);
    // Nor in the journal on disk.
    const journal = listSegments(path.join(tmp.dir, 'p.sqlite'))
      .map((s) => readFileSync(s.path, 'utf8'))
      .join('');
    assert.ok(!journal.includes('billing') && !journal.includes(SECRET.slice(0, 20)), 'the journal holds no input text either');
    const report = buildReport(store, { since: '2026-01-01', until: '2026-01-05' }, { prices, nowMs: Date.parse('2026-01-06T00:00:00Z') });
    const shown = JSON.stringify(report.health.deadLetters);
    assert.ok(!shown.includes('billing') && !shown.includes(SECRET.slice(0, 20)));
    assert.ok(report.health.deadLetters.recent.some((d) => d.detail.includes('at $.usage.tokens')));
    await store.close();
  });

  it('blanks the excerpts of a database written before (migration)', async () => {
    const SQL = await sqlLoader.load();
    const file = path.join(tmp.dir, 'old.sqlite');
    // A database at the version just before this migration, with an old-style excerpt in it.
    const mine = MIGRATIONS.findIndex((m) => m.includes('ADD COLUMN input_bytes'));
    assert.ok(mine > 0);
    const db = new SQL.Database();
    for (let v = 0; v < mine; v++) db.exec(MIGRATIONS[v]!);
    db.exec(`PRAGMA user_version = ${mine}`);
    db.run(
      "INSERT INTO dead_letter (received_at, source, reason, excerpt, event_date, letter_hash) VALUES ('2026-01-05T00:00:00Z', 'litellm', 'bad', ?, '2026-01-05', 'h')",
      [SECRET],
    );
    writeFileSync(file, db.export());
    db.close();
    const again = await Store.open({ path: file, sql: SQL });
    assert.deepEqual(rawDatabaseForTests(again).exec('SELECT excerpt, count FROM dead_letter')[0]!.values, [['', 1]]);
    await again.close();
  });
});
