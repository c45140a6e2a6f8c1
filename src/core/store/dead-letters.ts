import type { Batch, DeadLetter } from '../model';
import { describeInput, excerpt, safeReason } from '../normalize/result';

/**
 * What a dead letter may keep: reason (sanitised), source, size, hash and JSON path, never input text. A
 * caller that still passes raw text in `excerpt` gets it replaced by its size and hash here, before the
 * letter reaches the journal or the database.
 */
export function sealDeadLetter(d: DeadLetter): DeadLetter {
  const described = d.bytes === undefined || !d.hash ? describeInput(d.excerpt ?? '') : undefined;
  const bytes = d.bytes ?? described!.bytes;
  const hash = d.hash || described!.hash;
  const out: DeadLetter = {
    received_at: d.received_at,
    source: d.source,
    reason: safeReason(d.reason || 'unknown reason'),
    excerpt: described
      ? excerpt(d.excerpt ?? '')
      : d.excerpt && /^[\w ]+, \d+ bytes, sha256 [0-9a-f]{16}$/.test(d.excerpt)
        ? d.excerpt
        : `${bytes} bytes, sha256 ${hash.slice(0, 16)}`,
    bytes,
    hash,
  };
  if (d.path) out.path = safeReason(d.path).slice(0, 200);
  if (d.count !== undefined && d.count > 1) out.count = Math.floor(d.count);
  return out;
}

/** Seals every dead letter of a batch in place; returns the batch. */
export function sealDeadLetters(batch: Batch): Batch {
  if (batch.rejects.length) batch.rejects = batch.rejects.map(sealDeadLetter);
  return batch;
}
