/**
 * Hostile input against the real local runtime, over HTTP and SMTP (a bounded fast-check run
 * per boundary): malformed and mutated JSON, wrong content types, odd Unicode, huge and deep
 * bodies, hostile path segments, headers and query strings, mutated real mail. The property:
 * every answer is a success or a clear 4xx - never a 5xx - a 400 names the field that is
 * wrong, a rejected request writes no complaint, what was accepted reads back, and every mail
 * ends as a complaint or a recorded rejection.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { createTransport } from 'nodemailer';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { STAFF_OPERATION_SPECS } from '../../functions/http/staff-operations.ts';
import { clients, countComplaints, validComplaint } from '../support/clients.ts';
import {
  contentTypes,
  hostileString,
  mailMutation,
  malformedBodies,
  mutate,
  mutateMail,
  mutations,
  namesMutatedField,
  oddString,
  runs,
  type Mutation,
} from '../support/hostile-arbitraries.ts';
import { Journey } from '../support/journey.ts';
import { FIXTURES, HAS_SHARED, OWN_EMAIL_FILES, OWN_FIXTURES, SHARED_EMAIL_FILES, publicCorpus } from '../support/shared.ts';

const api = inject('apiUrl');
const table = inject('tableName');
const { ddb, sfn } = clients({ dynamoEndpoint: inject('dynamoEndpoint'), sfnEndpoint: inject('sfnEndpoint'), awsRegion: inject('awsRegion') });
const j = new Journey(api, ddb, sfn, table, inject('stateMachineArn'));

/** Runs per boundary: bounded, so the file stays within about half a minute on two cores. */
const RUNS = 60;

/** What fetch can carry in a header value (latin1, no CR, LF or NUL): hostile, but sendable. */
const sendableHeader = (s: string) => /^[\x20-\x7E\x80-\xFF\t]*$/.test(s);
const headerValue = fc
  .oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary-ascii', maxLength: 40 }), fc.constantFrom('x'.repeat(4000), '\u00ff\u00fe', ' ', ''))
  .filter(sendableHeader);

/** A path segment: hostile text percent-encoded, or percent-encoding that is itself broken. */
const WELL_FORMED = (s: string) => s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');
const pathSegment = fc.oneof(
  hostileString().map((s) => encodeURIComponent(WELL_FORMED(s)) || 'x'),
  fc.constantFrom(
    '%',
    '%E0%A4%A',
    '%ZZ',
    '%ED%A0%80',
    '%C0%AF',
    '%00',
    '%2F',
    '..',
    '%2e%2e',
    'CN-2026-000001%00',
    'CN-2026-00000１',
    'CN-2026-000001;x',
    'cn-2026-000001',
  ),
  fc.stringMatching(/^[A-Z]{2}-20\d{2}-\d{6}$/),
);

interface Answer {
  status: number;
  text: string;
  json: any;
  headers: Headers;
}

/** The address the hostile customer-route requests come from (wrong codes are throttled per source). */
const HOSTILE_SOURCE = '198.51.100.66';

async function send(
  method: string,
  path: string,
  o: { body?: string | Uint8Array; contentType?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...(o.contentType !== undefined ? { 'content-type': o.contentType } : {}), ...o.headers };
  const res = await fetch(`${api}${path}`, { method, headers, body: o.body });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, headers: res.headers };
}

/** Refused by the HTTP server itself before any handler runs (as API Gateway refuses them): URI or headers too long. */
const TRANSPORT_LIMITS = [414, 431];

