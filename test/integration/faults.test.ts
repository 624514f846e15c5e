/**
 * Dependencies failing, against the real local runtime: faults are switched on through
 * /__local/faults (local/host/faults.ts), which answers the handlers' requests to DynamoDB, Step
 * Functions and SES with those services' own errors, or fails the workflow's Lambda calls.
 * Each test shows what the product does about it - the AWS SDK v3 clients' retries (standard
 * mode, maxAttempts of functions/adapters/aws-clients.ts) with backoff and jitter, the state
 * machine's Retry and Catch, the stream's retries and parking, the operator's replay, the
 * orphan sweeper - and that no complaint was lost or done twice.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, beforeAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import type { CallRecord, FaultRule } from '../../local/host/faults.ts';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { PROFILES } from '../../functions/adapters/aws-clients.ts';
import { clients, countComplaints, eventually, validComplaint } from '../support/clients.ts';
import { investigation } from '../support/journey.ts';
import { count, EXPECTED_HISTORY, ResilientClient, withoutResumes, workToClose, type Detail } from '../support/resilient.ts';

const api = inject('apiUrl');
const TABLE = inject('tableName');
const SM = inject('stateMachineArn');
/** Resumed executions (`<ref>--r<n>` at a later stage) run on the resume machine (workflows/machines.ts). */
const RESUME_SM = inject('resumeStateMachineArn');
const { ddb, sfn } = clients({ dynamoEndpoint: inject('dynamoEndpoint'), sfnEndpoint: inject('sfnEndpoint'), awsRegion: inject('awsRegion') });
const client = new ResilientClient(() => api, 90_000);
const executionArn = (name: string) => `${SM.replace(':stateMachine:', ':execution:')}:${name}`;

interface Report {
  injected: Record<string, number>;
  injectedTotal: number;
  requests: number;
  calls?: CallRecord[];
}

