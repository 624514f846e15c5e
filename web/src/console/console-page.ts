/**
 * The console's page: the customer pages' Page (configuration, language switch, data-i18n
 * texts) with the console's own dictionary first, and compact dates for tables.
 */
import type { TextKey } from '../lib/i18n.ts';
import { Page } from '../lib/page.ts';
import { consoleText, fill, type ConsoleTextKey } from './texts.ts';

/** A text of the console: its own catalog's keys, and the customer pages' it reuses. */
export type ConsoleKey = ConsoleTextKey | TextKey;

export class ConsolePage extends Page<ConsoleKey> {
  protected override text(key: string, vars: Record<string, string | number> = {}): string {
    const own = consoleText(this.lang, key);
    return own !== undefined ? fill(own, vars) : super.text(key, vars);
  }

  /** Whether the console has a text of its own for `key` (server codes without a translation are shown as they are). */
  has(key: string): key is ConsoleTextKey {
    return consoleText(this.lang, key) !== undefined;
  }

  /** The translation of `prefix.value`, or the value itself. */
  label(prefix: string, value: string | undefined): string {
    if (value === undefined || value === '') return '';
    const key = `${prefix}.${value}`;
    return this.has(key) ? this.t(key) : value;
  }

  /** A failed API answer: the server's message under its status (server.400 ...), else the network or server error. */
  failure(status: number, message?: string): string {
    const key = `server.${status}`;
    if (message && this.has(key)) return this.t(key, { message });
    return this.t(status === 0 ? 'error.network' : 'error.server');
  }

  private locale(): string {
    return this.lang === 'zh-CN' ? 'zh-CN' : this.config.region === 'us' ? 'en-US' : 'en-GB';
  }

  /** "Mon 2 Mar, 17:30" on the region's clock (the year when it is not this year). */
  formatCompact(iso: string, now = new Date()): string {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return iso;
    const tz = this.config.timeZone;
    const year = (x: Date) => new Intl.DateTimeFormat('en', { year: 'numeric', timeZone: tz }).format(x);
    return new Intl.DateTimeFormat(this.locale(), {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      ...(year(d) !== year(now) ? { year: 'numeric' } : {}),
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
      timeZone: tz,
    }).format(d);
  }

  formatNumber(n: number, digits = 0): string {
    return new Intl.NumberFormat(this.locale(), { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(n);
  }

  formatPercent(rate: number | null | undefined): string {
    if (rate === null || rate === undefined || Number.isNaN(rate)) return '–';
    return new Intl.NumberFormat(this.locale(), { style: 'percent', maximumFractionDigits: 1 }).format(rate);
  }

  formatMoney(value: number, currency: string): string {
    try {
      return new Intl.NumberFormat(this.locale(), { style: 'currency', currency }).format(value);
    } catch {
      return `${this.formatNumber(value, 2)} ${currency}`;
    }
  }

  formatMonth(month: string): string {
    const m = /^(\d{4})-(\d{2})$/.exec(month);
    if (!m) return month;
    return new Intl.DateTimeFormat(this.locale(), { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
      new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)),
    );
  }
}
