import assert from 'node:assert/strict';
import { buildEditBatch } from '../../../src/core/retention/edit-event';
import { RetentionEngine } from '../../../src/core/retention/engine';
import { pathHash } from '../../../src/core/retention/path-hash';
import { Store } from '../../../src/core/store/store';
import { prices, sqlLoader } from '../helpers/events';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

const DOC = 'file:///w/src/secret-plans.ts';
const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const BLOCK = 'const apiKey = "sk-live-123";\nexport const plan = 42;\n';

describe('editor capture: a rejected edit event is a dead letter', () => {
  it('keeps the good observation as an event and the rejected one as a dead letter with its reason, never the inserted text', async () => {
    const e = new RetentionEngine();
    for (const id of ['good', 'bad']) {
      const at = id === 'good' ? T0 : T0 + 1;
      const [created] = e.applyEvent(`${DOC}#${id}`, [{ rangeOffset: 0, rangeLength: 0, text: BLOCK }], at, [
        { id, changeIndex: 0, offset: 0, length: BLOCK.length },
      ]);
      assert.equal(created, id);
      e.confirm(id, {
        detection: 'inline',
        agent: 'copilot',
        confidence: 0.8,
        language: 'typescript',
        ext: 'ts',
        pathHash: pathHash('src/secret-plans.ts'),
        sessionId: null,
        matchedTrace: null,
        repoSlug: 'acme/api',
        branch: 'main',
      });
    }
    // An observation whose time cannot be read (a clock gone wrong) cannot become an event.
    const obs = e.drain(T0 + 2).map((o) => (o.id === 'bad' ? { ...o, insertedAt: Number.NaN } : o));
    assert.deepEqual(obs.map((o) => o.id).sort(), ['bad', 'good']);
    const batch = buildEditBatch(obs, { prices }, '2026-01-05T10:00:05.000Z');
    assert.equal(batch.events.length, 1);
    assert.equal(batch.rejects.length, 1);

    const store = await Store.open({ path: null, sql: await sqlLoader.load() });
    try {
      const r = await store.ingest(batch);
      assert.equal(r.inserted, 1);
      const letters = rawDatabaseForTests(store).exec('SELECT source, reason, input_bytes, input_hash FROM dead_letter')[0]!.values;
      assert.equal(letters.length, 1);
      const [source, reason, bytes, hash] = letters[0]!;
      assert.equal(source, 'editor');
      assert.match(reason as string, /^edit event: /);
      assert.ok((bytes as number) > 0 && /^[0-9a-f]{64}$/.test(hash as string), 'size and hash of what was rejected');
      const everything = JSON.stringify([
        rawDatabaseForTests(store).exec('SELECT * FROM dead_letter'),
        rawDatabaseForTests(store).exec('SELECT * FROM sessions'),
      ]);
      for (const secret of ['sk-live-123', 'apiKey', 'secret-plans']) assert.ok(!everything.includes(secret), secret);
    } finally {
      await store.close();
    }
  });
});