async function local(method: string, path: string, body?: unknown) {
  const res = await fetch(`${api}${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<any>;
}
const injectFaults = (rules: FaultRule[], seed = 20260302) => local('POST', '/__local/faults', { rules, seed }) as Promise<Report>;
const faultReport = () => local('GET', '/__local/faults?calls=1') as Promise<Report & { calls: CallRecord[] }>;
const sweep = () =>
  local('POST', '/__local/sweep') as Promise<{ resumed: { reference: string; stage: string; executionName: string }[]; redelivered: string[] }>;

let seq = 0;
const complaintOf = (tag: string, over: Record<string, unknown> = {}) =>
  validComplaint({
    complainant: { name: 'Fault Test', contact: { email: `faults-${tag}-${process.pid}-${++seq}@example.com` } },
    matter: { description: `A fee (${tag} ${seq}) was taken without my agreement`, demand: 'Refund it' },
    ...over,
  });
const submit = (tag: string, over: Record<string, unknown> = {}) => client.submit(complaintOf(tag, over), `faults-${tag}-${process.pid}-${++seq}`);

/** The complaint's executions on both state machines. */
async function executions(ref: string, statusFilter?: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED') {
  const list = async (stateMachineArn: string) =>
    (await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter, maxResults: 1000 }))).executions ?? [];
  return [...(await list(SM)), ...(await list(RESUME_SM))].filter((e) => e.name === ref || e.name!.startsWith(`${ref}--r`));
}
/** The complaint's executions, `name STATUS`, once none is running any more (Close commits before its execution ends). */
const finishedExecutions = (ref: string) =>
  eventually(
    async () => {
      const all = await executions(ref);
      return all.every((e) => e.status !== 'RUNNING') && all.map((e) => `${e.name} ${e.status}`).sort();
    },
    120_000,
    `the executions of ${ref} finished`,
  );

/** Every email of the complaint has left (or is left alone on purpose): nothing queued or half-sent. */
const delivered = (ref: string) =>
  client.waitFor(ref, (d) => d.messages.filter((m) => m.channel === 'email').every((m) => m.status === 'sent'), 'every email sent', 120_000);

beforeAll(async () => {
  await local('POST', '/__local/clock', { now: '2026-03-02T01:00:00.000Z' }); // a Monday, 09:00 in Shanghai
});
afterEach(async () => {
  await local('DELETE', '/__local/faults');
});

describe('the workflow definition', () => {
  const asl = JSON.parse(readFileSync(join(import.meta.dirname, '../../workflows/complaint.asl.json'), 'utf8')) as { States: Record<string, any> };
  const tasks = Object.entries(asl.States).filter(([, s]) => s.Type === 'Task');

  it('retries transient errors on every Task with exponential backoff and full jitter, capped', () => {
    expect(tasks.length).toBeGreaterThanOrEqual(5);
    for (const [name, s] of tasks) {
      const retry = s.Retry?.[0];
      expect(retry, name).toMatchObject({
        BackoffRate: expect.any(Number),
        JitterStrategy: 'FULL',
        MaxDelaySeconds: expect.any(Number),
        MaxAttempts: expect.any(Number),
      });
      expect(retry.BackoffRate, name).toBeGreaterThan(1);
      expect(retry.ErrorEquals, name).toEqual(
        expect.arrayContaining(['Lambda.ServiceException', 'Lambda.TooManyRequestsException', 'ProvisionedThroughputExceededException', 'ConflictError']),
      );
      // Retrying everything would retry bugs and bad input for minutes: only named, transient errors.
      expect(retry.ErrorEquals, name).not.toContain('States.ALL');
    }
  });

  it('catches everything else on every Task: the failure is recorded, then the execution fails', () => {
    for (const [name, s] of tasks) {
      // The waiting states first catch a merge into another complaint (Complaint.Merged: to Close, issue 16);
      // Callback then the reopening answer (the task failure Complaint.Reopened) and goes back to Investigate.
      const merged = ['Investigate', 'Reply', 'Callback'].includes(name) ? [{ ErrorEquals: ['Complaint.Merged'], ResultPath: '$.last', Next: 'Close' }] : [];
      const branch = [...merged, ...(name === 'Callback' ? [{ ErrorEquals: ['Complaint.Reopened'], ResultPath: '$.last', Next: 'Investigate' }] : [])];
      expect(s.Catch, name).toEqual([
        ...branch,
        expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: name === 'RecordFailure' ? 'Failed' : 'RecordFailure' }),
      ]);
    }
    expect(asl.States.RecordFailure.Next).toBe('Failed');
    expect(asl.States.Failed).toMatchObject({ Type: 'Fail', ErrorPath: '$.failure.Error' });
  });
});

describe('DynamoDB throttling and errors', () => {
  it("rides through throttling and 5xx on 1 request in 5 with the client's retries: backoff with jitter, nothing lost, nothing twice", {
    timeout: 240_000,
  }, async () => {
    const before = await countComplaints(ddb, TABLE);
    await injectFaults([
      {
        target: 'dynamodb',
        rate: 0.2,
        errors: ['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded', 'InternalServerError'],
      },
    ]);
    const paths = ['satisfied', 'satisfied', 'major'] as const;
    const refs = await Promise.all(paths.map((path) => submit('throttle', path === 'major' ? { amount: { value: 800_000, currency: 'CNY' } } : {})));
    const done = await Promise.all(refs.map((r, i) => workToClose(client, r.reference, { path: paths[i], lead: paths[i] === 'major' ? 'mia' : 'hana' })));
    const report = await faultReport();
    await injectFaults([]);

    expect(await countComplaints(ddb, TABLE)).toBe(before + refs.length);
    done.forEach((d, i) => expect(withoutResumes(d), d.complaint.reference).toEqual(EXPECTED_HISTORY[paths[i]]));
    for (const r of refs) await delivered(r.reference);
    expect(report.injectedTotal).toBeGreaterThan(20);

    // The retries, as DynamoDB saw them: the client's attempts of one call share an invocation id.
    const byCall = new Map<string, CallRecord[]>();
    for (const c of report.calls.filter((x) => x.target === 'dynamodb' && x.invocationId))
      byCall.set(c.invocationId!, [...(byCall.get(c.invocationId!) ?? []), c]);
    const retried = [...byCall.values()].filter((a) => a.length > 1);
    expect(retried.length).toBeGreaterThan(10);
    const waits: { retry: number; ms: number; throttled: boolean }[] = [];
    for (const attempts of retried) {
      attempts.sort((a, b) => a.attempt! - b.attempt!);
      expect(attempts.map((a) => a.attempt)).toEqual(attempts.map((_, i) => i + 1)); // 1, 2, 3 ...
      // maxAttempts: the local runtime runs the functions' clients with the 'background' profile (local/runtime.ts).
      expect(attempts.length).toBeLessThanOrEqual(PROFILES.background.maxAttempts);
      for (let i = 1; i < attempts.length; i++) {
        waits.push({ retry: i, ms: attempts[i].at - attempts[i - 1].answeredAt!, throttled: attempts[i - 1].fault !== 'InternalServerError' });
      }
    }
    // Full jitter: the waits are spread, not one fixed interval. Each retry's ceiling (the SDK's
    // base x 2^n, never above 20 s) is proven on the SDK's strategy with fake timers
    // (test/unit/aws-clients.test.ts): a measured wait has no upper bound on a busy machine (issue 23).
    expect(new Set(waits.map((w) => Math.round(w.ms / 10))).size).toBeGreaterThan(waits.length / 3);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    console.log(
      `DynamoDB faults: ${report.injectedTotal} injected in ${report.requests} requests; ${retried.length} calls retried; ` +
        `mean wait before retry 1: ${mean(waits.filter((w) => w.retry === 1 && w.throttled).map((w) => w.ms)).toFixed(0)} ms (throttled), ` +
        `retry 2: ${mean(waits.filter((w) => w.retry === 2 && w.throttled).map((w) => w.ms)).toFixed(0)} ms (throttled)`,
    );
  });

  it('does nothing twice when DynamoDB applied a write but its answer was lost (transactions carry an idempotency token)', { timeout: 240_000 }, async () => {
    const before = await countComplaints(ddb, TABLE);
    await injectFaults([
      { target: 'dynamodb', operations: ['TransactWriteItems', 'UpdateItem', 'PutItem'], rate: 0.3, phase: 'after', errors: ['InternalServerError'] },
    ]);
    const refs = await Promise.all([0, 1].map(() => submit('lost-answer')));
    const done = await Promise.all(refs.map((r) => workToClose(client, r.reference, { path: 'satisfied', lead: 'hana' })));
    const report = await faultReport();
    await injectFaults([]);
    expect(report.injected['dynamodb:TransactWriteItems:InternalServerError']).toBeGreaterThan(0);
    expect(await countComplaints(ddb, TABLE)).toBe(before + refs.length);
    for (const d of done) expect(withoutResumes(d)).toEqual(EXPECTED_HISTORY.satisfied);
    for (const r of refs) {
      const d = await delivered(r.reference);
      expect(
        d.messages
          .filter((m) => m.audience === 'customer')
          .map((m) => m.kind)
          .sort(),
      ).toEqual(['acknowledgement', 'reply']); // the reply asks the satisfaction question
    }
  });
});

describe('multi-item writes are one transaction', () => {
  // Every attempt of the client fails for this complaint: the change must leave no half behind, then go through whole.
  const transactionsDown = async (ref: string) => {
    await local('POST', '/__local/streams/drain'); // the complaint's own background work done first
    await injectFaults([{ target: 'dynamodb', operations: ['TransactWriteItems'], contains: ref, errors: ['InternalServerError'] }]);
  };
  const as = async (user: string, method: string, path: string, body?: unknown) =>
    client.once('staff', method, `/api/staff${path}`, body, { authorization: `Bearer ${await client.token(user)}` });
  const scanFor = async (sk: string, attr: string, value: string) => {
    const out = await ddb.send(
      new ScanCommand({
        TableName: TABLE,
        FilterExpression: 'SK = :sk AND #a = :v',
        ExpressionAttributeNames: { '#a': attr },
        ExpressionAttributeValues: { ':sk': sk, ':v': value },
      }),
    );
    return out.Items ?? [];
  };

  it('restricting a customer: the restriction, the flag and the history entry, or none of them', async () => {
    const { reference: ref } = await submit('restrict');
    await client.waitForTask(ref, 'INVESTIGATION');
    const reason = `Abusive calls (${process.pid}-${++seq})`; // not naming the complaint: only its own transaction fails
    await transactionsDown(ref);
    expect((await as('mia', 'POST', `/complaints/${ref}/restriction`, { reason })).status).toBe(500);
    expect(await scanFor('RESTRICTION', 'reason', reason)).toEqual([]);
    const half = await client.detail(ref);
    expect(half.complaint.restricted).toBeUndefined();
    expect(count(half, 'customer-restricted')).toBe(0);

    await injectFaults([]);
    expect((await as('mia', 'POST', `/complaints/${ref}/restriction`, { reason })).status).toBe(200);
    expect(await scanFor('RESTRICTION', 'reason', reason)).toHaveLength(1);
    const whole = await client.detail(ref);
    expect(whole.complaint.restricted).toMatchObject({ reason, by: 'mia' });
    expect(count(whole, 'customer-restricted')).toBe(1);
  });

  it('recording a call: the call task done and its history entry, or neither', async () => {
    const r = await as('sam', 'POST', '/complaints', {
      channel: 'phone',
      complaint: {
        complainant: {
          name: 'Phone Customer',
          contact: { phone: `+86 139 ${String(process.pid).padStart(4, '0').slice(-4)} ${String(++seq).padStart(4, '0')}` },
        },
        matter: { description: `Long wait at the branch (${seq})` },
        consent: { personalData: true },
      },
    });
    expect(r.status).toBe(201);
    const ref = r.body.reference as string;
    // The workflow's registration done first: a complaint changed meanwhile answers the call 409 (found on a busy run).
    await client.waitForTask(ref, 'INVESTIGATION');
    const call = (await client.detail(ref)).messages.find((m) => m.channel === 'call-task' && m.kind === 'acknowledgement');
    expect(call).toMatchObject({ status: 'recorded' });
    await transactionsDown(ref);
    expect((await as('sam', 'POST', `/complaints/${ref}/calls`, { messageId: call.messageId, outcome: 'reached' })).status).toBe(500);
    const half = await client.detail(ref);
    expect(half.messages.find((m) => m.messageId === call.messageId).status).toBe('recorded');
    expect(count(half, 'call:reached')).toBe(0);

    await injectFaults([]);
    expect((await as('sam', 'POST', `/complaints/${ref}/calls`, { messageId: call.messageId, outcome: 'reached' })).status).toBe(200);
    const whole = await client.detail(ref);
    expect(whole.messages.find((m) => m.messageId === call.messageId)).toMatchObject({ status: 'sent', calledBy: 'sam' });
    expect(count(whole, 'call:reached')).toBe(1);
    expect((await as('sam', 'POST', `/complaints/${ref}/calls`, { messageId: call.messageId, outcome: 'reached' })).status).toBe(409); // done once
  });

  it("merging a repeat (a staff action since issue 16): the repeat's own access code and the merge, or neither (no code opens a complaint it was not merged into)", async () => {
    const first = complaintOf('repeat');
    const { reference: ref } = await client.submit(first, `faults-repeat-a-${process.pid}-${++seq}`);
    const secret = async () =>
      (await ddb.send(new GetCommand({ TableName: TABLE, Key: { PK: `COMPLAINT#${ref}`, SK: 'SECRET' }, ConsistentRead: true }))).Item!;
    const again = { ...first, matter: { description: `${(first.matter as { description: string }).description} - and again` } };
    // The look-alike is a complaint of its own, linked for staff: never merged on its own say-so.
    const repeat = await client.submit(again, `faults-repeat-b-${process.pid}-${++seq}`);
    expect(repeat.reference).not.toBe(ref);
    expect((await client.detail(repeat.reference)).complaint.relatedTo).toMatchObject({ reference: ref, reason: 'possible-repeat' });
    await client.waitForTask(ref, 'INVESTIGATION');
    await transactionsDown(ref);
    expect((await as('sam', 'POST', `/complaints/${repeat.reference}/merge`, { into: ref })).status).toBe(500);
    expect((await secret()).others ?? []).toEqual([]);
    expect(count(await client.detail(ref), 'repeat-merged')).toBe(0);

    await injectFaults([]);
    expect((await as('sam', 'POST', `/complaints/${repeat.reference}/merge`, { into: ref })).status).toBe(200);
    expect((await secret()).others).toHaveLength(1);
    expect(count(await client.detail(ref), 'repeat-merged')).toBe(1);
    expect((await client.once('read', 'GET', `/api/complaints/${ref}`, undefined, { 'x-access-code': repeat.accessCode })).status).toBe(200);
    expect((await as('sam', 'POST', `/complaints/${repeat.reference}/merge`, { into: ref })).status).toBe(409); // once
  });
});

