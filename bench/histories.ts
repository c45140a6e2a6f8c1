/**
 * Agent-history benchmark (issue 19): generates a realistic home — 500 Cline tasks whose ui_messages.json
 * carry big tool results (file reads, command output, diffs), Gemini CLI chats (re-appended messages,
 * thoughts, tool calls with diffs), Copilot CLI session logs (many events, shutdowns) and Copilot's
 * OpenTelemetry export — then, as whole processes (`node dist/cli.js`), medians of the runs:
 *   - cold `prodlens import <the three storage folders>` into a fresh database;
 *   - cold `prodlens scan-transcripts --all` (default locations, HOME = the tree) and the same scan again with
 *     nothing changed (checkpoints only: no file is opened);
 *   - cold `prodlens import ~/.gemini` next to `ccusage gemini daily --json` on the same Gemini chats, in the
 *     same run (ratio = ProdLens ÷ ccusage; also without the process baseline, `prodlens info` on an empty
 *     database, since ccusage is a native binary and ProdLens pays Node's start and sql.js's WASM).
 * Usage: tsx bench/histories.ts [--tasks 500] [--runs 3] [--keep]. Writes bench/out/histories.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { median, writeResult } from './util';

const root = path.resolve(__dirname, '..');
const { values } = parseArgs({ options: { tasks: { type: 'string', default: '500' }, runs: { type: 'string', default: '3' }, keep: { type: 'boolean' } } });
const TASKS = Number(values.tasks);
const RUNS = Number(values.runs);
const CLI = path.join(root, 'dist', 'cli.js');
const CCUSAGE = path.join(root, 'node_modules', '.bin', 'ccusage');
const RSS_HOOK = path.join(root, 'bench', 'rss-hook.cjs');

let seed = 19;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const int = (a: number, b: number) => a + Math.floor(rand() * (b - a + 1));
const WORDS =
  'the a function return const value error handler request session token cache model file line test build deploy user config import export async await'.split(
    ' ',
  );
const prose = (chars: number) => {
  let s = '';
  while (s.length < chars) s += WORDS[int(0, WORDS.length - 1)] + ' ';
  return s;
};
const code = (lines: number) => Array.from({ length: lines }, (_, i) => `  const v${i} = compute(${i}, "${prose(int(10, 40)).trim()}");`).join('\n');
const uuid = (n: number, salt: number) =>
  `${(0x10000000 + n).toString(16)}-${(0x1000 + salt).toString(16)}-4c8d-9a2f-${(n * 7919 + salt).toString(16).padStart(12, '0').slice(-12)}`;

function write(file: string, text: string): number {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return Buffer.byteLength(text);
}

/** Cline tasks: ui_messages.json with api_req_started usage, tool results of 2–60 KB, edits; the task index. */
function cline(storage: string): number {
  let bytes = 0;
  const index: unknown[] = [];
  for (let n = 0; n < TASKS; n++) {
    const id = String(Date.UTC(2026, 0, 1) + n * 1_800_000);
    let ts = Number(id);
    const cwd = `/home/dev/project-${n % 20}`;
    const msgs: unknown[] = [{ ts, type: 'say', say: 'task', text: prose(int(80, 600)) }];
    const totals = { tokensIn: 0, tokensOut: 0, cacheWrites: 0, cacheReads: 0, totalCost: 0 };
    const turns = int(15, 60);
    for (let k = 0; k < turns; k++) {
      const u = {
        tokensIn: int(2, 40),
        tokensOut: int(50, 2500),
        cacheWrites: int(0, 6000),
        cacheReads: int(4000, 160_000),
        cost: +(rand() * 0.08).toFixed(6),
      };
      totals.tokensIn += u.tokensIn;
      totals.tokensOut += u.tokensOut;
      totals.cacheWrites += u.cacheWrites;
      totals.cacheReads += u.cacheReads;
      totals.totalCost += u.cost;
      const request = `<task>\n${prose(300)}\n</task>\n<environment_details>\n# Current Working Directory (${cwd}) Files\n${Array.from({ length: 40 }, (_, i) => `src/f${i}.ts`).join('\n')}\n</environment_details>`;
      msgs.push({
        ts: (ts += int(500, 4000)),
        type: 'say',
        say: 'api_req_started',
        text: JSON.stringify({ request, ...u }),
        modelInfo: { providerId: 'anthropic', modelId: 'claude-sonnet-4-5-20250929', mode: 'act' },
      });
      msgs.push({ ts: (ts += int(2000, 20_000)), type: 'say', say: 'text', text: prose(int(100, 1500)), partial: false });
      const r = k % 4;
      if (r === 0)
        msgs.push({
          ts: (ts += 50),
          type: 'ask',
          ask: 'tool',
          text: JSON.stringify({ tool: 'editedExistingFile', path: `src/f${k}.ts`, diff: `@@ -1,4 +1,5 @@\n-${code(3)}\n+${code(4)}` }),
        });
      else if (r === 1)
        msgs.push({ ts: (ts += 50), type: 'say', say: 'tool', text: JSON.stringify({ tool: 'readFile', path: `src/f${k}.ts`, content: code(int(60, 900)) }) });
      else if (r === 2) msgs.push({ ts: (ts += 50), type: 'say', say: 'command_output', text: prose(int(2000, 60_000)) });
      else
        msgs.push({
          ts: (ts += 50),
          type: 'say',
          say: 'tool',
          text: JSON.stringify({ tool: 'newFileCreated', path: `src/new${k}.ts`, content: code(int(20, 200)) }),
        });
    }
    bytes += write(path.join(storage, 'tasks', id, 'ui_messages.json'), JSON.stringify(msgs));
    bytes += write(
      path.join(storage, 'tasks', id, 'api_conversation_history.json'),
      JSON.stringify([{ role: 'user', content: [{ type: 'text', text: prose(2000) }] }]),
    );
    index.push({ id, ts, task: prose(60), ...totals, cwdOnTaskInitialization: cwd, modelId: 'claude-sonnet-4-5-20250929' });
  }
  bytes += write(path.join(storage, 'state', 'taskHistory.json'), JSON.stringify(index));
  return bytes;
}

