/**
 * Numbers, money, durations and times as people read them in their language (VS Code's `env.language`, a
 * BCP 47 tag). Formatters are built once per locale and zone and cached: building one costs far more than
 * using it. An unknown or malformed tag falls back to English rather than throwing.
 */
import type { DayKey } from './day';

export class LocaleFormat {
  readonly locale: string;
  private readonly count: Intl.NumberFormat;
  private readonly compactFmt: Intl.NumberFormat;
  private readonly usdFmt: Intl.NumberFormat;
  private readonly usdFine: Intl.NumberFormat;
  private readonly percentFmt: Intl.NumberFormat;
  private readonly relative: Intl.RelativeTimeFormat;
  private readonly units = new Map<string, Intl.NumberFormat>();
  private readonly dates = new Map<string, Intl.DateTimeFormat>();

  constructor(locale: string | undefined) {
    this.locale = supportedLocale(locale);
    this.count = new Intl.NumberFormat(this.locale, { maximumFractionDigits: 0 });
    this.compactFmt = new Intl.NumberFormat(this.locale, { notation: 'compact', maximumFractionDigits: 1 });
    this.usdFmt = new Intl.NumberFormat(this.locale, { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
    this.usdFine = new Intl.NumberFormat(this.locale, { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4 });
    this.percentFmt = new Intl.NumberFormat(this.locale, { style: 'percent', maximumFractionDigits: 0 });
    this.relative = new Intl.RelativeTimeFormat(this.locale, { numeric: 'auto', style: 'long' });
  }

  /** 12345 → "12,345" (en), "12.345" (de). */
  integer(n: number): string {
    return this.count.format(n);
  }

  /** 12345 → "12.3K" (en), "12,3 k" (fr), "1,2 Mio." for 1234567 (de). */
  compact(n: number): string {
    return this.compactFmt.format(n);
  }

  /** US dollars with cents ("$1.23"; "1,23 $" in German). */
  usd(n: number): string {
    return this.usdFmt.format(n);
  }

  /** US dollars with up to four decimals, for small amounts in tooltips. */
  usdPrecise(n: number): string {
    return this.usdFine.format(n);
  }

  /** 0.823 → "82%". */
  percent(share: number): string {
    return this.percentFmt.format(share);
  }

  /** A duration in the largest sensible unit: "40 sec", "23 min", "1 hr, 5 min" style, localized. */
  duration(ms: number): string {
    const s = Math.max(0, Math.round(ms / 1000));
    if (s < 60) return this.unit(s, 'second');
    const min = Math.round(s / 60);
    if (min < 60) return this.unit(min, 'minute');
    const h = Math.floor(min / 60);
    const rest = min % 60;
    return rest ? `${this.unit(h, 'hour')} ${this.unit(rest, 'minute')}` : this.unit(h, 'hour');
  }

  /** How long ago an instant was: "5 minutes ago", "yesterday", "3 days ago". */
  ago(ms: number, nowMs: number): string {
    const s = Math.round((nowMs - ms) / 1000);
    if (s < 60) return this.relative.format(0, 'second');
    const min = Math.floor(s / 60);
    if (min < 60) return this.relative.format(-min, 'minute');
    const h = Math.floor(min / 60);
    if (h < 24) return this.relative.format(-h, 'hour');
    return this.relative.format(-Math.floor(h / 24), 'day');
  }

  /** An instant's local weekday and time in a zone: "Tue 09:14". */
  weekdayTime(ms: number, timeZone: string): string {
    return this.date(timeZone, { weekday: 'short', hour: '2-digit', minute: '2-digit' }).format(ms);
  }

  /** An instant's full local date and time in a zone, for tooltips. */
  dateTime(ms: number, timeZone: string): string {
    return this.date(timeZone, { dateStyle: 'medium', timeStyle: 'short' }).format(ms);
  }

  /** A calendar day (a DayKey, no zone involved): "Mon, Jan 5". */
  day(day: DayKey | string): string {
    return this.date('UTC', { weekday: 'short', month: 'short', day: 'numeric' }).format(Date.parse(`${day}T12:00:00Z`));
  }

  private unit(n: number, unit: 'second' | 'minute' | 'hour'): string {
    let f = this.units.get(unit);
    if (!f) {
      f = new Intl.NumberFormat(this.locale, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 0 });
      this.units.set(unit, f);
    }
    return f.format(n);
  }

  private date(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
    const key = `${timeZone}\u0001${JSON.stringify(options)}`;
    let f = this.dates.get(key);
    if (!f) {
      f = new Intl.DateTimeFormat(this.locale, { ...options, timeZone });
      this.dates.set(key, f);
    }
    return f;
  }
}

/** The locale itself when the runtime knows it (or a parent of it), else `en`. */
export function supportedLocale(locale: string | undefined): string {
  if (!locale) return 'en';
  try {
    return Intl.NumberFormat.supportedLocalesOf([locale])[0] ?? 'en';
  } catch {
    return 'en';
  }
}