/** The answer is one of `allowed`, JSON, and a 4xx says what is wrong (a 400 of ours names each field). */
function expectClearAnswer(a: Answer, allowed: number[], what: string) {
  expect(a.status, `${what}: ${a.status} ${a.text.slice(0, 300)}`).toBeLessThan(500);
  if (TRANSPORT_LIMITS.includes(a.status)) return;
  expect(allowed, `${what}: ${a.status} ${a.text.slice(0, 300)}`).toContain(a.status);
  expect(a.headers.get('content-type'), `${what}: the answer is JSON`).toMatch(/^application\/json\b/);
  expect(typeof a.json, `${what}: the answer is JSON`).toBe('object');
  if (a.status >= 400) {
    expect(typeof a.json.message).toBe('string');
    expect(a.text).not.toMatch(/\.ts:\d+|node_modules|at \w+ \(/); // never a stack trace
    if (a.status === 400 && a.json.error === 'validation_failed') {
      expect(a.json.fields.length).toBeGreaterThan(0);
      // Each names a field (its path, or a key the request sent) and says what is wrong with it.
      for (const f of a.json.fields) expect(f).toEqual({ field: expect.stringMatching(/\S/), message: expect.stringMatching(/\S/) });
    }
  }
}

let customer = 0;
const freshComplaint = () => validComplaint({ complainant: { name: 'Hostile Test', contact: { email: `hostile-${process.pid}-${++customer}@example.com` } } });

describe('customers over HTTP', () => {
  it('POST /api/complaints: a success or a clear 4xx naming the field; a rejected request writes no complaint; what was accepted reads back', async () => {
    const base = freshComplaint();
    const request = fc.record({
      body: fc.oneof(
        { weight: 1, arbitrary: fc.constant<{ kind: 'valid' }>({ kind: 'valid' }) },
        { weight: 6, arbitrary: mutations(base).map((m) => ({ kind: 'mutated' as const, m })) },
        { weight: 2, arbitrary: malformedBodies().map((raw) => ({ kind: 'raw' as const, raw })) },
        {
          weight: 1,
          arbitrary: fc
            .integer({ min: 65 * 1024, max: 512 * 1024 })
            .map((n) => ({ kind: 'raw' as const, raw: JSON.stringify({ ...base, matter: { description: 'x'.repeat(n) } }) })),
        },
      ),
      contentType: fc.oneof(
        { weight: 5, arbitrary: fc.constant('application/json') },
        { weight: 1, arbitrary: contentTypes().filter((c) => c === undefined || sendableHeader(c)) },
      ),
      idempotencyKey: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: headerValue }),
    });
    const before = await countComplaints(ddb, table);
    const accepted = new Map<string, string>();
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        // A new customer each time: the same customer's repeat would be linked to the earlier one.
        const body =
          r.body.kind === 'raw'
            ? r.body.raw
            : JSON.stringify(r.body.kind === 'valid' ? freshComplaint() : mutate({ ...base, complainant: freshComplaint().complainant }, r.body.m));
        const a = await send('POST', '/api/complaints', {
          body,
          contentType: r.contentType,
          headers: r.idempotencyKey === undefined ? {} : { 'idempotency-key': r.idempotencyKey },
        });
        statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
        expectClearAnswer(a, [201, 400, 413, 415, 422], 'submit');
        if (a.status === 201) accepted.set(a.json.reference, a.json.accessCode);
        if (a.status === 400 && r.body.kind === 'mutated' && r.contentType === 'application/json' && r.idempotencyKey === undefined) {
          const m: Mutation = r.body.m;
          expect(
            a.json.fields.some((f: { field: string }) => namesMutatedField(f.field, m)),
            `${a.text} for ${JSON.stringify(m).slice(0, 200)}`,
          ).toBe(true);
        }
      }),
      { numRuns: runs(RUNS) },
    );
    // Nothing half-written: exactly one complaint per reference given, none for a refusal.
    expect(await countComplaints(ddb, table)).toBe(before + accepted.size);
    for (const [reference, code] of accepted) expect((await j.status(reference, code)).status, reference).toBe(200);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
  }, 240_000);

  it('GET /api/complaints/{reference}: hostile references and access codes are answered like an unknown one', async () => {
    await fc.assert(
      fc.asyncProperty(pathSegment, fc.option(headerValue, { nil: undefined }), async (segment, code) => {
        // From a hostile client's own address (X-Local-Source-Ip): its wrong codes throttle it, not the other tests' client.
        const a = await send('GET', `/api/complaints/${segment}`, {
          headers: { 'x-local-source-ip': HOSTILE_SOURCE, ...(code === undefined ? {} : { 'x-access-code': code }) },
        });
        expectClearAnswer(a, [400, 404, 429], `status ${segment}`);
      }),
      { numRuns: runs(Math.ceil(RUNS / 2)) },
    );
  }, 240_000);

  it('POST /api/complaints/{reference}/callback and POST /api/attachments: hostile bodies and paths', async () => {
    const valid = { satisfaction: 4, comment: 'Fine' };
    await fc.assert(
      fc.asyncProperty(pathSegment, mutations(valid), headerValue, async (segment, m, code) => {
        const a = await send('POST', `/api/complaints/${segment}/callback`, {
          body: JSON.stringify(mutate(valid, m)),
          contentType: 'application/json',
          headers: { 'x-local-source-ip': HOSTILE_SOURCE, 'x-access-code': code },
        });
        expectClearAnswer(a, [400, 404, 409, 413, 429], 'callback');
      }),
      { numRuns: runs(Math.ceil(RUNS / 3)) },
    );
    const upload = { name: 'statement.pdf', contentType: 'application/pdf', size: 1234 };
    await fc.assert(
      fc.asyncProperty(mutations(upload), async (m) => {
        const a = await send('POST', '/api/attachments', { body: JSON.stringify(mutate(upload, m)), contentType: 'application/json' });
        expectClearAnswer(a, [201, 400, 413], 'attachment upload');
        if (a.status === 400)
          expect(
            a.json.fields.some((f: { field: string }) => namesMutatedField(f.field, m)),
            a.text,
          ).toBe(true);
      }),
      { numRuns: runs(Math.ceil(RUNS / 3)) },
    );
  }, 240_000);
});

