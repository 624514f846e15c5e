/**
 * Hostile input at the HTTP boundary, property-based (fast-check): every request schema, the
 * one middy chain (body size, content type, JSON, validation, errorToResponse) invoked with
 * synthesized API Gateway v2 events, and the submit use case behind it with in-memory fakes.
 * The property: a clear 4xx naming the wrong field, or a success - never a 5xx, never a
 * throw - and nothing written for a rejected request.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ZodType } from 'zod';
import type { AttachmentStore } from '../../functions/domain/ports.ts';
import { REGIONS } from '../../functions/domain/regions.ts';
import { fieldIssues, parseOrThrow } from '../../functions/contract/validation.ts';
import { customerReference, errorToResponse, httpHandler, readBody } from '../../functions/http/http-handler.ts';
import { AttachmentUploadRequest } from '../../functions/contract/attachment.schema.ts';
import { textProblem } from '../../functions/domain/text.ts';
import { ComplaintStatusParams, CustomerCallbackRequest } from '../../functions/contract/complaint-status.schema.ts';
import { ReferenceParams } from '../../functions/contract/staff.schema.ts';
import { SubmitComplaintRequest } from '../../functions/contract/submit-complaint.schema.ts';
import { STAFF_OPERATION_SPECS } from '../../functions/http/staff-operations.ts';
import { ManualClock } from '../../functions/shared/clock.ts';
import {
  AppError,
  ConflictError,
  ForbiddenError,
  IdempotencyMismatchError,
  NotFoundError,
  PayloadTooLargeError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../../functions/shared/errors.ts';
import { submitComplaint } from '../../functions/use-cases/intake/submit-complaint.ts';
import { FakeRepository, FakeWorkflow } from '../support/fakes.ts';
import { minimalPdf } from '../support/files.ts';
import {
  contentTypes,
  deeplyNested,
  hostileJson,
  hostileString,
  malformedBodies,
  mutate,
  mutations,
  namesMutatedField,
  oddString,
  runs,
} from '../support/hostile-arbitraries.ts';
import { FIXTURES, OWN_FIXTURES, HAS_SHARED, publicCorpus } from '../support/shared.ts';
import { productionCalendar } from '../support/calendars.ts';

const RUNS = 150;
const UPLOADED = 'uploads/2026-03-02/0b7c1c43-5f5e-4c5b-9d52-1a3e1f0e2a11';
/** The uploaded file: a real PDF (the whole file is checked, issue 16 #7), under any upload key. */
const STATEMENT = minimalPdf();

const validComplaint = {
  language: 'en',
  complainant: { name: 'Li Wei', gender: 'male', age: 40, contact: { email: 'li.wei@example.com', phone: '+86 138 0000 0000', address: '1 Bank Road' } },
  target: { department: 'cards', staffMember: 'Counter 3' },
  matter: { description: 'I was charged an annual fee I never agreed to', cause: 'Fee', demand: 'Refund' },
  occurredAt: '2026-02-27',
  place: 'Branch',
  businessLine: 'cards',
  amount: { value: 120.5, currency: 'CNY' },
  consent: { personalData: true },
  attachments: [{ key: UPLOADED, name: 'statement.pdf', contentType: 'application/pdf', size: STATEMENT.length }],
};

