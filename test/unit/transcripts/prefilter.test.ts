import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prices } from '../helpers/events';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';
import { scanTranscripts } from '../../../src/sources/transcripts';
import fc from 'fast-check';
import { hasApiError, PICK_FROM_BYTES } from '../../../src/sources/transcripts/claude';
import { dayTotals, memoryStore } from './helpers';

/**
 * The Claude parser decides from a byte search on the raw line whether to parse it at all (a line without
 * `"usage":{`, `"structuredPatch":` or `"isApiErrorMessage":true` is never decoded). These lines put the
 * keys where a search could miss them: before or after huge fields, in short and long lines, nested under
 * `data.message`, and the same key texts inside strings (escaped), which must not count.
 */
describe('transcripts: the byte prefilter of Claude lines', () => {
  it('keeps every line that carries usage, an edit or an API error, wherever the key is, and nothing else', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'prodlens-prefilter-'));
    try {
      const keyTexts = '"usage":{"input_tokens":777,"output_tokens":777} "structuredPatch":[] "isApiErrorMessage":true';
      const huge = `const s = ${JSON.stringify(keyTexts)}; // ${keyTexts}\n`.repeat(3_000);
      assert.ok(huge.length > 4 * PICK_FROM_BYTES);
      const base = { parentUuid: null, isSidechain: false, cwd: '/home/dev/p', sessionId: 's-1', version: '2.0.14', gitBranch: 'main' };
      const usage = (out: number) => ({ input_tokens: 10, cache_creation_input_tokens: 100, cache_read_input_tokens: 1000, output_tokens: out });
      const model = 'claude-sonnet-4-5-20250929';
      for (const size of ['short', 'long'] as const) {
        const body = size === 'long' ? huge : keyTexts;
        const ts = (s: number) => `2026-02-0${size === 'long' ? 2 : 1}T10:00:${String(s).padStart(2, '0')}.000Z`;
        const lines: unknown[] = [
          // usage first, then a huge message content and a huge top-level field after it
          {
            ...base,
            uuid: 'a1',
            timestamp: ts(1),
            type: 'assistant',
            requestId: 'req_1',
            message: { usage: usage(1), id: 'msg_1', model, content: [{ type: 'text', text: body }] },
            extra: body,
          },
          // the usual order: content, then usage
          {
            ...base,
            uuid: 'a2',
            timestamp: ts(2),
            type: 'assistant',
            requestId: 'req_2',
            message: { id: 'msg_2', model, content: [{ type: 'thinking', thinking: body }], usage: usage(2) },
          },
          // user lines whose text holds every key's text (escaped): not a request, not an edit, not an error
          { ...base, uuid: 'u1', timestamp: ts(3), type: 'user', message: { role: 'user', content: body } },
          {
            ...base,
            uuid: 'u2',
            timestamp: ts(4),
            type: 'user',
            message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't0', content: body }] },
            toolUseResult: { stdout: body },
          },
          // an API error without usage, the flag before a huge content
          {
            ...base,
            uuid: 'e1',
            timestamp: ts(5),
            type: 'assistant',
            isApiErrorMessage: true,
            error: 'rate_limit',
            apiErrorStatus: 429,
            message: { id: 'msg_e1', model: '<synthetic>', content: [{ type: 'text', text: body }] },
          },
          // an API error with (zero) usage, the flag after the huge content
          {
            ...base,
            uuid: 'e2',
            timestamp: ts(6),
            type: 'assistant',
            message: { id: 'msg_e2', model: '<synthetic>', content: [{ type: 'text', text: body }], usage: { input_tokens: 0, output_tokens: 0 } },
            isApiErrorMessage: true,
            error: 'overloaded',
            apiErrorStatus: 529,
          },
          // edits: the patch before and after a huge file text
          {
            ...base,
            uuid: 'w1',
            timestamp: ts(7),
            type: 'user',
            message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'ok' }] },
            toolUseResult: {
              type: 'update',
              structuredPatch: [{ oldStart: 1, oldLines: 1, newStart: 1, newLines: 2, lines: ['-a', '+b', '+c'] }],
              filePath: '/home/dev/p/a.ts',
              content: body,
            },
          },
          {
            ...base,
            uuid: 'w2',
            timestamp: ts(8),
            type: 'user',
            message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't2', content: body }] },
            toolUseResult: {
              filePath: '/home/dev/p/b.py',
              originalFile: body,
              structuredPatch: [{ oldStart: 1, oldLines: 2, newStart: 1, newLines: 1, lines: ['-x', '-y', '+z'] }],
            },
          },
          // a subagent's request nested in a progress line, huge output around it
          {
            ...base,
            uuid: 'p1',
            timestamp: ts(9),
            type: 'progress',
            data: {
              output: body,
              message: {
                type: 'assistant',
                requestId: 'req_3',
                timestamp: ts(9),
                isSidechain: false,
                message: { id: 'msg_3', model, content: [{ type: 'text', text: body }], usage: usage(3) },
              },
              after: body,
            },
          },
          // a Task tool result with its own usage object: not a request
          {
            ...base,
            uuid: 'r1',
            timestamp: ts(10),
            type: 'user',
            message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't3', content: body }] },
            toolUseResult: { content: [{ type: 'text', text: body }], usage: usage(999) },
          },
        ];
        const file = path.join(dir, 'projects', '-home-dev-p', `${size}.jsonl`);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, lines.map((l) => JSON.stringify(l).replace(/"(msg_|req_|uuid":"|tool_use_id":")/g, `$&${size}-`)).join('\n') + '\n');
      }
      const store = await memoryStore();
      const s = await scanTranscripts([path.join(dir, 'projects')], store, { prices, workspaceFolders: null });
      assert.equal(s.deadLettered, 0);
      const day = { input: 30, output: 6, cacheRead: 3000, cacheWrite: 300 };
      assert.deepEqual(dayTotals(store, 'claude-code-transcript'), { '2026-02-01': day, '2026-02-02': day });
      const rows = rawDatabaseForTests(store).exec(
        'SELECT substr(local_date, 10), kind, tokens_out, status_code, lines_added, lines_removed, language FROM sessions ORDER BY ts_ms, kind',
      )[0]!.values;
      const perDay = (d: string) => [
        [d, 'request', 1, null, null, null, null],
        [d, 'request', 2, null, null, null, null],
        [d, 'error', null, 429, null, null, null],
        [d, 'error', 0, 529, null, null, null],
        [d, 'edit', null, null, 2, 1, 'ts'],
        [d, 'edit', null, null, 1, 2, 'py'],
        [d, 'request', 3, null, null, null, null],
      ];
      assert.deepEqual(rows, [...perDay('1'), ...perDay('2')]);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds the API error key through its short anchor exactly where a search for the whole key does', () => {
    const marker = '"isApiErrorMessage":true';
    // Pieces that share the anchor or parts of the key, so near misses sit beside, before and after it.
    const piece = fc.constantFrom(
      marker,
      'isApiE',
      '"isApiE',
      'isApiErrorMessage":true',
      '"isApiErrorMessage":false',
      '"isApiEnabled":true',
      '"',
      'x',
      '\\"isApiErrorMessage\\":true',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(piece, fc.string({ maxLength: 8 })), { maxLength: 12 }), (parts) => {
        const line = Buffer.from(parts.join(''), 'latin1');
        assert.equal(hasApiError(line), line.includes(marker), line.toString('latin1'));
      }),
      { numRuns: 2000 },
    );
  });
});
