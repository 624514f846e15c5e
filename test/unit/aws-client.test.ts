/**
 * The functions' AWS client layer (functions/aws/): SigV4 against AWS's published test vectors
 * and against the AWS SDK's own signer, endpoints from the environment as the SDK resolves
 * them, errors named by their AWS code, the SDK's retry rules (a fake random source and sleep),
 * and what goes on the wire (a loopback server standing in for DynamoDB and S3).
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DocumentClient, isTransactionCanceled } from '../../functions/aws/dynamodb.ts';
import { isAwsError, jsonError, xmlError } from '../../functions/aws/errors.ts';
import { backoffMs, classify, RetryQuota, withRetries } from '../../functions/aws/retry.ts';
import { S3 } from '../../functions/aws/s3.ts';
import { credentialsFromEnv, presignUrl, resolveEndpoint, signRequest } from '../../functions/aws/signed-request.ts';

const EXAMPLE = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

/** node:crypto as the SDK signer's hash constructor. */
type Bytes = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: Bytes): string | Uint8Array => (typeof d === 'string' ? d : d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
class Sha256 {
  private readonly h;
  constructor(secret?: Bytes) { this.h = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256'); }
  update(data: Bytes) { this.h.update(bytes(data)); }
  async digest() { return new Uint8Array(this.h.digest()); }
}


afterEach(() => { vi.unstubAllEnvs(); });

describe('SigV4 signing', () => {
  it('matches the AWS SigV4 test suite (get-vanilla)', () => {
    const { headers } = signRequest({
      method: 'GET', host: 'example.amazonaws.com', path: '/', headers: {}, service: 'service', region: 'us-east-1', credentials: EXAMPLE, now: new Date('2015-08-30T12:36:00Z'),
    });
    expect(headers.Authorization).toBe('AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, '
      + 'Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31');
  });

  it('matches the S3 documentation\'s presigned URL example', () => {
    const url = presignUrl({
      method: 'GET', protocol: 'https:', host: 'examplebucket.s3.amazonaws.com', path: '/test.txt', headers: {}, service: 's3', region: 'us-east-1',
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }, now: new Date('2013-05-24T00:00:00Z'), expiresIn: 86400,
    });
    const u = new URL(url);
    expect(u.searchParams.get('X-Amz-Signature')).toBe('aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404');
    expect(u.searchParams.get('X-Amz-Credential')).toBe('AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request');
  });

  it('signs a DynamoDB call with a session token as the AWS SDK\'s signer does', async () => {
    const credentials = { ...EXAMPLE, sessionToken: 'token/with+chars=' };
    const now = new Date('2026-03-01T09:15:42Z');
    const body = JSON.stringify({ TableName: 't', Key: { PK: { S: 'COMPLAINT#CN-2026-000001' } } });
    const headers = { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'DynamoDB_20120810.GetItem' };
    const ours = signRequest({ method: 'POST', host: 'dynamodb.cn-north-1.amazonaws.com.cn', path: '/', headers, body, service: 'dynamodb', region: 'cn-north-1', credentials, now });
    // (applyChecksum off: the SDK's DynamoDB client sends no x-amz-content-sha256 either.)
    const sdk = await new SignatureV4({ service: 'dynamodb', region: 'cn-north-1', credentials, sha256: Sha256, applyChecksum: false }).sign({
      method: 'POST', protocol: 'https:', hostname: 'dynamodb.cn-north-1.amazonaws.com.cn', path: '/', body,
      headers: { ...headers, host: 'dynamodb.cn-north-1.amazonaws.com.cn', 'content-length': String(Buffer.byteLength(body)) },
    }, { signingDate: now });
    expect(ours.headers['X-Amz-Security-Token']).toBe(credentials.sessionToken);
    expect(ours.headers.Authorization).toBe(sdk.headers.authorization);
  });

  it('signs an S3 PUT of a key with spaces, slashes and unicode as the SDK does (path encoded once, payload hashed)', async () => {
    const now = new Date('2026-03-01T09:15:42Z');
    const body = Buffer.from('{"a":1}');
    const path = `/complaints-archive/${'staging/CN-2026-000001/H#2026-03-01 x (1) é.json'.split('/').map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)).join('/')}`;
    const headers = { 'Content-Type': 'application/json', 'x-amz-meta-reference': 'CN-2026-000001' };
    const ours = signRequest({ method: 'PUT', host: '127.0.0.1:9000', path, headers, body, service: 's3', region: 'eu-west-2', credentials: EXAMPLE, now });
    const sdk = await new SignatureV4({ service: 's3', region: 'eu-west-2', credentials: EXAMPLE, sha256: Sha256, uriEscapePath: false }).sign({
      method: 'PUT', protocol: 'http:', hostname: '127.0.0.1', port: 9000, path, body,
      headers: { ...headers, host: '127.0.0.1:9000', 'content-length': String(body.length), 'x-amz-content-sha256': createHash('sha256').update(body).digest('hex') },
    }, { signingDate: now });
    expect(ours.path).toBe(path);
    expect(ours.headers['X-Amz-Content-Sha256']).toBe(createHash('sha256').update(body).digest('hex'));
    expect(ours.headers.Authorization).toBe(sdk.headers.authorization);
  });
});

describe('configuration from the environment, as Lambda and the SDK have it', () => {
  const ddb = { signingName: 'dynamodb', endpointPrefix: 'dynamodb', envId: 'DYNAMODB' };
  it('endpoints: AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL, unless ignored; else the regional endpoint of the partition', () => {
    expect(resolveEndpoint(ddb, 'eu-west-2', {}).href).toBe('https://dynamodb.eu-west-2.amazonaws.com/');
    expect(resolveEndpoint(ddb, 'cn-north-1', {}).href).toBe('https://dynamodb.cn-north-1.amazonaws.com.cn/');
    expect(resolveEndpoint({ signingName: 'ses', endpointPrefix: 'email', envId: 'SESV2' }, 'us-east-1', {}).href).toBe('https://email.us-east-1.amazonaws.com/');
    expect(resolveEndpoint(ddb, 'us-east-1', { AWS_ENDPOINT_URL: 'http://127.0.0.1:1', AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:2' }).href).toBe('http://127.0.0.1:2/');
    expect(resolveEndpoint(ddb, 'us-east-1', { AWS_ENDPOINT_URL: 'http://127.0.0.1:1', AWS_ENDPOINT_URL_SFN: 'http://127.0.0.1:3' }).href).toBe('http://127.0.0.1:1/');
    expect(resolveEndpoint(ddb, 'us-east-1', { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:2', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }).href).toBe('https://dynamodb.us-east-1.amazonaws.com/');
  });

  it('credentials: the three variables Lambda sets; none is an error', () => {
    expect(credentialsFromEnv({ AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 't' })).toEqual({ accessKeyId: 'a', secretAccessKey: 's', sessionToken: 't' });
    expect(credentialsFromEnv({ AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 's' })).toEqual({ accessKeyId: 'a', secretAccessKey: 's' });
    expect(() => credentialsFromEnv({})).toThrow(expect.objectContaining({ name: 'CredentialsProviderError' }));
  });
});

describe('errors named by their AWS code', () => {
  const json = (status: number, body: unknown, headers = {}) => jsonError(status, headers, Buffer.from(JSON.stringify(body)));
  it('AWS JSON: __type without its namespace; the other fields kept (CancellationReasons)', () => {
    const e = json(400, { __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException', message: 'The conditional request failed' }, { 'x-amzn-requestid': 'r1' });
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({ name: 'ConditionalCheckFailedException', message: 'The conditional request failed', $metadata: { httpStatusCode: 400, requestId: 'r1' }, $fault: 'client' });
    const t = json(400, { __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException', Message: 'Transaction cancelled', CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }] });
    expect(isTransactionCanceled(t)).toBe(true);
    expect(isTransactionCanceled(t) && t.CancellationReasons?.map((r) => r.Code)).toEqual(['None', 'ConditionalCheckFailed']);
    expect(t.message).toBe('Transaction cancelled');
    expect(json(400, { __type: 'com.amazon.coral.availability#ThrottlingException' }).name).toBe('ThrottlingException');
    expect(json(400, { __type: 'ExecutionAlreadyExists', message: 'x' }).name).toBe('ExecutionAlreadyExists');
  });

  it('REST JSON (SES): the x-amzn-errortype header first', () => {
    expect(json(429, { message: 'Maximum sending rate exceeded.' }, { 'x-amzn-errortype': 'TooManyRequestsException:http://internal.amazon.com/' }).name).toBe('TooManyRequestsException');
    expect(jsonError(502, {}, Buffer.from('<html>Bad gateway</html>')).$metadata.httpStatusCode).toBe(502);
  });

  it('S3: the XML Code; a HEAD without body by its status, as the SDK names it', () => {
    const e = xmlError(404, {}, Buffer.from('<?xml version="1.0"?><Error><Code>NoSuchKey</Code><Message>The specified key &amp; more does not exist.</Message></Error>'));
    expect(e).toMatchObject({ name: 'NoSuchKey', message: 'The specified key & more does not exist.' });
    expect(xmlError(404, {}, Buffer.alloc(0)).name).toBe('NotFound');
    expect(xmlError(403, {}, Buffer.alloc(0)).name).toBe('Forbidden');
    expect(isAwsError(e, 'NoSuchKey', 'NotFound')).toBe(true);
    expect(isAwsError(e, 'AccessDenied')).toBe(false);
    expect(isAwsError(new Error('x'))).toBe(false);
  });
});

describe('retries (the SDK\'s standard mode, 5 attempts)', () => {
  const aws = (name: string, status = 400) => jsonError(status, {}, Buffer.from(JSON.stringify({ __type: name })));
  it('classifies: throttling and transient errors are retried, nothing else', () => {
    for (const n of ['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException', 'SlowDown']) expect(classify(aws(n)), n).toBe('THROTTLING');
    expect(classify(aws('Anything', 429))).toBe('THROTTLING');
    for (const s of [500, 502, 503, 504]) expect(classify(aws('InternalServerError', s))).toBe('TRANSIENT');
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']) expect(classify(Object.assign(new Error('socket'), { code }))).toBe('TRANSIENT');
    expect(classify(aws('NotImplemented', 501))).toBe('SERVER_ERROR');
    for (const n of ['ConditionalCheckFailedException', 'TransactionCanceledException', 'ValidationException', 'ExecutionAlreadyExists']) expect(classify(aws(n)), n).toBe('CLIENT_ERROR');
    expect(classify(new TypeError('bug'))).toBe('CLIENT_ERROR');
  });

  it('backs off with full jitter: up to base x 2^n, base 1 s when throttled and 50 ms otherwise, capped at 20 s', () => {
    expect([0, 1, 2, 3].map((n) => backoffMs(n, 'THROTTLING', () => 0.999999))).toEqual([999, 1999, 3999, 7999]);
    expect([0, 1, 2, 3].map((n) => backoffMs(n, 'TRANSIENT', () => 0.5))).toEqual([25, 50, 100, 200]);
    expect(backoffMs(10, 'THROTTLING', () => 0.999999)).toBe(19999);
    expect(backoffMs(3, 'THROTTLING', () => 0)).toBe(0);
  });

  const run = async (errors: unknown[], quota = new RetryQuota()) => {
    const sleeps: number[] = [];
    let calls = 0;
    const outcome = await withRetries(async (n) => {
      calls++;
      expect(n).toBe(calls);
      if (calls <= errors.length) throw errors[calls - 1];
      return 'ok';
    }, quota, { maxAttempts: 5, random: () => 0.5, sleep: async (ms) => { sleeps.push(ms); } }).catch((e: Error) => e);
    return { outcome, calls, sleeps };
  };

  it('retries throttling, 5 attempts at most, then throws the last error with its attempts', async () => {
    const throttled = () => aws('ProvisionedThroughputExceededException');
    expect(await run([throttled(), throttled()])).toEqual({ outcome: 'ok', calls: 3, sleeps: [500, 1000] });
    const out = await run(Array.from({ length: 9 }, throttled));
    expect(out.calls).toBe(5);
    expect(out.sleeps).toEqual([500, 1000, 2000, 4000]);
    expect(out.outcome).toMatchObject({ name: 'ProvisionedThroughputExceededException', $metadata: { attempts: 5, httpStatusCode: 400 } });
  });

  it('retries 5xx and broken connections with the short base; never a client error', async () => {
    expect(await run([aws('InternalServerError', 500), Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })])).toEqual({ outcome: 'ok', calls: 3, sleeps: [25, 50] });
    const failed = await run([aws('ConditionalCheckFailedException')]);
    expect(failed.calls).toBe(1);
    expect(failed.sleeps).toEqual([]);
    expect(failed.outcome).toMatchObject({ name: 'ConditionalCheckFailedException', $metadata: { attempts: 1 } });
  });

  it('stops retrying when the client\'s quota is spent (a dependency that is down is not hammered), and refills it on success', async () => {
    const quota = new RetryQuota();
    const down = () => Array.from({ length: 9 }, () => aws('InternalServerError', 500));
    let calls = 0;
    while (quota.available >= 14) calls += (await run(down(), quota)).calls; // 14 tokens a retry, none given back
    expect(calls).toBeLessThan(45); // 500 / 14 = 35 retries, in 9 calls of at most 5 attempts
    expect((await run(down(), quota)).calls).toBe(1);
    // Throttling retries cost 5: still affordable; each success gives its cost back.
    const before = quota.available;
    expect((await run([aws('ThrottlingException')], quota)).outcome).toBe('ok');
    expect(quota.available).toBe(before);
    await run([], quota);
    expect(quota.available).toBe(before + 1);
  });
});

describe('on the wire (a loopback server in place of the service)', () => {
  let server: Server;
  let url: string;
  const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];
  type Answer = (req: IncomingMessage) => { status: number; headers?: Record<string, string>; body?: string };
  let answers: Answer[] = [];
  const ok: Answer = () => ({ status: 200, body: '{}' });
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const a = (answers.shift() ?? ok)(req);
        res.writeHead(a.status, a.headers ?? { 'content-type': 'application/x-amz-json-1.0' });
        res.end(a.body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => { server.closeAllConnections(); server.close(r); }));
  const options = () => ({ endpoint: url, region: 'cn-north-1', credentials: { accessKeyId: 'k', secretAccessKey: 's' }, retry: { sleep: async () => undefined } });

  it('DynamoDB: document-style items marshalled (undefined members removed) and unmarshalled back', async () => {
    seen.length = 0;
    answers = [() => ({ status: 200, body: JSON.stringify({ Items: [{ PK: { S: 'A' }, n: { N: '2' }, l: { L: [{ S: 'x' }] } }], LastEvaluatedKey: { PK: { S: 'A' }, SK: { S: 'B' } }, ConsumedCapacity: { CapacityUnits: 0.5 } }) })];
    const db = new DocumentClient(options());
    const out = await db.query({ TableName: 't', KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': 'A', ':gone': undefined }, ExclusiveStartKey: undefined, ReturnConsumedCapacity: 'TOTAL' });
    expect(out).toEqual({ Items: [{ PK: 'A', n: 2, l: ['x'] }], LastEvaluatedKey: { PK: 'A', SK: 'B' }, ConsumedCapacity: { CapacityUnits: 0.5 } });
    expect(seen[0].headers['x-amz-target']).toBe('DynamoDB_20120810.Query');
    expect(seen[0].headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(seen[0].headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=k\/\d{8}\/cn-north-1\/dynamodb\/aws4_request, SignedHeaders=[^,]*x-amz-target/);
    expect(JSON.parse(seen[0].body)).toEqual({ TableName: 't', KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': { S: 'A' } }, ReturnConsumedCapacity: 'TOTAL' });
  });

  it('DynamoDB: a transaction keeps one ClientRequestToken and invocation id over its retries; a cancelled one is thrown with its reasons', async () => {
    seen.length = 0;
    const fault = () => ({ status: 500, body: JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error' }) });
    const cancelled = () => ({ status: 400, body: JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException', Message: 'cancelled', CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' }] }) });
    answers = [fault, fault, cancelled];
    const db = new DocumentClient(options());
    const e = await db.transactWrite({ TransactItems: [
      { Put: { TableName: 't', Item: { PK: 'A', SK: 'B', tags: new Set(['x']), gone: undefined } } },
      { Update: { TableName: 't', Key: { PK: 'A', SK: 'C' }, UpdateExpression: 'SET #s = :s', ConditionExpression: '#s = :from', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': 'sent', ':from': 'queued' } } },
      { Delete: { TableName: 't', Key: { PK: 'A', SK: 'D' } } },
    ] }).catch((x: unknown) => x);
    expect(isTransactionCanceled(e) && e.CancellationReasons?.[1]).toEqual({ Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' });
    expect(seen.map((s) => s.headers['amz-sdk-request'])).toEqual(['attempt=1; max=5', 'attempt=2; max=5', 'attempt=3; max=5']);
    expect(new Set(seen.map((s) => s.headers['amz-sdk-invocation-id'])).size).toBe(1);
    const bodies = seen.map((s) => JSON.parse(s.body));
    expect(new Set(bodies.map((b) => b.ClientRequestToken)).size).toBe(1);
    expect(bodies[0].ClientRequestToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(bodies[0].TransactItems).toEqual([
      { Put: { TableName: 't', Item: { PK: { S: 'A' }, SK: { S: 'B' }, tags: { SS: ['x'] } } } },
      { Update: { TableName: 't', Key: { PK: { S: 'A' }, SK: { S: 'C' } }, UpdateExpression: 'SET #s = :s', ConditionExpression: '#s = :from', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': { S: 'sent' }, ':from': { S: 'queued' } } } },
      { Delete: { TableName: 't', Key: { PK: { S: 'A' }, SK: { S: 'D' } } } },
    ]);
  });

  it('S3: path-style addressing, Object Lock and checksum headers, metadata, listing parsed, a missing key named', async () => {
    seen.length = 0;
    const s3 = new S3({ ...options(), forcePathStyle: true });
    const body = Buffer.from('{"record":1}');
    answers = [() => ({ status: 200, headers: { etag: '"e1"' } })];
    await s3.putObject({
      Bucket: 'complaints-archive', Key: 'complaints/region=cn/CN 2026+1.json.gz', Body: body, ContentType: 'application/json', ContentEncoding: 'gzip',
      ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: new Date('2033-01-01T00:00:00Z'), ChecksumAlgorithm: 'SHA256', Metadata: { reference: 'CN-2026-000001' },
    });
    expect(seen[0]).toMatchObject({ method: 'PUT', url: '/complaints-archive/complaints/region%3Dcn/CN%202026%2B1.json.gz', body: '{"record":1}' });
    expect(seen[0].headers).toMatchObject({
      'content-type': 'application/json', 'content-encoding': 'gzip', 'x-amz-meta-reference': 'CN-2026-000001',
      'x-amz-object-lock-mode': 'COMPLIANCE', 'x-amz-object-lock-retain-until-date': '2033-01-01T00:00:00Z',
      'x-amz-checksum-sha256': createHash('sha256').update(body).digest('base64'), 'x-amz-content-sha256': createHash('sha256').update(body).digest('hex'),
    });

    answers = [() => ({ status: 200, headers: { 'content-type': 'application/xml' }, body: '<?xml version="1.0"?><ListBucketResult><Contents><Key>staging/A/H#1 &amp; 2</Key><Size>3</Size></Contents>'
      + '<Contents><Key>staging/B/x</Key><Size>4</Size></Contents><IsTruncated>true</IsTruncated><NextContinuationToken>tok/+=</NextContinuationToken></ListBucketResult>' })];
    const list = await s3.listObjectsV2({ Bucket: 'complaints-archive', Prefix: 'staging/', ContinuationToken: 'prev/+=' });
    expect(seen[1].url).toBe('/complaints-archive?list-type=2&prefix=staging%2F&continuation-token=prev%2F%2B%3D');
    expect(list).toMatchObject({ Contents: [{ Key: 'staging/A/H#1 & 2', Size: 3 }, { Key: 'staging/B/x', Size: 4 }], IsTruncated: true, NextContinuationToken: 'tok/+=' });

    answers = [() => ({ status: 404, headers: { 'content-type': 'application/xml' }, body: '<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>' }), () => ({ status: 404 })];
    await expect(s3.getObject({ Bucket: 'b-1', Key: 'k' })).rejects.toMatchObject({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
    await expect(s3.headObject({ Bucket: 'b-1', Key: 'k' })).rejects.toMatchObject({ name: 'NotFound' });

    answers = [() => ({ status: 206, headers: { 'content-type': 'text/plain', 'content-length': '3', 'x-amz-meta-sha256': 'abc' }, body: 'hel' })];
    const got = await s3.getObject({ Bucket: 'b-1', Key: 'k', Range: 'bytes=0-2' });
    expect(seen.at(-1)!.headers.range).toBe('bytes=0-2');
    expect(await got.Body.transformToString()).toBe('hel');
    expect(got).toMatchObject({ ContentType: 'text/plain', ContentLength: 3, Metadata: { sha256: 'abc' } });
  });

  it('S3: virtual-hosted buckets on AWS; a presigned PUT signs content type and length', () => {
    // The regional endpoint, whatever this worker inherited (the integration runtime sets AWS_ENDPOINT_URL_*).
    vi.stubEnv('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', 'true');
    const s3 = new S3({ region: 'eu-west-2', credentials: { accessKeyId: 'k', secretAccessKey: 's', sessionToken: 't' } });
    const u = new URL(s3.presignPutObject({ Bucket: 'complaints-attachments-uk', Key: 'uploads/a b.pdf', ContentType: 'application/pdf', ContentLength: 1234 }, 300, new Date('2026-03-01T09:15:42Z')));
    expect(u.origin).toBe('https://complaints-attachments-uk.s3.eu-west-2.amazonaws.com');
    expect(u.pathname).toBe('/uploads/a%20b.pdf');
    expect(Object.fromEntries(u.searchParams)).toMatchObject({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256', 'X-Amz-Credential': 'k/20260301/eu-west-2/s3/aws4_request', 'X-Amz-Date': '20260301T091542Z',
      'X-Amz-Expires': '300', 'X-Amz-SignedHeaders': 'content-length;content-type;host', 'X-Amz-Security-Token': 't', 'X-Amz-Signature': expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });
});
