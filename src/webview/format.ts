/**
 * How numbers and days are written in the report. Fixed to en-US and UTC so the page reads the same on
 * every machine (and tests can read the numbers back); unknown values are an em dash, never 0.
 */
import type { Unit } from '../core/report/model';

export const MISSING = '—';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const dayFormat = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', weekday: 'short', month: 'short', day: 'numeric', year: 'numeric' });
const shortDay = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', month: 'short', day: 'numeric', year: 'numeric' });

/** A value in its unit: `12,345`, `$12.34`, `12.3%`, `1,234 ms`, `3.4 h`. */
export function formatValue(v: number | null | undefined, unit: Unit): string {
  if (v === null || v === undefined) return MISSING;
  switch (unit) {
    case 'usd':
      return v < 0 ? `−$${money.format(-v)}` : `$${money.format(v)}`;
    case 'ratio':
      return `${oneDecimal.format(v * 100)}%`;
    case 'ms':
      return `${integer.format(v)} ms`;
    case 'hours':
      return `${oneDecimal.format(v)} h`;
    default:
      return integer.format(v);
  }
}

/** Short axis labels: `1.2K`, `$3.4`, `45%`. */
export function formatAxis(v: number, unit: Unit): string {
  if (unit === 'usd') return `$${compact.format(v)}`;
  if (unit === 'ratio') return `${Math.round(v * 100)}%`;
  return compact.format(v);
}

/** A change in percent with its sign: `+12.3%`, `−4.0%`. */
export function formatChange(pct: number | null): string {
  if (pct === null) return MISSING;
  const s = oneDecimal.format(Math.abs(pct));
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
  return integer.format(n);
}

/** `Tue, Jun 30, 2026` for a `YYYY-MM-DD` UTC day. */
export function formatDay(day: string): string {
  return dayFormat.format(new Date(`${day}T00:00:00Z`));
}

/** `Jun 1, 2026 – Jun 30, 2026`. */
export function formatRange(since: string, until: string): string {
  return `${shortDay.format(new Date(`${since}T00:00:00Z`))} – ${shortDay.format(new Date(`${until}T00:00:00Z`))}`;
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
    a < 60_000 ? [0, 'now'] : a < 3_600_000 ? [Math.round(a / 60_000), 'min'] : a < 86_400_000 ? [Math.round(a / 3_600_000), 'h'] : [Math.round(a / 86_400_000), 'd'];
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

const monthFormat = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', month: 'long', year: 'numeric' });

/** A day, `Week of Jun 1, 2026` or `June 2026`; `(part)` when the report range cuts the period. */
export function formatPeriod(p: { start: string; partial: boolean }, group: 'day' | 'week' | 'month'): string {
  const d = new Date(`${p.start}T00:00:00Z`);
  const name = group === 'day' ? formatDay(p.start) : group === 'week' ? `Week of ${shortDay.format(d)}` : monthFormat.format(d);
  return p.partial && group !== 'day' ? `${name} (part)` : name;
}
