/**
 * The business calendar a region's functions run on in production: the region's holidays with
 * its official adjustments as shipped (functions/domain/calendars/*.json: China's make-up working
 * days and extra days off), as the container builds it before any runtime override. Unit tests
 * that assert product behaviour use this one, not a calendar without the adjustments (issue 23).
 */
import type { BusinessCalendar } from '../../functions/domain/business-calendar.ts';
import { shippedCalendar } from '../../functions/domain/calendar-data.ts';
import type { RegionName } from '../../functions/domain/regions.ts';

export function productionCalendar(region: RegionName): BusinessCalendar {
  return shippedCalendar(region);
}
