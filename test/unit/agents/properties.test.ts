import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { readClineTask } from '../../../src/sources/agents/cline';
import { emptyBatch } from '../../../src/core/model';
import { readCopilotSession } from '../../../src/sources/agents/copilot';
import { readCopilotOtelObject } from '../../../src/sources/agents/copilot-otel';
import { readGeminiTelemetryObject } from '../../../src/sources/agents/gemini-telemetry';
import { readGeminiChat } from '../../../src/sources/agents/gemini';
import type { HistoryRead } from '../../../src/sources/agents/kinds';
import { prices } from '../helpers/events';

const AGENTS = path.resolve(__dirname, '../../fixtures/agents');
const ctx = { prices, receivedAt: '2026-02-01T00:00:00.000Z' };
const read = (rel: string) => readFileSync(path.join(AGENTS, rel), 'utf8');

const READERS: Array<[string, string, (raw: string) => HistoryRead]> = [
  [
    'cline',
    read('vscode/User/globalStorage/saoudrizwan.claude-dev/tasks/1767603600000/ui_messages.json'),
    (r) => readClineTask('cline', '/x/tasks/1/ui_messages.json', r, ctx, undefined, r),
  ],
  [
    'roo',
    read('vscode/User/globalStorage/rooveterinaryinc.roo-cline/tasks/0199f3c2-6a1b-7c4d-9e2f-3a4b5c6d7e8f/ui_messages.json'),
    (r) => readClineTask('roo-code', '/x/tasks/1/ui_messages.json', r, ctx, undefined, null),
  ],
  ['gemini jsonl', read('gemini/.gemini/tmp/acme-api/chats/session-2026-01-05T09-58-3f2a9c1e.jsonl'), (r) => readGeminiChat('/x/chats/a.jsonl', r, ctx, null)],
  [
    'gemini json',
    read('gemini/.gemini/tmp/6689668a49dc648b376787d8cde1d55e418968e916b4efa79d849fba7fb28a1f/chats/session-2026-01-06T10-15-c4d5e6f7.json'),
    (r) => readGeminiChat('/x/chats/a.json', r, ctx, null),
  ],
  ['copilot', read('copilot/.copilot/session-state/5b1c2d3e-4f5a-4b6c-9d7e-8f9a0b1c2d3e/events.jsonl'), (r) => readCopilotSession('/x/events.jsonl', r, ctx)],
  [
    'copilot otel line',
    read('copilot/.copilot/otel/copilot-otel-20260107-140000.jsonl').split('\n')[0]!,
    (r) => objectReader(r, (o, b) => void readCopilotOtelObject(o, ctx, b)),
  ],
  [
    'gemini telemetry record',
    read('gemini/.gemini/telemetry.log')
      .split('\n}\n')
      .find((o) => o.includes('gemini_cli.tool_call'))! + '\n}',
    (r) => objectReader(r, (o, b) => void readGeminiTelemetryObject(o, ctx, b)),
  ],
];

/** One telemetry object through a reader, as a HistoryRead (unparseable text reads as nothing). */
function objectReader(raw: string, fn: (o: unknown, b: ReturnType<typeof emptyBatch>) => void): HistoryRead {
  const b = emptyBatch();
  let o: unknown;
  try {
    o = JSON.parse(raw);
  } catch {
    return { events: [], rejects: [], cwd: null };
  }
  fn(o, b);
  // Telemetry readers' own dead letters are re-made by place and hash in append-scan.ts; here only events count.
  return { events: b.events, rejects: [], cwd: null };
}

function check(out: HistoryRead, raw: string): void {
  for (const e of out.events) {
    for (const k of ['tokens_in', 'tokens_out', 'cache_read_tokens', 'cache_write_tokens', 'lines_added', 'lines_removed'] as const) {
      const v = e[k];
      assert.ok(v === null || (Number.isSafeInteger(v) && v >= 0), `${k} = ${v}`);
    }
  }
  for (const r of out.rejects) {
    assert.ok(r.reason.length > 0);
    // A dead letter names the place by size and hash, never by content.
    assert.ok(!/"text"|"content"/.test(r.excerpt), r.excerpt);
  }
  if (raw.length > 40) assert.ok(!out.rejects.some((r) => r.excerpt.includes(raw.slice(0, 40))));
}

/** Replaces one JSON value somewhere in the document with an arbitrary one. */
function mutateJson(raw: string, seed: number, replacement: unknown): string {
  const tokens = [...raw.matchAll(/:(-?\d+(?:\.\d+)?|"(?:[^"\\]|\\.)*"|true|false|null)/g)];
  if (!tokens.length) return raw;
  const m = tokens[seed % tokens.length]!;
  return raw.slice(0, m.index! + 1) + JSON.stringify(replacement) + raw.slice(m.index! + m[0].length);
}

describe('agent history readers never throw', () => {
  for (const [name, raw, fn] of READERS) {
    it(`${name}: on any text and on fixtures with one value replaced`, () => {
      fc.assert(
        fc.property(fc.string({ maxLength: 300 }), (s) => check(fn(s), s)),
        { numRuns: 200 },
      );
      fc.assert(
        fc.property(fc.nat(), fc.jsonValue({ maxDepth: 2 }), (seed, v) => {
          const text = mutateJson(raw, seed, v);
          check(fn(text), text);
        }),
        { numRuns: 300 },
      );
      fc.assert(
        fc.property(fc.nat({ max: raw.length }), (cut) => check(fn(raw.slice(0, cut)), raw.slice(0, cut))),
        { numRuns: 100 },
      );
    });
  }
});
