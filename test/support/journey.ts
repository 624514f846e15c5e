/**
 * A user's-eye client of a running local runtime: customers submit and follow, staff sign in
 * at the local OIDC provider and act through the staff API, tests move the runtime's clock.
 */
import { ExecutionDoesNotExist, GetExecutionHistoryCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { STATE_MACHINES } from '../../workflows/machines.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { eventually, getTask } from './clients.ts';
import { passwordSignIn } from '../../local/emulators/identity.ts';

export const PASSWORDS: Record<string, string> = {
  sam: 'sam-specialist',
  hana: 'hana-handler',
  leo: 'leo-handler',
  rita: 'rita-handler',
  wendy: 'wendy-handler',
  mia: 'mia-manager',
  max: 'max-manager',
  rob: 'rob-manager',
  walt: 'walt-manager',
  sara: 'sara-senior',
  quinn: 'quinn-quality',
  ada: 'ada-admin',
};

export interface Answer {
  status: number;
  body: any;
}

/** The mails the local runtime sent to `address` (the mail catcher's .eml files in `mailDir`), once the stream is drained. */
export async function mailsTo(j: Journey, mailDir: string, address: string): Promise<ParsedMail[]> {
  await j.request('POST', '/__local/streams/drain');
  const files = readdirSync(mailDir)
    .filter((f) => f.endsWith('.eml'))
    .sort();
  const parsed = await Promise.all(files.map((f) => simpleParser(readFileSync(join(mailDir, f)))));
  return parsed.filter((m) => (Array.isArray(m.to) ? m.to : [m.to]).some((t) => t?.text.includes(address)));
}

export class Journey {
  private tokens = new Map<string, string>();
  /**
   * `stateMachineArn`: the machine of new complaints; `resumeStateMachineArn`, of resumed ones
   * (workflows/machines.ts), by default its namesake beside it.
   */
  constructor(
    readonly api: string,
    readonly ddb: DynamoDBDocumentClient,
    readonly sfn: SFNClient,
    readonly table: string,
    readonly stateMachineArn: string,
    readonly resumeStateMachineArn = stateMachineArn.replace(/[^:]+$/, STATE_MACHINES.resume.name),
  ) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const res = await fetch(`${this.api}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  async setClock(iso: string) {
    await this.request('POST', '/__local/clock', { now: iso });
  }
  async advance(ms: number) {
    return (await this.request('POST', '/__local/clock', { advanceMs: ms })).body.now as string;
  }
  async tick() {
    return (await this.request('POST', '/__local/tick')).body as { reminders: any[]; escalations: any[]; eightWeekLetters: string[] };
  }

  async submit(body: unknown) {
    const r = await this.request('POST', '/api/complaints', body);
    if (r.status !== 201) throw new Error(`submit failed ${r.status} ${JSON.stringify(r.body)}`);
    return r.body as { reference: string; accessCode: string; acknowledgement: any };
  }

  status(reference: string, code: string) {
    return this.request('GET', `/api/complaints/${reference}`, undefined, { 'x-access-code': code });
  }

  async token(user: string): Promise<string> {
    if (!this.tokens.has(user)) {
      // At the runtime's OIDC provider (discovered from the pages' /config.json), by the password grant.
      this.tokens.set(user, await passwordSignIn(this.api, user, PASSWORDS[user]));
    }
    return this.tokens.get(user)!;
  }

  async as(user: string, method: string, path: string, body?: unknown): Promise<Answer> {
    return this.request(method, `/api/staff${path}`, body, { authorization: `Bearer ${await this.token(user)}` });
  }

  async act(user: string, reference: string, action: string, body: unknown = {}) {
    const r = await this.as(user, 'POST', `/complaints/${reference}/${action}`, body);
    if (process.env.JOURNEY_DEBUG && r.status >= 400) console.log('ACT', user, action, r.status, JSON.stringify(r.body));
    return r;
  }

  /** Waits until the complaint's workflow has opened the task of `stage`. */
  waitForStage(reference: string, stage: string, notToken?: string) {
    return eventually(
      async () => {
        const t = await getTask(this.ddb, this.table, reference);
        return t && t.stage === stage && (t as any).status !== 'completed' && t.taskToken !== notToken && t;
      },
      120_000,
      `${reference} at ${stage}`,
    );
  }

  async complaint(user: string, reference: string) {
    const r = await this.as(user, 'GET', `/complaints/${reference}`);
    if (r.status !== 200) throw new Error(`read failed ${r.status} ${JSON.stringify(r.body)}`);
    return r.body as { complaint: any; task?: any; history: any[]; messages: any[] };
  }

  async waitClosed(reference: string) {
    return eventually(
      async () => {
        const c = await this.complaint('quinn', reference);
        return c.complaint.status === 'CLOSED' && c;
      },
      120_000,
      `${reference} closed`,
    );
  }

  /** The states the named workflow execution entered, in order, on whichever machine runs it. */
  async path(executionName: string): Promise<string[]> {
    for (const sm of [this.stateMachineArn, this.resumeStateMachineArn]) {
      const arn = `${sm.replace(':stateMachine:', ':execution:')}:${executionName}`;
      try {
        const h = await this.sfn.send(new GetExecutionHistoryCommand({ executionArn: arn }));
        return h.events!.filter((e) => e.type?.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails!.name!);
      } catch (e) {
        if (!(e instanceof ExecutionDoesNotExist)) throw e;
      }
    }
    throw new Error(`No execution ${executionName} on ${this.stateMachineArn} or ${this.resumeStateMachineArn}`);
  }
}

export const investigation = {
  rootCause: 'Duplicate authorisation from the card processor',
  responsiblePeople: 'Card operations team',
  correctiveMeasures: 'Refunded the duplicate charge; processor fix scheduled',
  correctionResult: 'Customer refunded in full',
};
