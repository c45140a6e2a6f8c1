import assert from 'node:assert/strict';
import { messageIndexWriter } from '../../../src/core/store/transcript-state-repo';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';
import { memoryStore } from '../transcripts/helpers';

/** The index of Claude message ids (the sidechain-replay rule, src/sources/transcripts/dedup.ts). */
describe('transcript message index', () => {
  it('keeps the last write of a message id, within a statement, across statements and across batches', async () => {
    const store = await memoryStore();
    const w = messageIndexWriter(store);
    // 250 ids written in statements of up to 100 rows; msg_5 again in the same statement, msg_7 again in
    // two later statements, msg_0 again last of all.
    for (let i = 0; i < 250; i++) {
      w.upsertMessage(`msg_${i}`, `h${i}`, false);
      if (i === 30) w.upsertMessage('msg_5', 'within', true);
    }
    w.upsertMessage('msg_7', 'second', true);
    for (let i = 0; i < 60; i++) w.upsertMessage(`more_${i}`, `m${i}`, false);
    w.upsertMessage('msg_7', 'third', false);
    w.upsertMessage('msg_0', 'last', true);
    w.write();
    // A later batch replaces what an earlier one wrote.
    w.upsertMessage('msg_1', 'next batch', true);
    w.write();
    w.free();
    const db = rawDatabaseForTests(store);
    const row = (id: string) => db.exec('SELECT trace_hash, sidechain FROM transcript_messages WHERE message_id = ?', [id])[0]?.values[0];
    assert.deepEqual(row('msg_5'), ['within', 1]);
    assert.deepEqual(row('msg_7'), ['third', 0]);
    assert.deepEqual(row('msg_0'), ['last', 1]);
    assert.deepEqual(row('msg_1'), ['next batch', 1]);
    assert.deepEqual(row('msg_249'), ['h249', 0]);
    assert.equal(db.exec('SELECT count(*) FROM transcript_messages')[0]!.values[0]![0], 310);
    await store.close();
  });
});
