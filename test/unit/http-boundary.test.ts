import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateAccessCode, hashAccessCode, verifyAccessCode } from '../../functions/domain/access-code.ts';
import { formatReference, isReference } from '../../functions/domain/reference.ts';
import { fieldIssues } from '../../functions/contract/validation.ts';
import { errorToResponse } from '../../functions/http/http-handler.ts';
import { SubmitComplaintRequest } from '../../functions/contract/submit-complaint.schema.ts';
import { ConflictError, ValidationError } from '../../functions/shared/errors.ts';
import { toEvent } from '../../local/host/http-adapter.ts';
import { FIXTURES, OWN_FIXTURES, HAS_SHARED, publicCorpus } from '../support/shared.ts';

const readEvent = (dir: string) => JSON.parse(readFileSync(join(dir, 'events', 'apiGatewayProxyV2Event.json'), 'utf8'));

function keysDeep(o: unknown, prefix = ''): string[] {
  if (!o || typeof o !== 'object' || Array.isArray(o)) return [];
  return Object.entries(o).flatMap(([k, v]) => [prefix + k, ...keysDeep(v, `${prefix}${k}.`)]);
}

/**
 * The local adapter's event for a request, against an HTTP API payload v2.0 event: the same
 * shape, and the query string and cookies read as API Gateway reads them. `request` is the
 * request the fixture's event was made from; `route` its route's path.
 */
function sameAsApiGateway(
  readFixture: () => any,
  request: { url: string; headers: Record<string, string>; body: string; route: string; params: Record<string, string> },
) {
  let fixture: any;
  let event: ReturnType<typeof toEvent>;
  beforeAll(() => {
    fixture = readFixture();
    const req = {
      method: 'POST',
      url: request.url,
      httpVersion: '1.1',
      headers: request.headers,
      socket: { remoteAddress: '127.0.0.1' },
    } as unknown as IncomingMessage;
    event = toEvent(
      req,
      Buffer.from(request.body),
      {
        spec: { operationId: 'x', method: 'POST', path: request.route, fn: 'SubmitComplaint', auth: 'public' },
        regex: /x/,
        params: [],
      },
      request.params,
    );
  });

  it('has the shape of the HTTP API payload v2.0 fixture (apart from mTLS, authorizer and stage variables)', () => {
    const optionalOnAws = /^(requestContext\.authentication|requestContext\.authorizer|stageVariables)|^(headers|queryStringParameters|pathParameters)\./;
    const expected = keysDeep(fixture).filter((k) => !optionalOnAws.test(k));
    expect(keysDeep(event)).toEqual(expect.arrayContaining(expected));
    const fixtureKeys = keysDeep(fixture);
    for (const k of keysDeep(event).filter((k) => !optionalOnAws.test(k))) expect(fixtureKeys).toContain(k);
  });

  it('joins repeated query parameters with commas and splits cookies as API Gateway does', () => {
    expect(event.queryStringParameters).toEqual(fixture.queryStringParameters);
    expect(event.rawQueryString).toBe(fixture.rawQueryString);
    expect(event.cookies).toEqual(fixture.cookies);
    expect(event.routeKey).toBe(`POST ${request.route}`);
    expect(event.body).toBe(request.body);
    expect(event.isBase64Encoded).toBe(false);
  });
}