describe('notifications failing', () => {
  // The integration runtime runs China's region, which has no SES: mail goes out through the
  // bank's SMTP relay (functions/adapters/smtp-mailer.ts; locally the mail catcher is the relay).
  // SES throttling and its client retries are covered where SES exists (test/unit/aws-clients.test.ts).
  it('a relay refusing for a while: the stream retries the record, sent once; an outage parks the records for the operator, whose replay sends them once', async () => {
    // The relay refuses the next two messages (451): nothing is lost, the stream retries them.
    await injectFaults([{ target: 'smtp', count: 2, errors: ['TemporaryFailure'] }]);
    const a = await submit('relay-busy');
    const sent = await delivered(a.reference);
    expect(sent.messages.filter((m) => m.kind === 'acknowledgement')).toHaveLength(1);
    const attempts = (await faultReport()).calls.filter((c) => c.target === 'smtp');
    expect(attempts.filter((c) => c.fault === 'TemporaryFailure')).toHaveLength(2);
    expect(attempts.filter((c) => !c.fault).length).toBeGreaterThanOrEqual(1);

    // The relay down: nothing goes out; each record is retried by the stream, then parked.
    await injectFaults([{ target: 'smtp', errors: ['ServiceUnavailable'] }]);
    const b = await submit('relay-outage');
    const parked = await eventually(
      async () => {
        const p = (await local('GET', '/__local/streams/parked')) as { consumer: string; keys: any }[];
        return p.some((x) => x.consumer === 'DeliverMessages' && x.keys.PK.S === `COMPLAINT#${b.reference}`) && p;
      },
      120_000,
      'the acknowledgement parked',
    );
    expect(parked.length).toBeGreaterThan(0);
    const stuck = await client.detail(b.reference);
    expect(stuck.messages.find((m) => m.kind === 'acknowledgement')).toMatchObject({ status: 'queued' }); // safe in the table, not lost

    // The operator fixes the cause and replays.
    await injectFaults([]);
    const replay = (await local('POST', '/__local/streams/replay')) as { replayed: number; stillFailing: number };
    expect(replay.replayed).toBeGreaterThan(0);
    expect(replay.stillFailing).toBe(0);
    expect((await local('GET', '/__local/streams/parked')) as unknown[]).toEqual([]);
    const after = await delivered(b.reference);
    expect(after.messages.filter((m) => m.kind === 'acknowledgement')).toHaveLength(1);
  });
});

