// Generates a demo workspace with realistic sample data in the real source shapes (FORMATS.md), ending
// today, so the default report period shows it:
//   <dir>/workspace            a git repository (origin github.com/acme/demo-api) with commits by two authors;
//                              commits follow AI activity of the day before, so the report finds a lag-1 relation
//   <dir>/claude/projects/…    Claude Code transcripts whose sessions ran in <dir>/workspace (zero-setup capture)
//   <dir>/imports/*.ndjson     Gemini CLI OpenTelemetry logs, LiteLLM payloads and ProdLens editor events
// Usage: node scripts/demo-data.mjs <dir> [days]
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const DAY = 86_400_000;

function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (r, n) => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('');
const uuid = (r) => `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-a${hex(r, 3)}-${hex(r, 12)}`;
const iso = (ms) => new Date(ms).toISOString();

export function makeDemo(dir, days = 45, nowMs = Date.now()) {
  rmSync(dir, { recursive: true, force: true });
  const r = rng(7);
  const workspace = path.join(dir, 'workspace');
  const projects = path.join(dir, 'claude', 'projects', workspace.replace(/[^A-Za-z0-9]/g, '-'));
  const imports = path.join(dir, 'imports');
  for (const d of [workspace, projects, imports]) mkdirSync(d, { recursive: true });
  const today = Math.floor(nowMs / DAY) * DAY;
  const start = today - (days - 1) * DAY;

  // AI activity per day: weekdays busy, weekends quiet.
  const activity = [];
  for (let i = 0; i < days; i++) {
    const wd = new Date(start + i * DAY).getUTCDay();
    activity.push(wd === 0 || wd === 6 ? Math.floor(r() * 2) : 2 + Math.floor(r() * 9));
  }
  // Someone is at work today, whatever the day: the status bar's "today" and the report's last day have data.
  activity[days - 1] = Math.max(activity[days - 1], 3);

  const gemini = [];
  const litellm = [];
  const edits = [];
  let sessionCount = 0;
  for (let i = 0; i < days; i++) {
    const dayMs = start + i * DAY;
    const n = activity[i];
    if (!n) continue;
    // One Claude Code session a day with n requests and a few edits.
    const sessionId = uuid(r);
    sessionCount++;
    const lines = [];
    let parent = null;
    let t = dayMs + 9 * 3600_000 + Math.floor(r() * 3600_000);
    // Today's session has already happened: it ends before now (unless now is just after midnight).
    if (i === days - 1) t = Math.max(dayMs, Math.min(t, nowMs - 15 * 60_000));
    const base = { isSidechain: false, userType: 'external', cwd: workspace, sessionId, version: '2.1.2', gitBranch: 'main' };
    for (let k = 0; k < n; k++) {
      const u = `u-${i}-${k}`;
      lines.push({ parentUuid: parent, ...base, uuid: u, timestamp: iso(t), type: 'user', message: { role: 'user', content: 'demo prompt' } });
      t += 2000 + Math.floor(r() * 20000);
      const a = `a-${i}-${k}`;
      const input = 20 + Math.floor(r() * 400);
      lines.push({
        parentUuid: u,
        ...base,
        uuid: a,
        timestamp: iso(t),
        requestId: `req_demo${i}x${k}`,
        type: 'assistant',
        message: {
          id: `msg_demo${i}x${k}`,
          type: 'message',
          role: 'assistant',
          model: k % 4 === 3 ? 'claude-haiku-4-5-20251001' : 'claude-sonnet-4-5-20250929',
          content: [{ type: 'tool_use', id: `toolu_demo${i}x${k}`, name: 'Edit', input: { file_path: path.join(workspace, 'src', `mod${k % 3}.ts`) } }],
          stop_reason: 'tool_use',
          stop_sequence: null,
          usage: {
            input_tokens: input,
            cache_creation_input_tokens: 800 + Math.floor(r() * 3000),
            cache_read_input_tokens: 20000 + Math.floor(r() * 60000),
            output_tokens: 100 + Math.floor(r() * 1500),
            service_tier: 'standard',
          },
        },
      });
      const added = 3 + Math.floor(r() * 30);
      t += 500;
      lines.push({
        parentUuid: a,
        ...base,
        uuid: `tr-${i}-${k}`,
        timestamp: iso(t),
        type: 'user',
        message: { role: 'user', content: [{ tool_use_id: `toolu_demo${i}x${k}`, type: 'tool_result', content: 'ok' }] },
        toolUseResult: {
          filePath: path.join(workspace, 'src', `mod${k % 3}.ts`),
          oldString: '',
          newString: '',
          userModified: r() < 0.2,
          structuredPatch: [
            { oldStart: 1, oldLines: 1, newStart: 1, newLines: added, lines: [' ctx', ...Array.from({ length: added }, (_, j) => `+line ${j}`), '-old'] },
          ],
        },
      });
      parent = `tr-${i}-${k}`;
      // The editor saw the insertion and measured its survival.
      const ratio = Math.round((0.4 + r() * 0.6) * 100) / 100;
      edits.push({
        timestamp: iso(t + 1000),
        kind: 'edit',
        source: 'editor',
        event_id: `demo-edit-${i}-${k}`,
        developer_id: 'dana@example.com',
        accepted_flag: ratio >= 0.7,
        accepted_lines: Math.round(added * ratio),
        lines_added: added,
        diff_ratio: ratio,
        language: 'typescript',
        agent: 'claude-code',
        session_id: sessionId,
        repo_slug: 'acme/demo-api',
        branch: 'main',
      });
    }
    writeFileSync(path.join(projects, `${sessionId}.jsonl`), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');

    // Gemini CLI through OpenTelemetry, a few requests on busy days.
    const records = [];
    for (let k = 0; k < Math.floor(n / 3); k++) {
      const ms = dayMs + 14 * 3600_000 + k * 60_000;
      const s = (key, v) => ({ key, value: { stringValue: String(v) } });
      const int = (key, v) => ({ key, value: { intValue: v } });
      records.push({
        timeUnixNano: `${BigInt(ms) * 1_000_000n}`,
        observedTimeUnixNano: `${BigInt(ms) * 1_000_000n}`,
        body: { stringValue: 'API response from gemini-2.5-pro' },
        attributes: [
          s('event.name', 'gemini_cli.api_response'),
          s('event.timestamp', iso(ms)),
          s('session.id', `gem-${i}`),
          s('user.email', 'lee@example.com'),
          s('model', 'gemini-2.5-pro'),
          int('status_code', 200),
          int('duration_ms', 1500 + k * 100),
          int('input_token_count', 2000 + k),
          int('output_token_count', 400),
          int('cached_content_token_count', 500),
          int('thoughts_token_count', 120),
          int('total_token_count', 3020 + k),
          s('vcs.repository.url.full', 'https://github.com/acme/demo-api.git'),
        ],
      });
    }
    if (records.length) {
      gemini.push({
        resourceLogs: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'gemini-cli' } }] },
            scopeLogs: [{ scope: { name: 'gemini-cli' }, logRecords: records }],
          },
        ],
      });
    }
    // A LiteLLM proxy call per busy day.
    const st = (dayMs + 16 * 3600_000) / 1000;
    litellm.push({
      id: `chatcmpl-demo-${i}`,
      trace_id: `trace-${i}`,
      call_type: 'acompletion',
      status: 'success',
      model: 'gpt-4o',
      custom_llm_provider: 'openai',
      response_cost: 0.0042,
      prompt_tokens: 900,
      completion_tokens: 210,
      total_tokens: 1110,
      startTime: st,
      endTime: st + 2.4,
      completionStartTime: st + 0.4,
      end_user: 'lee@example.com',
      request_tags: ['repo:acme/demo-api'],
      error_str: null,
      metadata: { user_api_key_user_email: 'lee@example.com', spend_logs_metadata: { session_id: `llm-${i}` } },
    });
  }
  writeFileSync(path.join(imports, 'gemini-cli-otlp.ndjson'), gemini.map((x) => JSON.stringify(x)).join('\n') + '\n');
  writeFileSync(path.join(imports, 'litellm.ndjson'), litellm.map((x) => JSON.stringify(x)).join('\n') + '\n');
  writeFileSync(path.join(imports, 'editor-events.ndjson'), edits.map((x) => JSON.stringify(x)).join('\n') + '\n');

  // The git history: commits on day t+1 follow AI activity on day t.
  // The user's global git config must not change the demo (default branch, hooks, commit signing).
  const git = (args, env = {}) =>
    execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'core.hooksPath=/dev/null', ...args], {
      cwd: workspace,
      env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', ...env },
      stdio: 'pipe',
    });
  git(['init', '-q', '-b', 'main']);
  git(['config', 'user.email', 'dana@example.com']);
  git(['config', 'user.name', 'Dana Demo']);
  git(['remote', 'add', 'origin', 'https://github.com/acme/demo-api.git']);
  mkdirSync(path.join(workspace, 'src'), { recursive: true });
  writeFileSync(path.join(workspace, 'README.md'), '# demo-api\n\nA demo workspace for ProdLens.\n');
  let commits = 0;
  for (let i = 0; i < days; i++) {
    const count = i === 0 ? 1 : Math.round(activity[i - 1] / 2 + r() * 1.5);
    for (let c = 0; c < count; c++) {
      const when = iso(start + i * DAY + (10 + c) * 3600_000);
      const file = path.join(workspace, 'src', `mod${c % 3}.ts`);
      writeFileSync(file, `// ${when}\n${Array.from({ length: 5 + Math.floor(r() * 40) }, (_, j) => `export const v${j} = ${j};`).join('\n')}\n`);
      git(['add', '-A']);
      const author = c % 3 === 2 ? ['Lee Demo', 'lee@example.com'] : ['Dana Demo', 'dana@example.com'];
      git(['commit', '-q', '-m', `change ${i}.${c}`], {
        GIT_AUTHOR_DATE: when,
        GIT_COMMITTER_DATE: when,
        GIT_AUTHOR_NAME: author[0],
        GIT_AUTHOR_EMAIL: author[1],
        GIT_COMMITTER_NAME: author[0],
        GIT_COMMITTER_EMAIL: author[1],
      });
      commits++;
    }
  }
  return { workspace, claudeConfig: path.join(dir, 'claude'), imports, days, sessions: sessionCount, commits };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir, days] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: node scripts/demo-data.mjs <dir> [days]');
    process.exit(1);
  }
  console.log(JSON.stringify(makeDemo(path.resolve(dir), days ? Number(days) : undefined)));
}