/** A valid body of every staff operation that takes one (a new operation must add its example here). */
const VALID_STAFF_BODIES: Record<string, unknown> = {
  createStaffComplaint: { channel: 'phone', complaint: validComplaint },
  correctClassification: { nature: 'product', urgency: 'general', riskLevel: 'low', priority: 'P3' },
  completeInvestigation: { rootCause: 'Processor fault', responsiblePeople: 'Card ops', correctiveMeasures: 'Refunded', correctionResult: 'Customer refunded' },
  submitHandlingPlan: {
    departments: [
      { department: 'cards', duty: 'Refund', dueAt: '2026-03-05T09:00:00Z' },
      { department: 'retail', duty: 'Check', dueAt: '2026-03-06T09:00:00+08:00' },
    ],
  },
  submitReply: { outcome: { result: 'upheld' }, subject: 'Your complaint', text: 'We refunded the fee.', cfpbResponse: 'closed-with-monetary-relief' },
  approveReply: { approve: true, comment: 'Fine' },
  withdrawReply: { reason: 'I will add the refund' },
  requestExtension: { reason: 'Waiting for the card scheme' },
  decideExtension: { approve: false, comment: 'No' },
  pauseClock: { reason: 'External appraisal' },
  recordCallback: { satisfaction: 4, comment: 'Thanks' },
  recordCall: { messageId: 'MSG#2026-03-02T01:00:00.000Z#0', outcome: 'reached', note: 'Spoke to the customer' },
  restrictCustomer: { reason: 'Abusive language', until: '2026-06-30' },
  reassign: { assignee: 'leo', team: 'loans' },
  eraseCustomerData: { basis: 'gdpr-art-17', request: 'DP-2026-001' },
  mergeComplaint: { into: 'CN-2026-000001' },
  linkComplaint: { to: 'CN-2026-000001' },
  recordOutcome: { result: 'partly-upheld', note: 'Fee refunded, no compensation' },
  addRedress: { amountMinor: 2500, currency: 'GBP', kind: 'fees-refund', paidAt: '2026-03-05T09:00:00Z', note: 'Annual fee' },
  recordReferral: {
    body: 'mediation',
    organisation: 'Shanghai Financial Mediation Centre',
    externalReference: 'M-1',
    referredAt: '2026-03-05T09:00:00Z',
    dueAt: '2026-04-05T09:00:00Z',
  },
  recordReferralOutcome: { referralId: 'F1', result: 'settled', note: 'Agreed' },
  setVulnerability: { kinds: ['health'], adjustments: ['Large print letters'], causedByFailureToRespond: false },
  createCorrectiveAction: { description: 'Fix the fee rule', owner: 'hana', dueAt: '2026-04-30T09:00:00Z', category: 'product' },
  updateCorrectiveAction: { id: 'CA-1', evidence: 'Release 42', close: true },
  setRegulatoryClass: { uk: { productGroup: 'banking-credit-cards', cause: 'charges-fees' } },
  startDrill: { scenario: 'major-emergency-start', participants: ['sam', 'mia'], disposal: 'archive' },
  closeDrill: {
    notes: [{ by: 'sam', text: 'The emergency start was late' }],
    actions: [{ description: 'Brief the cards desk on major complaints', owner: 'mia', dueAt: '2026-04-01T09:00:00Z', category: 'drill' }],
    outcomes: [{ staffId: 'sam', outcome: 'passed' }],
  },
  generatePeriodicReview: { period: '2026-Q1' },
  recordLiveEvaluation: {
    riskLevel: 'high',
    progress: 'at-risk',
    findings: 'A press enquiry came in',
    decision: 'adjust',
    changes: 'Refund first, investigate after',
    nextStepOwner: 'hana',
  },
  putCalendarYear: {
    year: 2027,
    status: 'confirmed',
    source: { title: 'A notice on the 2027 holiday arrangements (test example)', date: '2026-11-20', url: 'https://www.example.gov/notice-2027' },
    extraHolidays: ['2027-02-08', '2027-02-09'],
    extraWorkingDays: ['2027-02-06'],
    expectedVersion: 0,
  },
};

/** Every request schema of the API with a valid example; `rootRule`: it has a rule over the whole body. */
const BOUNDARIES: { name: string; schema: ZodType; valid: unknown; rootRule?: boolean }[] = [
  { name: 'submitComplaint', schema: SubmitComplaintRequest, valid: validComplaint },
  { name: 'createAttachmentUpload', schema: AttachmentUploadRequest, valid: { name: 'statement.pdf', contentType: 'application/pdf', size: 1234 } },
  { name: 'submitCustomerCallback', schema: CustomerCallbackRequest, valid: { satisfaction: 2, comment: 'Too slow' } },
  ...Object.entries(STAFF_OPERATION_SPECS)
    .filter(([, s]) => s.body)
    .map(([name, s]) => ({
      name,
      schema: s.body as ZodType,
      valid: VALID_STAFF_BODIES[name],
      rootRule: name === 'correctClassification' || name === 'reassign' || name === 'setRegulatoryClass',
    })),
];

