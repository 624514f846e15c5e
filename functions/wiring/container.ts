/**
 * The composition root of a Lambda process: clients, repository and workflow adapter are
 * created once per process (not per invocation), from configuration only.
 *
 * The Step Functions client is loaded on the workflow's first use (a chunk of its own in the
 * bundle): most functions never call Step Functions, and those that call it on every
 * invocation load it at start-up through ./workflow-client.ts.
 */
import { documentClient } from '../adapters/dynamo-client.ts';
import { DynamoComplaintRepository } from '../adapters/dynamo-complaint-repository.ts';
import type { BusinessCalendar } from '../domain/business-calendar.ts';
import type { AccessAttemptStore, AuditLog, CalendarStore, ComplaintRepository, DrillStore, WorkflowEngine } from '../domain/ports.ts';
import { DynamoCalendarStore } from '../adapters/dynamo-calendar-store.ts';
import { CalendarProvider } from '../use-cases/calendar/calendars.ts';
import { DynamoAuditLog } from '../adapters/dynamo-audit-log.ts';
import { DynamoAccessAttempts } from '../adapters/dynamo-access-attempts.ts';
import { DynamoDrills } from '../adapters/dynamo-drills.ts';
import { randomBytes } from 'node:crypto';
import type { LinkSigner } from '../use-cases/common.ts';
import type { RegionConfig } from '../domain/regions.ts';
import { currentClock, setClockOverride, type Clock } from '../shared/clock.ts';
import { config, type MailConfig, type RuntimeConfig } from '../shared/config.ts';
import { onFirstUse } from './on-first-use.ts';

export interface Container {
  config: RuntimeConfig;
  repo: ComplaintRepository;
  workflow: WorkflowEngine;
  clock: Clock;
  region: RegionConfig;
  /** The installation's mail settings (MAIL_* variables). */
  mail: MailConfig;
  /**
   * The region's business calendar: shipped data with the runtime overrides, as last loaded by
   * `calendars.load()` (handlers that measure deadlines await `freshDeps()`, which loads it).
   */
  readonly calendar: BusinessCalendar;
  /** The runtime overrides' store and the per-process cache over it (use-cases/calendar). */
  calendarStore: CalendarStore;
  calendars: CalendarProvider;
  audit: AuditLog;
  /** Failed access-code attempts per reference (customer routes). */
  accessAttempts: AccessAttemptStore;
  /** Drills and training records (issue 20). */
  drills: DrillStore;
  /** Signs the task links of staff notifications; absent when no key is configured. */
  links?: LinkSigner;
}

let container: Container | undefined;

export function deps(): Container {
  if (!container) {
    const cfg = config();
    const db = documentClient();
    const calendarStore = new DynamoCalendarStore(db, cfg.tableName);
    const calendars = new CalendarProvider(calendarStore, cfg.region, () => currentClock().now());
    container = {
      config: cfg,
      repo: new DynamoComplaintRepository(db, cfg.tableName, {
        reminderFraction: cfg.region.profile.reminderAtRemainingFraction,
        liveEvaluationEvery: cfg.region.profile.liveEvaluationEvery,
      }),
      audit: new DynamoAuditLog(db, cfg.tableName),
      accessAttempts: new DynamoAccessAttempts(db, cfg.tableName),
      drills: new DynamoDrills(db, cfg.tableName),
      links: cfg.linkSigningKey
        ? {
            base: cfg.publicBaseUrl,
            key: Buffer.from(cfg.linkSigningKey, 'base64'),
            ttlSeconds: cfg.linkTtlSeconds,
            nonce: () => randomBytes(12).toString('base64url'),
          }
        : undefined,
      workflow: workflowOnFirstUse(),
      get clock() {
        return currentClock();
      },
      region: cfg.region,
      mail: cfg.mail,
      calendarStore,
      calendars,
      get calendar() {
        return calendars.calendar;
      },
    };
  }
  return container;
}

/** The container, its business calendar loaded (read again once the cache's short lifetime is over). */
export async function freshDeps(): Promise<Container> {
  const d = deps();
  await d.calendars.load();
  return d;
}

/** Step Functions, loaded on the workflow's first use. */
const workflowOnFirstUse = (): WorkflowEngine =>
  onFirstUse<WorkflowEngine>(() => import('./workflow-client.ts').then((m) => m.stepFunctions()), ['start', 'isRunning', 'completeTask']);

/**
 * For a composition root that hosts the handlers in-process (the local runtime with its
 * test clock): replaces the clock every use case receives. Lambda never calls it.
 */
export function useClock(clock: Clock | undefined): void {
  setClockOverride(clock);
}
