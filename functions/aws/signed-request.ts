/**
 * The core of the functions' AWS clients (./dynamodb.ts, ./sfn.ts, ./sesv2.ts, ./s3.ts): a
 * SigV4-signed HTTP request, retried - what the AWS SDK v3 did for the functions, in ~20 KB
 * of bundle (aws4 and util-dynamodb included) instead of 220-560 KB (README, Benchmarks, Bundles).
 *
 * - Credentials from the environment, as Lambda provides them (AWS_ACCESS_KEY_ID,
 *   AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), read at each request; the region from
 *   AWS_REGION (or AWS_DEFAULT_REGION).
 * - The endpoint as the SDK resolves it from the environment: AWS_ENDPOINT_URL_<SERVICE>
 *   (DYNAMODB, SFN, SESV2, S3), then AWS_ENDPOINT_URL, unless
 *   AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true; else the service's regional endpoint
 *   (amazonaws.com.cn in China). Pointing a handler at the local runtime is configuration only.
 * - Signed by aws4 (SigV4); one keep-alive agent per protocol and process; node:http(s) taken
 *   when the first request is sent, not at a cold start.
 * - Retried as ./retry.ts says, each attempt signed anew; the attempts of one call carry the
 *   SDK's `amz-sdk-invocation-id` and `amz-sdk-request: attempt=n; max=m` headers.
 * - An answer outside 2xx is thrown as an AwsError named by the service's error code (./errors.ts).
 */
import aws4 from 'aws4';
import { randomUUID } from 'node:crypto';
import type { Agent, IncomingHttpHeaders } from 'node:http';
import type { AwsError } from './errors.ts';
import { DEFAULT_RETRY, RetryQuota, withRetries, type RetryOptions } from './retry.ts';

export interface Credentials { accessKeyId: string; secretAccessKey: string; sessionToken?: string }

export interface Service {
  /** The SigV4 signing name: dynamodb, states, ses, s3. */
  signingName: string;
  /** The regional endpoint's host prefix: dynamodb, states, email, s3. */
  endpointPrefix: string;
  /** The SDK's service id in AWS_ENDPOINT_URL_<ID>: DYNAMODB, SFN, SESV2, S3. */
  envId: string;
}

export interface ClientOptions {
  /** Instead of the environment's (tools and tests that point a client at one server). */
  endpoint?: string;
  region?: string;
  credentials?: Credentials;
  retry?: Partial<RetryOptions>;
}

export interface AwsRequest {
  method: string;
  /** Path and query, already URI-encoded, from the endpoint's path on. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** A host other than the endpoint's (S3's virtual-hosted buckets). */
  host?: string;
}

export interface AwsResponse { status: number; headers: IncomingHttpHeaders; body: Buffer }

/** The credentials Lambda sets in the environment. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): Credentials {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw Object.assign(new Error('No AWS credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)'), { name: 'CredentialsProviderError' });
  }
  return { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
}

export function regionFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (!region) throw Object.assign(new Error('No AWS region in the environment (AWS_REGION)'), { name: 'RegionMissingError' });
  return region;
}

/** The endpoint of a service, as the AWS SDK v3 resolves it from the environment. */
export function resolveEndpoint(service: Service, region: string, env: NodeJS.ProcessEnv = process.env): URL {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS !== 'true') {
    const configured = env[`AWS_ENDPOINT_URL_${service.envId}`] || env.AWS_ENDPOINT_URL;
    if (configured) return new URL(configured);
  }
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return new URL(`https://${service.endpointPrefix}.${region}.${suffix}`);
}

/** YYYYMMDDTHHMMSSZ */
export const amzDate = (d: Date) => d.toISOString().replace(/[:-]|\.\d{3}/g, '');

export interface SigningInput {
  method: string;
  host: string;
  /** Path and query, URI-encoded. */
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  service: string;
  region: string;
  credentials: Credentials;
  now: Date;
}

