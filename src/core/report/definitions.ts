import type { SeriesInfo } from './model';

/** Labels, units and plain-language definitions of every daily series (shown in the report). */
export const SERIES_INFO: SeriesInfo[] = [
  { key: 'sessions', label: 'Sessions', unit: 'count', family: 'ai', description: 'Distinct agent sessions active that day.' },
  {
    key: 'requests',
    label: 'Model requests',
    unit: 'count',
    family: 'ai',
    description: 'Successful model requests (API calls) from agents, proxies and tools.',
  },
  { key: 'errors', label: 'Errors', unit: 'count', family: 'ai', description: 'Failed model requests (error events or HTTP status ≥ 400).' },
  { key: 'error_rate', label: 'Error rate', unit: 'ratio', family: 'ai', description: 'errors ÷ (requests + errors); empty on days without requests.' },
  { key: 'tokens_in', label: 'Input tokens', unit: 'tokens', family: 'ai', description: 'Input tokens not read from or written to a prompt cache.' },
  { key: 'tokens_out', label: 'Output tokens', unit: 'tokens', family: 'ai', description: 'Output tokens, including reasoning tokens.' },
  { key: 'total_tokens', label: 'Tokens (in + out)', unit: 'tokens', family: 'ai', description: 'Input + output tokens; cache tokens are counted separately.' },
  { key: 'cache_read_tokens', label: 'Cache-read tokens', unit: 'tokens', family: 'ai', description: 'Input tokens served from a prompt cache.' },
  { key: 'cache_write_tokens', label: 'Cache-write tokens', unit: 'tokens', family: 'ai', description: 'Input tokens written to a prompt cache.' },
  {
    key: 'cost_usd',
    label: 'Cost (USD)',
    unit: 'usd',
    family: 'ai',
    description: 'Cost reported by the source, else estimated from the dated price table; unknown models are not priced.',
  },
  {
    key: 'latency_p50_ms',
    label: 'Median latency',
    unit: 'ms',
    family: 'ai',
    description: 'Median request latency (log-bucketed, within 1%); empty on days without requests.',
  },
  { key: 'latency_p90_ms', label: 'p90 latency', unit: 'ms', family: 'ai', description: '90th percentile request latency (log-bucketed, within 1%).' },
  {
    key: 'insertions',
    label: 'AI insertions',
    unit: 'count',
    family: 'ai',
    description: 'Code blocks inserted by AI in the editor (inline completions, chat and agent edits) whose survival ProdLens measures.',
  },
  { key: 'inserted_lines', label: 'AI-inserted lines', unit: 'lines', family: 'ai', description: 'Lines of those insertions.' },
  {
    key: 'accepted_insertions',
    label: 'Accepted insertions',
    unit: 'count',
    family: 'ai',
    description: 'Insertions still similar to what was inserted at the last checkpoint (diff ratio ≥ the threshold, default 0.7).',
  },
  {
    key: 'accepted_lines',
    label: 'Accepted AI lines',
    unit: 'lines',
    family: 'ai',
    description: 'Lines of AI insertions still present at the last checkpoint.',
  },
  {
    key: 'acceptance_rate',
    label: 'Acceptance rate',
    unit: 'ratio',
    family: 'ai',
    description: 'accepted insertions ÷ insertions; empty on days without insertions.',
  },
  {
    key: 'agent_edits',
    label: 'Agent edits',
    unit: 'count',
    family: 'ai',
    description: 'File edits agents report themselves (e.g. Claude Code Edit/Write tool results).',
  },
  { key: 'agent_lines_added', label: 'Agent lines added', unit: 'lines', family: 'ai', description: 'Lines added by those agent edits.' },
  {
    key: 'commits',
    label: 'Commits',
    unit: 'count',
    family: 'outcome',
    description: 'Commits on the local day of their author date, once per SHA, merge commits excluded.',
  },
  { key: 'lines_added', label: 'Lines added', unit: 'lines', family: 'outcome', description: 'Lines added by those commits (git --numstat).' },
  { key: 'lines_removed', label: 'Lines removed', unit: 'lines', family: 'outcome', description: 'Lines removed by those commits.' },
  { key: 'lines_changed', label: 'Lines changed', unit: 'lines', family: 'outcome', description: 'Lines added + removed by those commits.' },
  { key: 'merged_prs', label: 'Merged PRs', unit: 'count', family: 'outcome', description: 'Pull requests on the local day they merged.' },
  {
    key: 'merge_hours',
    label: 'Hours to merge',
    unit: 'hours',
    family: 'outcome',
    description: 'Mean of merged_at − created_at over PRs merged that day; empty on days without merges.',
  },
  {
    key: 'reopened_prs',
    label: 'Reopened PRs',
    unit: 'count',
    family: 'outcome',
    description: 'Pull requests reopened that day (from their reopened events).',
  },
];

export const DEFINITIONS: Record<string, string> = {
  days: "Days are your local days, in the time zone set by prodlens.timeZone or --timezone (default this machine's): an event counts on the day its time falls on there. Stored events keep their UTC day (event_date) too. Filters narrow which records count; they do not change the days.",
  missingVsZero:
    'A count is 0 on a day inside the span its source was measured (AI activity: from the first to the last day ProdLens recorded any; commits and pull requests: from the first synced record to the last sync) and empty outside it. Rates and latencies are empty on days without a denominator.',
  sessions: 'Headline sessions are distinct sessions active in the period; daily sessions count a session on every day it was active.',
  cost: 'Cost reported by the source wins; otherwise it is estimated from the bundled price table named in the report; requests to models the table does not know are counted but not priced.',
  workingDays:
    'Correlations and effects use working days only: days with editor presence, AI use or a commit by the developer. Weekends, holidays and days off are left out, not counted as zero; days with nothing measured are left out too. Without editor presence data, a same-day (lag 0) pair needs both AI use and a commit that day.',
  correlation:
    'A lagged correlation at lag k pairs AI activity on working day i with the outcome on working day i + k. Spearman is the test: its p-value allows for busy spells (autocorrelation, via an effective number of independent days) and Benjamini–Hochberg adjusts every AI series × outcome × lag together. Pearson r is shown beside it as a check and is never tested. Fewer than the minimum number of working days with both values is "not enough data". Correlation is not causation.',
  effect:
    "For each lag, high-AI and low-AI working days are split at the median of the AI values; the difference is the outcome's mean on high-AI days minus low-AI days (k working days later), with a 95% interval that allows for autocorrelation; Cohen's d uses the pooled standard deviation; the percentage is the change of the mean from low- to high-AI days.",
  acceptance:
    'An AI insertion is accepted when the text in its region is still similar to what was inserted (difflib-style ratio ≥ the threshold, default 0.7) at the latest checkpoint (30 s, 2 min, 10 min, save, commit, close).',
  privacy: 'ProdLens stores counts, hashes, ratios and metadata — never prompt text or source code.',
};