describe('every request schema, against mutations of a valid request', () => {
  it('has a valid example for every boundary', () => {
    for (const b of BOUNDARIES) expect(b.schema.safeParse(b.valid).success, b.name).toBe(true);
  });

  it.each(BOUNDARIES.map((b) => [b.name, b] as const))(
    '%s: never throws; a rejection names the field that is wrong',
    (_name, b) => {
      fc.assert(
        fc.property(mutations(b.valid), (m) => {
          const value = mutate(b.valid, m);
          const r = b.schema.safeParse(value);
          if (r.success) return;
          const issues = fieldIssues(r.error.issues as never);
          expect(issues.length).toBeGreaterThan(0);
          for (const i of issues) {
            expect(typeof i.field).toBe('string');
            expect(i.message.length).toBeGreaterThan(0);
          }
          expect(
            issues.some((i) => namesMutatedField(i.field, m, b.rootRule)),
            `${JSON.stringify(issues)} for ${JSON.stringify(m).slice(0, 300)}`,
          ).toBe(true);
        }),
        { numRuns: runs(RUNS) },
      );
    },
    120_000, // a limit, not a speed check: generous for a busy machine (issue 23)
  );

  it.each(BOUNDARIES.map((b) => [b.name, b] as const))(
    '%s: any JSON value at all is parsed or refused with field messages',
    (_name, b) => {
      fc.assert(
        fc.property(fc.oneof(hostileJson(), deeplyNested()), (value) => {
          const r = b.schema.safeParse(value);
          if (!r.success) expect(fieldIssues(r.error.issues as never).length).toBeGreaterThan(0);
        }),
        { numRuns: runs(100) },
      );
    },
    120_000,
  );
});

describe('free text', () => {
  it('accepts what people type and refuses what no one types, naming the field', () => {
    fc.assert(
      fc.property(oddString(30), (s) => {
        const r = SubmitComplaintRequest.safeParse({ ...validComplaint, matter: { description: s } });
        const trimmed = s.trim();
        const wrong = trimmed.length === 0 || trimmed.length > 50_000 || textProblem(trimmed) !== undefined;
        expect(r.success).toBe(!wrong);
        if (!r.success) expect(fieldIssues(r.error.issues as never).map((i) => i.field)).toEqual(['matter.description']);
        else expect(r.data.matter.description).toBe(trimmed); // accepted text is kept as sent (trimmed), not rewritten
      }),
      { numRuns: runs(300) },
    );
  });

  it('refuses lone surrogates, control characters and invisible-only text with the reason', () => {
    const issue = (description: string) => fieldIssues(SubmitComplaintRequest.safeParse({ ...validComplaint, matter: { description } }).error!.issues as never);
    expect(issue('fee \uD800 refund')).toEqual([{ field: 'matter.description', message: 'must be valid Unicode text (it has an unpaired surrogate)' }]);
    expect(issue('fee\u0000refund')).toEqual([{ field: 'matter.description', message: 'must not contain control characters' }]);
    expect(issue('\u200B\u200D\u202E')).toEqual([{ field: 'matter.description', message: 'must contain visible text' }]);
    // What people do type stays valid: emoji, RTL text, line breaks and tabs, full-width, combining accents.
    for (const ok of ['😀 fee', 'שלום\u200F', 'line 1\r\nline\t2', 'ＡＴＭ 吞卡', 'cafe\u0301', '👨‍👩‍👧']) {
      expect(SubmitComplaintRequest.safeParse({ ...validComplaint, matter: { description: ok } }).success, ok).toBe(true);
    }
  });
});

describe('amounts', () => {
  it('are sums of money DynamoDB can store: at most 4 decimal places (5e-324 reached DynamoDB and was a 500)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double({ min: 0, max: 1e13, noNaN: true }), fc.constantFrom(5e-324, 1e-320, 1e-131, 1e-7, 0.1 + 0.2)), (value) => {
        const r = SubmitComplaintRequest.safeParse({ ...validComplaint, amount: { value, currency: 'CNY' } });
        // What is accepted has a plain decimal form with at most 4 decimals, so its magnitude is 0 or at least 0.0001.
        if (r.success) expect(value === 0 || value >= 1e-4).toBe(true);
        else expect(fieldIssues(r.error.issues as never).map((i) => i.field)).toEqual(['amount.value']);
      }),
      { numRuns: runs(RUNS) },
    );
    for (const ok of [0, 120.5, 0.29, 1234.5678, 1e13])
      expect(SubmitComplaintRequest.safeParse({ ...validComplaint, amount: { value: ok, currency: 'CNY' } }).success, String(ok)).toBe(true);
    for (const bad of [5e-324, 1e-131, 0.00001, 1.23456])
      expect(SubmitComplaintRequest.safeParse({ ...validComplaint, amount: { value: bad, currency: 'CNY' } }).success, String(bad)).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------
