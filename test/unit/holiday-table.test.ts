import { describe, expect, it } from 'vitest';
import { calendarKey, compactHolidays, expandHolidays, type CompactHolidayTable } from '../../functions/domain/business-calendar.ts';
import COMPACT from '../../functions/domain/holidays.generated.json' with { type: 'json' };
import { REGIONS } from '../../functions/domain/regions.ts';
import { holidaysFromLibrary } from '../../scripts/holidays-from-library.ts';
import PACKAGE from '../../package.json' with { type: 'json' };
import LIBRARY from '../../node_modules/date-holidays/package.json' with { type: 'json' };

const TABLE = expandHolidays(COMPACT as CompactHolidayTable);

describe('generated holiday table', () => {
  it('is stored compactly and expands to the very table it was made from', () => {
    expect(compactHolidays(TABLE)).toEqual(COMPACT);
    expect(JSON.stringify(COMPACT).length).toBeLessThan(8 * 1024);
  });

  it('equals what date-holidays computes, for every region and year it covers (npm run generate:holidays if not)', () => {
    const table = TABLE;
    for (const r of Object.values(REGIONS)) {
      const years = table[calendarKey(r.calendar)];
      expect(years, r.name).toBeDefined();
      for (const [year, entries] of Object.entries(years)) expect(entries, `${r.name} ${year}`).toEqual(holidaysFromLibrary(r.calendar, Number(year)));
    }
  });

  it('is made by the pinned date-holidays: an exact version in package.json, the one installed (docs/libraries.md)', () => {
    const deps = {
      ...(PACKAGE as { dependencies?: Record<string, string> }).dependencies,
      ...(PACKAGE as { devDependencies?: Record<string, string> }).devDependencies,
    };
    expect(deps['date-holidays']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(LIBRARY.version).toBe(deps['date-holidays']);
  });

  it('covers the years complaints are handled in, and knows the big holidays', () => {
    const cn = TABLE[calendarKey(REGIONS.cn.calendar)];
    expect(Object.keys(cn)).toEqual(expect.arrayContaining(['2026', '2030', '2040']));
    expect(cn['2026'].map((h) => h.date)).toEqual(expect.arrayContaining(['2026-10-01', '2026-02-17']));
    const uk = TABLE[calendarKey(REGIONS.uk.calendar)];
    expect(uk['2026'].map((h) => h.date)).toEqual(expect.arrayContaining(['2026-04-03', '2026-04-06', '2026-12-25', '2026-12-28']));
  });
});