/** Signs a request (SigV4, Authorization header): the headers to send, and the path as signed. */
export function signRequest(r: SigningInput): { path: string; headers: Record<string, string> } {
  const signed = aws4.sign({
    host: r.host, path: r.path, method: r.method, body: r.body, service: r.service, region: r.region,
    headers: { ...r.headers, Host: r.host, 'X-Amz-Date': amzDate(r.now) },
  }, r.credentials);
  return { path: signed.path, headers: Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k, String(v)])) };
}

/** A presigned URL (SigV4 in the query string, payload unsigned), valid `expiresIn` seconds. */
export function presignUrl(r: Omit<SigningInput, 'body'> & { protocol: string; expiresIn: number }): string {
  const sep = r.path.includes('?') ? '&' : '?';
  const signed = aws4.sign({
    host: r.host, method: r.method, service: r.service, region: r.region, signQuery: true,
    path: `${r.path}${sep}X-Amz-Expires=${r.expiresIn}&X-Amz-Date=${amzDate(r.now)}`,
    headers: { ...r.headers, Host: r.host },
  }, r.credentials);
  return `${r.protocol}//${r.host}${signed.path}`;
}

const agents = new Map<string, Agent>();

/** One request on the wire, its whole answer read. */
function transmit(url: URL, method: string, path: string, headers: Record<string, string>, body: string | Uint8Array | undefined): Promise<AwsResponse> {
  const https = url.protocol === 'https:';
  // Taken here, on the first request: loading node:https (tls) at a cold start costs milliseconds.
  const http = https ? process.getBuiltinModule('node:https') : process.getBuiltinModule('node:http');
  let agent = agents.get(url.protocol);
  if (!agent) {
    // The SDK's NodeHttpHandler defaults: keep-alive, at most 50 sockets per host.
    agent = new http.Agent({ keepAlive: true, maxSockets: 50 });
    agents.set(url.protocol, agent);
  }
  return new Promise((resolve, reject) => {
    const req = http.request({ protocol: url.protocol, hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port || undefined, method, path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A client of one AWS service: signs, sends and retries; `errorOf` names what is not 2xx. */
export class AwsClient {
  readonly region: string;
  readonly endpoint: URL;
  private readonly credentials?: Credentials;
  private readonly retry: RetryOptions;
  private readonly quota = new RetryQuota();

  constructor(readonly service: Service, private readonly errorOf: (r: AwsResponse) => AwsError, options: ClientOptions = {}) {
    this.region = options.region ?? regionFromEnv();
    this.endpoint = options.endpoint ? new URL(options.endpoint) : resolveEndpoint(service, this.region);
    this.credentials = options.credentials;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  /** The endpoint's host[:port], and its path without the trailing slash (prefix of every request's). */
  get host(): string { return this.endpoint.host; }
  get basePath(): string { return this.endpoint.pathname.replace(/\/$/, ''); }

  currentCredentials(): Credentials {
    return this.credentials ?? credentialsFromEnv();
  }

  /** Sends the request, retried; resolves with a 2xx answer, throws an AwsError otherwise. */
  send(request: AwsRequest): Promise<AwsResponse> {
    const invocationId = randomUUID();
    const host = request.host ?? this.endpoint.host;
    const url = request.host ? new URL(`${this.endpoint.protocol}//${request.host}`) : this.endpoint;
    return withRetries(async (attempt) => {
      const { path, headers } = signRequest({
        method: request.method, host, path: `${this.basePath}${request.path}`, body: request.body,
        headers: { ...request.headers, 'amz-sdk-invocation-id': invocationId, 'amz-sdk-request': `attempt=${attempt}; max=${this.retry.maxAttempts}` },
        service: this.service.signingName, region: this.region, credentials: this.currentCredentials(), now: new Date(),
      });
      const response = await transmit(url, request.method, path, headers, request.body);
      if (response.status < 200 || response.status >= 300) throw this.errorOf(response);
      return response;
    }, this.quota, this.retry);
  }

  /** AWS JSON 1.0 (DynamoDB, Step Functions): POST / with X-Amz-Target; the parsed answer. */
  async json<T>(target: string, input: unknown): Promise<T> {
    const out = await this.send({
      method: 'POST', path: '/', body: JSON.stringify(input),
      headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': target },
    });
    return (out.body.length ? JSON.parse(out.body.toString('utf8')) : {}) as T;
  }
}
