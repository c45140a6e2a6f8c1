/**
 * How numbers and days are written in the report: in the language VS Code runs in (the panel puts
 * `vscode.env.language` on `<html lang>`; `setLocale` at start-up), en-US in the standalone file and the
 * tests. Days are UTC days. Unknown values are an em dash, never 0. Statistics (r, p, d) keep a plain
 * decimal point, as papers write them.
 */
import type { Unit } from '../../core/report/model';

export const MISSING = '—';

function formatters(locale: string) {
  return {
    locale,
    integer: new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }),
    money: new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    percent: new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }),
    oneDecimal: new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
    compact: new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }),
    compactUsd: new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD', notation: 'compact', maximumFractionDigits: 1 }),
    dayFormat: new Intl.DateTimeFormat(locale, { timeZone: 'UTC', weekday: 'short', month: 'short', day: 'numeric', year: 'numeric' }),
    shortDay: new Intl.DateTimeFormat(locale, { timeZone: 'UTC', month: 'short', day: 'numeric', year: 'numeric' }),
    monthFormat: new Intl.DateTimeFormat(locale, { timeZone: 'UTC', month: 'long', year: 'numeric' }),
    startFormat: new Intl.DateTimeFormat(locale, { timeZone: 'UTC', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
  };
}

let f = formatters('en-US');

/**
 * Writes numbers and days for a BCP 47 language tag (VS Code's `env.language`, e.g. `de`, `pt-br`); `en`,
 * an empty or unknown tag gives en-US. Returns the locale in use.
 */
export function setLocale(tag: string | null | undefined): string {
  let locale = 'en-US';
  try {
    const t = (tag ?? '').trim();
    if (t && !/^en$/i.test(t)) locale = Intl.NumberFormat.supportedLocalesOf([t])[0] ?? 'en-US';
  } catch {
    locale = 'en-US';
  }
  if (locale !== f.locale) f = formatters(locale);
  return locale;
}

/** A value in its unit: `12,345`, `$12.34`, `12.3%`, `1,234 ms`, `3.4 h`. */
export function formatValue(v: number | null | undefined, unit: Unit): string {
  if (v === null || v === undefined) return MISSING;
  switch (unit) {
    case 'usd':
      return v < 0 ? `−${f.money.format(-v)}` : f.money.format(v);
    case 'ratio':
      return f.percent.format(v);
    case 'ms':
      return `${f.integer.format(v)} ms`;
    case 'hours':
      return `${f.oneDecimal.format(v)} h`;
    default:
      return f.integer.format(v);
  }
}

/** Short axis labels: `1.2K`, `$3.4`, `45%`. */
export function formatAxis(v: number, unit: Unit): string {
  if (unit === 'usd') return f.compactUsd.format(v);
  if (unit === 'ratio') return `${Math.round(v * 100)}%`;
  return f.compact.format(v);
}

/** A change in percent with its sign: `+12.3%`, `−4.0%`. */
export function formatChange(pct: number | null): string {
  if (pct === null) return MISSING;
  const s = f.oneDecimal.format(Math.abs(pct));
  return pct > 0 ? `+${s}%` : pct < 0 ? `−${s}%` : `${s}%`;
}

/** A correlation coefficient or effect size with two decimals and a real minus sign. */
export function formatSigned(v: number | null, digits = 2): string {
  if (v === null) return MISSING;
  const s = Math.abs(v).toFixed(digits);
  return v < 0 && Number(s) !== 0 ? `−${s}` : s;
}

/** p-values: three decimals, `<0.001` below that. */
export function formatP(p: number | null): string {
  if (p === null) return MISSING;
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}

export function formatCount(n: number): string {
  return f.integer.format(n);
}

/** `Tue, Jun 30, 2026` for a `YYYY-MM-DD` UTC day. */
export function formatDay(day: string): string {
  return f.dayFormat.format(new Date(`${day}T00:00:00Z`));
}

/** `Jun 1, 2026 – Jun 30, 2026`. */
export function formatRange(since: string, until: string): string {
  return `${f.shortDay.format(new Date(`${since}T00:00:00Z`))} – ${f.shortDay.format(new Date(`${until}T00:00:00Z`))}`;
}

/** `2026-06-30 12:00 UTC (3 h ago)`, relative to the report's generation time. */
export function formatInstant(iso: string | null, nowIso: string): string {
  if (!iso) return MISSING;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const abs = `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `${abs} (${relative(Date.parse(nowIso) - t)})`;
}

function relative(ms: number): string {
  const future = ms < 0;
  const a = Math.abs(ms);
  const [n, u] =
    a < 60_000
      ? [0, 'now']
      : a < 3_600_000
        ? [Math.round(a / 60_000), 'min']
        : a < 86_400_000
          ? [Math.round(a / 3_600_000), 'h']
          : [Math.round(a / 86_400_000), 'd'];
  if (u === 'now') return 'just now';
  return future ? `in ${n} ${u}` : `${n} ${u} ago`;
}

/** `42 s`, `12 min`, `1 h 05 min`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** A day, `Week of Jun 1, 2026` or `June 2026`; `(part)` when the report range cuts the period. */
export function formatPeriod(p: { start: string; partial: boolean }, group: 'day' | 'week' | 'month'): string {
  const d = new Date(`${p.start}T00:00:00Z`);
  const name = group === 'day' ? formatDay(p.start) : group === 'week' ? `Week of ${f.shortDay.format(d)}` : f.monthFormat.format(d);
  return p.partial && group !== 'day' ? `${name} (part)` : name;
}

/** A session's start: `Jun 24, 04:23` (UTC). */
export function formatStart(iso: string): string {
  return f.startFormat.format(new Date(iso));
}
