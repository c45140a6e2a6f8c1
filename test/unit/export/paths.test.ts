import assert from 'node:assert/strict';
import path from 'node:path';
import fc from 'fast-check';
import { dayPartitionValue, manifestPathComponents, NULL_PARTITION, partitionValue, safeJoin } from '../../../src/core/export/paths';

const SAFE = /^(?!.*\.\.)[A-Za-z0-9_-][A-Za-z0-9._-]{0,98}[A-Za-z0-9_-]$|^[A-Za-z0-9_-]$/;

describe('export path components', () => {
  it('turns hostile repository names into one harmless folder name', () => {
    const cases: Array<[string | null, string]> = [
      ['acme/api', 'acme__api'],
      ['../../etc', '________etc'],
      ['a/b\\c', 'a__b_c'],
      ['CON', '_CON'],
      ['aux.txt', '_aux.txt'],
      ['%2e%2e/%2e%2e', '_2e_2e___2e_2e'],
      ['\uff0e\uff0e\uff0fetc', '____etc'],
      ['a..b', 'a__b'],
      ['x\u0000y', 'x_y'],
      ['trailing.', 'trailing_'],
      ['__HIVE_DEFAULT_PARTITION__', '__HIVE_DEFAULT_PARTITION___'],
      ['', NULL_PARTITION],
      [null, NULL_PARTITION],
    ];
    for (const [raw, want] of cases) assert.equal(partitionValue(raw), want, JSON.stringify(raw));
    const long = partitionValue(`o/${'x'.repeat(500)}`);
    assert.equal(long.length, 100);
    assert.notEqual(long, partitionValue(`o/${'x'.repeat(501)}`), 'long names stay distinct');
  });

  it('never yields a separator, a dot name, a hidden name or an escape for any input (property)', () => {
    const root = path.resolve('/tmp/export-root');
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('..', '.', '/', '\\', 'NUL', 'com1', '..\\..', '\u202e')), (raw) => {
        const v = partitionValue(raw);
        if (v === NULL_PARTITION) return raw === '';
        assert.match(v, SAFE);
        const full = safeJoin(root, 'sessions', `repo=${v}`, 'part-x-0.parquet');
        assert.ok(full.startsWith(root + path.sep));
        return true;
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts only real days as event_date partitions', () => {
    assert.equal(dayPartitionValue('2026-01-05'), '2026-01-05');
    for (const bad of ['2026-02-30', '2026-1-5', '../2026-01-05', '2026-01-05/..', null, '']) assert.equal(dayPartitionValue(bad), NULL_PARTITION, String(bad));
  });

  it('refuses unsafe components and manifest paths instead of repairing them', () => {
    for (const c of ['..', '.', 'a/b', 'a\\b', '', 'a\u0000b']) assert.throws(() => safeJoin('/tmp/x', c), /refusing/, JSON.stringify(c));
    for (const p of ['../x.parquet', 'sessions/../../x', '/etc/passwd', 'C:/x', 'a//b', 'sessions\\x']) assert.equal(manifestPathComponents(p), null, p);
    assert.deepEqual(manifestPathComponents('sessions/event_date=2026-01-05/repo=a__b/part-d-0.parquet'), [
      'sessions',
      'event_date=2026-01-05',
      'repo=a__b',
      'part-d-0.parquet',
    ]);
  });
});
