import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { prices, tempDir } from '../helpers/events';
import { scanTranscripts } from '../../../src/sources/transcripts';
import { HEAD_BYTES } from '../../../src/sources/transcripts/tail';
import { copyFixture, count, dayTotals, memoryStore } from './helpers';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

const SESSION = 'claude/projects/-home-dev-acme-api/7f3c2a10-5b1e-4c8d-9a2f-3e4d5c6b7a81.jsonl';
const ROLLOUT = 'codex/sessions/2026/01/05/rollout-2026-01-05T14-00-00-0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b.jsonl';

function assistant(id: string, ts: string, out: number): string {
  return `${JSON.stringify({
    parentUuid: null,
    isSidechain: false,
    cwd: '/home/dev/acme-api',
    sessionId: '7f3c2a10-5b1e-4c8d-9a2f-3e4d5c6b7a81',
    version: '2.0.14',
    gitBranch: 'main',
    message: {
      id,
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5-20250929',
      content: [{ type: 'text', text: 'ok' }],
      usage: { input_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 100, output_tokens: out },
    },
    requestId: `req_${id}`,
    type: 'assistant',
    uuid: `u-${id}-${out}`,
    timestamp: ts,
  })}\n`;
}

describe('transcripts: incremental tailing', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  it('reads only the appended bytes, and a half-written last line waits for its newline', async () => {
    const file = copyFixture(SESSION, tmp.dir);
    const store = await memoryStore();
    const first = await scanTranscripts([file], store, { prices, workspaceFolders: null });
    const original = readFileSync(file);
    const size = original.length;
    assert.equal(first.bytesRead, size + HEAD_BYTES);
    const before = count(store, "SELECT count(*) FROM sessions WHERE kind = 'request'");
    // The unfinished last line was not consumed: the checkpoint stops before it.
    const halfLen = size - (original.lastIndexOf(10) + 1);
    assert.ok(halfLen > 0);

    // Finish the half-written line, then append two more requests.
    const tail =
      ',"output_tokens":3},"type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[]},"requestId":"req_half","type":"assistant","uuid":"a-0017","timestamp":"2026-01-06T00:01:00.000Z"}\n';
    const more = assistant('msg_other', '2026-01-06T00:01:02.000Z', 1) + assistant('msg_new', '2026-01-06T00:02:00.000Z', 40);
    appendFileSync(file, tail + more);
    const second = await scanTranscripts([file], store, { prices, workspaceFolders: null });
    // Read: the unfinished line again (now whole), what was appended, and the head check. Nothing else.
    assert.equal(second.bytesRead, halfLen + Buffer.byteLength(tail + more) + HEAD_BYTES);
    assert.ok(second.bytesRead < size / 2, 'the file was not re-read from the start');
    assert.equal(count(store, "SELECT count(*) FROM sessions WHERE kind = 'request'"), before + 3);

    // Appending a larger copy of msg_new updates its row rather than adding one.
    appendFileSync(file, assistant('msg_new', '2026-01-06T00:02:05.000Z', 400));
    const third = await scanTranscripts([file], store, { prices, workspaceFolders: null });
    assert.equal(third.updated, 1);
    assert.equal(
      count(store, 'SELECT tokens_out FROM sessions WHERE trace_hash IN (SELECT trace_hash FROM sessions WHERE session_id IS NOT NULL AND tokens_out = 400)'),
      400,
    );
    assert.equal(count(store, "SELECT count(*) FROM sessions WHERE kind = 'request'"), before + 3);
    await store.close();
  });

  it('re-reads a file that shrank or was replaced, without double counting', async () => {
    const file = copyFixture(SESSION, tmp.dir);
    const store = await memoryStore();
    await scanTranscripts([file], store, { prices, workspaceFolders: null });
    const totals = dayTotals(store, 'claude-code-transcript');
    const text = readFileSync(file, 'utf8');

    // Shrunk (truncated to its first half): re-read from the start, nothing new, nothing doubled.
    writeFileSync(file, text.slice(0, text.indexOf('\n', text.length / 2) + 1));
    const shrunk = await scanTranscripts([file], store, { prices, workspaceFolders: null });
    assert.equal(shrunk.filesReset, 1);
    assert.equal(shrunk.inserted, 0);
    assert.deepEqual(dayTotals(store, 'claude-code-transcript'), totals);

    // Replaced by a new file (new inode) with the full content again plus one request.
    const next = path.join(tmp.dir, 'next.jsonl');
    writeFileSync(next, text.replace(/\{[^\n]*$/, '') + assistant('msg_after', '2026-01-07T10:00:00.000Z', 5));
    renameSync(next, file);
    const replaced = await scanTranscripts([file], store, { prices, workspaceFolders: null });
    assert.equal(replaced.filesReset, 1);
    assert.equal(replaced.inserted, 1);
    assert.equal(dayTotals(store, 'claude-code-transcript')['2026-01-05']!.input, totals['2026-01-05']!.input);

    // Same size, same inode, different first bytes (rewritten in place): the head hash notices.
    const now = readFileSync(file);
    now[2] = now[2] === 0x61 ? 0x62 : 0x61; // inside the first key of the summary line
    writeFileSync(file, now);
    const rewritten = await scanTranscripts([file], store, { prices, workspaceFolders: null });
    assert.equal(rewritten.filesReset, 1);
    assert.equal(rewritten.inserted, 0);
    await store.close();
  });

  it('Codex: per-turn tokens from successive totals stay right across incremental reads', async () => {
    const file = copyFixture(ROLLOUT, tmp.dir);
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    // Keep the first turn only, scan, then append the rest (including the totals-only event).
    writeFileSync(file, `${lines.slice(0, 7).join('\n')}\n`);
    const store = await memoryStore();
    await scanTranscripts([file], store, { prices, workspaceFolders: null });
    assert.deepEqual(dayTotals(store, 'codex-transcript'), { '2026-01-05': { input: 2000, output: 400, cacheRead: 3000, cacheWrite: 0 } });
    appendFileSync(file, `${lines.slice(7).join('\n')}\n`);
    const s = await scanTranscripts([file], store, { prices, workspaceFolders: null });
    assert.ok(s.bytesRead < statSync(file).size / 2 + HEAD_BYTES);
    assert.deepEqual(dayTotals(store, 'codex-transcript'), {
      '2026-01-05': { input: 3000, output: 900, cacheRead: 9000, cacheWrite: 0 },
      '2026-01-06': { input: 2000, output: 600, cacheRead: 6000, cacheWrite: 0 },
    });
    const models = rawDatabaseForTests(store).exec("SELECT model, reasoning_tokens FROM sessions WHERE source = 'codex-transcript' ORDER BY ts_ms")[0]!.values;
    assert.deepEqual(models, [
      ['gpt-5-codex', 256],
      ['gpt-5', 244],
      ['gpt-5', 200],
    ]);
    await store.close();
  });
});
