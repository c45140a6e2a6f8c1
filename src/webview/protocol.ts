/**
 * The one protocol between the report page (src/webview/) and its host (the VS Code panel, the test
 * harness): message types in both directions and the page's persisted state. Shared by both sides, so it
 * imports neither `vscode` nor DOM types. Messages from the page are validated by the host with the
 * schemas below (the page is less trusted than the extension); messages to the page are typed only.
 *
 * Flow: the page loads and sends `ready` with the filter it wants (from its saved state); the host answers
 * with `report` carrying the same `requestId`. Each filter change is a `setFilter`; the page ignores replies
 * to requests older than its latest one. Live updates arrive as `report` with `requestId: null`, built with
 * the host's current filter (the last one the page asked for).
 */
import * as v from 'valibot';
import type { ReportModel } from '../core/report/model';

const dayKey = v.pipe(
  v.string(),
  v.regex(/^\d{4}-\d{2}-\d{2}$/, 'a UTC day as YYYY-MM-DD'),
  v.check((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'a real calendar day'),
);
const dimension = v.nullable(v.pipe(v.string(), v.maxLength(300)));

/** Period presets: the last N days through today (UTC), or everything from the first day with data. */
export const PERIOD_PRESETS = ['7', '30', '90', 'all'] as const;
export type PeriodPreset = (typeof PERIOD_PRESETS)[number];

export const ViewFilterSchema = v.object({
  period: v.picklist([...PERIOD_PRESETS, 'custom']),
  /** Inclusive UTC days; used when `period` is `custom`. */
  since: v.nullable(dayKey),
  until: v.nullable(dayKey),
  /** null: all; `''`: records without a repository / developer. */
  repo: dimension,
  developer: dimension,
  source: dimension,
  /** A model (a click on a model row); null: all. Older saved states without it mean all. */
  model: v.optional(dimension, null),
  /** Every author's commits and PRs (the team view); absent or false: the developer's own (personal report). */
  allDevelopers: v.optional(v.boolean()),
});
/** The filter as the page's controls hold it (periods unresolved: the host knows what "today" is). */
export type ViewFilter = v.InferOutput<typeof ViewFilterSchema>;

export const CORRELATION_SORT_KEYS = ['pair', 'lag', 'r', 'ci', 'p', 'pAdjusted', 'n', 'check', 'effect', 'reading'] as const;
export type CorrelationSortKey = (typeof CORRELATION_SORT_KEYS)[number];

export const ViewStateSchema = v.object({
  v: v.literal(1),
  filter: ViewFilterSchema,
  table: v.object({
    // A column that no longer exists (e.g. the old "method") falls back to the model order, keeping the filter.
    sortKey: v.fallback(v.nullable(v.picklist(CORRELATION_SORT_KEYS)), null),
    sortDir: v.picklist(['asc', 'desc']),
  }),
  /** Charts and the period table by day, ISO week or month (older saved states: by day). */
  group: v.optional(v.fallback(v.picklist(['day', 'week', 'month']), 'day'), 'day'),
});
/** What the page keeps with `vscode.setState` (and the panel serializer hands back after a reload). */
export type ViewState = v.InferOutput<typeof ViewStateSchema>;

export const DEFAULT_VIEW_STATE: ViewState = {
  v: 1,
  filter: { period: '30', since: null, until: null, repo: null, developer: null, source: null, model: null },
  table: { sortKey: null, sortDir: 'asc' },
  group: 'day',
};

/** Commands the page may ask the extension to run (other features contribute them). */
export const REPORT_COMMANDS = ['prodlens.copyCollectorSetup', 'prodlens.rescanTranscripts'] as const;
export type ReportCommandId = (typeof REPORT_COMMANDS)[number];

const requestId = v.pipe(v.number(), v.integer(), v.minValue(0));

export const FromWebviewSchema = v.variant('type', [
  v.object({ type: v.literal('ready'), requestId, filter: ViewFilterSchema }),
  v.object({ type: v.literal('setFilter'), requestId, filter: ViewFilterSchema }),
  v.object({ type: v.literal('runCommand'), requestId, command: v.picklist(REPORT_COMMANDS) }),
  /** An uncaught error or a CSP violation in the page, for the ProdLens log (no reply). */
  v.object({ type: v.literal('pageProblem'), kind: v.picklist(['error', 'csp']), message: v.pipe(v.string(), v.maxLength(2000)) }),
]);
/** Page → host. */
export type FromWebview = v.InferOutput<typeof FromWebviewSchema>;

/** Host → page. */
export type ToWebview =
  | { type: 'report'; requestId: number | null; filter: ViewFilter; model: ReportModel }
  | { type: 'error'; requestId: number | null; message: string }
  | { type: 'commandResult'; requestId: number; ok: boolean; message: string };

/** Parses a message from the page; `null` with a reason when it does not fit the protocol. */
export function parseFromWebview(raw: unknown): { ok: true; value: FromWebview } | { ok: false; reason: string } {
  const r = v.safeParse(FromWebviewSchema, raw);
  return r.success ? { ok: true, value: r.output } : { ok: false, reason: v.summarize(r.issues) };
}

/** A saved state from an older or damaged page is replaced by the default rather than trusted. */
export function parseViewState(raw: unknown): ViewState {
  const r = v.safeParse(ViewStateSchema, raw);
  return r.success ? r.output : DEFAULT_VIEW_STATE;
}
