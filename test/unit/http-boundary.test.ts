import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { generateAccessCode, hashAccessCode, verifyAccessCode } from '../../functions/domain/access-code.ts';
import { formatReference, isReference } from '../../functions/domain/reference.ts';
import { errorToResponse, fieldIssues } from '../../functions/http/http-handler.ts';
import { SubmitComplaintRequest } from '../../functions/http/schemas/submit-complaint.schema.ts';
import { ConflictError, ValidationError } from '../../functions/shared/errors.ts';
import { toEvent } from '../../local/http-adapter.ts';
import { FIXTURES } from '../support/shared.ts';

const fixture = JSON.parse(readFileSync(join(FIXTURES, 'events', 'apiGatewayProxyV2Event.json'), 'utf8'));

function keysDeep(o: unknown, prefix = ''): string[] {
  if (!o || typeof o !== 'object' || Array.isArray(o)) return [];
  return Object.entries(o).flatMap(([k, v]) => [prefix + k, ...keysDeep(v, `${prefix}${k}.`)]);
}

describe('local API Gateway event', () => {
  const req = {
    method: 'POST', url: '/my/path?parameter1=value1&parameter1=value2&parameter2=value', httpVersion: '1.1',
    headers: { host: 'localhost:3000', 'content-type': 'application/json', 'user-agent': 'agent', cookie: 'cookie1; cookie2', header2: 'value1,value2' },
    socket: { remoteAddress: '127.0.0.1' },
  } as unknown as IncomingMessage;
  const event = toEvent(req, Buffer.from('{"message": "hello world"}'), {
    spec: { operationId: 'x', method: 'POST', path: '/my/{parameter1}', fn: 'SubmitComplaint', auth: 'public' }, regex: /x/, params: [],
  }, { parameter1: 'path' });

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
    expect(event.routeKey).toBe('POST /my/{parameter1}');
    expect(event.body).toBe('{"message": "hello world"}');
    expect(event.isBase64Encoded).toBe(false);
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
