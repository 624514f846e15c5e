/**
 * Typed per-region configuration: one entry per deployed region. Pure data, validated
 * with zod, imported by the functions (clocks, thresholds) and by the CDK app (stacks).
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
     * Official adjustments the holiday library does not know (China's make-up working
     * weekends, extra days off of the State Council's yearly notice). Kept up to date by the
     * ops team each year; YYYY-MM-DD local dates.
     */
    adjustments: z.object({
      extraWorkingDays: z.array(z.iso.date()).default([]),
      extraHolidays: z.array(z.iso.date()).default([]),
      source: z.string(),
    }).optional(),
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
  mail: z.object({ sender: z.string().email(), domain: z.string() }),
  alarmEmail: z.string().email(),
});
export type RegionConfig = z.infer<typeof RegionConfig>;

const day = 24 * 3600;

const regions = {
  cn: {
    name: 'cn',
    referencePrefix: 'CN',
    aws: { region: 'cn-north-1', partition: 'aws-cn' },
    profile: {
      name: 'CN',
      source: 'NFRA/CBIRC Order 2020 No.3; seeds S0, S2, S3',
      clocks: {
        register: { unit: 'businessDays', value: 1 },
        qualityControl: { unit: 'minutes', value: 30 },
        investigate: { unit: 'businessDays', value: 7 },
        replyTarget: { unit: 'businessDays', value: 5 },
        finalResponse: { unit: 'calendarDays', value: 15 },
        extensions: [
          { to: { unit: 'calendarDays', value: 30 }, approval: 'manager' },
          { to: { unit: 'calendarDays', value: 60 }, approval: 'senior' },
        ],
        majorEmergencyStart: { unit: 'hours', value: 2 },
        crossDepartmentPlan: { unit: 'businessDays', value: 3 },
      },
      reminderAtRemainingFraction: 0.2,
    },
    calendar: {
      country: 'CN', timeZone: 'Asia/Shanghai', closeOfBusiness: '17:30',
      adjustments: {
        source: 'State Council General Office notice on the 2026 holiday arrangements (2025-11-04): Spring Festival and National Day',
        extraHolidays: ['2026-02-19', '2026-02-20', '2026-02-23', '2026-10-05', '2026-10-06', '2026-10-07'],
        extraWorkingDays: ['2026-02-14', '2026-02-28', '2026-09-20', '2026-10-10'],
      },
    },
    thresholds: { majorAmount: 500_000, currency: 'CNY', groupIncidentCount: 5, groupIncidentWindowHours: 24 },
    retention: { hotSeconds: 180 * day, archiveYears: 3 },
    languages: ['zh-CN', 'en'],
    mail: { sender: 'complaints@bank.example.cn', domain: 'bank.example.cn' },
    alarmEmail: 'ops@bank.example.cn',
  },
  uk: {
    name: 'uk',
    referencePrefix: 'UK',
    aws: { region: 'eu-west-2', partition: 'aws' },
    profile: {
      name: 'UK',
      source: 'FCA DISP 1.5, 1.6 and 1.9',
      clocks: {
        register: { unit: 'businessDays', value: 1 },
        investigate: { unit: 'businessDays', value: 10 },
        replyTarget: { unit: 'businessDays', value: 15 },
        finalResponse: { unit: 'calendarDays', value: 56 },
        summaryResolution: { unit: 'businessDays', value: 3 },
        extensions: [],
        majorEmergencyStart: { unit: 'hours', value: 2 },
        crossDepartmentPlan: { unit: 'businessDays', value: 3 },
      },
      reminderAtRemainingFraction: 0.2,
    },
    calendar: { country: 'GB', state: 'ENG', timeZone: 'Europe/London', closeOfBusiness: '17:00' },
    thresholds: { majorAmount: 50_000, currency: 'GBP', groupIncidentCount: 5, groupIncidentWindowHours: 24 },
    retention: { hotSeconds: 180 * day, archiveYears: 3 },
    languages: ['en', 'zh-CN'],
    mail: { sender: 'complaints@bank.example.co.uk', domain: 'bank.example.co.uk' },
    alarmEmail: 'ops@bank.example.co.uk',
  },
  us: {
    name: 'us',
    referencePrefix: 'US',
    aws: { region: 'us-east-1', partition: 'aws' },
    profile: {
      name: 'US',
      source: 'CFPB complaint portal: response within 15 days, final within 60',
      clocks: {
        register: { unit: 'businessDays', value: 1 },
        investigate: { unit: 'businessDays', value: 7 },
        replyTarget: { unit: 'calendarDays', value: 15 },
        finalResponse: { unit: 'calendarDays', value: 60 },
        extensions: [],
        majorEmergencyStart: { unit: 'hours', value: 2 },
        crossDepartmentPlan: { unit: 'businessDays', value: 3 },
      },
      reminderAtRemainingFraction: 0.2,
    },
    calendar: { country: 'US', timeZone: 'America/New_York', closeOfBusiness: '17:00' },
    thresholds: { majorAmount: 50_000, currency: 'USD', groupIncidentCount: 5, groupIncidentWindowHours: 24 },
    retention: { hotSeconds: 180 * day, archiveYears: 3 },
    languages: ['en', 'zh-CN'],
    mail: { sender: 'complaints@bank.example.com', domain: 'bank.example.com' },
    alarmEmail: 'ops@bank.example.com',
  },
} satisfies Record<RegionName, RegionConfig>;

/** All regions, validated once at load: a bad edit fails synth and every test. */
export const REGIONS: Record<RegionName, RegionConfig> = Object.fromEntries(
  Object.entries(regions).map(([k, v]) => [k, RegionConfig.parse(v)]),
) as Record<RegionName, RegionConfig>;

export function regionConfig(name: string): RegionConfig {
  const parsed = RegionName.safeParse(name);
  if (!parsed.success) throw new Error(`Unknown region "${name}": expected one of ${RegionName.options.join(', ')}`);
  return REGIONS[parsed.data];
}
