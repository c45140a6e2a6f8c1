/**
 * A survey answer as a canonical event (`kind: 'survey'`, source `prodlens`), tied to the session it is
 * about, so it travels with the events into the store, the journal and the Parquet export. Answers only:
 * a rating, a choice, the trigger; never free text.
 */
import type { AiEvent } from '../model';
import { stableHash } from '../normalize/hash';
import { utcDay } from '../day';
import type { SurveyTriggerKind } from './policy';

export const FASTER_WITHOUT_AI = ['yes', 'no', 'same'] as const;
export type FasterWithoutAi = (typeof FASTER_WITHOUT_AI)[number];

export interface SurveyAnswer {
  /** When answered (epoch ms). */
  atMs: number;
  trigger: SurveyTriggerKind;
  /** The trigger's key (session id or insertion hash): one answer per moment. */
  key: string;
  sessionId: string | null;
  agent: string | null;
  repoSlug: string | null;
  developerId: string | null;
  /** "How productive was that session?" 1–5, null if skipped. */
  productivity: number | null;
  /** "Would it have been faster without AI?" */
  fasterWithoutAi: FasterWithoutAi | null;
}

export function surveyEvent(a: SurveyAnswer): AiEvent {
  if (a.productivity !== null && !(Number.isInteger(a.productivity) && a.productivity >= 1 && a.productivity <= 5)) throw new RangeError('productivity is 1–5');
  const timestamp = new Date(a.atMs).toISOString();
  return {
    session_id: a.sessionId,
    developer_id: a.developerId,
    timestamp,
    model: null,
    tokens_in: null,
    tokens_out: null,
    latency_ms: null,
    status_code: null,
    accepted_flag: null,
    repo_slug: a.repoSlug,
    event_date: utcDay(a.atMs),
    total_tokens: null,
    cost_usd: null,
    diff_ratio: null,
    accepted_lines: null,
    // One answer per moment: answering again about the same session replaces nothing and adds nothing.
    trace_hash: stableHash(['survey', a.trigger, a.key]),
    source: 'prodlens',
    kind: 'survey',
    cache_read_tokens: null,
    cache_write_tokens: null,
    tool_name: null,
    branch: null,
    device_id: null,
    cost_source: 'unknown',
    ts_ms: a.atMs,
    reasoning_tokens: null,
    lines_added: null,
    lines_removed: null,
    language: null,
    agent: a.agent,
    price_version: null,
    attrs: {
      survey: 'session-v1',
      trigger: a.trigger,
      key: a.trigger === 'ai-insertion' ? a.key : null,
      productivity: a.productivity,
      faster_without_ai: a.fasterWithoutAi,
    },
  };
}
