import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AiEvent, Batch } from '../../../src/core/model';
import type { NormalizeContext } from '../../../src/core/normalize/context';
import { BundledPriceTable } from '../../../src/core/pricing';

export const FIXTURES = join(__dirname, '..', '..', 'fixtures');

/** The raw text of a fixture (for bare JSON numbers above 2^53, read as JSON.parse reads them). */
export function fixtureText(rel: string): string {
  return readFileSync(join(FIXTURES, rel), 'utf8');
}

export function fixture(rel: string): unknown {
  return JSON.parse(fixtureText(rel));
}

/** One price table for the whole suite: resolving models is the slow part. */
const prices = new BundledPriceTable();

export function ctx(extra: Partial<NormalizeContext> = {}): NormalizeContext {
  return { prices, receivedAt: '2026-02-01T00:00:00.000Z', ...extra };
}

/** The single event matching `pred`; fails loudly when there are none or several. */
export function only(batch: Batch, pred: (e: AiEvent) => boolean, what: string): AiEvent {
  const hits = batch.events.filter(pred);
  if (hits.length !== 1) throw new Error(`expected exactly one ${what}, found ${hits.length}`);
  return hits[0]!;
}

/** Deep copy through JSON, so a test can mutate a fixture freely. */
export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

type KV = { key: string; value: Record<string, unknown> };

/** The attribute list of the n-th log record of the first scope of the first resource. */
export function logRecords(doc: unknown): Array<Record<string, unknown> & { attributes: KV[] }> {
  return (doc as { resourceLogs: Array<{ scopeLogs: Array<{ logRecords: Array<Record<string, unknown> & { attributes: KV[] }> }> }> }).resourceLogs[0]!
    .scopeLogs[0]!.logRecords;
}

/** Reads an attribute's AnyValue from a raw KeyValue list. */
export function rawAttr(attrs: KV[], key: string): unknown {
  const kv = attrs.find((a) => a.key === key);
  if (!kv) throw new Error(`fixture has no attribute ${key}`);
  const v = kv.value;
  return v.stringValue ?? v.intValue ?? v.doubleValue ?? v.boolValue;
}

export function setAttr(attrs: KV[], key: string, value: Record<string, unknown>): void {
  const kv = attrs.find((a) => a.key === key);
  if (kv) kv.value = value;
  else attrs.push({ key, value });
}

export function dropAttr(attrs: KV[], key: string): void {
  const i = attrs.findIndex((a) => a.key === key);
  if (i >= 0) attrs.splice(i, 1);
}