describe('local API Gateway event, against our own HTTP API v2 event (test/fixtures/events)', () => {
  sameAsApiGateway(() => readEvent(OWN_FIXTURES), {
    url: '/api/complaints/CN-2026-000123/callback?lang=zh-CN&channel=web&channel=app',
    route: '/api/complaints/{reference}/callback',
    params: { reference: 'CN-2026-000123' },
    headers: {
      host: 'complaints.bank.example.cn',
      'content-type': 'application/json',
      'user-agent': 'Mozilla/5.0 (complaint form)',
      cookie: 'session=7d1c2e; consent=yes',
      'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8',
    },
    body: '{"satisfaction": 2, "comment": "退款还没有到账"}',
  });

  it('is the event of the route it names', () => {
    const fixture = readEvent(OWN_FIXTURES);
    expect([fixture.version, fixture.routeKey, fixture.requestContext.routeKey, fixture.requestContext.http.method]).toEqual([
      '2.0',
      'POST /api/complaints/{reference}/callback',
      'POST /api/complaints/{reference}/callback',
      'POST',
    ]);
    expect(fixture.pathParameters).toEqual({ reference: 'CN-2026-000123' });
  });
});

describe.skipIf(!HAS_SHARED)(publicCorpus('local API Gateway event'), () => {
  sameAsApiGateway(() => readEvent(FIXTURES), {
    url: '/my/path?parameter1=value1&parameter1=value2&parameter2=value',
    route: '/my/{parameter1}',
    params: { parameter1: 'path' },
    headers: { host: 'localhost:3000', 'content-type': 'application/json', 'user-agent': 'agent', cookie: 'cookie1; cookie2', header2: 'value1,value2' },
    body: '{"message": "hello world"}',
  });
});

describe('errors to HTTP, in one place', () => {
  it('maps named errors to their status and never leaks a stack trace', () => {
    expect(errorToResponse(new ValidationError([{ field: 'a', message: 'is required' }])).statusCode).toBe(400);
    expect(errorToResponse(new ConflictError('taken')).statusCode).toBe(409);
    const unknown = errorToResponse(new TypeError('secret detail at /work/x.ts:1'));
    expect(unknown.statusCode).toBe(500);
    expect(unknown.body).not.toContain('secret detail');
  });

  it('names each invalid field by its path', () => {
    const r = SubmitComplaintRequest.safeParse({ complainant: { age: -1, contact: { email: 'x' } }, matter: { description: '' }, extra: true });
    expect(r.success).toBe(false);
    const issues = fieldIssues(r.error!.issues as never);
    expect(issues.map((i) => i.field)).toEqual(expect.arrayContaining(['complainant.age', 'complainant.contact.email', 'matter.description', 'extra']));
  });

  it('names a key with nothing visible in quotes (found by the HTTP property test: {"": ""} named the field "")', () => {
    const unknown = (body: unknown) =>
      fieldIssues(SubmitComplaintRequest.safeParse(body).error!.issues as never).filter((i) => i.message === 'is not a known field');
    expect(unknown({ '': '' })).toEqual([{ field: '""', message: 'is not a known field' }]);
    expect(unknown({ ' ': 1, matter: { '\t': 1 } })).toEqual(
      expect.arrayContaining([
        { field: '" "', message: 'is not a known field' },
        { field: 'matter."\\t"', message: 'is not a known field' },
      ]),
    );
  });
});

describe('references and access codes', () => {
  it('formats readable references', () => {
    expect(formatReference('CN', 2026, 123)).toBe('CN-2026-000123');
    expect(isReference('CN-2026-000123')).toBe(true);
    expect(isReference('CN-2026-12')).toBe(false);
  });

  it('verifies only the right code, forgiving case, dashes and look-alike letters', () => {
    const code = generateAccessCode();
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    const hash = hashAccessCode(code, 'salt');
    expect(verifyAccessCode(code, 'salt', hash)).toBe(true);
    expect(verifyAccessCode(code.toLowerCase().replace('-', ' '), 'salt', hash)).toBe(true);
    expect(verifyAccessCode(code, 'other-salt', hash)).toBe(false);
    expect(verifyAccessCode(undefined, 'salt', hash)).toBe(false);
    const fixed = generateAccessCode(() => Buffer.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 31]));
    expect(fixed).toBe('01234-5678Z');
    expect(verifyAccessCode('o1234-5678z', 'salt', hashAccessCode(fixed, 'salt'))).toBe(true);
  });
});
