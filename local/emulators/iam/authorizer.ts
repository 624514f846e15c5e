/**
 * The local IAM check: every call a function makes to DynamoDB, S3, Step Functions or SES goes
 * through an authorizing proxy that reads the caller's access key id (`local-<FunctionName>`,
 * local/host/lambda-host.ts gives each function its own), derives the IAM action(s), resource(s)
 * and context keys of the request (requests.ts), and evaluates them with
 * @cloud-copilot/iam-simulate against that function's execution-role policies and the
 * resource's policy in the templates synthesized for the running region (template.ts). A denied
 * call is answered with the error AWS returns, and logged (function, action, resource ARN).
 *
 * Callers that are not a function (the tests' and tools' own clients, signed with any other
 * key) are passed through unchecked: they stand for an operator, not for a role of the product.
 *
 * With LOCAL_IAM_RECORD=<file>, every decision is appended to that file (JSON lines) for
 * `npm run check:iam`.
 */
import { appendFileSync } from 'node:fs';
import { createServer, request as httpRequest, Agent, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { FUNCTIONS, type FunctionName } from '../../../functions/functions.ts';
import { accessKeyOf, callsOf, s3Target, targetOperation, type IamCall, type RequestScope, type Service } from './requests.ts';
import type { RegionPolicies } from './template.ts';

export const ACCESS_KEY_PREFIX = 'local-';
/**
 * Tests of the check itself sign as `probe-<FunctionName>`: the same role and the same answers,
 * but their (deliberately refused) calls are marked, so that `check:iam` leaves them out of the
 * journeys' record.
 */
export const PROBE_KEY_PREFIX = 'probe-';

/** Actions evaluated on the state machine although the Service Authorization Reference lists no resource type (see simulate). */
const ON_STATE_MACHINE = new Set(['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat']);

/** The access key id a function signs with locally. */
export function accessKeyIdOf(fn: FunctionName): string {
  return `${ACCESS_KEY_PREFIX}${fn}`;
}

export interface Decision {
  fn: FunctionName;
  service: Service;
  action: string;
  resource: string;
  allowed: boolean;
  /** What decided: 'allowed', 'explicit-deny', 'implicit-deny', 'error: ...'. */
  reason: string;
}

export interface IamAuthorizerOptions {
  /** The region's policies; absent: the check is off (LOCAL_IAM=off) and the proxies only pass calls on. */
  policies?: RegionPolicies;
  /**
   * Decide and record, but refuse nothing (LOCAL_IAM=audit): to list in one run every call a
   * change of the roles must allow, where enforcing would stop a journey at its first refusal.
   */
  auditOnly?: boolean;
  /** JSON-lines file every decision is appended to (LOCAL_IAM_RECORD). */
  recordFile?: string;
  log?: (line: string) => void;
  stateMachineOfToken?: (token: string) => string | undefined;
}

export class IamAuthorizer {
  readonly scope: RequestScope;
  private readonly memo = new Map<string, Promise<Omit<Decision, 'fn' | 'service'>>>();
  /** Decisions so far, per function: calls and denials. */

  readonly enforcing: boolean;

  constructor(private readonly opts: IamAuthorizerOptions & { region?: string; partition?: string; account?: string }) {
    const p = opts.policies;
    this.enforcing = !!p;
    this.scope = {
      partition: p?.partition ?? opts.partition ?? 'aws',
      region: p?.region ?? opts.region ?? '',
      account: p?.account ?? opts.account ?? '000000000000',
      tables: p?.tables ?? {},
      stateMachineOfToken: opts.stateMachineOfToken,
    };
  }

  /** The function whose credentials these are; undefined for any other caller. */
  functionOfKey(accessKeyId: string | undefined): FunctionName | undefined {
    const prefix = [ACCESS_KEY_PREFIX, PROBE_KEY_PREFIX].find((p) => accessKeyId?.startsWith(p));
    if (!accessKeyId || !prefix) return undefined;
    const name = accessKeyId.slice(prefix.length);
    return name in FUNCTIONS ? (name as FunctionName) : undefined;
  }

  principalOf(fn: FunctionName): string {
    const f = this.opts.policies?.functions[fn];
    return `arn:${this.scope.partition}:sts::${this.scope.account}:assumed-role/${f?.roleName ?? fn}/${fn}`;
  }

  /** The resource policy that applies to `resource`: the bucket's for an object, the table's for an index. */
  private resourcePolicyOf(resource: string): unknown {
    const rp = this.opts.policies?.resourcePolicies ?? {};
    if (rp[resource]) return rp[resource];
    const s3 = /^(arn:[^:]+:s3:::[^/]+)/.exec(resource);
    if (s3 && rp[s3[1]]) return rp[s3[1]];
    const table = /^(arn:[^:]+:dynamodb:[^:]*:[^:]*:table\/[^/]+)/.exec(resource);
    if (table && rp[table[1]]) return rp[table[1]];
    return undefined;
  }

  /** Evaluates one call of `fn` (memoized: the same call decides the same way). */
  async evaluate(fn: FunctionName, call: IamCall): Promise<Omit<Decision, 'fn' | 'service'>> {
    const key = JSON.stringify([fn, call]);
    let d = this.memo.get(key);
    if (!d) {
      d = this.simulate(fn, call);
      if (this.memo.size > 50_000) this.memo.clear();
      this.memo.set(key, d);
    }
    return d;
  }

  private async simulate(fn: FunctionName, call: IamCall): Promise<Omit<Decision, 'fn' | 'service'>> {
    const f = this.opts.policies?.functions[fn];
    const base = { action: call.action, resource: call.resource };
    if (!f) return { ...base, allowed: false, reason: `implicit-deny (no role for ${fn} in the ${this.scope.region} templates)` };
    const now = new Date();
    const simulation: Simulation = {
      request: {
        principal: this.principalOf(fn),
        action: call.action,
        resource: { resource: call.resource, accountId: this.scope.account },
        contextVariables: {
          // Set by AWS on every request made with a Lambda function's execution-role credentials.
          'aws:PrincipalArn': f.roleArn,
          'aws:PrincipalAccount': this.scope.account,
          'aws:PrincipalType': 'AssumedRole',
          'aws:userid': `AROA${fn.toUpperCase()}:${fn}`,
          'aws:RequestedRegion': this.scope.region,
          // The local loopback stands in for the service's TLS endpoint (docs/local-runtime.md).
          'aws:SecureTransport': 'true',
          'aws:CurrentTime': now.toISOString(),
          'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
          'aws:ViaAWSService': 'false',
          'lambda:SourceFunctionArn': `arn:${this.scope.partition}:lambda:${this.scope.region}:${this.scope.account}:function:${fn}`,
          ...call.context,
        },
      },
      identityPolicies: f.policies.map((p) => ({ name: p.name, policy: p.policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: this.resourcePolicyOf(call.resource),
    };
    let overall: string;
    if (ON_STATE_MACHINE.has(call.action) && call.resource !== '*') {
      // The reference lists no resource type for the task-token callbacks, but Step Functions
      // authorizes them on the state machine of the token's execution (its AccessDenied names
      // it; CDK's grantTaskResponse grants on it): evaluated as such, without the library's
      // resource-type validation (which would demand "*").
      overall = runUnsafeSimulation(simulation, { simulationMode: 'Strict' });
    } else {
      const result = await runSimulation(simulation, { simulationMode: 'Strict' });
      if (result.resultType === 'error') return { ...base, allowed: false, reason: `error: ${result.errors.message}` };
      overall = result.overallResult;
    }
    return {
      ...base,
      allowed: overall === 'Allowed',
      reason: overall === 'Allowed' ? 'allowed' : overall === 'ExplicitlyDenied' ? 'explicit-deny' : 'implicit-deny',
    };
  }

  /** Evaluates every call of a request; the first denied one decides. */
  async authorize(fn: FunctionName, service: Service, calls: IamCall[], probe = false): Promise<Decision[]> {
    const out: Decision[] = [];
    for (const c of calls) {
      const d = { fn, service, ...(await this.evaluate(fn, c)) };
      this.record(d, probe);
      out.push(d);
    }
    return out;
  }

  record(d: Decision, probe = false): void {
    if (!d.allowed) {
      // Function, action and resource ARN only: never a request's values.
      this.opts.log?.(`IAM: denied ${d.fn} ${d.action} on ${d.resource} (${d.reason})`);
    }
    // Appended synchronously: a runtime killed mid-journey (the crash test's SIGKILL) loses no decision.
    if (this.opts.recordFile)
      appendFileSync(this.opts.recordFile, `${JSON.stringify({ ...d, region: this.scope.region, ...(probe ? { probe } : {}), at: Date.now() })}\n`);
  }

  /** An authorizing proxy in front of `upstream` for one service; close it with `server.close()`. */
  async proxy(service: Service, upstream: string): Promise<{ server: Server; url: string }> {
    const up = new URL(upstream);
    const agent = new Agent({ keepAlive: true });
    const forward = (req: { method: string; url: string; headers: IncomingHttpHeaders }, body: Buffer) =>
      new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
        const headers = { ...req.headers, host: up.host };
        // DynamoDB Local accepts only letters and digits in an access key id (and checks no
        // signature): past the check, the call is signed as the account's, as AWS would see it.
        if (service === 'dynamodb' && headers.authorization)
          headers.authorization = headers.authorization.replace(/Credential=[^/,\s]+\//, 'Credential=local/');
        const r = httpRequest({ host: up.hostname, port: up.port, method: req.method, path: req.url, agent, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        });
        r.on('error', reject);
        r.end(body);
      });
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        try {
          const body = Buffer.concat(chunks);
          const r = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body };
          const accessKey = accessKeyOf(req.headers, r.url);
          const fn = this.functionOfKey(accessKey);
          const probe = !!accessKey?.startsWith(PROBE_KEY_PREFIX);
          if (fn && this.enforcing && r.method !== 'OPTIONS') {
            let calls: IamCall[];
            try {
              calls = callsOf(service, r, this.scope);
            } catch {
              calls = [{ action: `${service}:${targetOperation(req.headers) || r.method}`, resource: '*', context: {} }];
            }
            const denied = (await this.authorize(fn, service, calls, probe)).find((d) => !d.allowed);
            if (denied && !this.opts.auditOnly) return deny(res, service, r.method, this.principalOf(fn), denied);
          }
          const answer = await forward(r, body);
          // S3: a missing key is 403 to a caller that may not list it, so that a missing object
          // does not tell what exists (S3 API Reference, GetObject / HeadObject, "Permissions").
          if (service === 's3' && fn && this.enforcing && answer.status === 404 && (r.method === 'GET' || r.method === 'HEAD')) {
            const { bucket, key } = s3Target(r.url, String(req.headers.host ?? ''));
            if (key) {
              const [list] = await this.authorize(
                fn,
                's3',
                [
                  {
                    action: 's3:ListBucket',
                    resource: `arn:${this.scope.partition}:s3:::${bucket}`,
                    context: { 's3:prefix': key, 's3:authType': 'REST-HEADER', 's3:signatureversion': 'AWS4-HMAC-SHA256', 's3:TlsVersion': '1.3' },
                  },
                ],
                probe,
              );
              if (!list.allowed && !this.opts.auditOnly)
                return deny(res, 's3', r.method, this.principalOf(fn), {
                  ...list,
                  action: 's3:GetObject',
                  resource: `arn:${this.scope.partition}:s3:::${bucket}/${key}`,
                });
            }
          }
          res.writeHead(answer.status, answer.headers);
          res.end(answer.body);
        } catch (e) {
          if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: (e as Error).message }));
        }
      });
    });
    server.on('close', () => agent.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }
}

