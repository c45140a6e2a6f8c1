import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prices } from '../helpers/events';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';
import { scanTranscripts } from '../../../src/sources/transcripts';
import { PICK_FROM_BYTES } from '../../../src/sources/transcripts/claude';
import { pick, type PickSpec } from '../../../src/sources/transcripts/pick';
import { dayTotals, memoryStore } from './helpers';

/** What JSON.parse of the whole line holds under the spec's keys. */
function project(v: unknown, spec: PickSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const o = v as Record<string, unknown>;
  for (const [k, want] of Object.entries(spec)) {
    if (!Object.hasOwn(o, k)) continue;
    const x = o[k];
    out[k] = want !== true && x !== null && typeof x === 'object' && !Array.isArray(x) ? project(x, want) : x;
  }
  return out;
}

function check(line: string, spec: PickSpec): void {
  const buf = Buffer.from(`xx${line}yy`);
  const got = pick(buf, 2, buf.length - 2, spec);
  assert.deepEqual(got, project(JSON.parse(line), spec), line.slice(0, 200));
}

const SPEC: PickSpec = { a: true, message: { id: true, usage: true, model: true }, 'k\u00e9y': true, 'q"k': true, n: true };

describe('transcripts: picking fields from a line without parsing it all', () => {
  it('gives what JSON.parse gives: escaped quotes and braces in strings, key orders, unicode, nesting, repeats', () => {
    const usage = { input_tokens: 3, output_tokens: 7, cache_creation: { ephemeral_5m_input_tokens: 2 } };
    const tricky = 'say "hi" {not: an object} [nor, an array] \\ back\\"slash\\\\" \u00e9\u4e2d\ud83d\ude00 \n\t "usage":{"input_tokens":999}';
    const lines = [
      JSON.stringify({ a: 1, message: { id: 'm1', content: [{ type: 'text', text: tricky }], usage, model: 'claude-x' }, n: null }),
      JSON.stringify({ message: { usage, model: 'm', content: tricky, id: 'm2' }, n: -1.5e3, a: [1, { b: '}' }] }),
      JSON.stringify({ toolUseResult: { content: tricky.repeat(20_000) }, a: 'x', message: { id: 'm3', usage } }),
      JSON.stringify({ 'k\u00e9y': 'v\u00e9', 'q"k': { deep: [tricky] }, a: true, message: 'not an object' }),
      JSON.stringify({ a: false, message: { id: 'first', usage: { input_tokens: 1 } }, z: {} }).replace(/}$/, ',"message":{"id":"second"}}'),
      '  { "a" : 1 ,\t"message" :{ "usage" : { "input_tokens" : 2 } , "id":"m5" } , "n":0 }  ',
      JSON.stringify({ message: { id: 'm6', content: '\\' }, a: '\\\\', n: '\\"' }),
      JSON.stringify({ b: [[[{}]], []], a: { b: [] }, message: {} }),
      '{}',
      '{"__proto__":{"x":1},"constructor":2,"a":3}',
    ];
    for (const line of lines) check(line, SPEC);
  });

  it('gives what JSON.parse gives on random objects', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pieces = ['a', 'b', '"', '\\', '{', '}', '[', ']', ':', ',', ' ', '\n', '\u00e9', '\ud83d\ude00', 'usage', 'message'];
    const str = () => Array.from({ length: Math.floor(rand() * 12) }, () => pieces[Math.floor(rand() * pieces.length)]).join('');
    const keys = ['a', 'n', 'message', 'id', 'usage', 'model', 'other', 'k\u00e9y', 'q"k'];
    const value = (depth: number): unknown => {
      const r = rand();
      if (depth > 3 || r < 0.3) return str();
      if (r < 0.4) return Math.round(rand() * 1e6) / 100;
      if (r < 0.45) return rand() < 0.5 ? null : rand() < 0.5;
      if (r < 0.6) return Array.from({ length: Math.floor(rand() * 4) }, () => value(depth + 1));
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(rand() * 5); i > 0; i--) o[keys[Math.floor(rand() * keys.length)]!] = value(depth + 1);
      return o;
    };
    for (let i = 0; i < 2000; i++) {
      const o: Record<string, unknown> = {};
      for (let k = Math.floor(rand() * 7); k > 0; k--) o[keys[Math.floor(rand() * keys.length)]!] = value(0);
      check(JSON.stringify(o, null, rand() < 0.2 ? 1 : undefined), SPEC);
    }
  });

  it('returns null for lines that are not one well-formed object, so the caller parses them and reports', () => {
    const line = JSON.stringify({ a: 1, message: { id: 'm', content: 'x "y" z', usage: { input_tokens: 1 } } });
    const bad = [
      line.slice(0, line.length - 10), // torn
      line.slice(0, -1), // missing the last brace
      `${line} x`, // trailing bytes
      line.replace('"a":', '"a"'), // no colon
      line.replace(',"message"', ' "message"'), // no comma
      '[1,2]',
      '',
      '{"a":}',
      '{"a":1,}',
      '{"a":"unterminated}',
      '{"a":1,"message":{"usage":{"input_tokens":1},"id":"m"}', // an inner object closes the line
    ];
    for (const l of bad) {
      const buf = Buffer.from(l);
      assert.equal(pick(buf, 0, buf.length, SPEC), null, l);
    }
  });

  it('a scan of lines with huge tool results, escaped text, other key orders and unicode counts exactly', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'prodlens-pick-'));
    try {
      const huge = `console.log("{\\"usage\\":{\\"input_tokens\\":5}}"); // "usage":{ \u00e9\u4e2d\ud83d\ude00 }\n`.repeat(5_000);
      assert.ok(huge.length > 4 * PICK_FROM_BYTES, 'the long lines take the picking path');
      const base = {
        parentUuid: null,
        isSidechain: false,
        cwd: '/home/dev/p\u00e9',
        sessionId: 's-1',
        version: '2.0.14',
        gitBranch: 'main',
      };
      const assistant = (id: string, ts: string, out: number, text: string) => ({
        ...base,
        uuid: `u-${id}-${out}`,
        timestamp: ts,
        requestId: `req_${id}`,
        type: 'assistant',
        message: {
          id: `msg_${id}`,
          type: 'message',
          role: 'assistant',
          content: [{ type: 'text', text }],
          model: 'claude-sonnet-4-5-20250929',
          usage: { input_tokens: 10, cache_creation_input_tokens: 100, cache_read_input_tokens: 1000, output_tokens: out },
        },
      });
      /** The same object with its keys (at every level) in reverse order. */
      const reversed = (v: unknown): unknown =>
        v && typeof v === 'object' && !Array.isArray(v)
          ? Object.fromEntries(
              Object.entries(v)
                .reverse()
                .map(([k, x]) => [k, reversed(x)]),
            )
          : v;
      const lines = [
        { ...base, uuid: 'u0', timestamp: '2026-02-01T10:00:00.000Z', type: 'user', message: { role: 'user', content: `fix "this" {${huge}` } },
        assistant('a', '2026-02-01T10:00:01.000Z', 1, huge),
        reversed(assistant('a', '2026-02-01T10:00:02.000Z', 50, 'the answer: "}" \\ \u00e9')),
        {
          ...base,
          uuid: 'u1',
          timestamp: '2026-02-01T10:00:03.000Z',
          type: 'user',
          message: { role: 'user', content: [{ tool_use_id: 'toolu_1', type: 'tool_result', content: huge }] },
          toolUseResult: { type: 'text', file: { filePath: '/home/dev/p\u00e9/a.ts', content: huge } },
        },
        reversed(assistant('b', '2026-02-02T23:59:59.999Z', 7, huge)),
        {
          ...base,
          uuid: 'u2',
          timestamp: '2026-02-02T12:00:00.000Z',
          type: 'user',
          message: { role: 'user', content: [{ tool_use_id: 'toolu_2', type: 'tool_result', content: `edited ${huge}` }] },
          toolUseResult: {
            originalFile: huge,
            filePath: '/home/dev/p\u00e9/src/\u00e9.ts',
            structuredPatch: [{ oldStart: 1, oldLines: 1, newStart: 1, newLines: 2, lines: ['-a "x"', '+b {', '+c }'] }],
            userModified: true,
          },
        },
      ];
      const file = path.join(dir, 'projects', '-home-dev-p', 's-1.jsonl');
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');

      const store = await memoryStore();
      const s = await scanTranscripts([file], store, { prices, workspaceFolders: null });
      assert.equal(s.deadLettered, 0);
      assert.deepEqual(dayTotals(store, 'claude-code-transcript'), {
        '2026-02-01': { input: 10, output: 50, cacheRead: 1000, cacheWrite: 100 },
        '2026-02-02': { input: 10, output: 7, cacheRead: 1000, cacheWrite: 100 },
      });
      const rows = rawDatabaseForTests(store).exec(
        "SELECT kind, model, session_id, branch, tool_name, lines_added, lines_removed, language, json_extract(attrs, '$.user_modified') FROM sessions ORDER BY ts_ms",
      )[0]!.values;
      assert.deepEqual(rows, [
        ['request', 'claude-sonnet-4-5-20250929', 's-1', 'main', null, null, null, null, null],
        ['edit', null, 's-1', 'main', 'Edit', 2, 1, 'ts', 1],
        ['request', 'claude-sonnet-4-5-20250929', 's-1', 'main', null, null, null, null, null],
      ]);
      const all = JSON.stringify(rawDatabaseForTests(store).exec('SELECT * FROM sessions')[0]!.values);
      for (const secret of ['console.log', 'the answer', 'fix "this"']) assert.ok(!all.includes(secret), `stored text: ${secret}`);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
