import { cpSync } from 'node:fs';
import path from 'node:path';
import { Store } from '../../../src/core/store/store';
import { sqlLoader } from '../helpers/events';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

export const FIXTURES = path.resolve(__dirname, '../../fixtures/transcripts');
export const WORKSPACE = '/home/dev/acme-api';

export interface DayTotals {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export async function memoryStore(): Promise<Store> {
  return Store.open({ path: null, sql: await sqlLoader.load() });
}

/** Per-day token totals of one source's counted (not duplicate_of) rows. */
export function dayTotals(store: Store, source: string): Record<string, DayTotals> {
  const rows =
    rawDatabaseForTests(store).exec(
      `SELECT event_date, SUM(IFNULL(tokens_in, 0)), SUM(IFNULL(tokens_out, 0)), SUM(IFNULL(cache_read_tokens, 0)), SUM(IFNULL(cache_write_tokens, 0))
         FROM sessions WHERE source = ? AND kind IN ('request', 'error') AND duplicate_of IS NULL GROUP BY event_date ORDER BY event_date`,
      [source],
    )[0]?.values ?? [];
  const out: Record<string, DayTotals> = {};
  for (const [d, i, o, r, w] of rows) out[d as string] = { input: i as number, output: o as number, cacheRead: r as number, cacheWrite: w as number };
  return out;
}

/** A copy of the fixture tree (or part of it) in a temp folder, for tests that change files. */
export function copyFixture(rel: string, dest: string): string {
  const to = path.join(dest, rel);
  cpSync(path.join(FIXTURES, rel), to, { recursive: true });
  return to;
}

export function count(store: Store, sql: string, params: Array<string | number> = []): number {
  return (rawDatabaseForTests(store).exec(sql, params)[0]?.values[0]?.[0] as number) ?? 0;
}
