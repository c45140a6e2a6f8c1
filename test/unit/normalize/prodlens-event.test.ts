import assert from 'node:assert/strict';
import { normalizeProdLensEvents } from '../../../src/core/normalize/prodlens-event';
import { ctx, fixture, fixtureText } from './helpers';

describe('ProdLens event JSON', () => {
  it('reads the documented example files (NDJSON and array) alike', () => {
    const arr = normalizeProdLensEvents(fixture('prodlens/events.json'), ctx());
    const lines = fixtureText('prodlens/events.ndjson')
      .trim()
      .split('\n')
      .flatMap((l) => normalizeProdLensEvents(JSON.parse(l), ctx()).events);
    assert.equal(arr.rejects.length, 0, JSON.stringify(arr.rejects));
    assert.deepEqual(lines, arr.events);
    const edit = arr.events.find((e) => e.kind === 'edit')!;
    assert.equal(edit.source, 'editor');
    assert.equal(edit.accepted_lines, 12);
    assert.equal(edit.diff_ratio, 0.85);
    assert.deepEqual(edit.attrs, { file_ext: '.ts', edit_kind: 'inline' });
    assert.equal(arr.events[1]!.repo_slug, 'acme/api', 'a git URL is accepted as repo_slug');
  });

  it('rejects a misspelt column by name instead of dropping it', () => {
    const b = normalizeProdLensEvents({ timestamp: '2026-01-05T10:00:00Z', kind: 'request', token_in: 5 }, ctx());
    assert.equal(b.events.length, 0);
    assert.match(b.rejects[0]!.reason, /token_in/);
  });

  it('rejects unknown kinds and sources, bad repositories and ratios above 1, with reasons', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ timestamp: '2026-01-05T10:00:00Z', kind: 'chat' }, /kind/],
      [{ timestamp: '2026-01-05T10:00:00Z', kind: 'request', source: 'somewhere' }, /source/],
      [{ timestamp: '2026-01-05T10:00:00Z', kind: 'request', repo_slug: 'not a repo' }, /repo_slug/],
      [{ timestamp: '2026-01-05T10:00:00Z', kind: 'edit', diff_ratio: 1.5 }, /diff_ratio/],
      [{ kind: 'request' }, /timestamp/],
    ];
    for (const [input, reason] of cases) {
      const b = normalizeProdLensEvents(input, ctx());
      assert.equal(b.events.length, 0, JSON.stringify(input));
      assert.match(b.rejects[0]!.reason, reason);
    }
  });

  it('accepts the derived columns of an exported row and recomputes them', () => {
    const b = normalizeProdLensEvents(
      {
        timestamp: '2026-01-05T23:30:00-02:00',
        kind: 'request',
        event_date: '1999-01-01',
        trace_hash: 'abc',
        cost_source: 'reported',
        tokens_in: 1,
        tokens_out: 1,
        model: 'gpt-4o',
      },
      ctx(),
    );
    assert.equal(b.rejects.length, 0);
    assert.equal(b.events[0]!.event_date, '2026-01-06');
    assert.equal(b.events[0]!.cost_source, 'estimated');
  });
});
