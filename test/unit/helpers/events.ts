import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AiEvent, Batch } from '../../../src/core/model';
import { buildEvent, type EventDraft } from '../../../src/core/normalize/event';
import { BundledPriceTable } from '../../../src/core/pricing';
import { SqlJsLoader } from '../../../src/core/store/node-sqljs';

export const prices = new BundledPriceTable();
export const sqlLoader = new SqlJsLoader();

/** A real event built through the canonical rules, from a compact description. */
export function event(overrides: Partial<EventDraft> & { id: string }): AiEvent {
  const { id, ...rest } = overrides;
  const r = buildEvent(
    {
      source: 'prodlens',
      kind: 'request',
      time: '2026-01-05T10:00:00Z',
      identity: [id],
      session_id: 'sess-1',
      developer_id: 'dev@example.com',
      model: 'claude-sonnet-4-5',
      tokens_in: 100,
      tokens_out: 50,
      latency_ms: 1000,
      status_code: 200,
      ...rest,
    },
    { prices },
  );
  if (!r.ok) throw new Error(`test event invalid: ${r.reason}`);
  return r.value;
}

export function batchOf(events: AiEvent[]): Batch {
  return { events, metrics: [], rejects: [] };
}

/** A temp folder removed by the returned cleanup. */
export function tempDir(prefix = 'prodlens-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
