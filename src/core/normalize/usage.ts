import { fail, ok, type Result } from './result';
import { coerceCount, type Count } from './tokens';

/**
 * Token conventions differ by vendor. ProdLens's canonical `tokens_in` EXCLUDES cache reads and writes
 * (Anthropic's convention), so `tokens_in + cache_read_tokens + cache_write_tokens` is everything the model
 * read. OpenAI, Gemini, LiteLLM, OpenInference and the OTel GenAI conventions report an input count that
 * INCLUDES the cached part; `splitInclusiveInput` converts those.
 */
export interface SplitUsage {
  tokens_in: Count;
  tokens_out: Count;
  cache_read_tokens: Count;
  cache_write_tokens: Count;
}

export interface InclusiveUsage {
  /** Input as reported, including cache reads/writes. */
  input: unknown;
  output: unknown;
  /** The source's total (input incl. cache + output), used only to derive a missing input or output. */
  total?: unknown;
  cacheRead?: unknown;
  cacheWrite?: unknown;
}

/**
 * Coerces the counts and subtracts the cached parts from the input. A missing input or output is derived
 * from the source's total first (the total includes the cache, like the input). When the cached parts
 * exceed the reported input, the sender evidently used the exclusive convention already, and the input is
 * kept as is (documented in docs/sources.md). The canonical total is then derived by `buildEvent`.
 */
export function splitInclusiveInput(u: InclusiveUsage): Result<SplitUsage> {
  const input = coerceCount(u.input, 'input tokens');
  if (!input.ok) return fail(input.reason);
  const output = coerceCount(u.output, 'output tokens');
  if (!output.ok) return fail(output.reason);
  const total = coerceCount(u.total, 'total tokens');
  if (!total.ok) return fail(total.reason);
  const read = coerceCount(u.cacheRead, 'cache read tokens');
  if (!read.ok) return fail(read.reason);
  const write = coerceCount(u.cacheWrite, 'cache write tokens');
  if (!write.ok) return fail(write.reason);

  let inAll = input.value;
  let out = output.value;
  if (total.value !== null) {
    if (inAll === null && out !== null) {
      if (out > total.value) return fail(`output tokens ${out} exceed total ${total.value}`);
      inAll = total.value - out;
    } else if (out === null && inAll !== null) {
      if (inAll > total.value) return fail(`input tokens ${inAll} exceed total ${total.value}`);
      out = total.value - inAll;
    }
  }
  const cached = (read.value ?? 0) + (write.value ?? 0);
  const tokensIn = inAll === null ? null : cached <= inAll ? inAll - cached : inAll;
  return ok({ tokens_in: tokensIn, tokens_out: out, cache_read_tokens: read.value, cache_write_tokens: write.value });
}
