/**
 * Regenerates functions/domain/holidays.generated.json from date-holidays for every
 * configured region's calendar and the years FROM..TO. Run after upgrading date-holidays or
 * adding a region: npm run generate:holidays
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calendarKey, compactHolidays, type HolidayTable } from '../functions/domain/business-calendar.ts';
import { REGIONS } from '../functions/domain/regions.ts';
import { holidaysFromLibrary } from './holidays-from-library.ts';

export const FROM = 2024;
export const TO = 2040;

const table: HolidayTable = {};
for (const r of Object.values(REGIONS)) {
  const years: Record<string, ReturnType<typeof holidaysFromLibrary>> = {};
  for (let y = FROM; y <= TO; y++) years[String(y)] = holidaysFromLibrary(r.calendar, y);
  table[calendarKey(r.calendar)] = years;
}
writeFileSync(join(import.meta.dirname, '..', 'functions', 'domain', 'holidays.generated.json'), `${JSON.stringify(compactHolidays(table))}\n`);
console.log(`Wrote holidays for ${Object.keys(table).length} calendars, ${FROM}-${TO}`);