/** Gemini CLI chats (.jsonl): metadata line, user/gemini messages re-appended when tokens and tool calls arrive. */
function gemini(home: string, sessions: number): number {
  let bytes = 0;
  for (let n = 0; n < sessions; n++) {
    const project = `proj-${n % 12}`;
    const dir = path.join(home, '.gemini', 'tmp', project);
    if (n < 12) bytes += write(path.join(dir, '.project_root'), `/home/dev/${project}`);
    const sid = uuid(n, 7);
    let t = Date.UTC(2026, 0, 1) + n * 3_600_000;
    const lines = [
      JSON.stringify({
        sessionId: sid,
        projectHash: 'h'.repeat(64),
        startTime: new Date(t).toISOString(),
        lastUpdated: new Date(t).toISOString(),
        kind: 'main',
      }),
    ];
    const turns = int(10, 40);
    for (let k = 0; k < turns; k++) {
      lines.push(JSON.stringify({ id: `u${k}`, timestamp: new Date((t += 5000)).toISOString(), type: 'user', content: [{ text: prose(int(50, 800)) }] }));
      const model = k % 5 === 0 ? 'gemini-2.5-flash' : 'gemini-2.5-pro';
      const input = int(8000, 120_000);
      const cached = int(0, input - 100);
      const tok = { input, output: int(20, 1500), cached, thoughts: int(0, 2000), tool: int(0, 20) };
      const msg = {
        id: `g${k}`,
        timestamp: new Date((t += int(2000, 30_000))).toISOString(),
        type: 'gemini',
        content: prose(int(100, 3000)),
        thoughts: [{ subject: 'Plan', description: prose(400), timestamp: new Date(t).toISOString() }],
        model,
      };
      lines.push(JSON.stringify({ ...msg, tokens: null }));
      lines.push(JSON.stringify({ ...msg, tokens: { ...tok, total: tok.input + tok.output + tok.thoughts + tok.tool } }));
      if (k % 3 === 0) {
        const call = {
          id: `replace-${n}-${k}`,
          name: 'replace',
          args: { file_path: `/home/dev/${project}/src/a${k}.ts`, old_string: code(5), new_string: code(7) },
          result: [{ functionResponse: { id: `replace-${n}-${k}`, name: 'replace', response: { output: 'ok' } } }],
          status: 'success',
          timestamp: new Date(t + 900).toISOString(),
          resultDisplay: {
            fileDiff: code(30),
            fileName: `a${k}.ts`,
            originalContent: code(80),
            newContent: code(82),
            diffStat: {
              model_added_lines: 7,
              model_removed_lines: 5,
              model_added_chars: 300,
              model_removed_chars: 200,
              user_added_lines: 0,
              user_removed_lines: 0,
              user_added_chars: 0,
              user_removed_chars: 0,
            },
          },
        };
        lines.push(JSON.stringify({ ...msg, tokens: { ...tok, total: tok.input + tok.output + tok.thoughts + tok.tool }, toolCalls: [call] }));
      }
      lines.push(JSON.stringify({ $set: { lastUpdated: new Date(t).toISOString() } }));
    }
    bytes += write(
      path.join(
        dir,
        'chats',
        `session-${new Date(Date.UTC(2026, 0, 1) + n * 3_600_000).toISOString().slice(0, 16).replace(':', '-')}-${sid.slice(0, 8)}.jsonl`,
      ),
      lines.join('\n') + '\n',
    );
  }
  return bytes;
}

