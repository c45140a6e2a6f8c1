import assert from 'node:assert/strict';
import { buildEditEvent } from '../../../src/core/retention/edit-event';
import { RetentionEngine, type RegionMeta } from '../../../src/core/retention/engine';
import { findAgentEdit } from '../../../src/core/retention/agent-match';
import { pathHash, transcriptFileHash } from '../../../src/core/retention/path-hash';
import { Store } from '../../../src/core/store/store';
import { batchOf, event, prices, sqlLoader } from '../helpers/events';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

const DOC = 'file:///w/src/a.ts';
const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const BLOCK = 'const a = 1;\nconst b = 2;\n'; // 26 chars, 2 lines

function meta(over: Partial<RegionMeta> = {}): RegionMeta {
  return {
    detection: 'inline',
    agent: 'copilot',
    confidence: 0.8,
    language: 'typescript',
    ext: 'ts',
    pathHash: pathHash('src/a.ts'),
    sessionId: null,
    matchedTrace: null,
    repoSlug: 'acme/api',
    branch: 'main',
    ...over,
  };
}

/** Inserts BLOCK at offset 0 of DOC as an AI insertion at time `at`, confirmed. */
function insert(e: RetentionEngine, id: string, at = T0, doc = DOC): void {
  const [created] = e.applyEvent(doc, [{ rangeOffset: 0, rangeLength: 0, text: BLOCK }], at, [{ id, changeIndex: 0, offset: 0, length: BLOCK.length }]);
  assert.equal(created, id);
  assert.ok(e.confirm(id, meta()));
}

