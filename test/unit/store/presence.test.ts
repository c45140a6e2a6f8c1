import assert from 'node:assert/strict';
import { DayZone } from '../../../src/core/day';
import { BundledPriceTable } from '../../../src/core/pricing';
import { buildReport } from '../../../src/core/report/build';
import { presenceByDay, recordPresence } from '../../../src/core/store/presence-repo';
import { Store } from '../../../src/core/store/store';
import { batchOf, event, sqlLoader } from '../helpers/events';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

/** Editor presence: active minutes per local day, counts only, idempotent, and evidence of working days. */
describe('editor presence', () => {
  it('counts each active minute once per local day, whoever sent it how often, exactly at quarter-hour offsets', async () => {
    const store = await Store.open({ path: null, sql: await sqlLoader.load(), timeZone: 'Asia/Kathmandu' });
    const z = new DayZone('Asia/Kathmandu'); // UTC+05:45: local midnight is at :15 past a UTC hour
    const midnight = z.startOf('2026-01-06');
    // 3 minutes before local midnight (one sent twice, one at second 59), 2 after; then the same again.
    const beats = [midnight - 180_000, midnight - 120_000, midnight - 119_000, midnight - 1_000, midnight, midnight + 60_000 + 59_000];
    assert.equal(recordPresence(store, beats, 'dev@example.com'), 5);
    recordPresence(store, beats, 'dev@example.com');
    recordPresence(store, [midnight + 60_000], null);
    assert.deepEqual(presenceByDay(store, z, '2026-01-04', '2026-01-07'), [null, 3, 2, 0]);
    assert.deepEqual(presenceByDay(store, z, '2026-01-05', '2026-01-06', 'dev@example.com'), [3, 2]);
    assert.deepEqual(presenceByDay(store, z, '2026-01-05', '2026-01-06', 'other@example.com'), [null, null]);
    // Nothing but minutes is stored.
    const cols = rawDatabaseForTests(store).exec('SELECT * FROM editor_presence')[0]!.columns;
    assert.deepEqual(cols, ['slot_ms', 'developer_id', 'minutes_mask']);
    await store.close();
  });

  it('makes a day with editor presence a working day in the report and names presence as the calendar’s basis', async () => {
    const prices = new BundledPriceTable();
    const store = await Store.open({ path: null, sql: await sqlLoader.load(), timeZone: 'UTC' });
    await store.ingest(batchOf([event({ id: 'a', time: '2026-03-02T10:00:00Z' }), event({ id: 'b', time: '2026-03-04T10:00:00Z' })]));
    const q = { since: '2026-03-02', until: '2026-03-05', repo: null, developer: null, source: null };
    const nowMs = Date.parse('2026-03-06T00:00:00Z');
    const before = buildReport(store, q, { prices, nowMs });
    assert.equal(before.correlations.calendar?.basis, 'activity');
    assert.equal(before.correlations.calendar?.workingDays, 2);
    // Presence on the 3rd (no AI, no commit): now a working day.
    recordPresence(store, [Date.parse('2026-03-03T09:00:00Z'), Date.parse('2026-03-03T09:30:00Z')]);
    const after = buildReport(store, q, { prices, nowMs });
    assert.deepEqual(after.activeMinutes, [null, 2, 0, 0]);
    assert.equal(after.correlations.calendar?.basis, 'presence');
    assert.equal(after.correlations.calendar?.workingDays, 3);
    assert.match(after.correlations.summary, /^3 working days of 4 \(editor presence, AI use or commits\)/);
    await store.close();
  });
});
