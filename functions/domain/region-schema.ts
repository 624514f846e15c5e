/**
 * The zod schema of the per-region configuration (functions/domain/regions.ts) and its types:
 * the regulatory rules of a region. The facts of one bank's installation (mail domains and
 * transport, alarm mailboxes, identity provider, domains) are deploy settings
 * (infra/settings/schema.ts); what a function needs of them reaches it as environment variables
 * (functions/shared/config.ts).
 * The configuration is validated with it at synth time (infra/app.ts) and by the unit tests,
 * not at every cold start: the functions import the constants, and this schema stays out of
 * their bundles.
 */
import * as z from 'zod';

export const RegulatoryProfileName = z.enum(['CN', 'UK', 'US']);
export type RegulatoryProfileName = z.infer<typeof RegulatoryProfileName>;

/** A deadline measured either in business days of the region's calendar or in calendar days. */
export const Duration = z.discriminatedUnion('unit', [
  z.object({ unit: z.literal('businessDays'), value: z.number().int().positive() }),
  z.object({ unit: z.literal('calendarDays'), value: z.number().int().positive() }),
  z.object({ unit: z.literal('hours'), value: z.number().positive() }),
  z.object({ unit: z.literal('minutes'), value: z.number().positive() }),
]);
export type Duration = z.infer<typeof Duration>;

/** Elapsed time only (hours or minutes): a clock that runs through nights, weekends and holidays. */
export const ElapsedDuration = z.discriminatedUnion('unit', [
  z.object({ unit: z.literal('hours'), value: z.number().positive() }),
  z.object({ unit: z.literal('minutes'), value: z.number().positive() }),
]);
export type ElapsedDuration = z.infer<typeof ElapsedDuration>;

export const RegulatoryProfile = z.object({
  name: RegulatoryProfileName,
  /** Human description with the rule it comes from, shown to staff and auditors. */
  source: z.string(),
  clocks: z.object({
    /** Registration of a received complaint (S2 1.1.17 / S0 6.1). */
    register: Duration,
    /** Hand-off to quality control (S3). */
    qualityControl: Duration.optional(),
    /** First investigation (S0 6.2). */
    investigate: Duration,
    /** Internal reply target (S2 1.1.19). */
    replyTarget: Duration,
    /** Legal limit for the final response. */
    finalResponse: Duration,
    /** Summary resolution window (UK DISP 1.5: close of business day 3). */
    summaryResolution: Duration.optional(),
    /** Extended final-response limits, in order; each needs approval where flagged. */
    extensions: z.array(z.object({ to: Duration, approval: z.enum(['none', 'manager', 'senior']) })),
    /** Major complaints: emergency handling starts within this time (S2 1.1.22). */
    majorEmergencyStart: Duration,
    /** Cross-department: handling plan due within this time (S2 1.1.23). */
    crossDepartmentPlan: Duration,
  }),
  /**
   * Who holds each approval tier in this region (domain/approval.ts, ADR 0014): the manager tier
   * and the senior tier above it, which an approval reaches when the profile requires it or when
   * its author is the only eligible approver below.
   */
  /**
   * Live evaluation of major complaints (S2 chapter 8 §2 3.2, domain/live-evaluation.ts, ADR 0023):
   * while a major complaint is open, one evaluation is due in every interval of this length,
   * counted from the start of its emergency handling. Elapsed time: a major complaint's risk
   * runs through nights, weekends and holidays, as its 2-hour emergency start does.
   */
  liveEvaluationEvery: ElapsedDuration,
  approvalTiers: z.object({ manager: z.string().min(1), senior: z.string().min(1) }),
  /** Reminder before each deadline, as a fraction of its length still left. */
  reminderAtRemainingFraction: z.number().min(0).max(1),
});
export type RegulatoryProfile = z.infer<typeof RegulatoryProfile>;

export const RegionName = z.enum(['cn', 'uk', 'us']);
export type RegionName = z.infer<typeof RegionName>;

export const RegionConfig = z.object({
  name: RegionName,
  /** Prefix of customer references, e.g. CN-2026-000123. */
  referencePrefix: z.string().regex(/^[A-Z]{2}$/),
  aws: z.object({
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/),
    partition: z.enum(['aws', 'aws-cn', 'aws-us-gov']),
  }),
  profile: RegulatoryProfile,
  calendar: z.object({
    /** ISO country code (and optional state) for date-holidays. */
    country: z.string().length(2),
    state: z.string().optional(),
    timeZone: z.string(),
    /** Close of business, local time, HH:MM. */
    closeOfBusiness: z.string().regex(/^\d{2}:\d{2}$/),
    /**
     * Local day (MM-DD) from which next year's official adjustments must be confirmed: a region
     * still without them raises the missing-year alarm and the console's banner (default 12-01).
     * The adjustments themselves are data: ./calendars/<region>.json and runtime overrides.
     */
    nextYearDueFrom: z
      .string()
      .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/)
      .optional(),
  }),
  thresholds: z.object({
    /** Amount (in the region's currency) at or above which a complaint is major. */
    majorAmount: z.number().positive(),
    currency: z.string().length(3),
    /** Complaints about the same matter within this window make a group incident. */
    groupIncidentCount: z.number().int().min(2),
    groupIncidentWindowHours: z.number().positive(),
  }),
  retention: z.object({
    /** Time a closed complaint stays in the hot table before TTL moves it to the archive. */
    hotSeconds: z.number().int().positive(),
    /** Years the archive keeps the complete record (Object Lock). */
    archiveYears: z.number().int().min(3),
  }),
  languages: z.array(z.enum(['zh-CN', 'en'])).min(1),
});
export type RegionConfig = z.infer<typeof RegionConfig>;

/** Every region's configuration, checked against the schema: throws naming the region and the field. */
export function validateRegions(regions: Record<string, unknown>): void {
  for (const [name, config] of Object.entries(regions)) {
    const r = RegionConfig.safeParse(config);
    if (!r.success) throw new Error(`Region "${name}": ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
}
