/**
 * Full-day public holidays of a calendar for a year, computed by date-holidays. Used only by
 * the generator (scripts/generate-holidays.ts) and the test that checks the generated table;
 * never bundled into a Lambda function.
 */
import Holidays from 'date-holidays';
import type { CalendarConfig, HolidayEntry } from '../functions/domain/business-calendar.ts';

const DAY_MS = 86_400_000;

export function holidaysFromLibrary(cfg: CalendarConfig, year: number): HolidayEntry[] {
  const opts = { timezone: cfg.timeZone, types: ['public' as const] };
  const engine = cfg.state ? new Holidays(cfg.country, cfg.state, opts) : new Holidays(cfg.country, opts);
  const entries: HolidayEntry[] = [];
  for (const h of engine.getHolidays(year)) {
    // Only whole days off for everyone: skip observances and half days (e.g. CN 03-08 12:00).
    if (h.type !== 'public' || h.date.slice(11, 19) !== '00:00:00') continue;
    const hours = (h.end.getTime() - h.start.getTime()) / 3_600_000;
    if (hours < 23) continue;
    const first = Date.parse(`${h.date.slice(0, 10)}T00:00:00Z`);
    const days = Math.max(1, Math.round(hours / 24));
    for (let i = 0; i < days; i++) entries.push({ date: new Date(first + i * DAY_MS).toISOString().slice(0, 10), rule: h.rule });
  }
  return entries;
}
