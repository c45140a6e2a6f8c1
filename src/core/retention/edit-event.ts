import { emptyBatch, type AiEvent, type Attrs, type Batch } from '../model';
import { excerpt } from '../normalize/result';
import { buildEvent, type BuildContext } from '../normalize/event';
import type { Result } from '../normalize/result';
import type { Observation } from './engine';

/**
 * The `edit` event of an AI insertion (source `editor`). Its identity is the insertion's id, so every
 * checkpoint re-sends the same trace_hash and the store updates the row (counted as `updated`). The time is
 * the insertion's, so the event stays on its day. Only counts, ratios, hashes and metadata: never text.
 *
 * Columns: accepted_flag (latest ratio ≥ threshold; null before the first measurement), diff_ratio and
 * accepted_lines (latest measurement), lines_added (trimmed non-empty lines inserted), language, agent,
 * session_id and model (the matched agent session's), developer_id, repo_slug and branch (the document's repository). attrs: checkpoint (latest), checkpoints (all reached),
 * detection, confidence, ext, path_hash, current_lines, method, matched_trace, and ratio_<cp> /
 * lines_<cp> for each checkpoint reached.
 */
export function buildEditEvent(o: Observation, ctx: BuildContext): Result<AiEvent> {
  const s = o.survival;
  const attrs: Attrs = {
    checkpoint: o.checkpoints.at(-1) ?? null,
    checkpoints: Object.keys(o.history).join(',') || null,
    detection: o.meta.detection,
    confidence: round(o.meta.confidence, 2),
    ext: o.meta.ext,
    path_hash: o.meta.pathHash,
    current_lines: s?.currentLines ?? null,
    method: s?.method ?? null,
    matched_trace: o.meta.matchedTrace,
  };
  for (const [cp, v] of Object.entries(o.history)) {
    attrs[`ratio_${cp}`] = round(v.ratio, 4);
    attrs[`lines_${cp}`] = v.lines;
  }
  for (const k of Object.keys(attrs)) if (attrs[k] === null) delete attrs[k];
  return buildEvent(
    {
      source: 'editor',
      kind: 'edit',
      time: o.insertedAt,
      timeUnit: 'ms',
      identity: [o.id],
      session_id: o.meta.sessionId,
      accepted_flag: o.accepted,
      diff_ratio: s?.ratio ?? null,
      accepted_lines: s?.acceptedLines ?? null,
      lines_added: o.insertedLines,
      language: o.meta.language,
      agent: o.meta.agent,
      repo_slug: o.meta.repoSlug,
      branch: o.meta.branch,
      developer_id: o.meta.developerId ?? null,
      model: o.meta.model ?? null,
      attrs,
    },
    ctx,
  );
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/**
 * The editor's observations as a batch for the store: an `edit` event each, and for an observation whose
 * event is rejected a dead letter like every other rejected record (the reason, and the size and hash of the
 * region's metadata — never text).
 */
export function buildEditBatch(observations: readonly Observation[], ctx: BuildContext, receivedAt: string): Batch {
  const batch = emptyBatch();
  for (const o of observations) {
    const built = buildEditEvent(o, ctx);
    if (built.ok) batch.events.push(built.value);
    else batch.rejects.push({ received_at: receivedAt, source: 'editor', reason: `edit event: ${built.reason}`, excerpt: excerpt(o.meta) });
  }
  return batch;
}
