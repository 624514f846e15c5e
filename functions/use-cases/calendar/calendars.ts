/**
 * Business calendars at runtime (issue 22, ADR 0019): the region's shipped calendar with the
 * administrators' overrides, loaded by every function that measures deadlines and cached per
 * process for a short time; the admin operations that read and correct a year; the missing-year
 * warning; and the batch that measures open complaints' deadlines again after a change.
 */
import { authorize, type Actor } from '../../domain/authorization.ts';
import type { BusinessCalendar } from '../../domain/business-calendar.ts';
import { recomputeForCalendar, type DeadlineMove } from '../../domain/calendar-change.ts';
import {
  calendarFromData,
  calendarVersion,
  DEFAULT_NEXT_YEAR_DUE_FROM,
  mergeCalendarData,
  missingCalendarYear,
  parseCalendarVersion,
  shippedCalendarData,
  yearStatus,
  type CalendarYear,
  type RegionCalendarData,
  type StoredCalendarYear,
} from '../../domain/calendar-data.ts';
import type { Complaint, HistoryEntry } from '../../domain/complaint.ts';
import type { OutboundMessage, TaskItem } from '../../domain/model.ts';
import type { CalendarStore, Complaints, TaskQueue } from '../../domain/ports.ts';
import type { RegionConfig } from '../../domain/regions.ts';
import { formatLocalTime, renderCustomerMessage } from '../../domain/reply-templates.ts';
import type { CalendarYearRequest } from '../../contract/staff.schema.ts';
import type { Clock } from '../../shared/clock.ts';
import { ConflictError, ForbiddenError } from '../../shared/errors.ts';
import { customerChannel, entry, openTaskUpdate, staffMessage, type LinkSigner } from '../common.ts';

/** How long a process keeps the calendar it loaded (the "short lifetime"). */
export const CALENDAR_CACHE_MS = 60_000;

export interface LoadedCalendar {
  data: RegionCalendarData;
  overrides: Record<string, StoredCalendarYear>;
  /** calendarVersion(overrides): '' when nothing overrides the shipped calendar. */
  version: string;
  calendar: BusinessCalendar;
}

/**
 * The region's calendar as every function sees it: shipped data with the stored overrides,
 * read once per `ttlMs` per process (time from the injectable clock). `calendar` answers at once
 * with what was loaded last (the shipped calendar before the first load).
 */
export class CalendarProvider {
  private loaded?: { from: number; until: number; value: LoadedCalendar };
  private shipped?: LoadedCalendar;

  constructor(
    private readonly store: CalendarStore,
    readonly region: RegionConfig,
    private readonly now: () => Date,
    private readonly ttlMs = CALENDAR_CACHE_MS,
  ) {}

  /** The calendar loaded last (the shipped one before the first load). */
  get calendar(): BusinessCalendar {
    return (this.loaded?.value ?? this.shippedState()).calendar;
  }

  /** The current calendar: from the cache while it is fresh, else read again. */
  async load(): Promise<LoadedCalendar> {
    const t = this.now().getTime();
    // Fresh only within [loaded, loaded + ttl): a clock set back (a test's manual clock) reads again.
    if (this.loaded && t >= this.loaded.from && t < this.loaded.until) return this.loaded.value;
    const overrides = await this.store.years(this.region.name);
    const version = calendarVersion(overrides);
    const value =
      this.loaded?.value.version === version
        ? this.loaded.value
        : version === ''
          ? this.shippedState()
          : (() => {
              const data = mergeCalendarData(shippedCalendarData(this.region.name), overrides);
              return { data, overrides, version, calendar: calendarFromData(this.region.calendar, data, version) };
            })();
    this.loaded = { from: t, until: t + this.ttlMs, value };
    return value;
  }

  /** Forget the cache (after this process changed a year). */
  invalidate(): void {
    this.loaded = undefined;
  }

  private shippedState(): LoadedCalendar {
    const data = shippedCalendarData(this.region.name);
    this.shipped ??= { data, overrides: {}, version: '', calendar: calendarFromData(this.region.calendar, data) };
    return this.shipped;
  }
}

// ---------------------------------------------------------------------------------------------
// The admin operations
// ---------------------------------------------------------------------------------------------

export interface CalendarDeps {
  calendarStore: CalendarStore;
  calendars: CalendarProvider;
  region: RegionConfig;
  clock: Clock;
}

function allow(actor: Actor, op: 'getCalendars' | 'putCalendarYear'): void {
  const d = authorize(actor, op);
  if (!d.allowed) throw new ForbiddenError(d.reason);
}

/** The missing-year warning of a loaded calendar at `now` (the region's local date). */
export function calendarWarning(loaded: LoadedCalendar, region: RegionConfig, now: Date) {
  const today = loaded.calendar.localDate(now);
  return missingCalendarYear(loaded.data, today, region.calendar.nextYearDueFrom ?? DEFAULT_NEXT_YEAR_DUE_FROM);
}

