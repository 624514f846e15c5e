/**
 * The functions' AWS SDK v3 clients (functions/adapters/aws-clients.ts): one call with all its
 * retries ends inside every function's Lambda timeout, and what *our* code asks of the SDK goes
 * on the wire (a loopback server standing in for DynamoDB, S3 and Step Functions): a transaction
 * keeps its idempotency token over retries, errors reach the adapters under the names they test,
 * every Object Lock put carries a checksum, presigned uploads sign type and length.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { MAXIMUM_RETRY_DELAY, Retry, StandardRetryStrategy } from '@smithy/core/retry';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FUNCTIONS, ROUTES, type FunctionName } from '../../functions/functions.ts';
import {
  clientConfig,
  clientProfileOf,
  DEFAULT_FUNCTION_TIMEOUT_SECONDS,
  PROFILES,
  processProfile,
  SDK_RETRY,
  timeoutMsOf,
  tracingWanted,
  worstCaseCallMs,
} from '../../functions/adapters/aws-clients.ts';
import { createDocumentClient } from '../../functions/adapters/dynamo-client.ts';
import { isAwsError, isTransactionCanceled } from '../../functions/adapters/aws-errors.ts';
import { DynamoAuditLog } from '../../functions/adapters/dynamo-audit-log.ts';
import { S3ArchiveStore } from '../../functions/adapters/s3-archive-store.ts';
import { S3AttachmentStore } from '../../functions/adapters/s3-attachment-store.ts';
import { SesMailer } from '../../functions/adapters/ses-mailer.ts';
import { StepFunctionsWorkflow } from '../../functions/adapters/sfn-workflow.ts';

const NAMES = Object.keys(FUNCTIONS) as FunctionName[];
const onRoute = (name: FunctionName) => ROUTES.some((r) => r.fn === name);

describe('the retry budget', () => {
  it("uses the SDK's own constants (standard mode): throttling base and the 20 s cap", () => {
    expect(SDK_RETRY.throttlingBaseMs).toBe(Retry.throttlingDelay());
    expect(Retry.delay()).toBeLessThanOrEqual(SDK_RETRY.throttlingBaseMs);
    expect(SDK_RETRY.maxDelayMs).toBe(MAXIMUM_RETRY_DELAY);
  });

  it("bounds the SDK's wait before a retry, Retry-After hint included, as worstCaseCallMs counts it", async () => {
    vi.useFakeTimers();
    try {
      vi.spyOn(Math, 'random').mockReturnValue(0.999999);
      const strategy = new StandardRetryStrategy(4);
      let token = await strategy.acquireInitialRetryToken('');
      for (let i = 0; i < 3; i++) {
        const next = strategy.refreshRetryTokenForRetry(token, { errorType: 'THROTTLING', retryAfterHint: new Date(Date.now() + 3_600_000) });
        await vi.runAllTimersAsync();
        token = await next;
        const waited = (token as unknown as { $retryLog: { acquisitionDelay: number } }).$retryLog.acquisitionDelay;
        expect(waited, `retry ${i}`).toBeLessThanOrEqual(Math.min(SDK_RETRY.throttlingBaseMs * 2 ** i, SDK_RETRY.maxDelayMs) + SDK_RETRY.retryAfterAllowanceMs);
        expect(waited, `retry ${i}`).toBeGreaterThan(
          Math.min(SDK_RETRY.throttlingBaseMs * 2 ** i, SDK_RETRY.maxDelayMs) + SDK_RETRY.retryAfterAllowanceMs - 10,
        );
      }
    } finally {
      vi.restoreAllMocks();
      vi.useRealTimers();
    }
  });

  it('worst case of one call: attempts x request timeout + the longest waits', () => {
    expect(worstCaseCallMs({ connectionTimeoutMs: 1000, requestTimeoutMs: 1500, maxAttempts: 2 })).toBe(2 * 1500 + 1000 + 5000);
    expect(worstCaseCallMs({ connectionTimeoutMs: 1000, requestTimeoutMs: 5000, maxAttempts: 4 })).toBe(
      4 * 5000 + (1000 + 5000) + (2000 + 5000) + (4000 + 5000),
    );
    expect(worstCaseCallMs({ connectionTimeoutMs: 1000, requestTimeoutMs: 1000, maxAttempts: 1 })).toBe(1000);
  });

  it('ends inside the Lambda timeout of every function, with the profile it should get and with the default', () => {
    const rows = NAMES.map((name) => {
      const profile = clientProfileOf(FUNCTIONS[name], onRoute(name));
      return { name, profile, budgetMs: worstCaseCallMs(PROFILES[profile]), timeoutMs: timeoutMsOf(FUNCTIONS[name]) };
    });
    for (const r of rows) {
      expect(r.budgetMs, r.name).toBeLessThan(r.timeoutMs);
      // Without AWS_CLIENTS_PROFILE the process runs 'api': it fits every function too.
      expect(worstCaseCallMs(PROFILES.api), r.name).toBeLessThan(r.timeoutMs);
      // Behind API Gateway: inside its 29 s integration timeout, whatever the function's own.
      if (onRoute(r.name)) {
        expect(r.profile, r.name).toBe('api');
        expect(r.budgetMs, r.name).toBeLessThan(29_000);
      }
    }
    expect(
      rows
        .filter((r) => r.profile === 'background')
        .map((r) => r.name)
        .sort(),
    ).toEqual(NAMES.filter((n) => !onRoute(n) && timeoutMsOf(FUNCTIONS[n]) >= 60_000).sort());
    expect(timeoutMsOf({ entry: 'x', access: {} })).toBe(DEFAULT_FUNCTION_TIMEOUT_SECONDS * 1000);
  });

  it("the process profile comes from AWS_CLIENTS_PROFILE, 'api' by default; tracing only on Lambda with X-Ray, unless turned off", () => {
    expect(processProfile({})).toBe(PROFILES.api);
    expect(processProfile({ AWS_CLIENTS_PROFILE: 'background' })).toBe(PROFILES.background);
    expect(processProfile({ AWS_CLIENTS_PROFILE: 'bogus' })).toBe(PROFILES.api);
    expect(tracingWanted({})).toBe(false);
    expect(tracingWanted({ AWS_LAMBDA_FUNCTION_NAME: 'f', AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129:2000' })).toBe(true);
    expect(tracingWanted({ AWS_LAMBDA_FUNCTION_NAME: 'f', AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129:2000', POWERTOOLS_TRACE_ENABLED: 'false' })).toBe(false);
  });
});

describe('on the wire (a loopback server in place of the service)', () => {
  let server: Server;
  let url: string;
  const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: Buffer }[] = [];
  type Answer = (req: IncomingMessage) => { status: number; headers?: Record<string, string>; body?: string } | 'hang';
  let answers: Answer[] = [];
  const json = (status: number, body: unknown) => () => ({ status, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: JSON.stringify(body) });
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
        const a = (answers.shift() ?? json(200, {}))(req);
        if (a === 'hang') return; // never answers
        res.writeHead(a.status, a.headers ?? { 'content-type': 'application/x-amz-json-1.0' });
        res.end(a.body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(
    () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(r);
      }),
  );
  afterEach(() => {
    seen.length = 0;
    answers = [];
  });
  const options = () => ({ endpoint: url, region: 'cn-north-1', credentials: { accessKeyId: 'k', secretAccessKey: 's' } });
  // The process's profile: 'api', unless the integration runtime's global setup set AWS_CLIENTS_PROFILE for the whole run.
  const profile = processProfile();
  const max = profile.maxAttempts;

  it('DynamoDB: items marshalled as before (undefined dropped, sets), a transaction keeps one ClientRequestToken over its retries, a cancelled one keeps its reasons', async () => {
    const fault = json(500, { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error' });
    const cancelled = json(400, {
      __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
      Message: 'cancelled',
      CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' }],
    });
    answers = [...Array.from({ length: max - 1 }, () => fault), cancelled];
    const db = createDocumentClient(options());
    const e = await db
      .transactWrite({
        TransactItems: [
          { Put: { TableName: 't', Item: { PK: 'A', SK: 'B', tags: new Set(['x']), gone: undefined } } },
          {
            Update: {
              TableName: 't',
              Key: { PK: 'A', SK: 'C' },
              UpdateExpression: 'SET #s = :s',
              ConditionExpression: '#s = :from',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: { ':s': 'sent', ':from': 'queued' },
            },
          },
        ],
      })
      .catch((x: unknown) => x);
    expect(isTransactionCanceled(e)).toBe(true);
    expect(isTransactionCanceled(e) && e.CancellationReasons?.[1]).toMatchObject({ Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' });
    expect(seen.map((s) => s.headers['amz-sdk-request'])).toEqual(Array.from({ length: max }, (_, i) => `attempt=${i + 1}; max=${max}`));
    expect(new Set(seen.map((s) => s.headers['amz-sdk-invocation-id'])).size).toBe(1);
    const bodies = seen.map((s) => JSON.parse(s.body.toString('utf8')));
    expect(new Set(bodies.map((b) => b.ClientRequestToken)).size).toBe(1);
    expect(bodies[0].ClientRequestToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(bodies[0].TransactItems[0]).toEqual({ Put: { TableName: 't', Item: { PK: { S: 'A' }, SK: { S: 'B' }, tags: { SS: ['x'] } } } });
  });

  it('DynamoDB: the adapters see the errors they handle by name (a failed condition), not retried', async () => {
    const db = createDocumentClient(options());
    answers = [json(400, { __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException', message: 'The conditional request failed' })];
    // The audit entry's key is random: a failed condition means a retry found it written.
    await new DynamoAuditLog(db, 't').record({ at: '2026-03-01T09:00:00.000Z', actor: 'a', action: 'x' } as never);
    expect(seen).toHaveLength(1); // not retried: a client error
    answers = [json(400, { __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException', message: 'no' })];
    const failed = await db.put({ TableName: 't', Item: { PK: 'A' } }).catch((x: unknown) => x);
    expect(failed).toMatchObject({ name: 'ConditionalCheckFailedException', $metadata: { httpStatusCode: 400, attempts: 1 } });
    expect(isAwsError(failed, 'ConditionalCheckFailedException')).toBe(true);
    expect(isAwsError(failed, 'NoSuchKey')).toBe(false);
    expect(isAwsError(new Error('x'))).toBe(false);
  });

  it('DynamoDB: throttling retried up to maxAttempts, then thrown with its attempts; a request that hangs times out and is retried', {
    timeout: 60_000,
  }, async () => {
    const db = createDocumentClient(options());
    answers = Array.from({ length: 9 }, () =>
      json(400, { __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', message: 'slow down' }),
    );
    // How long the retries may take is proven on the SDK's strategy with fake timers (above), not
    // timed here: a wall-clock upper bound fails on a busy machine (issue 23).
    const e = await db.get({ TableName: 't', Key: { PK: 'A' } }).catch((x: unknown) => x);
    expect(e).toMatchObject({ name: 'ProvisionedThroughputExceededException', $metadata: { attempts: max } });
    expect(seen).toHaveLength(max);

    seen.length = 0;
    answers = ['hang' as const, json(200, { Item: { PK: { S: 'A' }, n: { N: '2' } } })].map((a) => (typeof a === 'string' ? () => a : a));
    const t1 = Date.now();
    expect(await db.get({ TableName: 't', Key: { PK: 'A' } })).toMatchObject({ Item: { PK: 'A', n: 2 } });
    expect(seen).toHaveLength(2);
    // The first attempt was abandoned by the request timeout, not answered: a lower bound only
    // (a busy machine can only make it later).
    expect(Date.now() - t1).toBeGreaterThanOrEqual(profile.requestTimeoutMs - 50);
  });

  it('S3: every Object Lock put carries a checksum the SDK computed (x-amz-checksum-sha256), with the lock headers; a missing object is named', async () => {
    const s3 = new S3Client({ ...clientConfig(), ...options(), forcePathStyle: true });
    const store = new S3ArchiveStore(s3, 'complaints-archive', 'complaints-attachments');
    const record = { reference: 'CN-2026-000001', integrity: { historyDigest: 'd' }, items: [] } as never;
    answers = [() => ({ status: 404 }), () => ({ status: 200, headers: { etag: '"e1"' } })];
    expect(await store.putRecord('complaints/region=cn/CN-2026-000001.json.gz', record, '2033-01-01T00:00:00Z')).toBe('written');
    const put = seen[1];
    expect(put.method).toBe('PUT');
    expect(new URL(put.url, url).pathname).toBe('/complaints-archive/complaints/region%3Dcn/CN-2026-000001.json.gz');
    expect(JSON.parse(gunzipSync(put.body).toString('utf8'))).toEqual(record);
    expect(put.headers).toMatchObject({
      'x-amz-checksum-sha256': createHash('sha256').update(put.body).digest('base64'),
      'x-amz-sdk-checksum-algorithm': 'SHA256',
      'x-amz-object-lock-mode': 'COMPLIANCE',
      'x-amz-object-lock-retain-until-date': '2033-01-01T00:00:00Z',
      'content-encoding': 'gzip',
      'x-amz-meta-reference': 'CN-2026-000001',
      'x-amz-meta-sha256': createHash('sha256').update(put.body).digest('hex'),
    });

    // An attachment copied into the archive: the same.
    seen.length = 0;
    answers = [
      () => ({ status: 404 }),
      () => ({ status: 200, headers: { 'content-type': 'application/pdf', 'content-length': '3' }, body: 'pdf' }),
      () => ({ status: 200 }),
    ];
    expect(await store.copyAttachment('uploads/a.pdf', 'attachments/a.pdf', '2033-01-01T00:00:00Z')).toBe('written');
    expect(seen[2].headers['x-amz-checksum-sha256']).toBe(createHash('sha256').update('pdf').digest('base64'));
    expect(seen[2].headers['x-amz-object-lock-mode']).toBe('COMPLIANCE');

    answers = [
      () => ({
        status: 404,
        headers: { 'content-type': 'application/xml' },
        body: '<?xml version="1.0"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>',
      }),
    ];
    expect(await store.getRecord('complaints/missing.json.gz')).toBeUndefined();
    answers = [() => ({ status: 404 })];
    expect(await new S3AttachmentStore(s3, 'complaints-attachments').head('uploads/missing')).toBeUndefined();
  });

  it('S3: a presigned upload PUT signs content type and length, carries no checksum, expires, and is addressed as configured', async () => {
    vi.stubEnv('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', 'true');
    try {
      const config = { ...clientConfig(), region: 'eu-west-2', credentials: { accessKeyId: 'k', secretAccessKey: 's', sessionToken: 't' } };
      const s3 = new S3Client(config);
      // As functions/wiring/object-storage.ts makes it: no request checksum.
      const presigner = new S3Client({ ...config, requestChecksumCalculation: 'WHEN_REQUIRED' });
      const store = new S3AttachmentStore(s3, 'complaints-attachments-uk', () => new Date('2026-03-01T09:15:42Z'), presigner);
      const up = await store.presignUpload('uploads/a b.pdf', 'application/pdf', 1234);
      const u = new URL(up.url);
      expect(u.origin).toBe('https://complaints-attachments-uk.s3.eu-west-2.amazonaws.com');
      expect(u.pathname).toBe('/uploads/a%20b.pdf');
      expect(Object.fromEntries(u.searchParams)).toMatchObject({
        'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
        'X-Amz-Credential': 'k/20260301/eu-west-2/s3/aws4_request',
        'X-Amz-Date': '20260301T091542Z',
        'X-Amz-Expires': '300',
        'X-Amz-Security-Token': 't',
        'X-Amz-Signature': expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      expect(u.searchParams.get('X-Amz-SignedHeaders')!.split(';')).toEqual(expect.arrayContaining(['content-length', 'content-type', 'host']));
      // No checksum of a body the signer never saw (the SDK's default would sign CRC32 of nothing: S3 would refuse the upload).
      expect([...u.searchParams.keys()].filter((k) => /checksum/i.test(k))).toEqual([]);
      const defaults = new URL((await new S3AttachmentStore(s3, 'b').presignUpload('k', 'application/pdf', 1)).url);
      expect(defaults.searchParams.get('x-amz-checksum-crc32')).toBe('AAAAAA=='); // why the presigner is another client
      expect(up).toMatchObject({ method: 'PUT', headers: { 'content-type': 'application/pdf' }, expiresAt: '2026-03-01T09:20:42.000Z' });
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('Step Functions and SES: ExecutionAlreadyExists is a start already done; SES throttling is retried by the client', async () => {
    const sfn = new SFNClient({ ...clientConfig(), ...options() });
    const workflow = new StepFunctionsWorkflow(sfn, {
      lifecycle: 'arn:aws:states:cn-north-1:1:stateMachine:l',
      resume: 'arn:aws:states:cn-north-1:1:stateMachine:r',
    });
    answers = [json(400, { __type: 'ExecutionAlreadyExists', message: 'exists' })];
    await workflow.start('CN-1', { reference: 'CN-1', resumeAt: 'RECEIVED' });
    expect(seen[0].headers['x-amz-target']).toBe('AWSStepFunctions.StartExecution');
    answers = [json(400, { __type: 'ExecutionDoesNotExist', message: 'none' }), json(400, { __type: 'ExecutionDoesNotExist', message: 'none' })];
    expect(await workflow.isRunning('CN-2')).toBe(false);

    seen.length = 0;
    const ses = new SESv2Client({ ...clientConfig(), ...options() });
    answers = [
      () => ({
        status: 429,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'TooManyRequestsException:http://internal.amazon.com/' },
        body: '{"message":"Maximum sending rate exceeded."}',
      }),
      () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"MessageId":"m-1"}' }),
    ];
    const id = await new SesMailer(ses).send({ from: 'a@example.com', to: 'b@example.com', subject: 's', text: 't', reference: 'CN-1' } as never);
    expect(id).toBe('m-1');
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(['POST /v2/email/outbound-emails', 'POST /v2/email/outbound-emails']);
    expect(JSON.parse(seen[1].body.toString('utf8')).Content.Simple.Headers).toEqual([{ Name: 'X-Complaint-Reference', Value: 'CN-1' }]);
  });
});
