/**
 * Typed per-region configuration: one entry per deployed region. Pure data, imported by the
 * functions (clocks, thresholds) and by the CDK app (stacks). Its zod schema is in
 * ./region-schema.ts: the CDK app validates every region with it at synth time (a bad edit
 * fails synth and the unit tests), and the functions, which only read these constants, do not
 * load zod for it.
 */
import type { RegionConfig, RegionName } from './region-schema.ts';

export type { Duration, ElapsedDuration, RegionConfig, RegionName, RegulatoryProfile, RegulatoryProfileName } from './region-schema.ts';

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
      // A daily evaluation of each open major complaint (ADR 0023).
      liveEvaluationEvery: { unit: 'hours', value: 24 },
      approvalTiers: {
        manager: 'Department manager (部门负责人)',
        senior: 'Senior manager in charge of consumer protection and complaints (分管消费者权益保护工作的高级管理人员)',
      },
      reminderAtRemainingFraction: 0.2,
    },
    // Official adjustments per year, with their sources: ./calendars/cn.json (calendar-data.ts).
    calendar: { country: 'CN', timeZone: 'Asia/Shanghai', closeOfBusiness: '17:30' },
    thresholds: { majorAmount: 500_000, currency: 'CNY', groupIncidentCount: 5, groupIncidentWindowHours: 24 },
    retention: { hotSeconds: 180 * day, archiveYears: 3 },
    languages: ['zh-CN', 'en'],
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
      // A daily evaluation of each open major complaint (ADR 0023).
      liveEvaluationEvery: { unit: 'hours', value: 24 },
      approvalTiers: { manager: 'Department manager', senior: 'Head of complaints (the senior manager responsible for complaints handling, SM&CR)' },
      reminderAtRemainingFraction: 0.2,
    },
    calendar: { country: 'GB', state: 'ENG', timeZone: 'Europe/London', closeOfBusiness: '17:00' },
    thresholds: { majorAmount: 50_000, currency: 'GBP', groupIncidentCount: 5, groupIncidentWindowHours: 24 },
    retention: { hotSeconds: 180 * day, archiveYears: 3 },
    languages: ['en', 'zh-CN'],
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
      // A daily evaluation of each open major complaint (ADR 0023).
      liveEvaluationEvery: { unit: 'hours', value: 24 },
      approvalTiers: { manager: 'Department manager', senior: 'Senior manager responsible for complaint management' },
      reminderAtRemainingFraction: 0.2,
    },
    calendar: { country: 'US', timeZone: 'America/New_York', closeOfBusiness: '17:00' },
    thresholds: { majorAmount: 50_000, currency: 'USD', groupIncidentCount: 5, groupIncidentWindowHours: 24 },
    retention: { hotSeconds: 180 * day, archiveYears: 3 },
    languages: ['en', 'zh-CN'],
  },
} satisfies Record<RegionName, RegionConfig>;

/** All regions: typed here, checked against the schema at synth time and by the unit tests. */
export const REGIONS: Record<RegionName, RegionConfig> = regions;

export function regionConfig(name: string): RegionConfig {
  if (!Object.hasOwn(REGIONS, name)) throw new Error(`Unknown region "${name}": expected one of ${Object.keys(REGIONS).join(', ')}`);
  return REGIONS[name as RegionName];
}