/** The region's calendar years (this year and the next two, and every year with an entry), and the missing-year warning. */
export async function getCalendars(deps: CalendarDeps, actor: Actor) {
  allow(actor, 'getCalendars');
  const loaded = await deps.calendars.load();
  const now = deps.clock.now();
  const thisYear = Number(loaded.calendar.localDate(now).slice(0, 4));
  const years = [...new Set([thisYear, thisYear + 1, thisYear + 2, ...Object.keys(loaded.data.years).map(Number)])].sort();
  return {
    region: deps.region.name,
    base: loaded.data.base,
    ...(loaded.data.baseSource ? { baseSource: loaded.data.baseSource } : {}),
    yearsWithoutEntry: loaded.data.yearsWithoutEntry,
    version: loaded.version,
    warning: calendarWarning(loaded, deps.region, now) ?? null,
    nextYearDueFrom: deps.region.calendar.nextYearDueFrom ?? DEFAULT_NEXT_YEAR_DUE_FROM,
    years: years.map((y) => {
      const key = String(y);
      const stored = loaded.overrides[key];
      const e: CalendarYear | undefined = loaded.data.years[key];
      return {
        year: y,
        status: yearStatus(loaded.data, y),
        origin: stored ? ('runtime' as const) : e ? ('shipped' as const) : ('base' as const),
        version: stored?.version ?? 0,
        ...(stored ? { by: stored.by, at: stored.at } : {}),
        ...(e?.source ? { source: e.source } : {}),
        extraHolidays: e?.extraHolidays ?? [],
        extraWorkingDays: e?.extraWorkingDays ?? [],
        ...(e?.note ? { note: e.note } : {}),
      };
    }),
  };
}

/**
 * Adds or corrects a year (validated by CalendarYearRequest: dates inside the year, no day both
 * off and working, a confirmed year with its source). A new version of the year's item, written
 * only if nobody wrote one since `expectedVersion`; the staff API audits the call. The open
 * complaints' deadlines follow at the deadline watch's next run (recomputeOpenDeadlines).
 */
export async function putCalendarYear(deps: CalendarDeps, actor: Actor, body: CalendarYearRequest) {
  allow(actor, 'putCalendarYear');
  const year = String(body.year);
  const current = (await deps.calendarStore.years(deps.region.name))[year];
  if ((current?.version ?? 0) !== body.expectedVersion) {
    throw new ConflictError(`The ${year} calendar is at version ${current?.version ?? 0}, not ${body.expectedVersion}: reload it and correct that version`);
  }
  const version = body.expectedVersion + 1;
  const entry: StoredCalendarYear = {
    status: body.status,
    ...(body.source ? { source: body.source } : {}),
    extraHolidays: [...body.extraHolidays].sort(),
    extraWorkingDays: [...body.extraWorkingDays].sort(),
    ...(body.note ? { note: body.note } : {}),
    version,
    by: actor.id,
    at: deps.clock.now().toISOString(),
  };
  if (!(await deps.calendarStore.putYear(deps.region.name, year, entry, body.expectedVersion))) {
    throw new ConflictError(`The ${year} calendar was changed meanwhile: reload it`);
  }
  deps.calendars.invalidate();
  return { region: deps.region.name, year: body.year, version, status: entry.status };
}

// ---------------------------------------------------------------------------------------------
// The recomputation batch
// ---------------------------------------------------------------------------------------------

export interface RecomputeDeps {
  repo: Complaints & TaskQueue;
  calendarStore: CalendarStore;
  calendars: CalendarProvider;
  region: RegionConfig;
  clock: Clock;
  links?: LinkSigner;
}

export interface RecomputeResult {
  /** The calendar state the open complaints are measured on now. */
  version: string;
  /** Whether a change was applied in this run. */
  ran: boolean;
  /** Open complaints read (the OPEN index's; closed ones are never read). */
  read: number;
  /** Complaints whose deadlines changed (a date, a mark or the state they record). */
  changed: number;
  moves: { reference: string; deadline: string; from: string; to: string; customerTold: boolean }[];
  /** Complaints changed meanwhile by someone else: the next run takes them. */
  conflicts: number;
}

/**
 * When the calendar has changed since the open complaints were last measured, measures every
 * open complaint's unmet deadlines again on it: read through the OPEN index (closed complaints
 * are never read, so the batch costs the same whatever their number), each change committed
 * with its history entry, staff told at once of a deadline that came nearer, the customer told
 * when the date they hold would be later than the legal deadline (calendar-change.ts). Run by
 * the deadline watch; idempotent (each deadline records the calendar it was measured on).
 */