// ---------------------------------------------------------------------------------------
// Staff

/** A valid body of every staff operation that takes one; the actor who may send it. */
const STAFF_BODIES: Record<string, { user: string; body: unknown }> = {
  createStaffComplaint: { user: 'sam', body: { channel: 'phone', complaint: validComplaint() } },
  correctClassification: { user: 'sam', body: { nature: 'product' } },
  completeInvestigation: { user: 'mia', body: { rootCause: 'Fault', responsiblePeople: 'Ops', correctiveMeasures: 'Refund', correctionResult: 'Refunded' } },
  submitHandlingPlan: {
    user: 'mia',
    body: {
      departments: [
        { department: 'cards', duty: 'Refund', dueAt: '2026-03-05T09:00:00Z' },
        { department: 'retail', duty: 'Check', dueAt: '2026-03-06T09:00:00Z' },
      ],
    },
  },
  submitReply: { user: 'mia', body: { outcome: { result: 'upheld' }, subject: 'Your complaint', text: 'We refunded the fee.' } },
  approveReply: { user: 'mia', body: { approve: true } },
  withdrawReply: { user: 'mia', body: { reason: 'I will add the refund' } },
  requestExtension: { user: 'mia', body: { reason: 'Waiting for the card scheme' } },
  decideExtension: { user: 'mia', body: { approve: false, comment: 'No' } },
  pauseClock: { user: 'mia', body: { reason: 'External appraisal' } },
  recordCallback: { user: 'sam', body: { satisfaction: 4 } },
  recordCall: { user: 'sam', body: { messageId: 'MSG#x', outcome: 'reached' } },
  restrictCustomer: { user: 'mia', body: { reason: 'Abusive language' } },
  reassign: { user: 'mia', body: { team: 'cards' } },
  eraseCustomerData: { user: 'ada', body: { basis: 'gdpr-art-17' } },
};

const PATHS: Record<string, string> = {
  correctClassification: 'classification',
  completeInvestigation: 'investigation',
  submitHandlingPlan: 'handling-plan',
  submitReply: 'reply',
  approveReply: 'reply/approval',
  withdrawReply: 'reply/withdrawal',
  requestExtension: 'extension',
  decideExtension: 'extension/decision',
  pauseClock: 'pause',
  recordCallback: 'callback',
  recordCall: 'calls',
  restrictCustomer: 'restriction',
  reassign: 'assignment',
};