/** Copilot CLI session logs (events.jsonl) with tool output and cumulative shutdowns, and its OTel export. */
function copilot(home: string, sessions: number): number {
  let bytes = 0;
  const otel: string[] = [];
  for (let n = 0; n < sessions; n++) {
    const sid = uuid(n, 11);
    let t = Date.UTC(2026, 0, 2) + n * 3_600_000;
    const iso = () => new Date(t).toISOString();
    const ev: string[] = [
      JSON.stringify({
        type: 'session.start',
        data: {
          sessionId: sid,
          version: 1,
          producer: 'copilot-agent',
          copilotVersion: '1.0.84',
          startTime: iso(),
          context: { cwd: `/home/dev/project-${n % 20}`, branch: 'main', repository: `acme/project-${n % 20}` },
        },
        id: `${sid}-0`,
        timestamp: iso(),
        parentId: null,
      }),
    ];
    const usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
    const turns = int(10, 40);
    for (let k = 0; k < turns; k++) {
      t += int(3000, 40_000);
      ev.push(JSON.stringify({ type: 'user.message', data: { content: prose(int(50, 600)) }, id: `${sid}-u${k}`, timestamp: iso(), parentId: null }));
      ev.push(
        JSON.stringify({
          type: 'tool.execution_complete',
          data: { toolCallId: `t${k}`, success: true, result: { content: code(int(20, 400)) } },
          id: `${sid}-t${k}`,
          timestamp: iso(),
          parentId: null,
        }),
      );
      ev.push(
        JSON.stringify({
          type: 'assistant.message',
          data: { messageId: `m${k}`, content: prose(int(100, 2000)), toolRequests: [], outputTokens: int(20, 900) },
          id: `${sid}-m${k}`,
          timestamp: iso(),
          parentId: null,
        }),
      );
      const cr = int(2000, 90_000);
      const cw = int(0, 3000);
      const exclusive = int(1, 200);
      const out = int(20, 900);
      usage.inputTokens += exclusive + cr + cw;
      usage.outputTokens += out;
      usage.cacheReadTokens += cr;
      usage.cacheWriteTokens += cw;
      const s = Math.floor(t / 1000);
      otel.push(
        JSON.stringify({
          type: 'span',
          traceId: uuid(n, k).replace(/-/g, '').padEnd(32, '0').slice(0, 32),
          spanId: (n * 1000 + k).toString(16).padStart(16, '0'),
          parentSpanId: 'f'.repeat(16),
          name: 'chat claude-sonnet-4.5',
          kind: 2,
          startTime: [s - 4, 0],
          endTime: [s, 0],
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': 'github',
            'gen_ai.request.model': 'claude-sonnet-4.5',
            'gen_ai.conversation.id': sid,
            'gen_ai.usage.input_tokens': exclusive + cr + cw,
            'gen_ai.usage.output_tokens': out,
            'gen_ai.usage.cache_read.input_tokens': cr,
            'gen_ai.usage.cache_write.input_tokens': cw,
            'gen_ai.response.model': 'claude-sonnet-4.5',
            'gen_ai.tool.definitions': JSON.stringify(Array.from({ length: 25 }, (_, i) => ({ type: 'function', name: `tool_${i}` }))),
          },
          status: { code: 0 },
          events: [],
          resource: { attributes: { 'service.name': 'github-copilot', 'service.version': '1.0.84-4' } },
          instrumentationScope: { name: 'github.copilot', version: '1.0.84-4' },
        }),
      );
    }
    ev.push(
      JSON.stringify({
        type: 'session.shutdown',
        data: {
          shutdownType: 'routine',
          totalPremiumRequests: turns,
          codeChanges: { linesAdded: int(0, 300), linesRemoved: int(0, 100), filesModified: [] },
          modelMetrics: { 'claude-sonnet-4.5': { requests: { count: turns, cost: turns }, usage } },
          currentModel: 'claude-sonnet-4.5',
        },
        id: `${sid}-end`,
        timestamp: new Date((t += 1000)).toISOString(),
        parentId: null,
      }),
    );
    bytes += write(path.join(home, '.copilot', 'session-state', sid, 'events.jsonl'), ev.join('\n') + '\n');
  }
  bytes += write(path.join(home, '.copilot', 'otel', 'copilot-otel-bench.jsonl'), otel.join('\n') + '\n');
  return bytes;
}

