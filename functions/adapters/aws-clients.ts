/**
 * The settings of every AWS SDK v3 client of the functions, in one place: the HTTP handler
 * (timeouts, keep-alive), the retry budget, and tracing. Each client is created once per
 * process by the module that uses it (./dynamo-client.ts DynamoDB; in ../wiring/:
 * object-storage.ts S3, workflow-client.ts Step Functions, email.ts SES v2) with `clientConfig()`; this module
 * imports no client itself, so a function bundles only the clients it uses.
 *
 * Kept from the SDK: retry mode 'standard' (classification, backoff with full jitter, retry
 * quota), checksums (`requestChecksumCalculation: WHEN_SUPPORTED`), clock-skew correction,
 * credentials and region from the environment, and the endpoints: the SDK reads
 * AWS_ENDPOINT_URL_DYNAMODB / _S3 / _SFN / _SESV2 itself - the handlers never branch on "local".
 *
 * Chosen here: connection and request timeouts (the SDK has none by default: a call to a
 * silent endpoint would wait for the Lambda timeout) and maxAttempts, so that one call with all
 * its retries provably ends inside the function's Lambda timeout (`worstCaseCallMs`, proven
 * for every function of FUNCTIONS by test/unit/aws-clients.test.ts):
 *
 *   api         connection 1 s, request 1.5 s, 2 attempts:   worst case 9 s  (timeout 10 s)
 *   background  connection 1 s, request 5 s,   4 attempts:   worst case 42 s (timeouts >= 60 s)
 *
 * The process takes the profile named by AWS_CLIENTS_PROFILE (`clientProfileOf` says which
 * one each function should get); without it, 'api', which fits every function's timeout.
 */
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { FunctionSpec } from '../functions.ts';

/** The Lambda timeout of a function without `timeoutSeconds`: infra/constructs/product-function.ts's default. */
export const DEFAULT_FUNCTION_TIMEOUT_SECONDS = 10;

export interface ClientSettings {
  /** Time to open the TCP (and TLS) connection. */
  connectionTimeoutMs: number;
  /** Time from sending the request to the answer's headers, connection included (thrown as TimeoutError, then retried). */
  requestTimeoutMs: number;
  /** Attempts of one call, the first included (SDK default 3). */
  maxAttempts: number;
}

export type ClientProfile = 'api' | 'background';

export const PROFILES: Record<ClientProfile, ClientSettings> = {
  // The SDK's default 3 attempts cannot provably fit 10 s: 3 x 1.5 s + throttled waits of up to 1 s + 2 s,
  // each stretched by up to 5 s when the service sends Retry-After, is 17.5 s.
  api: { connectionTimeoutMs: 1_000, requestTimeoutMs: 1_500, maxAttempts: 2 },
  background: { connectionTimeoutMs: 1_000, requestTimeoutMs: 5_000, maxAttempts: 4 },
};

/**
 * The SDK's standard retry strategy (@smithy/core util-retry, 2026 constants): before retry
 * i (0-based), a wait of random() x min(base x 2^i, 20 s), base 1 s after throttling (50 ms
 * otherwise), lengthened to a Retry-After / x-amz-retry-after hint by at most 5 s.
 */
export const SDK_RETRY = { throttlingBaseMs: 1_000, maxDelayMs: 20_000, retryAfterAllowanceMs: 5_000 } as const;

/**
 * The longest one call can take, all attempts and waits included: attempts x request timeout
 * (the request timer starts with the connection and covers it), plus the longest wait before
 * each retry. The answer's body is read after the headers (bounded by the socket's inactivity
 * timeout, the request timeout again): JSON answers are small; S3 object bodies are not counted.
 */
export function worstCaseCallMs(s: ClientSettings): number {
  let waits = 0;
  for (let i = 0; i < s.maxAttempts - 1; i++) waits += Math.min(SDK_RETRY.throttlingBaseMs * 2 ** i, SDK_RETRY.maxDelayMs) + SDK_RETRY.retryAfterAllowanceMs;
  return s.maxAttempts * Math.max(s.requestTimeoutMs, s.connectionTimeoutMs) + waits;
}

export const timeoutMsOf = (spec: FunctionSpec) => (spec.timeoutSeconds ?? DEFAULT_FUNCTION_TIMEOUT_SECONDS) * 1000;

/**
 * The profile a function should run with (AWS_CLIENTS_PROFILE): 'background' for a function no
 * API answer waits on, whose timeout holds that budget; else 'api'. (Pure: the table is read by
 * the caller, so this module does not bundle functions/functions.ts.)
 */
export function clientProfileOf(spec: FunctionSpec, onRoute: boolean): ClientProfile {
  return !onRoute && worstCaseCallMs(PROFILES.background) < timeoutMsOf(spec) ? 'background' : 'api';
}

/** The process's profile: AWS_CLIENTS_PROFILE, else 'api' (fits every function). */
export function processProfile(env: NodeJS.ProcessEnv = process.env): ClientSettings {
  return env.AWS_CLIENTS_PROFILE === 'background' ? PROFILES.background : PROFILES.api;
}

let handler: NodeHttpHandler | undefined;

/**
 * What every client of the process is created with: one HTTP handler (one keep-alive agent
 * per protocol, as the SDK's default: 50 sockets a host) and maxAttempts of the profile.
 */
export function clientConfig(): { maxAttempts: number; requestHandler: NodeHttpHandler } {
  const s = processProfile();
  handler ??= new NodeHttpHandler({
    connectionTimeout: s.connectionTimeoutMs,
    requestTimeout: s.requestTimeoutMs,
    // Without it the SDK only logs a warning when the request timeout passes.
    throwOnRequestTimeout: true,
    socketTimeout: s.requestTimeoutMs,
    httpAgent: { keepAlive: true, maxSockets: 50 },
    httpsAgent: { keepAlive: true, maxSockets: 50 },
  });
  return { maxAttempts: s.maxAttempts, requestHandler: handler };
}

/**
 * Tracing of AWS calls (X-Ray subsegments) through Powertools Tracer, on Lambda with tracing
 * on only: Lambda sets AWS_XRAY_DAEMON_ADDRESS for active tracing, and POWERTOOLS_TRACE_ENABLED
 * =false turns it off. Tracer (and aws-xray-sdk-core) is loaded only then, from a chunk of its
 * own: locally and in tests nothing is loaded. Tracer would disable itself outside Lambda too
 * (AWS_EXECUTION_ENV), but only after the X-Ray SDK was loaded.
 */
export function tracingWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.POWERTOOLS_TRACE_ENABLED !== 'false' && !!env.AWS_XRAY_DAEMON_ADDRESS && !!env.AWS_LAMBDA_FUNCTION_NAME;
}

type Traceable = Parameters<import('@aws-lambda-powertools/tracer').Tracer['captureAWSv3Client']>[0];
const tracer = tracingWanted()
  ? // Only AWS calls are traced (no patching of node:http for every other request).
    new (await import('@aws-lambda-powertools/tracer')).Tracer({ serviceName: 'complaints', captureHTTPsRequests: false })
  : undefined;

/** The client, its calls traced when tracing is on. */
export function traced<T extends object>(client: T): T {
  if (tracer) tracer.captureAWSv3Client(client as unknown as Traceable);
  return client;
}
