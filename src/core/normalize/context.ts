import type { Batch, DeadLetter } from '../model';
import type { BuildContext } from './event';
import { describeInput, excerpt } from './result';

/**
 * A format recogniser that `normalizeDocument` consults before its built-in ones, so readers added later
 * (agent transcripts, for example) plug in without a global registry.
 */
export interface DocumentDetector {
  /** Short name used in dead letters and skip counts. */
  readonly name: string;
  /** Cheap shape test on a parsed JSON value; must not throw. */
  matches(doc: unknown): boolean;
  normalize(doc: unknown, ctx: NormalizeContext): Batch;
}

/** What every normalizer needs: the price table, and optionally a fixed receive time and extra detectors. */
export interface NormalizeContext extends BuildContext {
  /** ISO 8601 UTC stamped on dead letters; defaults to the time of the call. */
  receivedAt?: string;
  /** Tried before the built-in formats by `normalizeDocument`. */
  detectors?: readonly DocumentDetector[];
}

/** Distinct skip reasons kept per batch; further reasons are pooled so a hostile input cannot grow the map. */
const MAX_SKIP_KEYS = 200;

export function receivedAt(ctx: NormalizeContext): string {
  return ctx.receivedAt ?? new Date().toISOString();
}

/**
 * Appends a dead letter: the reason, the payload's size and hash (never its text) and, when known, the JSON
 * path of what failed.
 */
export function reject(batch: Batch, at: string, source: string, reason: string, payload: unknown, path?: string): void {
  const d = describeInput(payload);
  const letter: DeadLetter = {
    received_at: at,
    source,
    reason: reason || 'unknown reason',
    excerpt: excerpt(payload),
    bytes: d.bytes,
    hash: d.hash,
    ...(path ? { path } : {}),
  };
  batch.rejects.push(letter);
}

/**
 * Counts a record that is deliberately not stored (telemetry noise, non-LLM spans, …). Skips are not errors,
 * but they are never silent: ingest and the CLI show the counts per reason.
 */
export function skip(batch: Batch, reason: string, n = 1): void {
  const s = (batch.skipped ??= {});
  const key = Object.hasOwn(s, reason) || Object.keys(s).length < MAX_SKIP_KEYS ? reason : 'other skipped records';
  s[key] = (s[key] ?? 0) + n;
}
