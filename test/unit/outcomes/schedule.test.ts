import assert from 'node:assert/strict';
import { dueParts } from '../../../src/sources/outcomes/schedule';

const NOW = Date.parse('2026-01-10T12:00:00Z');
const both = { gitAutoSync: true, githubBackgroundSync: true };

describe('background outcome sync schedule', () => {
  it('runs git after every startup, GitHub only when a day has passed since its last run', () => {
    const recent = { git: '2026-01-10T11:00:00.000Z', github: '2026-01-10T11:00:00.000Z' };
    assert.deepEqual(dueParts(both, NOW, recent, true), { git: true, github: false });
    assert.deepEqual(dueParts(both, NOW, recent, false), { git: false, github: false });
    const old = { git: '2026-01-09T11:59:59.000Z', github: '2026-01-09T12:00:00.000Z' };
    assert.deepEqual(dueParts(both, NOW, old, false), { git: true, github: true });
    assert.deepEqual(dueParts(both, NOW, { git: null, github: null }, false), { git: true, github: true });
  });

  it('runs nothing that is switched off, and treats an unreadable last run as due', () => {
    assert.deepEqual(dueParts({ gitAutoSync: false, githubBackgroundSync: false }, NOW, { git: null, github: null }, true), { git: false, github: false });
    assert.deepEqual(dueParts({ gitAutoSync: false, githubBackgroundSync: true }, NOW, { git: null, github: 'garbage' }, true), { git: false, github: true });
  });
});
