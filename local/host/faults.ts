/**
 * Fault injection for the local runtime: what the product's dependencies do to it on a bad
 * day, on purpose and reproducibly (a seeded random source).
 *
 * - DynamoDB, Step Functions and SES are reached by the handlers through a small HTTP proxy
 *   (their AWS_ENDPOINT_URL_* point at it). The proxy passes every request through unless a
 *   rule matches; a matching request is answered with the error the real service sends
 *   (status, `__type` or `x-amzn-ErrorType`, message), either instead of reaching the service
 *   (`phase: 'before'`) or after the service applied it (`'after'`: the answer is lost, which
 *   is what a client sees when a connection drops at the wrong moment).
 * - Lambda invocations by the state machine fail with the errors Step Functions reports for
 *   its Lambda integration (`Lambda.ServiceException`, ...), so the ASL's Retry and Catch run.
 *
 * Rules are set at start-up (`LOCAL_FAULTS`, JSON) or at run time (`POST /__local/faults`).
 * The proxy also records each SDK call's attempts (the SDK's `amz-sdk-invocation-id` and
 * `amz-sdk-request: attempt=n` headers), so tests can show the retries and their delays.
 */
import { createServer, request as httpRequest, Agent, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FaultTarget = 'dynamodb' | 'sfn' | 'ses' | 'smtp' | 'lambda';

export interface FaultRule {
  target: FaultTarget;
  /** Operation names (TransactWriteItems, StartExecution, SendEmail) or, for lambda, function names. Absent: every operation. */
  operations?: string[];
  /** Errors of the target's catalogue (ERRORS); with several, one is picked at random per fault. */
  errors: string[];
  /** Probability that a matching request fails (0..1); default 1. */
  rate?: number;
  /** Fail at most this many matching requests, then the rule is spent. */
  count?: number;
  /** 'before' (default): the service never sees the request. 'after': the service applies it and the answer is lost. */
  phase?: 'before' | 'after';
  /** Only requests whose body (for lambda: payload) contains this text, e.g. a complaint's reference. */
  contains?: string;
}

export interface FaultConfig {
  rules: FaultRule[];
  seed?: number;
}

/** One request through the proxy (or one Lambda invocation by the state machine). */
export interface CallRecord {
  target: FaultTarget;
  operation: string;
  /** When the request arrived and when it was answered (ms since the epoch): the SDK's backoff is the gap between an answer and the next attempt. */
  at: number;
  answeredAt?: number;
  invocationId?: string;
  attempt?: number;
  fault?: string;
}

interface ErrorShape {
  status: number;
  type: string;
  message: string;
}

/** The errors each dependency really answers with, as the AWS SDK parses them. */
export const ERRORS: Record<Exclude<FaultTarget, 'lambda' | 'smtp'>, Record<string, ErrorShape>> & {
  lambda: Record<string, { message: string }>;
  smtp: Record<string, { code: number; message: string }>;
} = {
  dynamodb: {
    ProvisionedThroughputExceededException: {
      status: 400,
      type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
      message:
        'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
    },
    ThrottlingException: {
      status: 400,
      type: 'com.amazon.coral.availability#ThrottlingException',
      message:
        'Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly.',
    },
    RequestLimitExceeded: {
      status: 400,
      type: 'com.amazonaws.dynamodb.v20120810#RequestLimitExceeded',
      message:
        'Throughput exceeds the current throughput limit for your account. Please contact AWS Support at https://aws.amazon.com/support request a limit increase',
    },
    InternalServerError: { status: 500, type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error' },
  },
  sfn: {
    ThrottlingException: { status: 400, type: 'com.amazon.coral.availability#ThrottlingException', message: 'Rate exceeded' },
    InternalFailure: { status: 500, type: 'com.amazon.coral.service#InternalFailure', message: 'An internal error occurred.' },
    ServiceUnavailable: { status: 503, type: 'com.amazon.coral.service#ServiceUnavailableException', message: 'Service Unavailable' },
  },
  ses: {
    TooManyRequestsException: { status: 429, type: 'TooManyRequestsException', message: 'Maximum sending rate exceeded.' },
    SendingPausedException: { status: 400, type: 'SendingPausedException', message: 'Email sending is disabled for your entire Amazon SES account.' },
    InternalFailure: { status: 500, type: 'InternalFailure', message: 'Internal failure' },
  },
  // The bank's SMTP relay (regions without SES): what a mail gateway answers to DATA.
  smtp: {
    TemporaryFailure: { code: 451, message: '4.3.0 Temporary failure, try again later' },
    ServiceUnavailable: { code: 421, message: '4.3.2 Service not available, closing transmission channel' },
  },
  lambda: {
    'Lambda.ServiceException': { message: 'Lambda was unable to process the request (service error).' },
    'Lambda.TooManyRequestsException': { message: 'Rate Exceeded.' },
    'Lambda.AWSLambdaException': { message: 'Lambda was unable to process the request.' },
    'Lambda.ResourceNotFoundException': { message: 'Function not found.' },
  },
};

/** mulberry32: a small, seedable random source, so that a run with the same seed injects the same faults. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MAX_CALLS = 20_000;

export class FaultInjector {
  private rules: (FaultRule & { spent: number })[] = [];
  private random: () => number;
  private seed: number;
  private calls: CallRecord[] = [];
  private injected: Record<string, number> = {};
  private requests = 0;

  constructor(config: FaultConfig = { rules: [] }) {
    this.seed = config.seed ?? 1;
    this.random = seededRandom(this.seed);
    this.configure(config);
  }

  /** Replaces the rules (and the seed, when given); statistics start again. */
  configure(config: FaultConfig): void {
    if (!Array.isArray(config?.rules)) throw new RangeError('rules: a list of fault rules is required');
    for (const r of config.rules) {
      if (!Object.hasOwn(ERRORS, r?.target)) throw new RangeError(`Unknown fault target ${r?.target}; known: ${Object.keys(ERRORS).join(', ')}`);
      const catalogue: Record<string, unknown> = ERRORS[r.target];
      if (!Array.isArray(r.errors) || !r.errors.length) throw new RangeError(`A ${r.target} fault needs errors`);
      for (const e of r.errors)
        if (!Object.hasOwn(catalogue, e)) throw new RangeError(`${r.target} has no error ${e}; known: ${Object.keys(catalogue).join(', ')}`);
    }
    if (config.seed !== undefined) {
      this.seed = config.seed;
      this.random = seededRandom(config.seed);
    }
    this.rules = config.rules.map((r) => ({ ...r, spent: 0 }));
    this.calls = [];
    this.injected = {};
    this.requests = 0;
  }

  /** Whether this request fails, and how (the first matching rule decides). */
  decide(target: FaultTarget, operation: string, body = ''): { error: string; phase: 'before' | 'after' } | undefined {
    for (const r of this.rules) {
      if (r.target !== target || (r.operations && !r.operations.includes(operation))) continue;
      if (r.contains && !body.includes(r.contains)) continue;
      if (r.count !== undefined && r.spent >= r.count) continue;
      if (this.random() >= (r.rate ?? 1)) return undefined;
      r.spent++;
      const error = r.errors[Math.floor(this.random() * r.errors.length)];
      const key = `${target}:${operation}:${error}`;
      this.injected[key] = (this.injected[key] ?? 0) + 1;
      return { error, phase: r.phase ?? 'before' };
    }
    return undefined;
  }

  private record(c: CallRecord): CallRecord {
    this.requests++;
    this.calls.push(c);
    if (this.calls.length > MAX_CALLS) this.calls.splice(0, this.calls.length - MAX_CALLS);
    return c;
  }

  /** What was injected so far, and (on request) every call with its attempt number. */
  report(withCalls = false) {
    return {
      seed: this.seed,
      rules: this.rules.map(({ spent, ...r }) => ({ ...r, spent })),
      requests: this.requests,
      injected: { ...this.injected },
      injectedTotal: Object.values(this.injected).reduce((a, b) => a + b, 0),
      ...(withCalls ? { calls: [...this.calls] } : {}),
    };
  }

  /** The admin endpoint (`/__local/faults`): GET reports, POST sets rules, DELETE clears them. */
  admin(method: string, input: unknown, query: URLSearchParams): { status: number; body: unknown } {
    try {
      if (method === 'POST') this.configure(input as FaultConfig);
      else if (method === 'DELETE') this.configure({ rules: [] });
      else if (method !== 'GET') return { status: 405, body: { message: 'GET, POST or DELETE' } };
    } catch (e) {
      return { status: 400, body: { message: (e as Error).message } };
    }
    return { status: 200, body: this.report(query.get('calls') === '1') };
  }

  /** Wraps the state machine's Lambda invoker: a failing invocation throws the error Step Functions reports. */
  wrapInvoke<T>(invoke: (arn: string, payload: unknown) => Promise<T>): (arn: string, payload: unknown) => Promise<T> {
    return async (arn, payload) => {
      const fn = arn.split(':').pop()!;
      const fault = this.decide('lambda', fn, JSON.stringify(payload ?? null));
      this.record({ target: 'lambda', operation: fn, at: Date.now(), ...(fault ? { fault: fault.error } : {}) });
      if (fault?.phase === 'after') await invoke(arn, payload);
      if (fault) throw Object.assign(new Error(ERRORS.lambda[fault.error].message), { name: fault.error });
      return invoke(arn, payload);
    };
  }

  /** The SMTP relay's answer to a message (the local mail catcher asks): undefined accepts it. */
  smtpFault(recipients: string): { code: number; message: string } | undefined {
    const fault = this.decide('smtp', 'DATA', recipients);
    this.record({ target: 'smtp', operation: 'DATA', at: Date.now(), ...(fault ? { fault: fault.error } : {}) });
    return fault ? ERRORS.smtp[fault.error] : undefined;
  }

  /** An HTTP proxy in front of `upstream` for one dependency; close it with `server.close()`. */
  async proxy(target: Exclude<FaultTarget, 'lambda' | 'smtp'>, upstream: string): Promise<{ server: Server; url: string }> {
    const up = new URL(upstream);
    const agent = new Agent({ keepAlive: true });
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const operation = operationOf(target, req.method ?? 'GET', req.url ?? '/', req.headers);
        const fault = this.decide(target, operation, Buffer.concat(chunks).toString('utf8'));
        const attempt = /attempt=(\d+)/.exec(String(req.headers['amz-sdk-request'] ?? ''))?.[1];
        const call = this.record({
          target,
          operation,
          at: Date.now(),
          ...(req.headers['amz-sdk-invocation-id'] ? { invocationId: String(req.headers['amz-sdk-invocation-id']) } : {}),
          ...(attempt ? { attempt: Number(attempt) } : {}),
          ...(fault ? { fault: fault.error } : {}),
        });
        const fail = () => {
          const shape = ERRORS[target][fault!.error];
          const json = target === 'ses' ? { message: shape.message } : { __type: shape.type, message: shape.message };
          call.answeredAt = Date.now();
          res.writeHead(shape.status, {
            'content-type': target === 'ses' ? 'application/json' : 'application/x-amz-json-1.0',
            'x-amzn-requestid': `fault-${Date.now().toString(36)}`,
            ...(target === 'ses' ? { 'x-amzn-errortype': shape.type } : {}),
          });
          res.end(JSON.stringify(json));
        };
        if (fault?.phase !== 'after' && fault) return fail();
        const forward = httpRequest(
          {
            host: up.hostname,
            port: up.port,
            method: req.method,
            path: req.url,
            agent,
            headers: { ...req.headers, host: up.host },
          },
          (upRes) => {
            const body: Buffer[] = [];
            upRes.on('data', (c: Buffer) => body.push(c));
            upRes.on('end', () => {
              if (fault) return fail(); // applied by the service; the answer is lost on the way back
              call.answeredAt = Date.now();
              res.writeHead(upRes.statusCode ?? 502, upRes.headers);
              res.end(Buffer.concat(body));
            });
          },
        );
        forward.on('error', (e) => {
          res.writeHead(502, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: e.message }));
        });
        forward.end(Buffer.concat(chunks));
      });
    });
    server.on('close', () => agent.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }
}

/** The operation a request is for: the X-Amz-Target suffix (JSON protocols) or the SES v2 route. */
function operationOf(target: FaultTarget, method: string, url: string, headers: IncomingHttpHeaders): string {
  if (target === 'ses') return method === 'POST' && url.startsWith('/v2/email/outbound-emails') ? 'SendEmail' : `${method} ${url.split('?')[0]}`;
  return (
    String(headers['x-amz-target'] ?? '')
      .split('.')
      .pop() ?? ''
  );
}

/** Rules from the environment (`LOCAL_FAULTS`: a FaultConfig as JSON), for runtimes started as child processes. */
export function faultsFromEnv(env: NodeJS.ProcessEnv = process.env): FaultConfig {
  if (!env.LOCAL_FAULTS) return { rules: [] };
  const parsed = JSON.parse(env.LOCAL_FAULTS) as FaultConfig | FaultRule[];
  return Array.isArray(parsed) ? { rules: parsed } : parsed;
}
