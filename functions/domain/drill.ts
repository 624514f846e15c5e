/**
 * Drills on the real pipeline (issue 20, S2 chapter 10; ADR 0017). Pure: scenarios (versioned
 * data in drills/scenarios/, validated by contract/drill-scenario.schema.ts), the schedule a drill
 * feeds its complaints in by, the check of a drill token at intake, where a drill's mail may go,
 * and who took part.
 *
 * A drill's complaints are real complaints of the pipeline with `drill` set: they walk the same
 * workflow and staff handle them as any other; only the dashboard, the KPIs and the returns
 * leave them out (domain/dashboard.ts), and their customer mail goes to the drill mailbox.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { CorrectiveAction } from './corrective-action.ts';

export const DRILL_CHANNELS = ['web', 'email', 'phone', 'branch', 'letter'] as const;
export type DrillChannel = (typeof DRILL_CHANNELS)[number];

/** What the scenario expects of a complaint's routing and handling: the report compares. */
export interface ScenarioExpectation {
  department?: string;
  major?: boolean;
  crossDepartment?: boolean;
  anonymous?: boolean;
  /** Deadlines the complaint must carry (emergencyStart, handlingPlan, ...). */
  deadlines?: string[];
  reopened?: boolean;
  extended?: boolean;
}

export interface ScenarioComplaint {
  /** The complaint's name within the scenario. */
  key: string;
  /** Minutes after the drill's start at which it enters. */
  offsetMinutes: number;
  /** web: the form's API; email: the complaints mailbox; phone, branch, letter: keyed in by the complaints desk. */
  channel: DrillChannel;
  /** email only: the character set the mail is written in (gbk, utf-8). */
  charset?: string;
  language: 'zh-CN' | 'en';
  anonymous?: boolean;
  businessLine?: string;
  targetDepartment?: string;
  description: string;
  demand?: string;
  amount?: { value: number; currency: string };
  expect: ScenarioExpectation;
}

export interface Scenario {
  id: string;
  version: number;
  title: { en: string; 'zh-CN': string };
  purpose: { en: string; 'zh-CN': string };
  complaints: ScenarioComplaint[];
}

export type DrillStatus = 'running' | 'closed';
export type TrainingOutcome = 'passed' | 'needs-training' | 'failed';

/** A participant's note: a problem they found, in their words. */
export interface DrillNote {
  by: string;
  at: string;
  text: string;
}

export interface ParticipantOutcome {
  staffId: string;
  outcome: TrainingOutcome;
  note?: string;
}

/** The drill as stored (DRILL#<id> / DRILL). */
export interface DrillRecord {
  drillId: string;
  region: string;
  scenario: string;
  scenarioVersion: number;
  startedAt: string;
  startedBy: string;
  /** Staff ids of who takes part (the training records are theirs). */
  participants: string[];
  /** Where the drill's customer mail goes instead of a customer. */
  mailbox: string;
  /** SHA-256 of the drill token (the token itself is given once, to the starter). */
  tokenHash: string;
  status: DrillStatus;
  /** After the report: 'archive' keeps the complaints apart, 'discard' lets them expire at once. */
  disposal: 'archive' | 'discard';
  notes?: DrillNote[];
  actions?: CorrectiveAction[];
  outcomes?: ParticipantOutcome[];
  closedAt?: string;
  closedBy?: string;
  /** The closing report kept in the archive before the complaints were disposed of (drills/<region>/<id>/report.json). */
  reportKey?: string;
  /** When the disposal was acted on (disposeDrill), and by whom. */
  disposedAt?: string;
  disposedBy?: string;
}

/** Keys of a drill's objects in the archive bucket: apart from the real complaints' (complaints/, erased/). */
export function drillArchiveKey(region: string, drillId: string, file: string): string {
  return `drills/${region}/${drillId}/${file}`;
}

/** One line of a participant's training record (TRAINING#<staffId>). */
export interface TrainingRecord {
  staffId: string;
  drillId: string;
  scenario: string;
  at: string;
  outcome: TrainingOutcome;
  note?: string;
  /** Who recorded it. */
  by: string;
}

// ---------------------------------------------------------------------------------------------
// Schedule
// ---------------------------------------------------------------------------------------------

export interface DrillStep {
  key: string;
  at: string;
  complaint: ScenarioComplaint;
}

/** The drill's complaints in the order they enter, each at its offset from the start. */
export function drillSchedule(scenario: Scenario, startedAt: string): DrillStep[] {
  const t0 = Date.parse(startedAt);
  return scenario.complaints
    .map((complaint) => ({ key: complaint.key, at: new Date(t0 + complaint.offsetMinutes * 60_000).toISOString(), complaint }))
    .sort((a, b) => a.at.localeCompare(b.at) || a.key.localeCompare(b.key));
}

/** The steps due at `now` that have not been fed yet. */
export function dueSteps(schedule: DrillStep[], fed: ReadonlySet<string>, now: Date): DrillStep[] {
  return schedule.filter((s) => !fed.has(s.key) && Date.parse(s.at) <= now.getTime());
}

// ---------------------------------------------------------------------------------------------
// Token: how intake knows a complaint is a drill's
// ---------------------------------------------------------------------------------------------

/** A drill token: `<drillId>.<secret>`; only its hash is stored. */
export function hashDrillSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function parseDrillToken(token: string): { drillId: string; secret: string } | undefined {
  const m = /^(DR-[A-Za-z0-9-]{4,60})\.([A-Za-z0-9_-]{16,100})$/.exec(token.trim());
  return m ? { drillId: m[1], secret: m[2] } : undefined;
}

/**
 * Whether the token is the running drill's: the drill exists, is running, and the secret's hash
 * matches. The reason names what is wrong (never the stored hash).
 */
export function checkDrillToken(token: string, drill: DrillRecord | undefined): { ok: true; drill: DrillRecord } | { ok: false; reason: string } {
  const parsed = parseDrillToken(token);
  if (!parsed) return { ok: false, reason: 'is not a drill token' };
  if (!drill || drill.drillId !== parsed.drillId) return { ok: false, reason: 'names no drill' };
  if (drill.status !== 'running') return { ok: false, reason: 'names a drill that has ended' };
  const a = Buffer.from(hashDrillSecret(parsed.secret), 'hex');
  const b = Buffer.from(drill.tokenHash, 'hex');
  if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, reason: 'is not this drill’s token' };
  return { ok: true, drill };
}

// ---------------------------------------------------------------------------------------------
// Mail: a drill sends nothing to a real customer
// ---------------------------------------------------------------------------------------------

/**
 * Where a message may go. A drill's customer message goes to the drill's mailbox, whatever its
 * address; a drill's staff message goes to its staff recipient only if that is a participant's
 * (or the drill mailbox), else to the drill mailbox. Not a drill's: the address as resolved.
 */
export function drillSafeRecipient(
  m: { audience: 'customer' | 'staff'; drill?: string },
  resolved: string | undefined,
  drill: { mailbox: string; participantAddresses: string[] } | undefined,
): string | undefined {
  if (!m.drill) return resolved;
  if (!drill) return undefined; // a drill's message whose drill is unknown goes nowhere
  if (m.audience === 'customer') return drill.mailbox;
  const participant = resolved && drill.participantAddresses.some((a) => a.toLowerCase() === resolved.toLowerCase());
  return participant ? resolved : drill.mailbox;
}

/** The drill mailbox's address: a configured one, else drills@ the complaints mailbox's domain. */
export function drillMailbox(configured: string | undefined, mailDomain: string): string {
  return configured?.trim() || `drills@${mailDomain || 'localhost'}`;
}
