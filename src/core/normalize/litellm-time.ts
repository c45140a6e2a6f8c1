import { toEpochMs } from './time';

/**
 * LiteLLM times as epoch seconds with their sub-millisecond part kept, for latencies: the
 * StandardLoggingPayload sends floats (`1767783700.5`), some versions and every spend-log row send strings
 * (`2025-01-24 09:20:46.847371`, ISO with or without a zone; no zone means UTC, which is what the proxy
 * writes). Null when the value is not a time.
 */
export function preciseEpochSeconds(x: unknown): number | null {
  if (typeof x === 'number') return Number.isFinite(x) ? x : null;
  if (typeof x !== 'string') return null;
  const s = x.trim();
  if (/^\d+(?:\.\d+)?$/.test(s)) return Number(s);
  const ms = toEpochMs(s);
  if (!ms.ok) return null;
  // toEpochMs floors to the millisecond; add back the digits below it.
  const frac = /:\d{2}\.(\d+)/.exec(s)?.[1];
  const below = frac && frac.length > 3 ? Number(`0.${frac.slice(3)}`) / 1000 : 0;
  return ms.value / 1000 + below;
}