interface Timed {
  ms: number;
  rssMb: number;
  stdout: string;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, node = true): Timed {
  const started = performance.now();
  const r = spawnSync(node ? process.execPath : cmd, node ? ['--require', RSS_HOOK, cmd, ...args] : args, {
    env: { PATH: process.env.PATH ?? '', TZ: 'UTC', NO_COLOR: '1', ...env },
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(0, 2000)}`);
  const rss = /maxRssMb=(\d+)/.exec(r.stderr);
  return { ms, rssMb: rss ? Number(rss[1]) : NaN, stdout: r.stdout };
}

function main(): void {
  if (!existsSync(CLI)) throw new Error('run npm run build first (dist/cli.js is missing)');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'prodlens-bench-histories-'));
  try {
    const home = path.join(dir, 'home');
    const storage = path.join(home, '.config', 'Code', 'User', 'globalStorage', 'saoudrizwan.claude-dev');
    const g0 = performance.now();
    const clineMb = cline(storage) / 1e6;
    const geminiMb = gemini(home, Math.max(20, TASKS / 2)) / 1e6;
    const copilotMb = copilot(home, Math.max(20, TASKS / 2)) / 1e6;
    const treeMb = clineMb + geminiMb + copilotMb;
    console.log(
      `generated ${treeMb.toFixed(0)} MB (Cline ${clineMb.toFixed(0)}, Gemini ${geminiMb.toFixed(0)}, Copilot ${copilotMb.toFixed(0)}) in ${((performance.now() - g0) / 1000).toFixed(1)} s`,
    );
    const env = { HOME: home };
    const folders = [storage, path.join(home, '.gemini'), path.join(home, '.copilot')];
    const rows: Array<Record<string, number>> = [];
    for (let i = 0; i < RUNS; i++) {
      const db = (name: string) => {
        const p = path.join(dir, `${name}-${i}.sqlite`);
        rmSync(p, { force: true });
        return p;
      };
      // What any command costs before reading a byte (process start, bundle, sql.js WASM, an empty database).
      const base = run(CLI, ['info', '--json', '--db', db('baseline')], env);
      const imp = run(CLI, ['import', ...folders, '--json', '--db', db('import')], env);
      const inserted = (JSON.parse(imp.stdout) as { inserted: number }).inserted;
      const scanDb = db('scan');
      const cold = run(CLI, ['scan-transcripts', '--all', '--json', '--db', scanDb], env);
      const again = run(CLI, ['scan-transcripts', '--all', '--json', '--db', scanDb], env);
      const re = JSON.parse(again.stdout) as { histories: { filesRead: number; inserted: number; filesUnchanged: number } };
      if (re.histories.filesRead !== 0 || re.histories.inserted !== 0) throw new Error(`the re-scan read ${re.histories.filesRead} files`);
      // The Gemini part alone, against ccusage on the same chats; alternate who goes first.
      const pair = [
        () => run(CLI, ['import', path.join(home, '.gemini'), '--json', '--db', db('gemini')], env),
        () =>
          run(
            CCUSAGE,
            ['gemini', 'daily', '--json', '--offline', '--timezone', 'UTC'],
            { HOME: home, GEMINI_DATA_DIR: path.join(home, '.gemini', 'tmp') },
            false,
          ),
      ];
      const [a, b] = i % 2 ? [pair[1]!(), pair[0]!()] : [pair[0]!(), pair[1]!()];
      const [gem, cc] = i % 2 ? [b, a] : [a, b];
      rows.push({
        baseline_ms: base.ms,
        import_ms: imp.ms,
        import_rss_mb: imp.rssMb,
        events: inserted,
        scan_cold_ms: cold.ms,
        scan_rss_mb: cold.rssMb,
        rescan_ms: again.ms,
        gemini_import_ms: gem.ms,
        ccusage_gemini_ms: cc.ms,
      });
      console.log(
        `run ${i + 1}: baseline (prodlens info) ${(base.ms / 1000).toFixed(2)} s, import ${(imp.ms / 1000).toFixed(2)} s (${inserted} events, peak ${imp.rssMb} MB), scan-transcripts cold ${(cold.ms / 1000).toFixed(2)} s, unchanged ${(again.ms / 1000).toFixed(2)} s, Gemini import ${(gem.ms / 1000).toFixed(2)} s vs ccusage gemini ${(cc.ms / 1000).toFixed(2)} s`,
      );
    }
    const m = (k: string) => median(rows.map((r) => r[k]!));
    const summary = {
      tasks: TASKS,
      tree_mb: +treeMb.toFixed(1),
      cline_mb: +clineMb.toFixed(1),
      gemini_mb: +geminiMb.toFixed(1),
      copilot_mb: +copilotMb.toFixed(1),
      runs: RUNS,
      events: m('events'),
      process_baseline_s: +(m('baseline_ms') / 1000).toFixed(2),
      import_cold_s: +(m('import_ms') / 1000).toFixed(2),
      import_mb_per_s: +(treeMb / (m('import_ms') / 1000)).toFixed(0),
      import_peak_rss_mb: m('import_rss_mb'),
      scan_cold_s: +(m('scan_cold_ms') / 1000).toFixed(2),
      scan_peak_rss_mb: m('scan_rss_mb'),
      rescan_unchanged_s: +(m('rescan_ms') / 1000).toFixed(2),
      rescan_vs_cold: +(m('rescan_ms') / m('scan_cold_ms')).toFixed(3),
      gemini_import_s: +(m('gemini_import_ms') / 1000).toFixed(2),
      ccusage_gemini_daily_s: +(m('ccusage_gemini_ms') / 1000).toFixed(2),
      gemini_import_vs_ccusage: +(m('gemini_import_ms') / m('ccusage_gemini_ms')).toFixed(2),
      gemini_import_minus_baseline_vs_ccusage: +((m('gemini_import_ms') - m('baseline_ms')) / m('ccusage_gemini_ms')).toFixed(2),
      node: process.version,
    };
    console.log(JSON.stringify(summary, null, 2));
    writeResult('histories', { summary, runs: rows, db_bytes: statSync(path.join(dir, `import-${RUNS - 1}.sqlite`)).size });
  } finally {
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
    else console.log(`kept ${dir}`);
  }
}

main();