export async function recomputeOpenDeadlines(deps: RecomputeDeps): Promise<RecomputeResult> {
  const current = await deps.calendars.load();
  const region = deps.region.name;
  const result: RecomputeResult = { version: current.version, ran: false, read: 0, changed: 0, moves: [], conflicts: 0 };
  if ((await deps.calendarStore.applied(region)) === current.version) return result;
  result.ran = true;

  const byVersion = new Map<string, BusinessCalendar>([[current.version, current.calendar]]);
  const calendarAt = async (version: string | undefined): Promise<BusinessCalendar> => {
    const v = version ?? '';
    let cal = byVersion.get(v);
    if (!cal) {
      const overrides: Record<string, StoredCalendarYear> = {};
      for (const { year, version: n } of parseCalendarVersion(v)) {
        const stored = await deps.calendarStore.yearAt(region, year, n);
        if (stored) overrides[year] = stored;
      }
      const data = mergeCalendarData(shippedCalendarData(region), overrides);
      cal = calendarFromData(deps.region.calendar, data, v || undefined);
      byVersion.set(v, cal);
    }
    return cal;
  };

  const now = deps.clock.now();
  const at = now.toISOString();
  const tz = deps.region.calendar.timeZone;
  for (const open of await deps.repo.listOpen()) {
    result.read += 1;
    const c = await deps.repo.get(open.reference);
    if (c?.status !== 'OPEN') continue;
    for (const d of Object.values(c.deadlines)) await calendarAt(d.calendar);
    const r = recomputeForCalendar(c, deps.region.profile, (v) => byVersion.get(v ?? '') as BusinessCalendar, current.calendar, now);
    if (!r.changed) continue;
    const next: Complaint = { ...r.complaint, updatedAt: at, version: c.version + 1 };
    const history: HistoryEntry[] = [];
    const messages: OutboundMessage[] = [];
    for (const m of r.moves) history.push(moveEntry(c, at, m, current.version));
    if (r.marksChanged.length) {
      history.push(
        entry(
          c.reference,
          at,
          'system',
          'calendar:marks',
          `Calendar ${current.version || 'as shipped'}: "calendar unconfirmed" updated on ${r.marksChanged.join(', ')}`,
        ),
      );
    }
    const nearer = r.moves.filter((m) => m.alertStaff);
    if (nearer.length) {
      const to = c.assignment?.assignee ? { id: c.assignment.assignee } : { team: c.assignment?.team ?? 'retail' };
      const lines = nearer.map((m) => `${m.name}: ${m.from} -> ${m.to}`).join('\n');
      messages.push(staffMessage(c, at, to, 'reminder', `${c.reference}: a deadline moved earlier (business calendar changed)`, lines, deps.links));
    }
    for (const m of r.moves.filter((x) => x.customer?.tellCustomer)) {
      const text = renderCustomerMessage('progress', c.language, {
        reference: c.reference,
        stage: c.stage,
        note: customerNote(c.language, formatLocalTime(new Date(m.to), tz, c.language)),
      });
      messages.push({
        reference: c.reference,
        at,
        kind: 'progress',
        audience: 'customer',
        language: c.language,
        ...customerChannel(c),
        subject: text.subject,
        text: text.text,
      });
    }
    const task = await deps.repo.getTask(c.reference);
    try {
      await deps.repo.commit({ complaint: next, expectedVersion: c.version, history, messages, task: openTaskUpdate(task as TaskItem | undefined, next) });
      result.changed += 1;
      for (const m of r.moves)
        result.moves.push({ reference: c.reference, deadline: m.name, from: m.from, to: m.to, customerTold: Boolean(m.customer?.tellCustomer) });
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e;
      result.conflicts += 1; // changed meanwhile: the next run measures it again
    }
  }
  if (result.conflicts === 0) await deps.calendarStore.setApplied(region, current.version, at);
  return result;
}

function moveEntry(c: Complaint, at: string, m: DeadlineMove, version: string): HistoryEntry {
  const customer = m.customer
    ? m.customer.tellCustomer
      ? ' The customer is told the new date (never later than the legal deadline).'
      : ` The customer keeps the date they were told (${m.customer.customerDueAt}); staff may tell them the new one.`
    : '';
  return entry(
    c.reference,
    at,
    'system',
    `calendar:${m.name}`,
    `Business calendar changed (${version || 'as shipped'}): ${m.rule} moved from ${m.from} to ${m.to}.${customer}`,
    Boolean(m.customer?.tellCustomer),
    { dueAt: m.from },
    { dueAt: m.to },
  );
}

function customerNote(language: string, due: string): string {
  return language === 'zh-CN'
    ? `因国家公布的节假日安排调整，我们答复您的最晚日期更新为 ${due}。`
    : `The official holiday calendar has changed: we will answer you by ${due} at the latest.`;
}
