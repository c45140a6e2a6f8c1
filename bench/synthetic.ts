import type { AiEvent } from '../src/core/model';
import { buildEvent } from '../src/core/normalize/event';
import { BundledPriceTable } from '../src/core/pricing';

/** Deterministic PRNG (mulberry32) so every bench run exports the same rows. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const REPOS = ['acme/api', 'acme/web', 'acme/infra', 'tools/cli', 'oss/parser'];
const MODELS = ['claude-sonnet-4-5', 'claude-opus-4-1', 'gpt-5', 'gemini-2.5-pro', 'claude-haiku-4-5'];
const SOURCES = ['claude-code-otel', 'claude-code-transcript', 'codex-otel', 'litellm', 'editor'] as const;
const DEVELOPERS = ['ana@example.com', 'bo@example.com', 'chen@example.com'];
const TOOLS = ['Read', 'Edit', 'Bash', 'Grep', 'Write'];

/**
 * `count` realistic events spread over `days` UTC days from `startDay` and over REPOS, built through the
 * canonical rules (so costs, hashes and days are what real ingest produces). Yields batches of `batch`.
 */
export function* syntheticEvents(
  count: number,
  opts: { days?: number; startDay?: string; seed?: number; batch?: number; device?: string } = {},
): Generator<AiEvent[]> {
  const days = opts.days ?? 365;
  const start = Date.parse(`${opts.startDay ?? '2025-01-01'}T00:00:00Z`);
  const rand = rng(opts.seed ?? 42);
  const prices = new BundledPriceTable();
  const size = opts.batch ?? 10000;
  let out: AiEvent[] = [];
  for (let i = 0; i < count; i++) {
    const day = Math.floor((i / count) * days);
    const ts = start + day * 86400000 + Math.floor(rand() * 86400000);
    const r = rand();
    const kind = r < 0.8 ? 'request' : r < 0.9 ? 'tool' : r < 0.97 ? 'edit' : 'error';
    const source = SOURCES[Math.floor(rand() * SOURCES.length)]!;
    const repo = REPOS[Math.floor(rand() * REPOS.length)]!;
    const tokensIn = Math.floor(rand() * 4000);
    const built = buildEvent(
      {
        source,
        kind,
        time: ts,
        identity: [opts.device ?? 'dev', i],
        session_id: `sess-${day}-${Math.floor(rand() * 8)}`,
        developer_id: DEVELOPERS[Math.floor(rand() * DEVELOPERS.length)]!,
        model: kind === 'edit' ? null : MODELS[Math.floor(rand() * MODELS.length)]!,
        tokens_in: kind === 'request' ? tokensIn : null,
        tokens_out: kind === 'request' ? Math.floor(rand() * 1500) : null,
        cache_read_tokens: kind === 'request' ? Math.floor(rand() * 20000) : null,
        cache_write_tokens: kind === 'request' ? Math.floor(rand() * 2000) : null,
        latency_ms: kind === 'request' || kind === 'error' ? Math.round(200 + rand() * 9000) : null,
        status_code: kind === 'error' ? 529 : kind === 'request' ? 200 : null,
        accepted_flag: kind === 'edit' ? rand() < 0.7 : null,
        diff_ratio: kind === 'edit' ? Math.round(rand() * 1000) / 1000 : null,
        accepted_lines: kind === 'edit' ? Math.floor(rand() * 40) : null,
        lines_added: kind === 'edit' ? Math.floor(rand() * 50) : null,
        lines_removed: kind === 'edit' ? Math.floor(rand() * 20) : null,
        language: kind === 'edit' ? 'typescript' : null,
        agent: source.startsWith('codex') ? 'codex' : 'claude-code',
        tool_name: kind === 'tool' ? TOOLS[Math.floor(rand() * TOOLS.length)]! : null,
        repo_slug: repo,
        branch: rand() < 0.5 ? 'main' : `feature/${Math.floor(rand() * 30)}`,
        attrs: kind === 'request' ? { query_source: 'main', speed: rand() < 0.1 ? 'fast' : 'normal' } : null,
      },
      { prices },
    );
    if (!built.ok) throw new Error(built.reason);
    out.push(built.value);
    if (out.length === size) {
      yield out;
      out = [];
    }
  }
  if (out.length) yield out;
}
