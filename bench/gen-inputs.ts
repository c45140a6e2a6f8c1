/**
 * Generates benchmark inputs in the real shapes of FORMATS.md, as NDJSON files:
 * - otlp: OpenTelemetry Collector file-exporter lines, each an ExportLogsServiceRequest with 100 Claude Code
 *   `api_request` log records (times as strings, numbers as stringValue/intValue/doubleValue like the real
 *   senders);
 * - litellm: one StandardLoggingPayload per line;
 * - prodlens: one ProdLens event per line (docs/events.md).
 * Usage: tsx bench/gen-inputs.ts <format> <count> <file>
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const DAY0 = Date.UTC(2025, 11, 1);
const MODELS = ['claude-sonnet-4-5-20250929', 'claude-opus-4-1-20250805', 'claude-haiku-4-5-20251001', 'gpt-5-codex', 'gemini-2.5-pro'];
const DEVS = Array.from({ length: 20 }, (_, i) => `dev${i}@example.com`);
const REPOS = ['acme/api', 'acme/web', 'acme/infra', 'acme/mobile', 'acme/data'];

/** Deterministic pseudo-random numbers (mulberry32), so every run writes the same bytes. */
function rng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uuid(r: () => number): string {
  const h = () =>
    Math.floor(r() * 0x10000)
      .toString(16)
      .padStart(4, '0');
  return `${h()}${h()}-${h()}-4${h().slice(1)}-a${h().slice(1)}-${h()}${h()}${h()}`;
}

interface Fake {
  ms: number;
  session: string;
  dev: string;
  repo: string;
  model: string;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  duration: number;
  cost: number;
  seq: number;
}

function* fakes(count: number): Generator<Fake> {
  const r = rng(42);
  let session = uuid(r);
  for (let i = 0; i < count; i++) {
    if (i % 40 === 0) session = uuid(r);
    const input = Math.floor(r() * 5000);
    const output = Math.floor(r() * 2000);
    yield {
      ms: DAY0 + Math.floor((i / count) * 365 * 86400000) + Math.floor(r() * 1000),
      session,
      dev: DEVS[Math.floor(r() * DEVS.length)]!,
      repo: REPOS[Math.floor(r() * REPOS.length)]!,
      model: MODELS[Math.floor(r() * MODELS.length)]!,
      input,
      output,
      cacheRead: Math.floor(r() * 50000),
      cacheWrite: Math.floor(r() * 3000),
      duration: 300 + Math.floor(r() * 20000),
      cost: Math.round(r() * 1e6) / 1e7,
      seq: i,
    };
  }
}

const s = (key: string, v: string) => ({ key, value: { stringValue: v } });

function otlpRecord(f: Fake) {
  const ns = `${BigInt(f.ms) * 1_000_000n + 123_456n}`;
  return {
    timeUnixNano: ns,
    observedTimeUnixNano: ns,
    severityNumber: 9,
    severityText: 'INFO',
    body: { stringValue: 'claude_code.api_request' },
    attributes: [
      s('event.name', 'api_request'),
      s('event.timestamp', new Date(f.ms).toISOString()),
      { key: 'event.sequence', value: { intValue: f.seq } },
      s('session.id', f.session),
      s('user.id', `u-${f.dev.slice(0, 5)}`),
      s('user.email', f.dev),
      s('organization.id', '3f1c2a4e-0000-4000-a000-000000000001'),
      s('user.account_uuid', '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d'),
      s('terminal.type', 'vscode'),
      s('app.version', '2.0.37'),
      s('prompt.id', `p-${f.seq >> 2}`),
      s('model', f.model),
      s('cost_usd', String(f.cost)),
      s('duration_ms', String(f.duration)),
      s('input_tokens', String(f.input)),
      { key: 'output_tokens', value: { intValue: String(f.output) } },
      { key: 'cache_read_tokens', value: { intValue: f.cacheRead } },
      s('cache_creation_tokens', String(f.cacheWrite)),
      s('vcs.repository.url.full', `https://github.com/${f.repo}.git`),
    ],
  };
}

function litellm(f: Fake) {
  const start = f.ms / 1000;
  return {
    id: `chatcmpl-${f.session.slice(0, 8)}-${f.seq}`,
    trace_id: f.session,
    call_type: 'acompletion',
    stream: false,
    response_cost: f.cost,
    cache_hit: false,
    status: 'success',
    saved_cache_cost: 0,
    startTime: start,
    endTime: start + f.duration / 1000,
    completionStartTime: start + 0.25,
    response_time: f.duration / 1000,
    model: f.model,
    model_id: 'model-id-1',
    model_group: f.model,
    custom_llm_provider: 'anthropic',
    api_base: 'https://api.anthropic.com/v1/messages',
    prompt_tokens: f.input,
    completion_tokens: f.output,
    total_tokens: f.input + f.output,
    end_user: f.dev,
    request_tags: [`repo:${f.repo}`],
    error_str: null,
    error_information: null,
    metadata: {
      user_api_key_hash: '88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b',
      user_api_key_alias: 'dev-key',
      user_api_key_user_id: f.dev,
      user_api_key_user_email: f.dev,
      user_api_key_team_id: 'team-1',
      user_api_key_team_alias: 'platform',
      user_api_key_end_user_id: null,
      spend_logs_metadata: { session_id: f.session },
      requester_ip_address: '127.0.0.1',
    },
    hidden_params: {
      model_id: 'model-id-1',
      cache_key: null,
      api_base: 'https://api.anthropic.com/v1/messages',
      response_cost: String(f.cost),
      litellm_overhead_time_ms: 3.2,
    },
    messages: null,
    response: null,
    model_parameters: { max_tokens: 4096 },
  };
}

function prodlens(f: Fake) {
  return {
    timestamp: new Date(f.ms).toISOString(),
    session_id: f.session,
    developer_id: f.dev,
    model: f.model,
    tokens_in: f.input,
    tokens_out: f.output,
    cache_read_tokens: f.cacheRead,
    cache_write_tokens: f.cacheWrite,
    latency_ms: f.duration,
    status_code: 200,
    repo_slug: f.repo,
    cost_usd: f.cost,
    kind: 'request',
    event_id: `${f.session}:${f.seq}`,
  };
}

export async function generate(format: string, count: number, file: string): Promise<void> {
  const out = createWriteStream(file);
  const write = async (line: string) => {
    if (!out.write(line)) await once(out, 'drain');
  };
  if (format === 'otlp') {
    let records: unknown[] = [];
    const flush = async () => {
      const req = {
        resourceLogs: [
          {
            resource: { attributes: [s('service.name', 'claude-code'), s('service.version', '2.0.37'), s('os.type', 'linux'), s('host.arch', 'x64')] },
            scopeLogs: [{ scope: { name: 'com.anthropic.claude_code.events', version: '2.0.37' }, logRecords: records }],
          },
        ],
      };
      await write(`${JSON.stringify(req)}\n`);
      records = [];
    };
    for (const f of fakes(count)) {
      records.push(otlpRecord(f));
      if (records.length === 100) await flush();
    }
    if (records.length) await flush();
  } else {
    const make = format === 'litellm' ? litellm : format === 'prodlens' ? prodlens : undefined;
    if (!make) throw new Error(`unknown format ${format}`);
    for (const f of fakes(count)) await write(`${JSON.stringify(make(f))}\n`);
  }
  out.end();
  await once(out, 'finish');
}

if (require.main === module) {
  const [format, count, file] = process.argv.slice(2);
  generate(format!, Number(count), file!).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
