/**
 * The embedded local runtime: DynamoDB Local, the local Step Functions endpoint running
 * workflows/complaint.asl.json (as the two state machines of workflows/machines.ts), and the
 * local API Gateway, wired to the same handlers by configuration only (environment variables
 * the handlers already read on AWS).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { WORKFLOW_ENDED, WORKFLOW_FUNCTIONS } from '../functions/functions.ts';
import { regionConfig } from '../functions/domain/regions.ts';
import { ManualClock, systemClock } from '../functions/shared/clock.ts';
import { ensureTable, startDynamoDbLocal } from './dynamodb.ts';
import { startHttpAdapter } from './http-adapter.ts';
import { startS3Server } from './s3/server.ts';
import { staticPages } from './static.ts';
import { startMailCatcher, type MailCatcher } from './mail/catcher.ts';
import { startSesServer } from './mail/ses-server.ts';
import { StreamPoller } from './streams.ts';
import { LocalTtl } from './ttl.ts';
import { FaultInjector, faultsFromEnv } from './faults.ts';
import { STREAM_CONSUMERS } from '../functions/functions.ts';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { gatewayAuthorizer, gatewayClaims, SEED_USERS, startOidcProvider } from './identity.ts';
import { claimMappingEnv } from '../functions/domain/staff-claims.ts';
import { DynamoComplaintRepository } from '../functions/adapters/dynamo-complaint-repository.ts';
import { createDocumentClient } from '../functions/shared/dynamo.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LambdaHost } from './lambda-host.ts';
import { LocalStepFunctions, type StatusChangeEvent } from './stepfunctions/engine.ts';
import { matchesWorkflowEnded } from './events.ts';
import { startStepFunctionsServer } from './stepfunctions/server.ts';
import { throttlingFromEnv, type SfnThrottling } from './stepfunctions/throttling.ts';
import { definitionStartingAt, STATE_MACHINES } from '../workflows/machines.ts';
import { IamAuthorizer } from './iam/authorizer.ts';
import { loadRegionPolicies, localResourceNames } from './iam/policies.ts';
import { executionArnOfToken, machineArnOf } from './stepfunctions/engine.ts';

export const ROOT = resolve(import.meta.dirname, '..');
export const DEFINITION_FILE = join(ROOT, 'workflows', 'complaint.asl.json');

export interface RuntimeOptions {
  port?: number;
  dataDir?: string;
  region?: string;
  tableName?: string;
  /**
   * Start with a manual clock at this instant (tests): the handlers' clock is then moved by
   * POST /__local/clock, and the deadline watch runs on POST /__local/tick instead of a timer.
   */
  clockAt?: Date;
  /** Period of the deadline watch with the system clock (AWS: every 5 minutes). */
  watchIntervalMs?: number;
  /** Period of the local TTL sweep with the system clock (with a manual clock: every clock move). */
  ttlIntervalMs?: number;
  /** Port of the local SMTP intake (inbound email); 0 picks a free one. */
  smtpPort?: number;
  log?: (line: string) => void;
  /** Faults to inject from the start (local/faults.ts); default LOCAL_FAULTS. Changed at run time by /__local/faults. */
  faults?: import('./faults.ts').FaultConfig;
  /** Benchmarks: false leaves out the fault-injecting proxies (and /__local/faults has nothing to inject into). */
  faultInjection?: boolean;
  /** Benchmarks: DynamoDB Local in memory (-inMemory) instead of in DATA_DIR. */
  dynamoInMemory?: boolean;
  /** Benchmarks: the endpoint the handlers use for DynamoDB or S3, given the one they would use (e.g. a metering proxy). */
  endpointFor?: (service: 'dynamodb' | 's3', endpoint: string) => Promise<string>;
  /** Step Functions throttling (token buckets, local/stepfunctions/throttling.ts); default LOCAL_SFN_THROTTLING, else none. */
  sfnThrottling?: SfnThrottling;
  /**
   * The local IAM check (local/iam/authorizer.ts): every call of a function to DynamoDB, S3, Step
   * Functions and SES is checked against that function's role in the region's synthesized
   * templates. Default on; LOCAL_IAM=off turns it off; LOCAL_IAM=audit decides and records but refuses nothing.
   */
  iam?: boolean;
  /** Start every function's execution environment at start-up (default) rather than at its first invocation. */
  warmFunctions?: boolean;
  /** Port of the local OIDC provider (local/identity.ts); 0 or unset picks a free one. */
  oidcPort?: number;
}