describe('retention: checkpoints and events', () => {
  it('records the insertion unmeasured, then measures at 30 s, 2 min and 10 min', () => {
    const e = new RetentionEngine();
    insert(e, 'i1');
    let obs = e.drain(T0);
    assert.equal(obs.length, 1);
    assert.deepEqual(obs[0]!.checkpoints, ['inserted']);
    assert.equal(obs[0]!.survival, null);
    assert.equal(obs[0]!.accepted, null);
    assert.equal(obs[0]!.insertedLines, 2);

    e.tick(T0 + 29_999);
    assert.equal(e.drain(T0 + 29_999).length, 0, 'nothing due before 30 s');
    // Delete the second line (13 of 26 chars): ratio 2·13/(26+13) = 2/3, below 0.7.
    e.applyEvent(DOC, [{ rangeOffset: 13, rangeLength: 13, text: '' }], T0 + 10_000);
    e.tick(T0 + 30_000);
    obs = e.drain(T0 + 30_000);
    assert.deepEqual(obs[0]!.checkpoints, ['30s']);
    assert.equal(obs[0]!.survival!.ratio, 2 / 3);
    assert.equal(obs[0]!.survival!.acceptedLines, 1);
    assert.equal(obs[0]!.accepted, false);

    // Undo brings the line back (re-inserted inside the region): ratio 1 at 2 min.
    e.applyEvent(DOC, [{ rangeOffset: 13, rangeLength: 0, text: 'const b = 2;\n' }], T0 + 60_000);
    e.tick(T0 + 120_000);
    obs = e.drain(T0 + 120_000);
    assert.deepEqual(obs[0]!.checkpoints, ['2m']);
    assert.equal(obs[0]!.survival!.ratio, 1);
    assert.equal(obs[0]!.accepted, true);
    assert.deepEqual(obs[0]!.history, { '30s': { ratio: 2 / 3, lines: 1 }, '2m': { ratio: 1, lines: 2 } });

    e.tick(T0 + 600_000);
    obs = e.drain(T0 + 600_000);
    assert.deepEqual(obs[0]!.checkpoints, ['10m']);
    assert.equal(e.regions()[0]!.state, 'settled');
  });

  it('after a long sleep, only the latest due timed checkpoint is measured', () => {
    const e = new RetentionEngine();
    insert(e, 'i1');
    e.drain(T0);
    e.tick(T0 + 700_000);
    const obs = e.drain(T0 + 700_000);
    assert.equal(obs.length, 1);
    assert.deepEqual(obs[0]!.checkpoints, ['10m']);
  });

  it('save measures the saved document; commit the documents it covers; close measures and stops tracking', () => {
    const e = new RetentionEngine();
    insert(e, 'a', T0, 'file:///w/a.ts');
    insert(e, 'b', T0, 'file:///w/b.ts');
    insert(e, 'c', T0, 'file:///other/c.ts');
    e.drain(T0);
    e.checkpoint('save', 'file:///w/a.ts');
    assert.deepEqual(
      e.drain(T0 + 1).map((o) => [o.id, o.checkpoints]),
      [['a', ['save']]],
    );
    e.checkpoint('commit', (d) => d.startsWith('file:///w/'));
    assert.deepEqual(
      e
        .drain(T0 + 2)
        .map((o) => o.id)
        .sort(),
      ['a', 'b'],
    );
    e.closeDoc('file:///w/b.ts');
    const obs = e.drain(T0 + 3);
    assert.deepEqual(
      obs.map((o) => [o.id, o.checkpoints, o.final]),
      [['b', ['close'], true]],
    );
    assert.deepEqual(
      e
        .regions()
        .map((r) => r.id)
        .sort(),
      ['a', 'c'],
    );
  });

  it('a tentative region is not measured, and is dropped when discarded or never confirmed', () => {
    const e = new RetentionEngine({ confirmTimeoutMs: 5_000 });
    e.applyEvent(DOC, [{ rangeOffset: 0, rangeLength: 0, text: BLOCK }], T0, [{ id: 'p', changeIndex: 0, offset: 0, length: BLOCK.length }]);
    e.applyEvent(DOC, [{ rangeOffset: 0, rangeLength: 0, text: BLOCK }], T0, [{ id: 'q', changeIndex: 0, offset: 0, length: BLOCK.length }]);
    e.discard('p');
    e.checkpoint('save', DOC);
    assert.equal(e.drain(T0).length, 0);
    e.tick(T0 + 5_001);
    assert.equal(e.size, 0);
  });

  it('caps: the oldest settled region goes first, then the oldest active one, measured as evicted', () => {
    const e = new RetentionEngine({ maxRegionsPerDoc: 2, maxRegions: 100 });
    insert(e, 'old', T0);
    e.tick(T0 + 600_000);
    e.drain(T0 + 600_000); // 'old' is settled
    insert(e, 'mid', T0 + 700_000);
    insert(e, 'new', T0 + 800_000); // over the per-document cap: 'old' (settled) goes silently
    assert.deepEqual(
      e
        .regions()
        .map((r) => r.id)
        .sort(),
      ['mid', 'new'],
    );
    e.drain(T0 + 800_000);
    insert(e, 'newer', T0 + 900_000); // no settled left: the oldest active ('mid') is evicted and measured
    const obs = e.drain(T0 + 900_000);
    const evicted = obs.find((o) => o.id === 'mid')!;
    assert.deepEqual(evicted.checkpoints, ['evicted']);
    assert.equal(evicted.final, true);
    assert.deepEqual(
      e
        .regions()
        .map((r) => r.id)
        .sort(),
      ['new', 'newer'],
    );
  });

  it('the total cap applies across documents', () => {
    const e = new RetentionEngine({ maxRegionsPerDoc: 10, maxRegions: 3 });
    for (let i = 0; i < 5; i++) insert(e, `r${i}`, T0 + i, `file:///w/${i}.ts`);
    assert.equal(e.size, 3);
    assert.deepEqual(
      e
        .regions()
        .map((r) => r.id)
        .sort(),
      ['r2', 'r3', 'r4'],
    );
  });

  it('insertions above the size limit are not tracked', () => {
    const e = new RetentionEngine({ maxRegionChars: 10 });
    const ids = e.applyEvent(DOC, [{ rangeOffset: 0, rangeLength: 0, text: BLOCK }], T0, [{ id: 'big', changeIndex: 0, offset: 0, length: BLOCK.length }]);
    assert.deepEqual(ids, []);
    assert.equal(e.size, 0);
  });

  it('the acceptance threshold is a setting', () => {
    const e = new RetentionEngine({ acceptThreshold: 0.6 });
    insert(e, 'i1');
    e.applyEvent(DOC, [{ rangeOffset: 13, rangeLength: 13, text: '' }], T0 + 1);
    e.checkpoint('save', DOC);
    const o = e.drain(T0 + 2).find((x) => x.checkpoints.includes('save'))!;
    assert.equal(o.survival!.ratio, 2 / 3);
    assert.equal(o.accepted, true);
  });

  it('every checkpoint upserts one event row (same trace_hash): inserted, then updated', async () => {
    const store = await Store.open({ path: null, sql: await sqlLoader.load() });
    try {
      const e = new RetentionEngine();
      insert(e, 'ins-1');
      const toBatch = (now: number) =>
        batchOf(
          e.drain(now).map((o) => {
            const r = buildEditEvent(o, { prices });
            assert.ok(r.ok, r.ok ? '' : r.reason);
            return r.value;
          }),
        );
      const first = await store.ingest(toBatch(T0));
      assert.equal(first.inserted, 1);
      e.tick(T0 + 30_000);
      const second = await store.ingest(toBatch(T0 + 30_000));
      assert.equal(second.updated, 1);
      assert.equal(second.inserted, 0);
      const rows = rawDatabaseForTests(store).exec(
        'SELECT source, kind, accepted_flag, diff_ratio, accepted_lines, lines_added, language, agent, timestamp, attrs FROM sessions',
      );
      assert.equal(rows[0]!.values.length, 1);
      const [source, kind, flag, ratio, lines, added, lang, agent, ts, attrs] = rows[0]!.values[0]!;
      assert.deepEqual(
        [source, kind, flag, ratio, lines, added, lang, agent, ts],
        ['editor', 'edit', 1, 1, 2, 2, 'typescript', 'copilot', '2026-01-05T10:00:00.000Z'],
      );
      const a = JSON.parse(attrs as string) as Record<string, unknown>;
      assert.equal(a.checkpoint, '30s');
      assert.equal(a.ratio_30s, 1);
      assert.equal(a.path_hash, pathHash('src/a.ts'));
      assert.equal(a.detection, 'inline');
      // Nothing of the code itself reaches the row.
      assert.ok(!JSON.stringify(rows[0]!.values[0]).includes('const a'));
    } finally {
      await store.close();
    }
  });
});