// The middy chain, with the submit use case on fakes

const readEvent = (dir: string) => JSON.parse(readFileSync(join(dir, 'events', 'apiGatewayProxyV2Event.json'), 'utf8')) as APIGatewayProxyEventV2;
/** Our own HTTP API payload v2.0 event (test/fixtures/events): what synthesized events start from, unless told otherwise. */
const OWN_EVENT = readEvent(OWN_FIXTURES);
const lambdaContext = {
  functionName: 'SubmitComplaint',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:cn-north-1:000000000000:function:SubmitComplaint',
  memoryLimitInMB: '256',
  awsRequestId: 'req-1',
  logGroupName: 'g',
  logStreamName: 's',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} as Context;

interface RawRequest {
  body?: string | Uint8Array;
  contentType?: string;
  contentTypeHeader: string;
  base64: boolean;
  idempotencyKey?: string;
}

function toEvent(r: RawRequest, routeKey = 'POST /api/complaints', fixtureEvent = OWN_EVENT): APIGatewayProxyEventV2 {
  const bytes = r.body === undefined ? undefined : typeof r.body === 'string' ? Buffer.from(r.body, 'utf8') : Buffer.from(r.body);
  const headers: Record<string, string> = { host: 'api.example.com' };
  if (r.contentType !== undefined) headers[r.contentTypeHeader] = r.contentType;
  if (r.idempotencyKey !== undefined) headers['Idempotency-Key'] = r.idempotencyKey;
  return {
    ...structuredClone(fixtureEvent),
    routeKey,
    rawPath: '/api/complaints',
    headers,
    cookies: undefined,
    queryStringParameters: undefined,
    pathParameters: undefined,
    requestContext: { ...structuredClone(fixtureEvent.requestContext), routeKey, authorizer: undefined } as never,
    ...(bytes === undefined
      ? { body: undefined, isBase64Encoded: false }
      : { body: r.base64 ? bytes.toString('base64') : bytes.toString('utf8'), isBase64Encoded: r.base64 }),
  };
}

class FakeUploads implements AttachmentStore {
  async presignUpload(): Promise<never> {
    throw new Error('not used');
  }
  async head(key: string) {
    return key.startsWith('uploads/2026-03-02/') ? { size: STATEMENT.length, contentType: 'application/pdf' } : undefined;
  }
  async put() {
    throw new Error('not used');
  }
  async get(key: string) {
    return key.startsWith('uploads/2026-03-02/') ? STATEMENT : undefined;
  }
}

function submitSetup() {
  const repo = new FakeRepository();
  const r = REGIONS.cn;
  const deps = {
    repo,
    workflow: new FakeWorkflow(),
    clock: new ManualClock(new Date('2026-03-02T01:00:00Z')),
    region: r,
    calendar: productionCalendar(r.name),
    attachments: () => new FakeUploads(),
    attachmentMaxBytes: 10 * 1024 * 1024,
  };
  // The chain of the SubmitComplaint handler, with the use case on fakes.
  const handler = httpHandler({ body: SubmitComplaintRequest, maxBodyBytes: () => 64 * 1024 }, async (req) => {
    const result = await submitComplaint(req.body, { channel: 'web', idempotencyKey: req.headers['idempotency-key'] }, deps);
    return { statusCode: result.statusCode, body: result.body };
  });
  const invoke = (e: APIGatewayProxyEventV2) => handler(e, lambdaContext) as Promise<APIGatewayProxyStructuredResultV2>;
  return { repo, invoke };
}

// Each its own upload too: one upload belongs to one complaint (issue 16 #7).
const uniqueCustomer = (() => {
  let n = 0;
  return () => ({
    ...validComplaint,
    complainant: { ...validComplaint.complainant, contact: { email: `c${++n}@example.com` } },
    attachments: [{ ...validComplaint.attachments[0], key: `uploads/2026-03-02/${String(n).padStart(8, '0')}-5f5e-4c5b-9d52-1a3e1f0e2a11` }],
  });
})();