export interface LocalRuntime {
  apiUrl: string;
  dynamoEndpoint: string;
  sfnEndpoint: string;
  s3Endpoint: string;
  /** The endpoints the functions use (AWS_ENDPOINT_URL_*): through the IAM check when it is on. */
  functionEndpoints: { dynamodb: string; s3: string; sfn: string; ses: string };
  /** The local IAM check, when on. */
  iam?: IamAuthorizer;
  smtpPort?: number;
  /** The local OIDC provider's issuer (discovery at `<issuer>/.well-known/openid-configuration`). */
  oidcIssuer: string;
  mail: MailCatcher;
  poller: StreamPoller;
  /** New complaints' workflows (STATE_MACHINE_ARN). */
  stateMachineArn: string;
  /** Resumed workflows, `<reference>--r<n>` (RESUME_STATE_MACHINE_ARN). */
  resumeStateMachineArn: string;
  tableName: string;
  engine: LocalStepFunctions;
  /** The in-process Lambda service (invocation counts and durations). */
  lambdas: LambdaHost;
  clock?: ManualClock;
  /** Fault injection between the handlers and DynamoDB, Step Functions, SES and the workflow's Lambda calls. */
  faults: FaultInjector;
  stop(): Promise<void>;
}

/** The key that signs task links: made once per data directory (a stack secret on AWS). */
function linkKey(file: string): string {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}