describe('Step Functions throttled and its tasks failing', () => {
  it('starts the workflow through throttled StartExecution calls (client retries), once', async () => {
    await injectFaults([{ target: 'sfn', operations: ['StartExecution'], errors: ['ThrottlingException'], count: 3 }]);
    const { reference: ref } = await submit('sfn-throttle');
    await client.waitForTask(ref, 'INVESTIGATION');
    const report = await faultReport();
    expect(report.injected['sfn:StartExecution:ThrottlingException']).toBe(3);
    expect((await executions(ref)).map((e) => e.name)).toEqual([ref]);
  });

  it('sends the acknowledgement while the workflow start is held up by throttling: they are read by different stream readers (ADR 0009)', {
    timeout: 240_000,
  }, async () => {
    await injectFaults([{ target: 'sfn', operations: ['StartExecution'], errors: ['ThrottlingException'] }]);
    const { reference: ref } = await submit('ack-first');
    const sent = await delivered(ref);
    expect(sent.messages.filter((m) => m.kind === 'acknowledgement')).toMatchObject([{ status: 'sent' }]);
    // ... while no start has got through: the acknowledgement did not wait for it (the start reader
    // may make its first, refused, attempt just after the acknowledgement went out: polled, not timed).
    await eventually(async () => ((await faultReport()).injected['sfn:StartExecution:ThrottlingException'] ?? 0) > 0, 120_000, 'a refused start');
    expect(await executions(ref)).toEqual([]);
    // Step Functions recovers: the start, retried, goes through once.
    await injectFaults([]);
    await client.waitForTask(ref, 'INVESTIGATION');
    expect((await executions(ref)).map((e) => e.name)).toEqual([ref]);
  });

  it("parks a start that keeps failing; the sweeper and the operator's replay together still make one workflow", { timeout: 240_000 }, async () => {
    await injectFaults([{ target: 'sfn', operations: ['StartExecution'], errors: ['InternalFailure'] }]);
    const { reference: ref } = await submit('sfn-down');
    await eventually(
      async () => {
        const p = (await local('GET', '/__local/streams/parked')) as { consumer: string; keys: any }[];
        return p.some((x) => x.consumer === 'TableChanges' && x.keys.PK.S === `COMPLAINT#${ref}`);
      },
      60_000,
      'the start parked',
    );
    expect(await executions(ref)).toEqual([]);
    expect((await client.detail(ref)).complaint).toMatchObject({ status: 'OPEN', stage: 'RECEIVED' }); // safe

    await injectFaults([]);
    const swept = await sweep();
    expect(swept.resumed.filter((r) => r.reference === ref)).toEqual([{ reference: ref, stage: 'RECEIVED', executionName: ref }]);
    await local('POST', '/__local/streams/replay', { consumer: 'TableChanges' }); // the same start again: finds it running
    await client.waitForTask(ref, 'INVESTIGATION');
    expect((await executions(ref)).map((e) => e.name)).toEqual([ref]);
  });

  it("retries a failing task (Lambda service errors) with the state machine's backoff", async () => {
    await injectFaults([{ target: 'lambda', operations: ['OpenTask'], errors: ['Lambda.ServiceException', 'Lambda.TooManyRequestsException'], count: 2 }]);
    const { reference: ref } = await submit('task-retry');
    await client.waitForTask(ref, 'INVESTIGATION');
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: executionArn(ref) }));
    // The local engine records each Retry as a StateRetried event (AWS shows a new TaskScheduled).
    expect(history.events!.filter((e) => String(e.type) === 'StateRetried')).toHaveLength(2);
    expect((await faultReport()).injectedTotal).toBe(2);
  });

  it('records a task that cannot succeed in the history, fails the execution (the alarm on AWS), and its status-change event resumes it at once', async () => {
    // Not a retried error: the first failure fails the execution; the resumed one finds the function back.
    await injectFaults([{ target: 'lambda', operations: ['OpenTask'], errors: ['Lambda.ResourceNotFoundException'], count: 1 }]);
    const { reference: ref } = await submit('task-fails');
    const failed = await eventually(
      async () => {
        const d = await sfn.send(new DescribeExecutionCommand({ executionArn: executionArn(ref) }));
        return d.status === 'FAILED' && d;
      },
      120_000,
      'the execution failed',
    );
    expect(failed.error).toBe('Lambda.ResourceNotFoundException');
    const recorded = await client.waitFor(ref, (d) => count(d, 'workflow-failed') === 1, 'the failure recorded');
    expect(recorded.history.find((h) => h.action === 'workflow-failed')).toMatchObject({ actor: 'system', visibleToCustomer: false });

    // No sweep: the WorkflowEnded rule's invocation of ResumeOrphans resumed it, still RECEIVED
    // (Investigate registers it), under a new name.
    const resumed = await client.waitFor(ref, (d) => d.task?.stage === 'INVESTIGATION' && d.task.status === 'open', 'the resumed investigation task');
    expect(resumed.task!.executionName).toBe(`${ref}--r1`);
    expect((await client.detail(ref)).complaint).toMatchObject({ resumeCount: 1, executionName: `${ref}--r1` });
    expect((await faultReport()).injectedTotal).toBe(1);
    await injectFaults([]);
    const closed = await workToClose(client, ref, { path: 'satisfied', lead: 'hana' });
    expect(withoutResumes(closed).filter((a) => a !== 'workflow-failed')).toEqual(EXPECTED_HISTORY.satisfied);
    expect(await finishedExecutions(ref)).toEqual([`${ref} FAILED`, `${ref}--r1 SUCCEEDED`]);
  });
});