const requestBodies = (): fc.Arbitrary<string | Uint8Array | undefined> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(null).map(() => JSON.stringify(uniqueCustomer())) },
    { weight: 6, arbitrary: mutations(validComplaint).map((m) => JSON.stringify(mutate(uniqueCustomer(), m))) },
    { weight: 2, arbitrary: malformedBodies() },
    { weight: 2, arbitrary: fc.oneof(hostileJson(), deeplyNested()).map((v) => JSON.stringify(v) ?? 'undefined') },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 60 * 1024, max: 200 * 1024 }).map((n) => JSON.stringify({ ...uniqueCustomer(), matter: { description: 'x'.repeat(n) } })),
    },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );

const rawRequests = (): fc.Arbitrary<RawRequest> =>
  fc.record({
    body: requestBodies(),
    contentType: fc.oneof({ weight: 4, arbitrary: fc.constant('application/json') }, { weight: 2, arbitrary: contentTypes() }),
    contentTypeHeader: fc.constantFrom('content-type', 'Content-Type', 'CONTENT-TYPE'),
    base64: fc.boolean(),
    idempotencyKey: fc.option(fc.constantFrom('key-0001-aaaa', 'key-0002-bbbb', 'key-0003-cccc'), { nil: undefined }),
  });

const ALLOWED = new Set([201, 400, 413, 415, 422]);

/** The chain's properties, on events synthesized from `base` (an HTTP API payload v2.0 event). */
function httpChainProperties(base: () => APIGatewayProxyEventV2) {
  it('answers a success or a clear 4xx, never a 5xx; a rejected request writes nothing', async () => {
    const { repo, invoke } = submitSetup();
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(rawRequests(), async (raw) => {
        const before = { complaints: repo.complaints.size, keys: repo.idempotency.size, histories: [...repo.histories.values()].flat().length };
        const res = await invoke(toEvent(raw, undefined, base()));
        seen.set(res.statusCode!, (seen.get(res.statusCode!) ?? 0) + 1);
        expect(ALLOWED.has(res.statusCode!), `${res.statusCode} ${res.body}`).toBe(true);
        expect(res.headers?.['content-type']).toMatch(/^application\/json/);
        const body = JSON.parse(res.body!);
        if (res.statusCode! >= 400) {
          expect(body).toMatchObject({ error: expect.stringMatching(/^[a-z]+(_[a-z]+)*$/), message: expect.stringMatching(/\S/) });
          expect(res.body).not.toMatch(/at .*\.ts:\d+|node_modules/); // never a stack trace
          if (res.statusCode === 400) {
            expect(body.fields.length).toBeGreaterThan(0);
            for (const f of body.fields) expect(f).toEqual({ field: expect.stringMatching(/\S/), message: expect.stringMatching(/\S/) });
          }
          // Nothing half-written.
          expect(repo.complaints.size).toBe(before.complaints);
          expect(repo.idempotency.size).toBe(before.keys);
          expect([...repo.histories.values()].flat().length).toBe(before.histories);
        } else {
          const stored = repo.complaints.get(body.reference);
          expect(stored, 'a success names a stored complaint').toBeDefined();
        }
      }),
      { numRuns: runs(400) },
    );
    // The run reached every answer (not only the easy ones).
    for (const status of [201, 400, 413, 415]) expect(seen.get(status) ?? 0, `answers ${status}`).toBeGreaterThan(0);
  });

  it('keeps what it accepted exactly as the schema read it', async () => {
    const { repo, invoke } = submitSetup();
    await fc.assert(
      fc.asyncProperty(oddString(20), oddString(20), async (name, description) => {
        const body = { ...uniqueCustomer(), complainant: { ...uniqueCustomer().complainant, name }, matter: { description } };
        const res = await invoke(
          toEvent({ body: JSON.stringify(body), contentType: 'application/json', contentTypeHeader: 'content-type', base64: false }, undefined, base()),
        );
        const parsed = SubmitComplaintRequest.safeParse(body);
        expect(res.statusCode).toBe(parsed.success ? 201 : 400);
        if (parsed.success) {
          const stored = repo.complaints.get(JSON.parse(res.body!).reference)!;
          expect(stored.complainant.name).toBe(parsed.data.complainant.name);
          expect(stored.matter.description).toBe(parsed.data.matter.description);
        } else {
          expect(JSON.parse(res.body!).fields.every((f: { field: string }) => ['complainant.name', 'matter.description'].includes(f.field))).toBe(true);
        }
      }),
      { numRuns: runs(RUNS) },
    );
  });
}

