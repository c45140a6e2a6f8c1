/**
 * Normalize throughput per input format (not a test): `npx tsx bench/normalize.ts [records]`.
 * For each format it builds N synthetic, real-shaped records as the text a file or HTTP body would hold,
 * then times (best of three) (1) bare JSON.parse of that text, the floor every import pays, (2) JSON.parse + normalize,
 * and (3) the streaming file reader over the same text written to a temp file. Prints records per
 * CPU-second of this process (the machine is shared; wall time would mostly measure the neighbours).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeDocument } from '../src/core/normalize/detect';
import { BundledPriceTable } from '../src/core/pricing';
import { readImportFile } from '../src/sources/file-import';

const N = Number(process.argv[2] ?? 100_000);
const PER_REQUEST = 100; // OTLP exporters batch records; 100 per request is a typical small batch.
const T0 = 1767607200000n * 1_000_000n;

const s = (key: string, v: string) => ({ key, value: { stringValue: v } });
const i = (key: string, v: number) => ({ key, value: { intValue: v } });

function claudeLogLine(start: number): string {
  const logRecords = [];
  for (let k = start; k < start + PER_REQUEST; k++) {
    const ns = String(T0 + BigInt(k) * 1_000_000n);
    logRecords.push({
      timeUnixNano: ns,
      observedTimeUnixNano: ns,
      severityNumber: 9,
      body: { stringValue: 'claude_code.api_request' },
      attributes: [
        s('user.id', '5d1f1c1b8e2a4f0c9b7d6e5a4c3b2a19081726354f6e5d4c3b2a1908172635'),
        s('session.id', `0b4c8a52-6f39-4c1e-9e0f-${String(k % 1000).padStart(12, '0')}`),
        s('app.version', '2.0.76'),
        s('organization.id', '8c5b7a2e-1d4f-4e3a-9b6c-0f1e2d3c4b5a'),
        s('user.email', `dev${k % 20}@example.com`),
        s('user.account_uuid', 'f2e1d0c9-b8a7-4654-8321-0fedcba98765'),
        s('terminal.type', 'vscode'),
        s('event.name', 'api_request'),
        s('event.timestamp', new Date(Number(BigInt(ns) / 1_000_000n)).toISOString()),
        i('event.sequence', k),
        s('prompt.id', '7a0c3e1f-2b4d-4f6a-8c9e-1a2b3c4d5e6f'),
        s('model', 'claude-sonnet-4-5-20250929'),
        s('input_tokens', String(1000 + (k % 500))),
        s('output_tokens', String(200 + (k % 100))),
        s('cache_read_tokens', '48211'),
        s('cache_creation_tokens', '2310'),
        s('cost_usd', '0.0285978'),
        s('duration_ms', '8731'),
      ],
    });
  }
  return JSON.stringify({
    resourceLogs: [
      {
        resource: {
          attributes: [
            s('service.name', 'claude-code'),
            s('service.version', '2.0.76'),
            s('vcs.repository.url.full', 'https://github.com/acme/api.git'),
            s('vcs.ref.head.name', 'main'),
          ],
        },
        scopeLogs: [{ scope: { name: 'com.anthropic.claude_code.events' }, logRecords }],
      },
    ],
  });
}

function spanLine(start: number): string {
  const spans = [];
  for (let k = start; k < start + PER_REQUEST; k++) {
    const st = T0 + BigInt(k) * 1_000_000n;
    spans.push({
      traceId: k.toString(16).padStart(32, '0'),
      spanId: k.toString(16).padStart(16, '0'),
      name: 'chat gpt-4o',
      kind: 3,
      startTimeUnixNano: String(st),
      endTimeUnixNano: String(st + 1_500_000_000n),
      attributes: [
        s('gen_ai.operation.name', 'chat'),
        s('gen_ai.provider.name', 'openai'),
        s('gen_ai.request.model', 'gpt-4o'),
        i('gen_ai.usage.input_tokens', 2000 + (k % 700)),
        i('gen_ai.usage.output_tokens', 300),
        i('gen_ai.usage.cache_read.input_tokens', 1024),
        s('gen_ai.conversation.id', `conv-${k % 500}`),
        s('user.email', `dev${k % 20}@example.com`),
      ],
      status: {},
    });
  }
  return JSON.stringify({
    resourceSpans: [{ resource: { attributes: [s('service.name', 'acme-agent')] }, scopeSpans: [{ scope: { name: 'agent' }, spans }] }],
  });
}

function metricLine(start: number): string {
  const dataPoints = [];
  for (let k = start; k < start + PER_REQUEST; k++) {
    dataPoints.push({
      attributes: [
        s('session.id', `s-${k % 300}`),
        s('user.email', `dev${k % 20}@example.com`),
        s('type', ['input', 'output', 'cacheRead', 'cacheCreation'][k % 4]!),
        s('model', 'claude-sonnet-4-5-20250929'),
      ],
      startTimeUnixNano: String(T0),
      timeUnixNano: String(T0 + BigInt(k) * 60_000_000_000n),
      asDouble: 1000 + k,
    });
  }
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: [s('service.name', 'claude-code')] },
        scopeMetrics: [{ metrics: [{ name: 'claude_code.token.usage', unit: 'tokens', sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints } }] }],
      },
    ],
  });
}

function litellmLine(k: number): string {
  const start = 1767607200 + k * 0.5;
  return JSON.stringify({
    id: `chatcmpl-${k}`,
    trace_id: `trace-${k}`,
    call_type: 'acompletion',
    stream: false,
    response_cost: 0.0082,
    status: 'success',
    custom_llm_provider: 'openai',
    total_tokens: 2760,
    prompt_tokens: 2400,
    completion_tokens: 360,
    startTime: start,
    endTime: start + 2.53,
    completionStartTime: start + 0.7,
    response_time: 2.53,
    model: 'gpt-4o',
    model_id: 'abc',
    model_group: 'gpt-4o',
    api_base: 'https://api.openai.com/v1',
    metadata: {
      user_api_key_hash: 'h'.repeat(64),
      user_api_key_alias: 'dev',
      user_api_key_team_id: 't',
      user_api_key_user_id: `u-${k % 20}`,
      user_api_key_user_email: null,
      user_api_key_team_alias: 'platform',
      spend_logs_metadata: null,
      requester_ip_address: '127.0.0.1',
      requester_metadata: {},
      usage_object: { completion_tokens: 360, prompt_tokens: 2400, total_tokens: 2760, prompt_tokens_details: { cached_tokens: 1920 } },
    },
    cache_hit: null,
    cache_key: null,
    saved_cache_cost: 0,
    request_tags: [`session_id=s-${k % 400}`],
    end_user: null,
    messages: [{ role: 'user', content: 'Please refactor src/auth.ts to use the new session store and keep the API stable.' }],
    response: { id: `chatcmpl-${k}`, choices: [{ message: { role: 'assistant', content: 'Here is the refactor with the session store wired in.' } }] },
    error_str: null,
    model_parameters: { temperature: 0.2 },
    hidden_params: { model_id: 'abc', api_base: 'https://api.openai.com/v1' },
  });
}

function prodlensLine(k: number): string {
  return JSON.stringify({
    timestamp: new Date(1767607200000 + k * 1000).toISOString(),
    kind: 'request',
    event_id: `ev-${k}`,
    session_id: `s-${k % 400}`,
    developer_id: `dev${k % 20}@example.com`,
    model: 'claude-sonnet-4-5',
    tokens_in: 1200 + (k % 300),
    tokens_out: 300,
    cache_read_tokens: 5000,
    latency_ms: 2100,
    status_code: 200,
    repo_slug: 'acme/api',
    branch: 'main',
    agent: 'claude-code',
  });
}

interface Format {
  name: string;
  /** Builds the format's lines on demand, so only one format's input is in memory at a time. */
  lines: () => string[];
}

