import type { AiEvent } from '../../core/model';
import type { Store } from '../../core/store/store';
import { markDuplicateDays, messageIndexWriter, storedMessages, storedRequestTotals, type MessageIndexWriter } from '../../core/store/transcript-state-repo';
import type { ParsedEvent } from './parser';

/**
 * The Claude request identity rules, applied before a batch is stored:
 * 1. One row per `message.id` + `requestId` (the trace_hash). Of repeated copies (one line per content
 *    block, a re-read file, a subagent's progress copy in the parent file) the one with the largest token
 *    total is kept: early content-block lines carry partial output counts. A main-chain copy beats a
 *    sidechain copy. A copy no better than the stored row is dropped (counted as a duplicate).
 * 2. Sidechain replays: a `/btw` side question's log replays parent messages under new request ids
 *    (ccusage #913). A sidechain request whose `message.id` is already stored under another request id is
 *    dropped; a main-chain request arriving after such a replay marks the replay `duplicate_of` itself.
 * Events of other kinds and sources pass through; identical ones dedup in the store by trace_hash.
 */
export interface DedupOutcome {
  events: AiEvent[];
  /** Copies dropped here (no better than what is stored or in the batch). */
  dropped: number;
  /** Stored sidechain replays marked duplicate_of a main-chain request, and their days. */
  markedDays: string[];
}

interface Existing {
  total: number;
  sidechain: boolean;
}

function better(c: { total: number; sidechain: boolean }, e: Existing): boolean {
  if (c.sidechain !== e.sidechain) return e.sidechain;
  return c.total > e.total;
}

/**
 * What a scan has stored of Claude requests and message ids, when it began on a store that held none
 * (holdsNoClaudeRequests): the store then holds exactly these, and each batch is decided here without
 * looking its requests and messages up (two queries a batch, ~0.2 s of a 500 MB cold scan).
 */
export class DedupMemo {
  readonly totals = new Map<string, Existing>();
  readonly messages = new Map<string, { hash: string; sidechain: boolean }>();
}

/**
 * `memo`: decide from what this scan stored (see DedupMemo) instead of querying the store. `writer`: the
 * scan's message index writer (its statements kept from batch to batch; the caller frees it), else one for
 * this call.
 */
export function resolveClaudeDuplicates(
  store: Store,
  items: ParsedEvent[],
  memo: DedupMemo | null = null,
  writer: MessageIndexWriter | null = null,
): DedupOutcome {
  const out: AiEvent[] = [];
  const best = new Map<string, ParsedEvent>();
  for (const it of items) {
    if (!it.claude) {
      out.push(it.event);
      continue;
    }
    const prev = best.get(it.event.trace_hash);
    if (!prev || better(it.claude, prev.claude!)) best.set(it.event.trace_hash, it);
  }
  let dropped = items.length - out.length - best.size;
  if (!best.size) return { events: out, dropped, markedDays: [] };

  let existing: Map<string, Existing>;
  let messages: Map<string, { hash: string; sidechain: boolean }>;
  if (memo) {
    existing = memo.totals;
    messages = memo.messages;
  } else {
    existing = new Map();
    for (const r of storedRequestTotals(store, [...best.keys()])) {
      existing.set(r[0] as string, {
        total: ((r[1] as number) ?? 0) + ((r[2] as number) ?? 0) + ((r[3] as number) ?? 0) + ((r[4] as number) ?? 0),
        sidechain: typeof r[5] === 'string' && r[5].includes('"sidechain":true'),
      });
    }
    messages = new Map();
    for (const r of storedMessages(store, [...new Set([...best.values()].map((b) => b.claude!.messageId))])) {
      messages.set(r[0] as string, { hash: r[1] as string, sidechain: r[2] === 1 });
    }
  }

  const index = writer ?? messageIndexWriter(store);
  const markedDays = new Set<string>();
  try {
    // Main-chain requests first, so a replay in the same batch meets its parent and is dropped (each part
    // in the batch's order).
    const ordered: ParsedEvent[] = [];
    const sidechains: ParsedEvent[] = [];
    for (const it of best.values()) (it.claude!.sidechain ? sidechains : ordered).push(it);
    for (const it of sidechains) ordered.push(it);
    for (const it of ordered) {
      const hash = it.event.trace_hash;
      const c = it.claude!;
      const e = existing.get(hash);
      if (e && !better(c, e)) {
        dropped++;
        continue;
      }
      const m = messages.get(c.messageId);
      if (m && m.hash !== hash) {
        if (c.sidechain) {
          dropped++; // a replay of a stored request (main-chain, or another sidechain copy)
          continue;
        }
        if (!m.sidechain) {
          out.push(it.event); // two main-chain requests sharing a message id are both real
          memo?.totals.set(hash, { total: c.total, sidechain: c.sidechain });
          continue;
        }
        // The stored copy was a replay of this main-chain request.
        for (const d of index.markReplay(hash, m.hash)) markedDays.add(d);
      }
      if (!m || m.hash !== hash || m.sidechain !== c.sidechain) {
        index.upsertMessage(c.messageId, hash, c.sidechain);
        messages.set(c.messageId, { hash, sidechain: c.sidechain });
      }
      out.push(it.event);
      memo?.totals.set(hash, { total: c.total, sidechain: c.sidechain });
    }
    index.write();
  } finally {
    if (!writer) index.free();
  }
  if (markedDays.size) markDuplicateDays(store, [...markedDays]);
  return { events: out, dropped, markedDays: [...markedDays] };
}