describe('retention: matching agent edit events', () => {
  it('finds the agent edit on the same file nearest in time, by path_hash or the transcript key', async () => {
    const store = await Store.open({ path: null, sql: await sqlLoader.load() });
    try {
      const at = T0 + 5_000;
      await store.ingest(
        batchOf([
          event({
            id: 'far',
            source: 'claude-code-transcript',
            kind: 'edit',
            time: new Date(at - 600_000).toISOString(),
            agent: 'claude-code',
            session_id: 's-old',
            attrs: { path_hash: pathHash('src/a.ts') },
          }),
          event({
            id: 'near',
            source: 'claude-code-transcript',
            kind: 'edit',
            time: new Date(at - 2_000).toISOString(),
            agent: 'claude-code',
            session_id: 's-1',
            attrs: { file: transcriptFileHash('src/a.ts') },
          }),
          event({
            id: 'other-file',
            source: 'claude-code-transcript',
            kind: 'edit',
            time: new Date(at - 1_000).toISOString(),
            agent: 'claude-code',
            session_id: 's-2',
            attrs: { path_hash: pathHash('src/b.ts') },
          }),
        ]),
      );
      const m = findAgentEdit(store, { pathHash: pathHash('src/a.ts'), fileHash: transcriptFileHash('src/a.ts') }, at);
      assert.equal(m?.sessionId, 's-1');
      assert.equal(m?.agent, 'claude-code');
      assert.equal(findAgentEdit(store, { pathHash: pathHash('src/c.ts') }, at), null);
    } finally {
      await store.close();
    }
  });

  it('path_hash is the first 16 hex of sha256 of the forward-slash relative path', () => {
    // Computed independently: printf 'src/a.ts' | sha256sum | cut -c1-16
    assert.equal(pathHash('src/a.ts'), '072fc23b941d05af');
    assert.equal(pathHash('src\\a.ts'), pathHash('src/a.ts'));
    assert.equal(pathHash('./src/a.ts'), pathHash('src/a.ts'));
    assert.match(pathHash('src/a.ts'), /^[0-9a-f]{16}$/);
  });
});