describe('staff over HTTP (signed in)', () => {
  let reference: string;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    for (const u of ['sam', 'mia', 'quinn', 'ada']) tokens[u] = await j.token(u);
    ({ reference } = await j.submit(freshComplaint()));
  });

  it('every staff body: a success or a clear 4xx naming the field, never a 5xx', async () => {
    const ops = Object.keys(STAFF_OPERATION_SPECS).filter((op) => STAFF_OPERATION_SPECS[op as keyof typeof STAFF_OPERATION_SPECS].body && STAFF_BODIES[op]);
    expect(ops.length).toBeGreaterThanOrEqual(13);
    const request = fc.constantFrom(...ops).chain((op) =>
      fc.record({
        op: fc.constant(op),
        body: fc.oneof(
          { weight: 4, arbitrary: mutations(STAFF_BODIES[op].body).map((m) => ({ m, raw: undefined as string | Uint8Array | undefined })) },
          { weight: 1, arbitrary: malformedBodies().map((raw) => ({ m: undefined as Mutation | undefined, raw })) },
        ),
        contentType: fc.oneof(
          { weight: 5, arbitrary: fc.constant('application/json') },
          { weight: 1, arbitrary: contentTypes().filter((c) => c === undefined || sendableHeader(c)) },
        ),
      }),
    );
    await fc.assert(
      fc.asyncProperty(request, async ({ op, body, contentType }) => {
        const path =
          op === 'createStaffComplaint'
            ? '/api/staff/complaints'
            : op === 'eraseCustomerData'
              ? `/api/staff/complaints/${reference}/erasure`
              : `/api/staff/complaints/${reference}/${PATHS[op]}`;
        const raw = body.raw ?? JSON.stringify(mutate(STAFF_BODIES[op].body, body.m!));
        const a = await send('POST', path, { body: raw, contentType, headers: { authorization: `Bearer ${tokens[STAFF_BODIES[op].user]}` } });
        expectClearAnswer(a, [200, 201, 400, 403, 404, 409, 413, 415, 422], op);
        if (a.status === 400 && body.m && contentType === 'application/json' && a.json.error === 'validation_failed') {
          const rootRule = op === 'correctClassification' || op === 'reassign';
          expect(
            a.json.fields.some((f: { field: string }) => namesMutatedField(f.field, body.m!, rootRule)),
            `${op}: ${a.text} for ${JSON.stringify(body.m).slice(0, 200)}`,
          ).toBe(true);
        }
      }),
      { numRuns: runs(RUNS) },
    );
  }, 240_000);

  it('hostile path segments and query strings on the staff reads', async () => {
    const query = fc.dictionary(
      fc.constantFrom('team', 'day', 'from', 'to', 'by', 'reference', 'actor', 'ref', 'exp', 'sig', 'u', '__proto__'),
      hostileString().map(WELL_FORMED),
      { maxKeys: 4 },
    );
    const read = fc.record({
      route: fc.constantFrom(
        '/tasks/team',
        '/tasks/mine',
        '/dashboard',
        '/dashboard.csv',
        '/audit',
        '/links',
        '/complaints/{ref}',
        '/complaints/{ref}/reply-draft',
      ),
      segment: pathSegment,
      query,
      user: fc.constantFrom('quinn', 'mia', 'sam'),
    });
    await fc.assert(
      fc.asyncProperty(read, async (r) => {
        const qs = new URLSearchParams(r.query).toString();
        const path = `/api/staff${r.route.replace('{ref}', r.segment)}${qs ? `?${qs}` : ''}`;
        const a = await send('GET', path, { headers: { authorization: `Bearer ${tokens[r.user]}` } });
        if (a.status === 200 && r.route === '/dashboard.csv') return; // CSV, not JSON
        expectClearAnswer(a, [200, 400, 403, 404, 409], path.slice(0, 120));
      }),
      { numRuns: runs(RUNS) },
    );
  }, 240_000);
});

// ---------------------------------------------------------------------------------------
// Mail through the real SMTP intake

const smtp = createTransport({ host: '127.0.0.1', port: inject('smtpPort'), secure: false, ignoreTLS: true });
/**
 * Our own messages and the real ones (the public corpus, when it is there), with their sender
 * replaced: the email-intake tests send the originals through the same runtime at the same
 * time, and a mutated copy from the same sender with the same text would be linked to their
 * complaint as its possible repeat (or theirs to it).
 */
const ownSender = (raw: Buffer) =>
  Buffer.from(raw.toString('latin1').replace(/^From:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*/im, `From: <hostile-fixture-${process.pid}@example.com>`), 'latin1');
const ownMailFixtures = OWN_EMAIL_FILES.map((f) => ownSender(readFileSync(join(OWN_FIXTURES, 'email', f))));
const mailFixtures = HAS_SHARED ? SHARED_EMAIL_FILES.map((f) => ownSender(readFileSync(join(FIXTURES, 'email', f)))) : [];