describe('orphans', () => {
  it('gives each open complaint whose workflow was stopped exactly one new workflow, at its stage, and hands over missed completions', {
    timeout: 240_000,
  }, async () => {
    // The sweep is the backstop for what the WorkflowEnded rule misses: with the rule disabled,
    // stopped executions wait for it (and a stop with the rule on is resumed at once: below).
    await local('POST', '/__local/rules', { WorkflowEnded: false });
    onTestFinished(async () => {
      await local('POST', '/__local/rules', { WorkflowEnded: true });
    });
    // Four complaints at different points of their lives ...
    const [a, b, c, d, e] = await Promise.all([0, 1, 2, 3, 4].map(() => submit('orphan')));
    for (const x of [a, b, c, d, e]) {
      await client.waitForTask(x.reference, 'INVESTIGATION');
      await client.step('hana', x.reference, 'claim', {}, (y) => count(y, 'claimed') >= 1);
    }
    for (const x of [b, c]) {
      await client.step('hana', x.reference, 'investigation', investigation, (y) => count(y, 'investigation-completed') >= 1);
      await client.waitForTask(x.reference, 'REPLY');
    }
    await client.step(
      'hana',
      c.reference,
      'reply',
      { outcome: { result: 'upheld' }, subject: 'Answer', text: 'Refunded.' },
      (y) => count(y, 'reply-sent') >= 1,
    );
    await client.waitForTask(c.reference, 'CALLBACK');

    // ... lose their executions (stopped - as by an operator, a bug or a lost engine).
    for (const x of [a, b, c, d])
      await sfn.send(new StopExecutionCommand({ executionArn: executionArn(x.reference), error: 'Test.Lost', cause: 'orphan test' }));
    // d's investigation is completed while it has no workflow: the completion is stored.
    await client.step('hana', d.reference, 'investigation', investigation, (y) => count(y, 'investigation-completed') >= 1);
    // e's workflow lives, but misses the completion (Step Functions refuses SendTaskSuccess for a while).
    await injectFaults([{ target: 'sfn', operations: ['SendTaskSuccess'], errors: ['InternalFailure'], count: 5 }]);
    await client.step('hana', e.reference, 'investigation', investigation, (y) => count(y, 'investigation-completed') >= 1);
    await injectFaults([]);
    expect((await client.detail(e.reference)).task).toMatchObject({ stage: 'INVESTIGATION', status: 'completed' });

    const swept = await sweep();
    const mine = (r: { reference: string }) => [a, b, c, d, e].some((x) => x.reference === r.reference);
    const byRef = (x: { reference: string }, y: { reference: string }) => x.reference.localeCompare(y.reference);
    expect(swept.resumed.filter(mine).sort(byRef)).toEqual(
      [
        { reference: a.reference, stage: 'INVESTIGATION', executionName: `${a.reference}--r1` },
        { reference: b.reference, stage: 'REPLY', executionName: `${b.reference}--r1` },
        { reference: c.reference, stage: 'CALLBACK', executionName: `${c.reference}--r1` },
        { reference: d.reference, stage: 'REPLY', executionName: `${d.reference}--r1` }, // completed: the next stage
      ].sort(byRef),
    );
    expect(swept.redelivered.filter((r) => r === e.reference)).toEqual([e.reference]);
    // A second sweep finds nothing to do: no duplicate workflow.
    const again = await sweep();
    expect(again.resumed.filter(mine)).toEqual([]);
    for (const x of [a, b, c, d, e]) expect((await executions(x.reference, 'RUNNING')).length, x.reference).toBe(1);

    // Each goes on from where it was, to its close.
    const closed: Detail[] = await Promise.all([a, b, c, d, e].map((x) => workToClose(client, x.reference, { path: 'satisfied', lead: 'hana' })));
    for (const x of closed) expect(withoutResumes(x), x.complaint.reference).toEqual(EXPECTED_HISTORY.satisfied);
    for (const x of [a, b, c, d]) {
      expect(await finishedExecutions(x.reference)).toEqual([`${x.reference} ABORTED`, `${x.reference}--r1 SUCCEEDED`]);
    }
    expect(await finishedExecutions(e.reference)).toEqual([`${e.reference} SUCCEEDED`]);
  });

  it('resumes a complaint whose execution is stopped at once, at its stage, with no sweep (the WorkflowEnded rule)', { timeout: 240_000 }, async () => {
    const { reference: ref } = await submit('stopped');
    await client.waitForTask(ref, 'INVESTIGATION');
    await client.step('hana', ref, 'claim', {}, (y) => count(y, 'claimed') >= 1);
    await client.step('hana', ref, 'investigation', investigation, (y) => count(y, 'investigation-completed') >= 1);
    await client.waitForTask(ref, 'REPLY');
    await sfn.send(new StopExecutionCommand({ executionArn: executionArn(ref), error: 'Test.Lost', cause: 'stopped by an operator' }));
    const resumed = await client.waitFor(
      ref,
      (d) => d.task?.stage === 'REPLY' && d.task.executionName === `${ref}--r1`,
      'the reply task of the resumed workflow',
    );
    expect(resumed.complaint).toMatchObject({ stage: 'REPLY', resumeCount: 1 });
    expect(count(resumed, 'workflow-resumed')).toBe(1);
    expect((await executions(ref, 'RUNNING')).map((e) => e.name)).toEqual([`${ref}--r1`]);
    const closed = await workToClose(client, ref, { path: 'satisfied', lead: 'hana' });
    expect(withoutResumes(closed)).toEqual(EXPECTED_HISTORY.satisfied);
    expect(await finishedExecutions(ref)).toEqual([`${ref} ABORTED`, `${ref}--r1 SUCCEEDED`]);
  });

  it('merges a repeat whose workflow was resumed: the merge ends the resumed execution (Complaint.Merged sent on the resume machine)', async () => {
    // Staff complete a resumed execution's task on the machine it runs on: success (the journeys)
    // and failure (this merge; a reopening goes the same way) - StaffApi's grant of
    // SendTaskFailure on complaint-resume, used by every run, not only when a crash lands there.
    const first = complaintOf('resumed-merge');
    const { reference: into } = await client.submit(first, `faults-resumed-merge-a-${process.pid}-${++seq}`);
    const again = { ...first, matter: { description: `${(first.matter as { description: string }).description} - once more` } };
    const { reference: ref } = await client.submit(again, `faults-resumed-merge-b-${process.pid}-${++seq}`);
    await client.waitForTask(ref, 'INVESTIGATION');
    await sfn.send(new StopExecutionCommand({ executionArn: executionArn(ref), error: 'Test.Lost', cause: 'stopped by an operator' }));
    const resumed = await client.waitFor(
      ref,
      (d) => d.task?.stage === 'INVESTIGATION' && d.task.executionName === `${ref}--r1`,
      'the investigation task of the resumed workflow',
    );
    expect(resumed.complaint).toMatchObject({ stage: 'INVESTIGATION', resumeCount: 1 });

    const merge = await client.once('staff', 'POST', `/api/staff/complaints/${ref}/merge`, { into }, { authorization: `Bearer ${await client.token('sam')}` });
    expect(merge.status).toBe(200);
    expect(await finishedExecutions(ref)).toEqual([`${ref} ABORTED`, `${ref}--r1 SUCCEEDED`]);
    const merged = await client.waitFor(ref, (d) => d.complaint.status === 'CLOSED', 'the merged repeat closed');
    expect(count(merged, 'workflow-resumed')).toBe(1);
    expect(count(await client.detail(into), 'repeat-merged')).toBe(1);
  });
});
