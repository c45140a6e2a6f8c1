import assert from 'node:assert/strict';
import path from 'node:path';
import { batchOf, event, prices } from '../helpers/events';
import { scanTranscripts } from '../../../src/sources/transcripts';
import { isTranscriptPath } from '../../../src/sources/transcripts/locations';
import { count, dayTotals, FIXTURES, memoryStore, WORKSPACE } from './helpers';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

const CLAUDE = path.join(FIXTURES, 'claude');
const CODEX = path.join(FIXTURES, 'codex');

// Hand-computed from the fixture lines (see test/fixtures/transcripts/README.md).
const CLAUDE_ALL = {
  '2026-01-05': { input: 2119, output: 1202, cacheRead: 51000, cacheWrite: 5900 },
  '2026-01-06': { input: 554, output: 1470, cacheRead: 40500, cacheWrite: 5000 },
  '2026-01-07': { input: 50, output: 380, cacheRead: 82000, cacheWrite: 1000 },
};
const CODEX_ALL = {
  '2026-01-05': { input: 3000, output: 900, cacheRead: 9000, cacheWrite: 0 },
  '2026-01-06': { input: 3000, output: 700, cacheRead: 6000, cacheWrite: 0 },
};

describe('transcripts: fixture trees', () => {
  it('import takes every session and gives the expected per-day totals', async () => {
    const store = await memoryStore();
    const s = await scanTranscripts([CLAUDE, CODEX], store, { prices, workspaceFolders: null });
    assert.deepEqual(dayTotals(store, 'claude-code-transcript'), CLAUDE_ALL);
    assert.deepEqual(dayTotals(store, 'codex-transcript'), CODEX_ALL);
    assert.equal(s.files, 9);
    assert.equal(s.deadLettered, 1);
    await store.close();
  });

  it('a folder of neither shape holding both agents’ sessions gives each file to its own agent', async () => {
    // FIXTURES has claude/projects/… and codex/sessions/… below it, but is neither a config nor a home folder.
    const store = await memoryStore();
    const s = await scanTranscripts([FIXTURES], store, { prices, workspaceFolders: null });
    assert.deepEqual(dayTotals(store, 'claude-code-transcript'), CLAUDE_ALL);
    assert.deepEqual(dayTotals(store, 'codex-transcript'), CODEX_ALL);
    assert.equal(s.files, 9);
    await store.close();
  });

  it('counts each request once: content-block repeats, the progress copy, synthetic lines and the /btw replay', async () => {
    const store = await memoryStore();
    await scanTranscripts([CLAUDE], store, { prices, workspaceFolders: null });
    const requests = count(store, "SELECT count(*) FROM sessions WHERE kind = 'request' AND duplicate_of IS NULL");
    // msg 01, 02, 03, opus 04, sub 01, sub 02, legacy sub 03, old b1, other c1, d1, btw answer
    assert.equal(requests, 11);
    assert.equal(count(store, "SELECT count(*) FROM sessions WHERE model = '<synthetic>'"), 0);
    // The largest copy of a repeated request wins (early content-block lines carry partial output).
    assert.equal(count(store, "SELECT tokens_out FROM sessions WHERE kind = 'request' AND model LIKE 'claude-opus%'"), 600);
    await store.close();
  });

  for (const [batchSize, bulk] of [
    [1, false],
    [3, false],
    [5000, false],
    [1, true],
    [3, true],
  ] as const)
    it(`dedups a first scan from what it stored as a later scan does from the store (batches of ${batchSize}${bulk ? ', in a bulk import' : ''})`, async () => {
      // A store without Claude requests is decided from the scan's own record (DedupMemo); one that holds an
      // unrelated Claude request is looked up batch by batch. Copies and the /btw replay cross batches here.
      const first = await memoryStore();
      const looked = await memoryStore();
      looked.ingestUnjournaled(batchOf([event({ id: 'unrelated', source: 'claude-code-transcript', session_id: 'unrelated' })]));
      const opts = { prices, workspaceFolders: null, batchSize, clock: { now: () => 0 } };
      const a = bulk ? await first.bulk(() => scanTranscripts([CLAUDE], first, { ...opts, flush: false })) : await scanTranscripts([CLAUDE], first, opts);
      const b = await scanTranscripts([CLAUDE], looked, opts);
      assert.deepEqual(a, b);
      const rows = (store: typeof first) =>
        JSON.stringify(
          rawDatabaseForTests(store).exec(
            `SELECT trace_hash, tokens_in, tokens_out, duplicate_of, attrs FROM sessions WHERE session_id IS NOT 'unrelated' ORDER BY trace_hash`,
          )[0]!.values,
        ) + JSON.stringify(rawDatabaseForTests(store).exec('SELECT * FROM transcript_messages ORDER BY 1')[0]!.values);
      assert.equal(rows(first), rows(looked));
      await first.close();
      await looked.close();
    });

  it('a first scan stopped after its first file leaves the message index a later scan would have written', async () => {
    // A first scan decides from its own record (DedupMemo); cancelled, it has indexed what it stored, exactly
    // as a scan that looks messages up in the store.
    const first = await memoryStore();
    const looked = await memoryStore();
    looked.ingestUnjournaled(batchOf([event({ id: 'unrelated', source: 'claude-code-transcript', session_id: 'unrelated' })]));
    const index = (store: typeof first) => JSON.stringify(rawDatabaseForTests(store).exec('SELECT * FROM transcript_messages ORDER BY 1')[0]?.values ?? []);
    const stopAfterFirstFile = () => {
      const ctl = new AbortController();
      return { signal: ctl.signal, onProgress: () => ctl.abort() };
    };
    const opts = { prices, workspaceFolders: null, batchSize: 1, clock: { now: () => 0 } };
    const a = await scanTranscripts([CLAUDE], first, { ...opts, ...stopAfterFirstFile() });
    const b = await scanTranscripts([CLAUDE], looked, { ...opts, ...stopAfterFirstFile() });
    assert.ok(a.cancelled && b.cancelled);
    assert.equal(a.filesRead, 1);
    assert.deepEqual(a, b);
    assert.notEqual(index(first), '[]', 'the first file has Claude requests');
    assert.equal(index(first), index(looked));
    await first.close();
    await looked.close();
  });

  it('stores API errors, edits with line counts and no text, and a dead letter naming file and line', async () => {
    const store = await memoryStore();
    await scanTranscripts([CLAUDE], store, { prices, workspaceFolders: null });
    const err = rawDatabaseForTests(store).exec("SELECT status_code, attrs, event_date FROM sessions WHERE kind = 'error'")[0]!.values;
    assert.deepEqual(err, [[429, '{"error":"rate_limit"}', '2026-01-05']]);
    const edits = rawDatabaseForTests(store).exec(
      "SELECT tool_name, lines_added, lines_removed, language, json_extract(attrs, '$.user_modified') FROM sessions WHERE kind = 'edit' ORDER BY ts_ms",
    )[0]!.values;
    assert.deepEqual(edits, [
      ['Edit', 2, 1, 'ts', 0],
      ['Write', 3, 0, 'ts', null],
      ['MultiEdit', 3, 2, 'ts', 1],
    ]);
    const all =
      JSON.stringify(rawDatabaseForTests(store).exec('SELECT * FROM sessions')[0]!.values) +
      JSON.stringify(rawDatabaseForTests(store).exec('SELECT * FROM dead_letter')[0]!.values);
    for (const secret of ['redirect', 'login.ts', 'export const', 'fix the login', 'Rate limit reached'])
      assert.ok(!all.includes(secret), `stored text: ${secret}`);
    const [reason] = rawDatabaseForTests(store).exec('SELECT reason FROM dead_letter')[0]!.values[0] as [string];
    assert.match(reason, /7f3c2a10-5b1e-4c8d-9a2f-3e4d5c6b7a81\.jsonl:13: invalid JSON/);
    await store.close();
  });

  it('uses the transcript cost where present, else the price table', async () => {
    const store = await memoryStore();
    await scanTranscripts([CLAUDE], store, { prices, workspaceFolders: null });
    const rows = rawDatabaseForTests(store).exec(
      "SELECT model, cost_source, cost_usd FROM sessions WHERE kind = 'request' AND model = 'claude-sonnet-4-20250514'",
    )[0]!.values;
    assert.deepEqual(rows, [['claude-sonnet-4-20250514', 'reported', 0.01234]]);
    assert.equal(count(store, "SELECT count(*) FROM sessions WHERE kind = 'request' AND cost_source = 'estimated' AND cost_usd > 0"), 10);
    await store.close();
  });

  it('the workspace filter takes only sessions whose cwd is inside the workspace folders', async () => {
    const store = await memoryStore();
    const s = await scanTranscripts([CLAUDE, CODEX], store, { prices, workspaceFolders: [WORKSPACE] });
    assert.equal(s.filesExcluded, 2);
    assert.deepEqual(dayTotals(store, 'claude-code-transcript')['2026-01-06'], { input: 504, output: 770, cacheRead: 31500, cacheWrite: 2000 });
    assert.deepEqual(dayTotals(store, 'codex-transcript')['2026-01-06'], { input: 2000, output: 600, cacheRead: 6000, cacheWrite: 0 });
    assert.equal(
      count(store, "SELECT count(*) FROM sessions WHERE session_id IN ('c0ffee00-1234-4abc-9def-0123456789ab', '0199b2c3-d4e5-7f60-9a1b-2c3d4e5f6a7b')"),
      0,
    );
    // Switching to all projects later takes the excluded sessions without re-reading the others.
    const s2 = await scanTranscripts([CLAUDE, CODEX], store, { prices, workspaceFolders: null });
    assert.equal(s2.filesRead, 2);
    assert.deepEqual(dayTotals(store, 'claude-code-transcript'), CLAUDE_ALL);
    await store.close();
  });

  it('re-scans never double count, even when every file is re-read from the start', async () => {
    const store = await memoryStore();
    await scanTranscripts([CLAUDE, CODEX], store, { prices, workspaceFolders: null });
    const again = await scanTranscripts([CLAUDE, CODEX], store, { prices, workspaceFolders: null });
    assert.equal(again.filesRead, 0);
    assert.equal(again.bytesRead, 0);
    rawDatabaseForTests(store).run('DELETE FROM transcript_files');
    const full = await scanTranscripts([CLAUDE, CODEX], store, { prices, workspaceFolders: null });
    assert.equal(full.filesRead, 9);
    assert.equal(full.inserted, 0);
    assert.deepEqual(dayTotals(store, 'claude-code-transcript'), CLAUDE_ALL);
    assert.deepEqual(dayTotals(store, 'codex-transcript'), CODEX_ALL);
    await store.close();
  });

  it('recognises transcript folders and files for prodlens import', () => {
    assert.ok(isTranscriptPath(CLAUDE));
    assert.ok(isTranscriptPath(path.join(CLAUDE, 'projects')));
    assert.ok(isTranscriptPath(path.join(CLAUDE, 'projects', '-home-dev-acme-api')));
    assert.ok(isTranscriptPath(path.join(CLAUDE, 'projects', '-home-dev-other-proj', 'c0ffee00-1234-4abc-9def-0123456789ab.jsonl')));
    assert.ok(isTranscriptPath(CODEX));
    assert.ok(!isTranscriptPath(path.join(__dirname, '..', 'helpers')));
    assert.ok(!isTranscriptPath(__filename));
  });
});