function formats(): Format[] {
  const batched = (f: (start: number) => string) => () => Array.from({ length: Math.ceil(N / PER_REQUEST) }, (_, j) => f(j * PER_REQUEST));
  return [
    { name: 'OTLP logs (Claude Code, 100/request)', lines: batched(claudeLogLine) },
    { name: 'OTLP spans (GenAI chat, 100/request)', lines: batched(spanLine) },
    { name: 'OTLP metrics (token.usage, 100/request)', lines: batched(metricLine) },
    { name: 'LiteLLM NDJSON (1/line)', lines: () => Array.from({ length: N }, (_, k) => litellmLine(k)) },
    { name: 'ProdLens NDJSON (1/line)', lines: () => Array.from({ length: N }, (_, k) => prodlensLine(k)) },
  ];
}

/** CPU seconds of this process: on a shared machine wall time mostly measures the neighbours. */
function cpuSec(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function time<T>(fn: () => T): [T, number] {
  const t = cpuSec();
  const r = fn();
  return [r, cpuSec() - t];
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'prodlens-bench-'));
  const rate = (n: number, sec: number) => `${Math.round(n / sec).toLocaleString('en-US')}/s`;
  console.log(`records per format: ${N}\n`);
  console.log('format | JSON.parse only | parse + normalize | ratio | file reader (stream + parse + normalize) | ratio');
  try {
    for (const f of formats()) {
      let lines: string[] | null = f.lines();
      const ctx = { prices: new BundledPriceTable(), receivedAt: new Date().toISOString() };
      let records = 0;
      // Best of three for the reference, so a noisy neighbour cannot flatter the ratio.
      let parseSec = Infinity;
      for (let rep = 0; rep < 3; rep++) {
        const [, sec] = time(() => {
          for (const l of lines!) JSON.parse(l);
        });
        parseSec = Math.min(parseSec, sec);
      }
      let normSec = Infinity;
      for (let rep = 0; rep < 3; rep++) {
        records = 0;
        const [, sec] = time(() => {
          for (const l of lines!) {
            const b = normalizeDocument(JSON.parse(l), ctx);
            records += b.events.length + b.metrics.length;
            if (b.rejects.length) throw new Error(`${f.name}: ${b.rejects[0]!.reason}`);
          }
        });
        normSec = Math.min(normSec, sec);
      }
      const file = join(dir, 'input.ndjson');
      await writeFile(file, lines.join('\n') + '\n');
      lines = null; // the reader runs with the input on disk only, as a real import does
      let fileRecords = 0;
      const t = cpuSec();
      for await (const b of readImportFile(file, { prices: new BundledPriceTable() })) fileRecords += b.events.length + b.metrics.length;
      const fileSec = cpuSec() - t;
      if (records !== N || fileRecords !== N) throw new Error(`${f.name}: expected ${N} records, got ${records} / ${fileRecords}`);
      console.log(
        `${f.name} | ${rate(N, parseSec)} | ${rate(N, normSec)} | ${(normSec / parseSec).toFixed(2)}x | ${rate(N, fileSec)} | ${(fileSec / parseSec).toFixed(2)}x`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  console.log(`\npeak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (one format's input is held in memory for the in-memory columns)`);
}

void main();