export async function startRuntime(opts: RuntimeOptions = {}): Promise<LocalRuntime> {
  const log = opts.log ?? (() => undefined);
  const region = regionConfig(opts.region ?? 'cn');
  const awsRegion = region.aws.region;
  const partition = region.aws.partition;
  const iamOn = opts.iam ?? process.env.LOCAL_IAM !== 'off';
  const dataDir = resolve(opts.dataDir ?? '.data');
  const tableName = opts.tableName ?? `complaints-${region.name}`;

  const clock: ManualClock | undefined = opts.clockAt ? new ManualClock(opts.clockAt) : undefined;
  const apiPort = opts.port || (await freePort());
  const dynamo = await startDynamoDbLocal(await freePort(), opts.dynamoInMemory ? undefined : join(dataDir, 'dynamodb'));
  const cleanups: (() => Promise<unknown>)[] = [() => dynamo.stop()];
  const faults = new FaultInjector(opts.faults ?? faultsFromEnv());
  const close = (s: import('node:http').Server) => new Promise((r) => { s.closeAllConnections(); s.close(r); });
  try {
    // The handlers reach DynamoDB, Step Functions and SES through fault-injecting proxies (pass-through unless told otherwise).
    // Benchmarks leave the fault-injecting proxies out (an extra hop on every call, absent on AWS).
    const viaFaults = async (target: 'dynamodb' | 'ses' | 'sfn', upstream: string) => {
      if (opts.faultInjection === false) return { url: upstream };
      const p = await faults.proxy(target, upstream);
      cleanups.unshift(() => close(p.server));
      return p;
    };
    const ddbProxy = await viaFaults('dynamodb', dynamo.endpoint);
    // Configuration the handlers read, exactly as the CDK stack sets it on AWS.
    const localNames = localResourceNames(region, tableName);
    const { STATE_MACHINE_ARN: stateMachineArn, RESUME_STATE_MACHINE_ARN: resumeStateMachineArn } = localNames;
    Object.assign(process.env, {
      AWS_REGION: awsRegion,
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
      AWS_ENDPOINT_URL_DYNAMODB: opts.endpointFor ? await opts.endpointFor('dynamodb', ddbProxy.url) : ddbProxy.url,
      TABLE_NAME: tableName,
      STATE_MACHINE_ARN: stateMachineArn,
      RESUME_STATE_MACHINE_ARN: resumeStateMachineArn,
      COMPLAINT_REGION: region.name,
      // A new local engine has no executions in flight: every open complaint without one is an orphan.
      ORPHAN_GRACE_SECONDS: '0',
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      // One process hosts every function on a shared machine: the AWS clients' longer timeouts (functions/shared/aws-clients.ts).
      AWS_CLIENTS_PROFILE: process.env.AWS_CLIENTS_PROFILE ?? 'background',
      // Locally no CloudWatch reads the embedded metric lines: off unless asked for.
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    });
    const ddbClient = new DynamoDBClient({ endpoint: dynamo.endpoint, region: awsRegion });
    await ensureTable(ddbClient, tableName);
    // The policies of the region (and which buckets have Object Lock), from the synthesized templates.
    const policies = iamOn ? await loadRegionPolicies(awsRegion, localNames, log) : undefined;
    const s3 = await startS3Server(join(dataDir, 's3'), 0, '127.0.0.1', clock ? () => clock.now() : undefined, { objectLockBuckets: policies?.objectLockBuckets ?? ['complaints-archive'] });
    cleanups.unshift(() => new Promise((r) => { s3.server.closeAllConnections(); s3.server.close(r); }));
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_S3: opts.endpointFor ? await opts.endpointFor('s3', s3.url) : s3.url,
      S3_FORCE_PATH_STYLE: 'true',
      ATTACHMENTS_BUCKET: localNames.ATTACHMENTS_BUCKET,
      MAIL_BUCKET: localNames.MAIL_BUCKET,
      // The archive: a folder laid out like the bucket (s3/complaints-archive/complaints/region=..),
      // objects locked until their retain-until date as in compliance mode.
      ARCHIVE_BUCKET: localNames.ARCHIVE_BUCKET,
      PUBLIC_BASE_URL: `http://127.0.0.1:${apiPort}`,
      LINK_SIGNING_KEY: linkKey(join(dataDir, 'identity', 'link-key')),
    });
    // Outbound mail: SES API -> SMTP -> the mail catcher's .eml files; in a region that sends
    // through the bank's SMTP relay (China: no SES), the catcher is that relay.
    const mail = await startMailCatcher(join(dataDir, 'mail', 'sent'), 0, (recipients) => faults.smtpFault(recipients));
    cleanups.unshift(() => mail.stop());
    if (region.mail.transport === 'smtp-relay') Object.assign(process.env, { SMTP_RELAY_HOST: '127.0.0.1', SMTP_RELAY_PORT: String(mail.port), SMTP_RELAY_TLS: 'none' });
    // SES only where the region has it: elsewhere (China) its endpoint does not exist, so nothing listens.
    const sesOffered = region.mail.transport === 'ses';
    if (sesOffered) {
      const ses = await startSesServer(mail.port, region.mail.domain);
      cleanups.unshift(() => new Promise((r) => { ses.server.closeAllConnections(); ses.server.close(r); }));
      const sesProxy = await viaFaults('ses', ses.url);
      process.env.AWS_ENDPOINT_URL_SESV2 = sesProxy.url;
    } else process.env.AWS_ENDPOINT_URL_SESV2 = `http://127.0.0.1:${await freePort()}`;
    // The staff directory the product reads (on AWS written when users are created in Cognito).
    const repo = new DynamoComplaintRepository(createDocumentClient({ endpoint: dynamo.endpoint, region: awsRegion }), tableName, { reminderFraction: region.profile.reminderAtRemainingFraction });
    for (const u of SEED_USERS) await repo.putStaff({ id: u.username, name: u.name, email: u.email, roles: u.roles, department: u.department });
    // Staff sign in at a real OIDC provider configured like a bank's IdP; the functions map its claims by configuration, as infra sets it.
    const idp = await startOidcProvider({ keyFile: join(dataDir, 'identity', 'oidc-signing-key.json'), port: opts.oidcPort });
    cleanups.unshift(() => idp.stop());
    Object.assign(process.env, claimMappingEnv(idp.mapping));

    // Each function in its own execution environment, signing with its own credentials.
    const lambdas = new LambdaHost(awsRegion, '000000000000', { clock, partition });
    cleanups.unshift(() => lambdas.stop());
    const asl = readFileSync(DEFINITION_FILE, 'utf8');
    // EventBridge's rule on Step Functions' status changes (infra/stacks/api-stack.ts): an
    // execution that ends abnormally resumes its complaint at once, invoked asynchronously as
    // EventBridge does. POST /__local/rules { "WorkflowEnded": false } disables it (as `aws events
    // disable-rule` would), to see what the scheduled sweep alone does.
    const rules = { WorkflowEnded: true };
    const workflowEnded = (event: StatusChangeEvent) => {
      if (!rules.WorkflowEnded || !matchesWorkflowEnded(event, [stateMachineArn, resumeStateMachineArn])) return;
      lambdas.invoke(WORKFLOW_ENDED.fn, event).catch((e) => log(`Resuming after an execution ${event.detail.status} failed: ${(e as Error).name}`));
    };
    const engine = new LocalStepFunctions({
      // The same two machines as on AWS (infra/constructs/workflow.ts), from the one file.
      machines: [
        { stateMachineArn, definition: definitionStartingAt(asl, STATE_MACHINES.lifecycle.startAt) },
        { stateMachineArn: resumeStateMachineArn, definition: asl },
      ],
      substitutions: Object.fromEntries(Object.entries(WORKFLOW_FUNCTIONS).map(([k, fn]) => [k, lambdas.arn(fn)])),
      invoke: faults.wrapInvoke((arn, payload) => lambdas.invoke(arn, payload)),
      journalFile: join(dataDir, 'stepfunctions', 'executions.jsonl'),
      now: clock ? () => clock.now() : undefined,
      throttling: opts.sfnThrottling ?? throttlingFromEnv(),
      onStatusChange: workflowEnded,
    });
    cleanups.unshift(() => engine.shutdown());
    const sfn = await startStepFunctionsServer(engine);
    cleanups.unshift(() => new Promise((r) => { sfn.server.closeAllConnections(); sfn.server.close(r); }));
    const sfnProxy = await viaFaults('sfn', sfn.url);
    process.env.AWS_ENDPOINT_URL_SFN = sfnProxy.url;

    // The IAM check in front of every endpoint the functions use: functions -> IAM -> faults -> service.
    // (With the check off, the proxies only pass calls on: DynamoDB Local refuses the functions' own access key ids.)
    const iam = new IamAuthorizer({
      policies, log, recordFile: process.env.LOCAL_IAM_RECORD || undefined, region: awsRegion, partition, auditOnly: process.env.LOCAL_IAM === 'audit',
      // A task token carries its execution (local/stepfunctions/engine.ts): callbacks are authorized on its state machine.
      stateMachineOfToken: (token) => {
        const execution = executionArnOfToken(token);
        return execution && machineArnOf(execution);
      },
    });
    for (const [service, variable] of [['dynamodb', 'AWS_ENDPOINT_URL_DYNAMODB'], ['s3', 'AWS_ENDPOINT_URL_S3'], ['sfn', 'AWS_ENDPOINT_URL_SFN'], ['ses', 'AWS_ENDPOINT_URL_SESV2']] as const) {
      if (service === 'ses' && !sesOffered) continue;
      const p = await iam.proxy(service, process.env[variable]!);
      cleanups.unshift(() => close(p.server));
      process.env[variable] = p.url;
    }
    const functionEndpoints = {
      dynamodb: process.env.AWS_ENDPOINT_URL_DYNAMODB!, s3: process.env.AWS_ENDPOINT_URL_S3!, sfn: process.env.AWS_ENDPOINT_URL_SFN!, ses: process.env.AWS_ENDPOINT_URL_SESV2!,
    };

    // Every function's execution environment started now, not at its first invocation: local
    // cold starts (loading TypeScript) are slower than Lambda's, and a background function
    // starting cold in the middle of a journey changes its timing.
    if (opts.warmFunctions !== false) {
      const warming = Date.now();
      await lambdas.warm();
      log(`Functions started in ${((Date.now() - warming) / 1000).toFixed(1)} s`);
    }

    // Executions live in memory: complaints whose workflow was running when we stopped are
    // resumed by the product's own orphan sweeper, from their persisted stage.
    const sweep = (await lambdas.invoke('ResumeOrphans', {})) as { checked: number; resumed: unknown[] };
    if (sweep.resumed.length) log(`Resumed the workflow of ${sweep.resumed.length} open complaint(s)`);

    // The customer pages: built from web/ at start-up, served at / as CloudFront serves them.
    const webDir = join(ROOT, 'web', 'dist');
    if (existsSync(join(ROOT, 'web', 'build.ts'))) {
      const { buildWeb } = await import(pathToFileURL(join(ROOT, 'web', 'build.ts')).href) as { buildWeb(out: string): Promise<void> };
      await buildWeb(webDir);
    }
    // Browsers upload to the presigned URLs the functions make: on the functions' S3 endpoint.
    const auth = { kind: 'oidc', issuer: idp.issuer, clientId: idp.clientId, claims: idp.mapping };
    const pages = staticPages(webDir, () => ({ region: region.name, languages: region.languages, apiBase: '', auth }), { uploadOrigins: [...new Set([functionEndpoints.s3, s3.url, idp.issuer])] });
    const json = (res: ServerResponse, status: number, body: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
    // Local-only endpoints: with a test clock, time control; streams, faults, mail.
    const extra = async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean> => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (!path.startsWith('/__local/')) return pages(req, res);
      const input = body.length ? JSON.parse(body.toString('utf8')) : {};
      if (clock && path === '/__local/clock' && req.method === 'POST') {
        if (input.now) clock.set(new Date(input.now));
        if (input.advanceMs) clock.advance(Number(input.advanceMs));
        lambdas.syncClock();
        // TTL follows the runtime's clock: moving it lets what has expired go, as DynamoDB would.
        const expired = await ttl.sweep();
        json(res, 200, { now: clock.now().toISOString(), expired });
      } else if (clock && path === '/__local/tick' && req.method === 'POST') json(res, 200, await lambdas.invoke('DeadlineWatch', {}));
      else if (path === '/__local/sweep' && req.method === 'POST') json(res, 200, await lambdas.invoke('ResumeOrphans', {}));
      else if (path === '/__local/rules' && req.method === 'POST') {
        for (const [k, v] of Object.entries(input)) if (k in rules && typeof v === 'boolean') rules[k as keyof typeof rules] = v;
        json(res, 200, rules);
      }
      else if (path === '/__local/rules') json(res, 200, rules);
      // The daily reconciliation of AWS (ReconcileArchive), on demand: `npm run reconcile`.
      else if (path === '/__local/reconcile' && req.method === 'POST') json(res, 200, await lambdas.invoke('ReconcileArchive', {}));
      else if (path === '/__local/ttl/sweep' && req.method === 'POST') json(res, 200, { expired: await ttl.sweep() });
      else if (path === '/__local/streams/drain' && req.method === 'POST') { await poller.drain(); json(res, 200, { drained: true }); }
      else if (path === '/__local/streams/parked' && req.method === 'GET') json(res, 200, poller.parked());
      else if (path === '/__local/streams/replay' && req.method === 'POST') json(res, 200, await poller.replayParked(input.consumer));
      else if (path === '/__local/faults') { const r = faults.admin(req.method ?? 'GET', input, new URL(req.url ?? '/', 'http://localhost').searchParams); json(res, r.status, r.body); }
      else if (path === '/__local/mail' && req.method === 'GET') json(res, 200, mail.list().map((m) => ({ id: m.id, url: `/__local/mail/${m.id}` })));
      else if (path.startsWith('/__local/mail/') && req.method === 'GET') {
        const id = path.slice('/__local/mail/'.length);
        const found = mail.list().find((m) => m.id === id);
        if (!found) json(res, 404, { message: 'Not Found' });
        else { res.writeHead(200, { 'content-type': 'message/rfc822; charset=utf-8' }); res.end(readFileSync(found.file)); }
      }
      else json(res, 404, { message: 'Not Found' });
      return true;
    };
    // The table's stream, handed to the same consumers as on AWS (message delivery, ...).
    // DynamoDB's TTL (local/ttl.ts: DynamoDB Local's own job cannot delete this table's items).
    const ttl = new LocalTtl({ client: ddbClient, tableName, now: () => (clock ?? systemClock).now(), file: join(dataDir, 'streams', 'ttl-deleted.json'), log });
    if (!clock) ttl.start(opts.ttlIntervalMs ?? 30_000);
    cleanups.unshift(() => ttl.stop());
    const poller = new StreamPoller({
      endpoint: dynamo.endpoint, region: awsRegion, tableName, consumers: STREAM_CONSUMERS, checkpointFile: join(dataDir, 'streams', 'checkpoints.json'),
      invoke: (fn, event) => lambdas.invoke(fn, event), log,
      deletedByTtl: (keys, oldImage) => ttl.deletedByTtl(keys, oldImage), ttlSweeping: () => ttl.sweeping,
    });
    poller.start();
    cleanups.unshift(() => poller.stop());

    // Inbound mail: a real SMTP server storing the raw message as the SES receipt rule does.
    let smtpPort: number | undefined;
    if (existsSync(join(ROOT, 'local', 'smtp-intake.ts'))) {
      const { startSmtpIntake } = await import(pathToFileURL(join(ROOT, 'local', 'smtp-intake.ts')).href);
      const s3client = new S3Client({ endpoint: s3.url, forcePathStyle: true, region: awsRegion });
      const intake = await startSmtpIntake({
        port: opts.smtpPort ?? Number(process.env.SMTP_PORT ?? 2525),
        store: async (key: string, raw: Buffer) => { await s3client.send(new PutObjectCommand({ Bucket: process.env.MAIL_BUCKET, Key: key, Body: raw, ContentType: 'message/rfc822' })); },
        invoke: (event: unknown) => lambdas.invoke('EmailIntake', event),
      });
      smtpPort = intake.port;
      cleanups.unshift(() => intake.stop());
    }

    const verifyStaffToken = gatewayAuthorizer(idp.issuer, idp.audience);
    const api = await startHttpAdapter(lambdas, {
      port: apiPort,
      // A refused token is logged by reason only (as API Gateway's access log does on AWS).
      authorizer: { verify: (t) => verifyStaffToken(t, (reason) => log(`Staff token refused at the gateway: ${reason}`)) as Promise<Record<string, unknown> | undefined>, claims: (p) => gatewayClaims(p) },
      extra,
    });
    if (!clock) {
      const timer = setInterval(() => {
        lambdas.invoke('DeadlineWatch', {}).catch((e) => log(`Deadline watch failed: ${(e as Error).name}`));
        // The orphan sweep, scheduled as on AWS (there every 6 hours, a backstop to the WorkflowEnded
        // rule), with a grace period for starts in flight.
        lambdas.invoke('ResumeOrphans', { graceSeconds: 60 }).catch((e) => log(`Orphan sweep failed: ${(e as Error).name}`));
      }, opts.watchIntervalMs ?? 60_000);
      timer.unref();
      cleanups.unshift(async () => clearInterval(timer));
    }
    cleanups.unshift(() => new Promise((r) => { api.server.closeAllConnections(); api.server.close(r); }));

    return {
      apiUrl: api.url,
      dynamoEndpoint: dynamo.endpoint,
      sfnEndpoint: sfn.url,
      s3Endpoint: s3.url,
      functionEndpoints,
      iam: iam.enforcing ? iam : undefined,
      smtpPort,
      oidcIssuer: idp.issuer,
      mail,
      poller,
      stateMachineArn,
      resumeStateMachineArn,
      tableName,
      engine,
      lambdas,
      clock,
      faults,
      stop: async () => { for (const c of cleanups) await c().catch(() => undefined); },
    };
  } catch (e) {
    for (const c of cleanups) await c().catch(() => undefined);
    throw e;
  }
}
