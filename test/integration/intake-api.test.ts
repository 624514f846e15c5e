/** The first slice over HTTP, against the real local runtime (no mocks). */
import { randomUUID } from 'node:crypto';
import { DescribeExecutionCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { describe, expect, inject, it } from 'vitest';
import { clients, countComplaints, eventually, getTask, validComplaint } from '../support/clients.ts';

const api = inject('apiUrl');
const table = inject('tableName');
const { ddb, sfn } = clients({ dynamoEndpoint: inject('dynamoEndpoint'), sfnEndpoint: inject('sfnEndpoint'), awsRegion: inject('awsRegion') });

async function submit(body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${api}/api/complaints`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}
const status = (ref: string, code?: string) =>
  fetch(`${api}/api/complaints/${ref}`, { headers: code ? { 'x-access-code': code } : {} }).then(async (r) => ({
    status: r.status,
    body: (await r.json()) as any,
  }));

describe('submitComplaint', () => {
  it('registers a complaint: 201 with a readable reference, an access code and the acknowledgement with its deadline', async () => {
    const r = await submit(validComplaint());
    const before = new Date(r.body.acknowledgement.receivedAt).getTime();
    expect(r.status).toBe(201);
    expect(r.body.reference).toMatch(/^CN-\d{4}-\d{6}$/);
    expect(r.body.accessCode).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    expect(r.body.acknowledgement.message).toContain(r.body.reference);
    expect(r.body.acknowledgement.nextSteps.length).toBeGreaterThan(2);
    const due = new Date(r.body.acknowledgement.responseDeadline.dueAt).getTime();
    // CN: 15 calendar days, to the end of the local day (Shanghai, UTC+8 all year): exactly.
    const local = new Date(before + 8 * 3_600_000);
    expect(due).toBe(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 15, 23, 59, 59, 999) - 8 * 3_600_000);
    expect(r.body.acknowledgement.responseDeadline.rule).toMatch(/15 calendar days/);
    expect(r.headers.get('content-type')).toMatch(/application\/json/);
  });

  it('gives every complaint its own reference', async () => {
    const refs = await Promise.all(Array.from({ length: 8 }, () => submit(validComplaint()).then((r) => r.body.reference)));
    expect(new Set(refs).size).toBe(8);
  });

  it('starts the workflow, which waits on the investigation task with its token stored', async () => {
    const r = await submit(validComplaint());
    const ref = r.body.reference;
    const task = await eventually(() => getTask(ddb, table, ref), 120_000, 'investigation task');
    expect(task.stage).toBe('INVESTIGATION');
    expect(task.executionName).toBe(ref);
    const exec = await sfn.send(new DescribeExecutionCommand({ executionArn: `${inject('stateMachineArn').replace(':stateMachine:', ':execution:')}:${ref}` }));
    expect(exec.status).toBe('RUNNING');
    const s = await status(ref, r.body.accessCode);
    expect(s.status).toBe(200);
    expect(s.body).toMatchObject({ reference: ref, status: 'OPEN', stage: 'INVESTIGATION' });
    expect(s.body.history.map((h: any) => h.action)).toEqual(['received', 'registered']);

    // The staff action that completes the task will call SendTaskSuccess with the stored token.
    await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: JSON.stringify({ done: true }) }));
    const next = await eventually(
      async () => {
        const t = await getTask(ddb, table, ref);
        return t?.stage === 'REPLY' && t;
      },
      120_000,
      'reply task',
    );
    expect(next.taskToken).not.toBe(task.taskToken);
    expect((await status(ref, r.body.accessCode)).body.stage).toBe('REPLY');
  });

  it('answers 400 with one message per invalid field, naming the field', async () => {
    const r = await submit({ complainant: { contact: { email: 'not-an-email' } }, matter: {}, surprise: 1 });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('validation_failed');
    const fields = r.body.fields.map((f: any) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['complainant.contact.email', 'matter.description', 'surprise']));
    expect(r.body.fields.find((f: any) => f.field === 'matter.description').message).toBe('is required');
    expect(JSON.stringify(r.body)).not.toMatch(/at \w+ \(|\.ts:\d+/); // never a stack trace
  });

  it('requires a way to contact the customer, or the anonymous choice, and consent', async () => {
    const r = await submit({ complainant: {}, matter: { description: 'x' } });
    expect(r.status).toBe(400);
    expect(r.body.fields.map((f: any) => f.field)).toEqual(expect.arrayContaining(['complainant.contact', 'consent.personalData']));
    const anon = await submit({ complainant: { anonymous: true }, matter: { description: 'Rude staff at the branch' } });
    expect(anon.status).toBe(201);
  });

  it('answers 413 for a body over the limit, 415 for a non-JSON body, 400 for broken JSON', async () => {
    // A complaint body may be 512 KiB (a 50,000-character description, even JSON-escaped, fits: issue 16 #9).
    const big = await submit(validComplaint({ matter: { description: 'x'.repeat(600 * 1024) } }));
    expect(big.status).toBe(413);
    expect(big.body.error).toBe('payload_too_large');
    const form = await fetch(`${api}/api/complaints`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(form.status).toBe(415);
    const broken = await submit('{"complainant": ');
    expect(broken.status).toBe(400);
    expect(broken.body.fields[0]).toEqual({ field: '(body)', message: 'is not valid JSON' });
  });

  it('answers an unknown route with a JSON 404', async () => {
    const res = await fetch(`${api}/api/nowhere`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ message: 'Not Found' });
  });
});

describe('idempotency', () => {
  it('the same Idempotency-Key twice yields one complaint and the same answer', async () => {
    const key = `it-${randomUUID()}`;
    const body = validComplaint({ matter: { description: `idempotent ${key}` } });
    const first = await submit(body, { 'idempotency-key': key });
    const second = await submit(body, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const n = await countComplaints(ddb, table, (i: any) => i.matter?.description === `idempotent ${key}`);
    expect(n).toBe(1);
  });

  it('concurrent retries with one key still make one complaint', async () => {
    const key = `race-${randomUUID()}`;
    const body = validComplaint({ matter: { description: `race ${key}` } });
    const answers = await Promise.all(Array.from({ length: 6 }, () => submit(body, { 'idempotency-key': key })));
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(201));
    expect(new Set(answers.map((a) => a.body.reference)).size).toBe(1);
    expect(await countComplaints(ddb, table, (i: any) => i.matter?.description === `race ${key}`)).toBe(1);
  });

  it('refuses a reused key with a different body (422) and writes nothing', async () => {
    const key = `reuse-${randomUUID()}`;
    await submit(validComplaint({ matter: { description: `first ${key}` } }), { 'idempotency-key': key });
    const other = await submit(validComplaint({ matter: { description: `second ${key}` } }), { 'idempotency-key': key });
    expect(other.status).toBe(422);
    expect(other.body.error).toBe('idempotency_key_reused');
    expect(await countComplaints(ddb, table, (i: any) => i.matter?.description === `second ${key}`)).toBe(0);
  });
});

describe('getComplaintStatus', () => {
  it('a wrong, missing or malformed code answers exactly like an unknown reference', async () => {
    const r = await submit(validComplaint());
    const wrong = await status(r.body.reference, 'AAAAA-AAAAA');
    const missing = await status(r.body.reference);
    const unknown = await status('CN-2026-999999', r.body.accessCode);
    const malformed = await status('not-a-reference', r.body.accessCode);
    for (const a of [wrong, missing, unknown, malformed]) {
      expect(a.status).toBe(404);
      expect(a.body).toEqual(unknown.body);
    }
  });

  it('accepts the code typed in lower case and without the dash', async () => {
    const r = await submit(validComplaint());
    const typed = r.body.accessCode.toLowerCase().replace('-', '');
    expect((await status(r.body.reference, typed)).status).toBe(200);
  });

  it('shows deadlines with their state and keeps personal data out of the answer', async () => {
    const r = await submit(validComplaint());
    const s = await status(r.body.reference, r.body.accessCode);
    expect(Object.keys(s.body.deadlines)).toEqual(expect.arrayContaining(['register', 'investigate', 'replyTarget', 'finalResponse']));
    expect(s.body.deadlines.finalResponse.state).toBe('due');
    expect(JSON.stringify(s.body)).not.toContain('@example.com');
  });
});

describe('OpenAPI', () => {
  it('serves an OpenAPI 3.1 document generated from the schemas, with an operationId on every operation', async () => {
    const doc = (await (await fetch(`${api}/api/openapi.json`)).json()) as any;
    expect(doc.openapi).toBe('3.1.0');
    const ops = Object.values(doc.paths).flatMap((p: any) => Object.values(p)) as any[];
    expect(ops.every((o) => typeof o.operationId === 'string')).toBe(true);
    expect(doc.paths['/api/complaints'].post.operationId).toBe('submitComplaint');
    expect(doc.paths['/api/complaints/{reference}'].get.operationId).toBe('getComplaintStatus');
    const schema = doc.components.schemas.SubmitComplaintRequest;
    expect(schema.properties.matter.required).toContain('description');
  });
});
