/**
 * Clients that behave as real ones do when the product fails under them (a crash, a 5xx):
 * a customer sends the same complaint again with the same Idempotency-Key; a member of staff
 * reloads the complaint and does the action again only if it did not happen. Used by the
 * crash and fault tests, which then check that nothing was lost and nothing was done twice.
 */
import { investigation, PASSWORDS, type Answer } from './journey.ts';
import { passwordSignIn } from '../../local/emulators/identity.ts';

export interface Detail {
  complaint: any;
  task?: any;
  history: { action: string; actor: string; at: string }[];
  messages: any[];
}

/** What kind of request is on its way to the server (the crash test aims its kills with it). */
export type RequestKind = 'intake' | 'staff' | 'read';

export interface ClientStats {
  networkErrors: number;
  serverErrors: number;
  resent: number;
  alreadyDone: number;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ResilientClient {
  readonly stats: ClientStats = { networkErrors: 0, serverErrors: 0, resent: 0, alreadyDone: 0 };
  /** Requests under way, by kind. */
  readonly inFlight: Record<RequestKind, number> = { intake: 0, staff: 0, read: 0 };
  /** When the last request of each kind got its answer (ms since the epoch). */
  readonly lastAnswered: Record<RequestKind, number> = { intake: 0, staff: 0, read: 0 };
  private tokens = new Map<string, string>();

  /** `api`: the base URL (it may change between restarts); `deadlineMs`: how long one call keeps trying. */
  constructor(
    readonly api: () => string,
    readonly deadlineMs = 120_000,
  ) {}

  /** Per complaint, each staff action sent and what came back, in order: what a failed check prints. */
  private readonly trails = new Map<string, { n: number; line: string }[]>();
  private noted = 0;
  /** `reference` '*': an event of the whole run (a kill), shown in every complaint's trail. */
  note(reference: string, line: string): void {
    this.trails.set(reference, [...(this.trails.get(reference) ?? []), { n: ++this.noted, line }]);
  }
  trail(reference: string): string {
    return [...(this.trails.get(reference) ?? []), ...(this.trails.get('*') ?? [])]
      .sort((a, b) => a.n - b.n)
      .map((e) => e.line)
      .join('; ');
  }

  /** One attempt; a network error (the server went away) is thrown. */
  async once(kind: RequestKind, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    this.inFlight[kind]++;
    try {
      const res = await fetch(`${this.api()}${path}`, {
        method,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON: keep the text */
      }
      return { status: res.status, body: parsed };
    } finally {
      this.inFlight[kind]--;
      this.lastAnswered[kind] = Date.now();
    }
  }

  /** Repeats the same request through network errors and 5xx answers, until it gets an answer (2xx-4xx). */
  async send(kind: RequestKind, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const end = Date.now() + this.deadlineMs;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) this.stats.resent++;
      try {
        const a = await this.once(kind, method, path, body, headers);
        if (a.status < 500) return a;
        this.stats.serverErrors++;
        if (Date.now() > end) return a;
      } catch (e) {
        this.stats.networkErrors++;
        if (Date.now() > end) throw e;
      }
      await pause(100 + Math.min(attempt, 10) * 100);
    }
  }

  async token(user: string): Promise<string> {
    if (!this.tokens.has(user)) {
      // At the runtime's OIDC provider, found through the pages' /config.json (the same issuer across restarts: OIDC_PORT).
      const end = Date.now() + this.deadlineMs;
      for (;;) {
        try {
          this.tokens.set(user, await passwordSignIn(this.api(), user, PASSWORDS[user]));
          break;
        } catch (e) {
          if ((e as { status?: number }).status || Date.now() > end) throw e;
          await pause(200); // the runtime is restarting
        }
      }
    }
    return this.tokens.get(user)!;
  }

