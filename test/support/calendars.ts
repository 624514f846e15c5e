/**
 * The business calendar a region's functions run on in production: the region's holidays with
 * its official adjustments (China's make-up working days and extra days off), built as the
 * container (functions/wiring/container.ts) builds it. Unit tests that assert product behaviour
 * use this one, not a calendar without the adjustments (issue 23).
 */
import { type BusinessCalendar, createBusinessCalendar } from '../../functions/domain/business-calendar.ts';
import { REGIONS, type RegionName } from '../../functions/domain/regions.ts';

export function productionCalendar(region: RegionName): BusinessCalendar {
  const cfg = REGIONS[region].calendar;
  return createBusinessCalendar(cfg, cfg.adjustments);
}
