import { dayRange, shiftDay, type DayZone } from '../day';
import type { Store } from './store';
import { databaseOf } from './database-of';

/**
 * Editor presence (issue 13 §3), WakaTime-style: the minutes in which the editor saw the developer at work
 * (typing, moving the cursor, switching editors, focusing the window). Counts only: no file names, no
 * text, no document ids. Stored in `editor_presence` per quarter hour of UTC time as a 15-bit mask of
 * active minutes, OR-ed on write, so heartbeats sent twice or by two windows never count a minute twice,
 * and any zone's local day is exact (every zone's offset from UTC is a multiple of 15 minutes).
 */

const MINUTE_MS = 60_000;
const SLOT_MS = 15 * MINUTE_MS;

/** Records active minutes (any instants inside them, epoch ms). Returns the number of distinct minutes. */
export function recordPresence(store: Store, instants: Iterable<number>, developerId: string | null = null): number {
  const slots = new Map<number, number>();
  const minutes = new Set<number>();
  for (const ms of instants) {
    if (!Number.isFinite(ms) || ms < 0) continue;
    const minute = Math.floor(ms / MINUTE_MS);
    minutes.add(minute);
    const slot = Math.floor(ms / SLOT_MS) * SLOT_MS;
    slots.set(slot, (slots.get(slot) ?? 0) | (1 << (minute % 15)));
  }
  if (!slots.size) return 0;
  const stmt = databaseOf(store).prepare(
    `INSERT INTO editor_presence (slot_ms, developer_id, minutes_mask) VALUES (?, ?, ?)
     ON CONFLICT (slot_ms, developer_id) DO UPDATE SET minutes_mask = minutes_mask | excluded.minutes_mask`,
  );
  try {
    for (const [slot, mask] of slots) stmt.run([slot, developerId ?? '', mask]);
  } finally {
    stmt.free();
  }
  store.markDirty();
  return minutes.size;
}

/**
 * Active editor minutes per local day of `since … until` (inclusive) in `zone`. A day before the first
 * recorded minute (ever, for that developer filter) is null — not measured: the tracker was not there —
 * and a day after it with nothing recorded is 0. With `developer` (a report's developer filter), only
 * minutes recorded under that identity count; null means every identity.
 */
export function presenceByDay(store: Store, zone: DayZone, since: string, until: string, developer: string | null = null): Array<number | null> {
  const db = databaseOf(store);
  const days = dayRange(since, until);
  const dev = developer === null ? { sql: '', params: [] } : { sql: ' AND developer_id = ?', params: [developer] };
  const first = db.exec(`SELECT MIN(slot_ms) FROM editor_presence WHERE 1 = 1${dev.sql}`, dev.params)[0]?.values[0]?.[0] as number | null | undefined;
  if (first === null || first === undefined) return days.map(() => null);
  const firstDay = zone.dayOf(first);
  const out: Array<number | null> = days.map((d) => (d >= firstDay ? 0 : null));
  const index = new Map(days.map((d, i) => [d as string, i]));
  const from = zone.startOf(since);
  const to = zone.startOf(shiftDay(until, 1));
  const rows =
    db.exec(`SELECT slot_ms, minutes_mask FROM editor_presence WHERE slot_ms >= ? AND slot_ms < ?${dev.sql}`, [from, to, ...dev.params])[0]?.values ?? [];
  // A minute recorded under two identities (e.g. before and after git user.email was set) counts once.
  const masks = new Map<number, number>();
  for (const [slot, mask] of rows as Array<[number, number]>) masks.set(slot, (masks.get(slot) ?? 0) | mask);
  for (const [slot, mask] of masks) {
    const i = index.get(zone.dayOf(slot));
    if (i === undefined || out[i] === null) continue;
    out[i] = (out[i] as number) + popcount(mask);
  }
  return out;
}

function popcount(x: number): number {
  let n = 0;
  for (let v = x; v; v &= v - 1) n++;
  return n;
}