  /** Submits with an Idempotency-Key, sending it again (same key, same body) until it is answered. */
  async submit(body: unknown, key: string): Promise<{ reference: string; accessCode: string }> {
    const r = await this.send('intake', 'POST', '/api/complaints', body, { 'idempotency-key': key });
    if (r.status !== 201) throw new Error(`submit ${key}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  async detail(reference: string, user = 'quinn'): Promise<Detail> {
    const r = await this.send('read', 'GET', `/api/staff/complaints/${reference}`, undefined, { authorization: `Bearer ${await this.token(user)}` });
    if (r.status !== 200) throw new Error(`read ${reference}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body as Detail;
  }

  /** Polls the complaint until `ok` holds (the workflow moves on its own, a restart takes a while). */
  async waitFor(reference: string, ok: (d: Detail) => boolean, what: string, ms = this.deadlineMs): Promise<Detail> {
    const end = Date.now() + ms;
    let last: Detail | undefined;
    for (;;) {
      try {
        last = await this.detail(reference);
        if (ok(last)) return last;
      } catch {
        /* down: try again */
      }
      if (Date.now() > end) {
        throw new Error(
          `${reference}: timed out waiting for ${what}; stage ${last?.complaint.stage}, task ${JSON.stringify(last?.task && { stage: last.task.stage, status: last.task.status })}, history ${last?.history.map((h) => h.action).join(',')}`,
        );
      }
      await pause(150);
    }
  }

  waitForTask(reference: string, stage: string, status = 'open') {
    return this.waitFor(reference, (d) => d.task?.stage === stage && d.task.status === status, `the ${stage} task (${status})`);
  }

  /**
   * A staff action done the way a person does it: look first (done already? then nothing to
   * do), act, and after a failure (crash, 5xx, or a 409 because the workflow was not there
   * yet) look again before acting again.
   */
  async step(user: string, reference: string, action: string, body: unknown, done: (d: Detail) => boolean): Promise<void> {
    const end = Date.now() + this.deadlineMs;
    for (;;) {
      if (done(await this.detail(reference))) return;
      let a: Answer | undefined;
      try {
        a = await this.once('staff', 'POST', `/api/staff/complaints/${reference}/${action}`, body, { authorization: `Bearer ${await this.token(user)}` });
      } catch {
        this.stats.networkErrors++;
      }
      this.note(reference, `${user} ${action}: ${a?.status ?? 'no answer'}`);
      if (a && a.status < 300) return;
      if (a && a.status >= 500) this.stats.serverErrors++;
      if (a && a.status >= 400 && a.status < 500 && a.status !== 409)
        throw new Error(`${action} on ${reference} by ${user}: ${a.status} ${JSON.stringify(a.body)}`);
      // Look again: a 409 or a lost answer may mean it happened after all.
      if (done(await this.detail(reference))) {
        this.stats.alreadyDone++;
        return;
      }
      if (Date.now() > end) {
        const d = await this.detail(reference).catch(() => undefined);
        throw new Error(
          `${action} on ${reference} by ${user}: still not done (${a?.status} ${JSON.stringify(a?.body)}); stage ${d?.complaint.stage}, task ${JSON.stringify(d?.task && { stage: d.task.stage, status: d.task.status })}, history ${d?.history.map((h) => h.action).join(',')}; actions sent: ${this.trail(reference)}`,
        );
      }
      this.stats.resent++;
      await pause(200);
    }
  }
}

/** How many history entries of this action the complaint has. */
export const count = (d: Detail, action: string) => d.history.filter((h) => h.action === action).length;

/** The paths the fault and crash tests walk, and the history each must leave. */
export type Path = 'satisfied' | 'reopened' | 'major';

const START = ['received', 'registered', 'assessed', 'claimed', 'investigation-completed', 'stage:reply'];
export const EXPECTED_HISTORY: Record<Path, string[]> = {
  satisfied: [...START, 'reply-sent', 'stage:callback', 'callback', 'closed'],
  reopened: [
    ...START,
    'reply-sent',
    'stage:callback',
    'callback',
    'reopened',
    'investigation-completed',
    'stage:reply',
    'reply-sent',
    'stage:callback',
    'callback',
    'closed',
  ],
  major: [...START, 'reassigned', 'reply-drafted', 'reply-approved', 'reply-sent', 'stage:callback', 'callback', 'closed'],
};

/** A resumed workflow adds these anywhere; everything else must be the path's history exactly (nothing missing, nothing twice). */
export const RESUME_ENTRIES = new Set(['workflow-resumed', 'task-reopened']);
export const withoutResumes = (d: Detail) => d.history.map((h) => h.action).filter((a) => !RESUME_ENTRIES.has(a));

/**
 * Staff work a complaint to its close along a path, from wherever it is: each step is skipped
 * when it is done already, so this also finishes a complaint that was part-way through.
 * `lead`: who claims and investigates (the manager for a major complaint).
 */
export async function workToClose(client: ResilientClient, ref: string, o: { path: Path; lead: string; satisfaction?: number; tag?: string }): Promise<Detail> {
  const rounds = o.path === 'reopened' ? 2 : 1;
  await client.waitFor(ref, (d) => count(d, 'claimed') >= 1 || (d.task?.stage === 'INVESTIGATION' && d.task.status === 'open'), 'the investigation task');
  await client.step(o.lead, ref, 'claim', {}, (d) => count(d, 'claimed') >= 1);
  for (let round = 1; round <= rounds; round++) {
    const reached = (d: Detail, action: string) => count(d, action) >= round;
    await client.waitFor(
      ref,
      (d) => reached(d, 'investigation-completed') || (d.task?.stage === 'INVESTIGATION' && d.task.status === 'open'),
      `investigation ${round}`,
    );
    await client.step(o.lead, ref, 'investigation', investigation, (d) => reached(d, 'investigation-completed'));
    await client.waitFor(ref, (d) => reached(d, 'reply-sent') || (d.task?.stage === 'REPLY' && d.task.status !== 'completed'), `reply task ${round}`);
    const reply = { outcome: { result: 'upheld' as const }, subject: `Our answer (${round})`, text: `We refunded the fee.${o.tag ? ` (${o.tag})` : ''}` };
    if (o.path === 'major') {
      await client.step('mia', ref, 'assignment', { assignee: 'hana' }, (d) => d.complaint.assignment?.assignee === 'hana' || reached(d, 'reply-sent'));
      await client.step('hana', ref, 'reply', reply, (d) => d.task?.status === 'awaiting-approval' || reached(d, 'reply-sent'));
      await client.step('mia', ref, 'reply/approval', { approve: true }, (d) => reached(d, 'reply-sent'));
    } else {
      await client.step(o.lead, ref, 'reply', reply, (d) => reached(d, 'reply-sent'));
    }
    await client.waitFor(ref, (d) => reached(d, 'callback') || (d.task?.stage === 'CALLBACK' && d.task.status === 'open'), `callback task ${round}`);
    const satisfaction = round < rounds ? 2 : (o.satisfaction ?? 5);
    await client.step('sam', ref, 'callback', { satisfaction }, (d) => reached(d, 'callback'));
  }
  return client.waitFor(ref, (d) => d.complaint.status === 'CLOSED', 'closed');
}