describe('the HTTP chain of submitComplaint, with synthesized API Gateway events (from our own event)', () => {
  httpChainProperties(() => OWN_EVENT);
});

describe.skipIf(!HAS_SHARED)(publicCorpus('the HTTP chain of submitComplaint, with synthesized API Gateway events'), () => {
  let event: APIGatewayProxyEventV2;
  beforeAll(() => {
    event = readEvent(FIXTURES);
  });
  httpChainProperties(() => event);
});

// ---------------------------------------------------------------------------------------
// Error mapping, body reading and path parameters

const appErrors = (): fc.Arbitrary<AppError> =>
  fc
    .tuple(fc.integer({ min: 0, max: 9 }), hostileString())
    .map(([k, msg]) =>
      [
        () => new ValidationError([{ field: msg, message: msg }]),
        () => new PayloadTooLargeError(65_536),
        () => new UnsupportedMediaTypeError(),
        () => new NotFoundError(msg),
        () => new ConflictError(msg),
        () => new IdempotencyMismatchError(),
        () => new UnauthorizedError(msg),
        () => new ForbiddenError(msg),
        () => new ValidationError([], msg),
        () => new AppError(msg, 418, 'teapot'),
      ][k](),
    );

describe('errorToResponse', () => {
  it('maps every named error to its own 4xx with a JSON body, whatever its message', () => {
    fc.assert(
      fc.property(appErrors(), (e) => {
        const res = errorToResponse(e);
        expect(res.statusCode).toBe(e.statusCode);
        expect(JSON.parse(res.body!)).toMatchObject({ error: e.code, message: e.message });
      }),
      { numRuns: runs(RUNS) },
    );
  });

  it('answers anything else thrown with a 500 that reveals nothing, and never throws itself', () => {
    const thrown = fc.oneof(
      fc.anything(),
      hostileString().map((m) => new TypeError(`secret ${m}`)),
      hostileString().map((m) => Object.assign(new Error('secret'), { name: m, stack: m })),
      fc.constant(Object.create(null)),
    );
    fc.assert(
      fc.property(thrown, (e) => {
        fc.pre(!(e instanceof AppError));
        const res = errorToResponse(e);
        expect(res.statusCode).toBe(500);
        expect(JSON.parse(res.body!)).toEqual({ error: 'internal_error', message: 'Something went wrong on our side; nothing was lost. Please try again.' });
        expect(res.body).not.toContain('secret');
      }),
      { numRuns: runs(RUNS) },
    );
  });
});

describe('readBody and path parameters', () => {
  it('reads a body or refuses it with 400, 413 or 415 - nothing else', () => {
    fc.assert(
      fc.property(rawRequests(), fc.integer({ min: 16, max: 128 * 1024 }), (raw, max) => {
        const e = toEvent(raw);
        // The header normaliser has lower-cased the header by the time readBody runs.
        e.headers = Object.fromEntries(Object.entries(e.headers).map(([k, v]) => [k.toLowerCase(), v]));
        try {
          readBody(e, max);
        } catch (err) {
          expect(err).toBeInstanceOf(AppError);
          expect([400, 413, 415]).toContain((err as AppError).statusCode);
        }
      }),
      { numRuns: runs(300) },
    );
  });

  it('answers any customer path reference it cannot read as an unknown one (404), and staff ones with 400', () => {
    const refs = fc.oneof(hostileString(), fc.stringMatching(/^[A-Z]{2}-\d{4}-\d{6,8}$/), fc.constant(undefined));
    fc.assert(
      fc.property(refs, (reference) => {
        const params = { reference };
        const ok = typeof reference === 'string' && /^[A-Z]{2}-\d{4}-\d{6,}$/.test(reference);
        if (ok) {
          expect(customerReference(params, ComplaintStatusParams)).toBe(reference);
          expect(parseOrThrow(ReferenceParams, params).reference).toBe(reference);
        } else {
          expect(() => customerReference(params, ComplaintStatusParams)).toThrow(NotFoundError);
          expect(() => parseOrThrow(ReferenceParams, params)).toThrow(ValidationError);
        }
      }),
      { numRuns: runs(300) },
    );
  });
});