/** Mutations of `messages` (and messages of odd text), each sent through the SMTP intake. */
function mutatedThroughSmtp(title: string, messages: Buffer[]) {
  it(`${title}: each accepted by SMTP and recorded as a complaint or a rejection with a reason`, async () => {
    const message = fc.oneof(
      {
        weight: 3,
        arbitrary: fc
          .tuple(fc.integer({ min: 0, max: messages.length - 1 }), fc.array(mailMutation(), { minLength: 1, maxLength: 3 }))
          .map(([i, ms]) => ms.reduce(mutateMail, messages[i])),
      },
      {
        weight: 1,
        arbitrary: fc
          .record({ name: oddString(10), subject: oddString(20), text: oddString(40) })
          .map((o) =>
            Buffer.from(
              [
                `From: =?UTF-8?B?${Buffer.from(o.name).toString('base64')}?= <hostile-mail-${process.pid}@example.com>`,
                `Subject: =?UTF-8?B?${Buffer.from(o.subject).toString('base64')}?=`,
                'MIME-Version: 1.0',
                'Content-Type: text/plain; charset=utf-8',
                'Content-Transfer-Encoding: base64',
                '',
                Buffer.from(`${o.text} The fee was charged twice.`).toString('base64'),
                '',
              ].join('\r\n'),
            ),
          ),
      },
    );
    await fc.assert(
      fc.asyncProperty(message, async (raw) => {
        // Lines over 998 bytes are folded by nothing: SMTP carries them as sent (the intake has no line limit).
        const info = await smtp.sendMail({ envelope: { from: 'customer@example.com', to: 'complaints@bank.example.cn' }, raw });
        expect(info.response).toMatch(/accepted as [0-9a-f]+/);
        const id = /accepted as ([0-9a-f]+)/.exec(info.response)![1];
        const rec = (await ddb.send(new GetCommand({ TableName: table, Key: { PK: `INBOUND#${id}`, SK: 'INBOUND' }, ConsistentRead: true }))).Item;
        expect(rec, 'recorded').toMatchObject({ PK: `INBOUND#${id}`, SK: 'INBOUND' });
        expect(['registered', 'threaded', 'rejected']).toContain(rec!.outcome);
        if (rec!.outcome === 'rejected') expect(rec!.reason).toMatch(/\S/);
        else
          expect(
            (await ddb.send(new GetCommand({ TableName: table, Key: { PK: `COMPLAINT#${rec!.reference}`, SK: 'META' }, ConsistentRead: true }))).Item,
          ).toMatchObject({ reference: rec!.reference, channel: 'email' });
      }),
      { numRuns: runs(Math.ceil(RUNS / 4)) },
    );
  }, 240_000);
}

describe('mail through the SMTP intake', () => {
  mutatedThroughSmtp('our own messages mutated', ownMailFixtures);
});

describe.skipIf(!HAS_SHARED)(publicCorpus('mail through the SMTP intake'), () => {
  mutatedThroughSmtp('mutated real messages', mailFixtures);
});

describe('regressions (seeds the properties found)', () => {
  it("a path with broken percent-encoding is the client's error: 400, not 500 (seed 717344471)", async () => {
    for (const path of ['/api/complaints/%', '/api/complaints/%E0%A4%A', '/api/complaints/%ZZ/callback', '/api/staff/complaints/%C0']) {
      const a = await send(path.endsWith('callback') ? 'POST' : 'GET', path, { headers: { authorization: `Bearer ${await j.token('quinn')}` } });
      expect(a.status, path).toBe(400);
      expect(a.json).toEqual({ message: 'Bad Request' });
    }
  });

  it('?team= of the team queue is a department name: anything else is a 400 naming it', async () => {
    const a = await send('GET', `/api/staff/tasks/team?team=${'x'.repeat(5000)}`, { headers: { authorization: `Bearer ${await j.token('quinn')}` } });
    expect(a.status).toBe(400);
    expect(a.json.fields).toEqual([{ field: 'team', message: expect.stringMatching(/100/) }]);
    expect((await send('GET', '/api/staff/tasks/team?team=cards', { headers: { authorization: `Bearer ${await j.token('quinn')}` } })).status).toBe(200);
  });

  it('an amount DynamoDB cannot store (5e-324) is a 400 naming it, not a 500 (found by the soak run, PROPERTY_SOAK=4)', async () => {
    for (const value of [5e-324, 1e-131, 0.00001]) {
      const a = await send('POST', '/api/complaints', {
        body: JSON.stringify({ ...freshComplaint(), amount: { value, currency: 'CNY' } }),
        contentType: 'application/json',
      });
      expect(a.status, String(value)).toBe(400);
      expect(a.json.fields).toEqual([{ field: 'amount.value', message: 'must be an amount with at most 4 decimal places' }]);
    }
    expect(
      (
        await send('POST', '/api/complaints', {
          body: JSON.stringify({ ...freshComplaint(), amount: { value: 1234.5678, currency: 'CNY' } }),
          contentType: 'application/json',
        })
      ).status,
    ).toBe(201);
  });
});