/** AWS's message for an action no policy allows (or one denies). */
export function deniedMessage(principal: string, d: Pick<Decision, 'action' | 'resource' | 'reason'>): string {
  const why =
    d.reason === 'explicit-deny'
      ? `with an explicit deny in a ${d.action.startsWith('s3:') ? 'resource-based' : 'resource-based or identity-based'} policy`
      : `because no identity-based policy allows the ${d.action} action`;
  return `User: ${principal} is not authorized to perform: ${d.action} on resource: ${d.resource} ${why}`;
}

/** The answer AWS gives a denied call, per protocol. */
function deny(res: import('node:http').ServerResponse, service: Service, method: string, principal: string, d: Decision): void {
  const message = deniedMessage(principal, d);
  const requestId = `iam-${Date.now().toString(36)}`;
  if (service === 's3') {
    // S3: 403 with an XML error body (none for HEAD).
    res.writeHead(403, { 'content-type': 'application/xml', 'x-amz-request-id': requestId });
    if (method === 'HEAD') return void res.end();
    return void res.end(
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>${message.replace(/[<>&]/g, (c) => `&#${c.charCodeAt(0)};`)}</Message><RequestId>${requestId}</RequestId></Error>`,
    );
  }
  if (service === 'ses') {
    // SES v2 (REST-JSON): 403 with the error type in x-amzn-ErrorType.
    res.writeHead(403, { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException', 'x-amzn-requestid': requestId });
    return void res.end(JSON.stringify({ message }));
  }
  // DynamoDB and Step Functions (AWS JSON 1.0): 400 AccessDeniedException.
  res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId });
  res.end(JSON.stringify({ __type: 'com.amazon.coral.service#AccessDeniedException', Message: message, message }));
}
