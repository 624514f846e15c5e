/**
 * The embedded local runtime: DynamoDB Local, the local Step Functions endpoint running
 * workflows/complaint.asl.json (as the two state machines of workflows/machines.ts), and the
 * local API Gateway, wired to the same handlers by configuration only (environment variables
 * the handlers already read on AWS). The AWS stand-ins are in emulators/, the functions' host
 * (execution environments, API Gateway, pages, faults) in host/: local/README.md.
 *
 * startRuntime is a sequence of steps; each starts one part, registers how to stop it at once,
 * and returns what the next steps need. A step that fails stops everything started before it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { STREAM_CONSUMERS, WORKFLOW_ENDED, WORKFLOW_FUNCTIONS } from '../functions/functions.ts';
import { regionConfig, type RegionConfig, type RegionName } from '../functions/domain/regions.ts';
import { loadSettings } from '../infra/settings/load.ts';
import { ManualClock, systemClock } from '../functions/shared/clock.ts';
import { nextReviewRun } from '../functions/domain/periodic-review.ts';
import { REPORT_FONT, reportFontSetting } from '../functions/shared/report-font.ts';
import { DynamoComplaintRepository } from '../functions/adapters/dynamo-complaint-repository.ts';
import { createDocumentClient } from '../functions/adapters/dynamo-client.ts';
import { definitionStartingAt, STATE_MACHINES } from '../workflows/machines.ts';
import { buildWeb } from '../web/build.ts';
import { freePort, reservePort, startOnFreePort } from './ports.ts';
import { ensureTable, startDynamoDbLocal, type LocalDynamo } from './emulators/dynamodb.ts';
import { IamAuthorizer } from './emulators/iam/authorizer.ts';
import { loadRegionPolicies, localResourceNames } from './emulators/iam/policies.ts';
import type { RegionPolicies } from './emulators/iam/template.ts';
import { gatewayAuthorizer, gatewayClaims, SEED_USERS, startOidcProvider, type LocalOidcProvider } from './emulators/identity.ts';
import { claimMappingEnv } from '../functions/domain/staff-claims.ts';
import { startMailCatcher, type MailCatcher } from './emulators/mail/catcher.ts';
import { startSesServer } from './emulators/mail/ses-server.ts';
import { startSmtpIntake } from './emulators/mail/smtp-intake.ts';
import { startS3Server } from './emulators/s3/server.ts';
import { executionArnOfToken, LocalStepFunctions, machineArnOf, type StatusChangeEvent } from './emulators/stepfunctions/engine.ts';
import { startStepFunctionsServer } from './emulators/stepfunctions/server.ts';
import { throttlingFromEnv, type SfnThrottling } from './emulators/stepfunctions/throttling.ts';
import { StreamPoller } from './emulators/streams.ts';
import { startFailureQueues, type FailureQueues } from './emulators/failure-queues.ts';
import { LocalTtl } from './emulators/ttl.ts';
import { matchesWorkflowEnded } from './host/events.ts';
import { FaultInjector, faultsFromEnv, type FaultConfig } from './host/faults.ts';
import { startHttpAdapter } from './host/http-adapter.ts';
import { LambdaHost } from './host/lambda-host.ts';
import { localEndpoints } from './host/local-endpoints.ts';
import { localPagesConfig, staticPages } from './host/static.ts';
import { startLocalMailbox, type ImapServer } from './emulators/imap-server.ts';

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
  /** Faults to inject from the start (local/host/faults.ts); default LOCAL_FAULTS. Changed at run time by /__local/faults. */
  faults?: FaultConfig;
  /** Benchmarks: false leaves out the fault-injecting proxies (and /__local/faults has nothing to inject into). */
  faultInjection?: boolean;
  /** Benchmarks: DynamoDB Local in memory (-inMemory) instead of in DATA_DIR. */
  dynamoInMemory?: boolean;
  /** Benchmarks: the endpoint the handlers use for DynamoDB or S3, given the one they would use (e.g. a metering proxy). */
  endpointFor?: (service: 'dynamodb' | 's3', endpoint: string) => Promise<string>;
  /** Step Functions throttling (token buckets, local/emulators/stepfunctions/throttling.ts); default LOCAL_SFN_THROTTLING, else none. */
  sfnThrottling?: SfnThrottling;
  /**
   * The local IAM check (local/emulators/iam/authorizer.ts): every call of a function to DynamoDB, S3, Step
   * Functions and SES is checked against that function's role in the region's synthesized
   * templates. Default on; LOCAL_IAM=off turns it off; LOCAL_IAM=audit decides and records but refuses nothing.
   */
  iam?: boolean;
  /** Start every function's execution environment at start-up (default) rather than at its first invocation. */
  warmFunctions?: boolean;
  /** The complaints mailbox over IMAP (local/emulators/imap-server.ts); default: when the region's deploy settings poll one. */
  imap?: boolean;
  /** Port of the local OIDC provider (local/emulators/identity.ts); 0 or unset picks a free one. */
  oidcPort?: number;
}

export interface LocalRuntime {
  apiUrl: string;
  dynamoEndpoint: string;
  sfnEndpoint: string;
  s3Endpoint: string;
  /** The stream consumers' failure queues (SQS, `<Function>-failures`): what `npm run replay` reads. */
  sqsEndpoint: string;
  /** The endpoints the functions use (AWS_ENDPOINT_URL_*): through the IAM check when it is on. */
  functionEndpoints: { dynamodb: string; s3: string; sfn: string; ses: string };
  /** The local IAM check, when on. */
  iam?: IamAuthorizer;
  smtpPort?: number;
  /** The complaints mailbox the MailboxPoller polls, where there is one. */
  imap?: ImapServer;
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

/**
 * The installation's mail facts as infra sets them on AWS (MAIL_* variables from the deploy
 * settings, infra/stacks/api-stack.ts), here from the checked-in example settings.
 */
export function localMailSettings(region: RegionName): { env: Record<string, string>; transport: 'ses' | 'smtp-relay'; domain: string } {
  const mail = loadSettings().regions[region].mail;
  return {
    transport: mail.outbound.transport,
    domain: mail.domain,
    env: { MAIL_TRANSPORT: mail.outbound.transport, MAIL_SENDER: mail.sender, MAIL_DOMAIN: mail.domain, MAIL_OWN_DOMAINS: mail.ownDomains.join(',') },
  };
}

export async function startRuntime(opts: RuntimeOptions = {}): Promise<LocalRuntime> {
  const started = new Started();
  try {
    const setup = await configure(opts);
    const storage = await startStorage(setup, started); // DynamoDB Local and the table, the region's IAM policies, S3
    const mail = await startMail(setup, started); // the mail catcher (China's SMTP relay), SES where the region has it
    const mailbox = await startMailbox(setup, started); // the complaints mailbox over IMAP, where the settings poll one
    const idp = await startIdentity(setup, started, storage); // the staff directory, the OIDC provider staff sign in at
    const lambdas = startFunctions(setup, started); // one execution environment per function
    const workflows = await startWorkflows(setup, started, lambdas); // the engine on the ASL file, its endpoint, the WorkflowEnded rule
    const iam = await guardEndpoints(setup, started, storage.policies, mail.sesOffered, Boolean(mailbox)); // the IAM check before every endpoint the functions use
    await readyFunctions(setup, lambdas); // warm every function, resume orphaned workflows
    const queues = await startQueues(setup, started); // the stream consumers' failure queues (SQS)
    const streams = startStreams(setup, started, storage, lambdas, queues); // TTL and the table's stream consumers
    const smtpPort = await startEmailIntake(setup, started, storage, lambdas); // inbound mail as the SES receipt rule
    const api = await startGateway(setup, started, { storage, mail, idp, lambdas, workflows, streams, functionEndpoints: iam.functionEndpoints });
    scheduleJobs(setup, started, lambdas, mailbox); // the deadline watch, orphan sweep and mailbox poll (system clock only)
    return {
      apiUrl: api.url,
      dynamoEndpoint: storage.dynamo.endpoint,
      sfnEndpoint: workflows.url,
      s3Endpoint: storage.s3Url,
      sqsEndpoint: queues.endpoint,
      functionEndpoints: iam.functionEndpoints,
      iam: iam.authorizer.enforcing ? iam.authorizer : undefined,
      smtpPort,
      imap: mailbox?.imap,
      oidcIssuer: idp.issuer,
      mail: mail.catcher,
      poller: streams.poller,
      stateMachineArn: setup.names.STATE_MACHINE_ARN,
      resumeStateMachineArn: setup.names.RESUME_STATE_MACHINE_ARN,
      tableName: setup.tableName,
      engine: workflows.engine,
      lambdas,
      clock: setup.clock,
      faults: setup.faults,
      stop: () => started.stopAll(),
    };
  } catch (e) {
    await started.stopAll();
    throw e;
  }
}

/** What has started, stopped in the reverse order (the last started first); a stop that fails does not keep the others running. */
class Started {
  private stops: (() => Promise<unknown>)[] = [];
  add(stop: () => Promise<unknown>): void {
    this.stops.unshift(stop);
  }
  server(server: Server): void {
    this.add(
      () =>
        new Promise((r) => {
          server.closeAllConnections();
          server.close(r);
        }),
    );
  }
  async stopAll(): Promise<void> {
    const stops = this.stops;
    this.stops = [];
    for (const stop of stops) await stop().catch(() => undefined);
  }
}

/** What every step reads: the options resolved, the local resource names, the clock and the fault injector. */
interface Setup {
  opts: RuntimeOptions;
  log: (line: string) => void;
  region: RegionConfig;
  awsRegion: string;
  partition: string;
  iamOn: boolean;
  dataDir: string;
  tableName: string;
  /** The names the handlers read (TABLE_NAME, STATE_MACHINE_ARN, buckets, ...), as the stack sets them on AWS. */
  names: Record<string, string>;
  clock?: ManualClock;
  apiPort: number;
  /** Frees the reserved API port just before the gateway listens (none when the port was given). */
  releaseApiPort?: () => Promise<void>;
  faults: FaultInjector;
  /** The handlers reach DynamoDB, Step Functions and SES through a fault-injecting proxy (pass-through unless told otherwise). */
  viaFaults(started: Started, target: 'dynamodb' | 'ses' | 'sfn', upstream: string): Promise<{ url: string }>;
}

async function configure(opts: RuntimeOptions): Promise<Setup> {
  const region = regionConfig(opts.region ?? 'cn');
  const tableName = opts.tableName ?? `complaints-${region.name}`;
  const clock = opts.clockAt ? new ManualClock(opts.clockAt) : undefined;
  const faults = new FaultInjector(opts.faults ?? faultsFromEnv());
  return {
    opts,
    region,
    tableName,
    clock,
    faults,
    log: opts.log ?? (() => undefined),
    awsRegion: region.aws.region,
    partition: region.aws.partition,
    iamOn: opts.iam ?? process.env.LOCAL_IAM !== 'off',
    dataDir: resolve(opts.dataDir ?? '.data'),
    names: localResourceNames(region, tableName),
    ...(opts.port ? { apiPort: opts.port } : await reservePort().then((r) => ({ apiPort: r.port, releaseApiPort: r.release }))),
    // Benchmarks leave the fault-injecting proxies out (an extra hop on every call, absent on AWS).
    viaFaults: async (started, target, upstream) => {
      if (opts.faultInjection === false) return { url: upstream };
      const p = await faults.proxy(target, upstream);
      started.server(p.server);
      return p;
    },
  };
}

interface Storage {
  dynamo: LocalDynamo;
  ddbClient: DynamoDBClient;
  policies?: RegionPolicies;
  s3Url: string;
}

/** DynamoDB Local with the table, the region's IAM policies (which also say which buckets have Object Lock), and S3. */
async function startStorage(setup: Setup, started: Started): Promise<Storage> {
  const { opts, awsRegion, tableName, names, clock, dataDir } = setup;
  const dynamo = await startOnFreePort((port) => startDynamoDbLocal(port, opts.dynamoInMemory ? undefined : join(dataDir, 'dynamodb')));
  started.add(() => dynamo.stop());
  const ddbProxy = await setup.viaFaults(started, 'dynamodb', dynamo.endpoint);
  // Configuration the handlers read, exactly as the CDK stack sets it on AWS.
  Object.assign(process.env, {
    AWS_REGION: awsRegion,
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    AWS_ENDPOINT_URL_DYNAMODB: opts.endpointFor ? await opts.endpointFor('dynamodb', ddbProxy.url) : ddbProxy.url,
    TABLE_NAME: tableName,
    STATE_MACHINE_ARN: names.STATE_MACHINE_ARN,
    RESUME_STATE_MACHINE_ARN: names.RESUME_STATE_MACHINE_ARN,
    COMPLAINT_REGION: setup.region.name,
    // A new local engine has no executions in flight: every open complaint without one is an orphan.
    ORPHAN_GRACE_SECONDS: '0',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    // One process hosts every function on a shared machine: the AWS clients' longer timeouts (functions/adapters/aws-clients.ts).
    AWS_CLIENTS_PROFILE: process.env.AWS_CLIENTS_PROFILE ?? 'background',
    // Locally no CloudWatch reads the embedded metric lines: off unless asked for.
    POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
  });
  // zh-CN PDF reports: Debian's CJK font where it is installed (the bootstrap installs it), as the layer gives it on AWS.
  if (!process.env.REPORT_CJK_FONT && existsSync(REPORT_FONT.debianPath)) process.env.REPORT_CJK_FONT = reportFontSetting(REPORT_FONT.debianPath);
  const ddbClient = new DynamoDBClient({ endpoint: dynamo.endpoint, region: awsRegion });
  await ensureTable(ddbClient, tableName);
  // The policies of the region (and which buckets have Object Lock), from the synthesized templates.
  const policies = setup.iamOn ? await loadRegionPolicies(awsRegion, names, setup.log) : undefined;
  const s3 = await startS3Server(join(dataDir, 's3'), 0, '127.0.0.1', clock ? () => clock.now() : undefined, {
    objectLockBuckets: policies?.objectLockBuckets ?? ['complaints-archive'],
  });
  started.server(s3.server);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_S3: opts.endpointFor ? await opts.endpointFor('s3', s3.url) : s3.url,
    S3_FORCE_PATH_STYLE: 'true',
    ATTACHMENTS_BUCKET: names.ATTACHMENTS_BUCKET,
    MAIL_BUCKET: names.MAIL_BUCKET,
    // The archive: a folder laid out like the bucket (s3/complaints-archive/complaints/region=..),
    // objects locked until their retain-until date as in compliance mode.
    ARCHIVE_BUCKET: names.ARCHIVE_BUCKET,
    PUBLIC_BASE_URL: `http://127.0.0.1:${setup.apiPort}`,
    LINK_SIGNING_KEY: linkKey(join(dataDir, 'identity', 'link-key')),
  });
  return { dynamo, ddbClient, policies, s3Url: s3.url };
}

/**
 * Outbound mail: SES API -> SMTP -> the mail catcher's .eml files; in a region that sends
 * through the bank's SMTP relay (China: no SES), the catcher is that relay.
 */
async function startMail(setup: Setup, started: Started): Promise<{ catcher: MailCatcher; sesOffered: boolean }> {
  const { region, faults } = setup;
  const catcher = await startMailCatcher(join(setup.dataDir, 'mail', 'sent'), 0, (recipients) => faults.smtpFault(recipients));
  started.add(() => catcher.stop());
  const mailSettings = localMailSettings(region.name);
  Object.assign(process.env, mailSettings.env);
  if (mailSettings.transport === 'smtp-relay')
    Object.assign(process.env, { SMTP_RELAY_HOST: '127.0.0.1', SMTP_RELAY_PORT: String(catcher.port), SMTP_RELAY_TLS: 'none' });
  // SES only where the region has it: elsewhere (China) its endpoint does not exist, so nothing listens.
  const sesOffered = mailSettings.transport === 'ses';
  if (sesOffered) {
    const ses = await startSesServer(catcher.port, mailSettings.domain);
    started.server(ses.server);
    process.env.AWS_ENDPOINT_URL_SESV2 = (await setup.viaFaults(started, 'ses', ses.url)).url;
  } else process.env.AWS_ENDPOINT_URL_SESV2 = `http://127.0.0.1:${await freePort()}`;
  return { catcher, sesOffered };
}

/** Inbound mail over IMAP where the settings say so (issue 18): Dovecot and the credentials' secret. */
async function startMailbox(setup: Setup, started: Started): Promise<Awaited<ReturnType<typeof startLocalMailbox>>> {
  const mailbox = await startLocalMailbox({ regionName: setup.region.name, secretArn: setup.names.IMAP_SECRET_ARN, wanted: setup.opts.imap, log: setup.log });
  if (mailbox) started.add(() => mailbox.stop());
  return mailbox;
}

/**
 * The staff directory the product reads (on AWS fed by sign-ins or the bank's provisioning), and
 * a real OIDC provider configured like a bank's IdP; the functions map its claims by
 * configuration, as infra sets it (ADR 0013).
 */
async function startIdentity(setup: Setup, started: Started, storage: Storage): Promise<LocalOidcProvider> {
  const { awsRegion, tableName, region } = setup;
  const repo = new DynamoComplaintRepository(createDocumentClient({ endpoint: storage.dynamo.endpoint, region: awsRegion }), tableName, {
    reminderFraction: region.profile.reminderAtRemainingFraction,
    liveEvaluationEvery: region.profile.liveEvaluationEvery,
  });
  for (const u of SEED_USERS) await repo.putStaff({ id: u.username, name: u.name, email: u.email, roles: u.roles, department: u.department });
  const idp = await startOidcProvider({ keyFile: join(setup.dataDir, 'identity', 'oidc-signing-key.json'), port: setup.opts.oidcPort });
  started.add(() => idp.stop());
  Object.assign(process.env, claimMappingEnv(idp.mapping));
  return idp;
}

/** Each function in its own execution environment, signing with its own credentials. */
function startFunctions(setup: Setup, started: Started): LambdaHost {
  const lambdas = new LambdaHost(setup.awsRegion, '000000000000', { clock: setup.clock, partition: setup.partition });
  started.add(() => lambdas.stop());
  return lambdas;
}

interface Workflows {
  engine: LocalStepFunctions;
  url: string;
  rules: { WorkflowEnded: boolean };
}

/** The same two state machines as on AWS (infra/constructs/workflow.ts), from the one file, and their endpoint. */
async function startWorkflows(setup: Setup, started: Started, lambdas: LambdaHost): Promise<Workflows> {
  const { names, clock, dataDir, log } = setup;
  const machineArns = [names.STATE_MACHINE_ARN, names.RESUME_STATE_MACHINE_ARN];
  const asl = readFileSync(DEFINITION_FILE, 'utf8');
  // EventBridge's rule on Step Functions' status changes (infra/stacks/api-stack.ts): an
  // execution that ends abnormally resumes its complaint at once, invoked asynchronously as
  // EventBridge does. POST /__local/rules { "WorkflowEnded": false } disables it (as `aws events
  // disable-rule` would), to see what the scheduled sweep alone does.
  const rules = { WorkflowEnded: true };
  const workflowEnded = (event: StatusChangeEvent) => {
    if (!rules.WorkflowEnded || !matchesWorkflowEnded(event, machineArns)) return;
    lambdas.invoke(WORKFLOW_ENDED.fn, event).catch((e) => log(`Resuming after an execution ${event.detail.status} failed: ${(e as Error).name}`));
  };
  const engine = new LocalStepFunctions({
    machines: [
      { stateMachineArn: names.STATE_MACHINE_ARN, definition: definitionStartingAt(asl, STATE_MACHINES.lifecycle.startAt) },
      { stateMachineArn: names.RESUME_STATE_MACHINE_ARN, definition: asl },
    ],
    substitutions: Object.fromEntries(Object.entries(WORKFLOW_FUNCTIONS).map(([k, fn]) => [k, lambdas.arn(fn)])),
    invoke: setup.faults.wrapInvoke((arn, payload) => lambdas.invoke(arn, payload)),
    journalFile: join(dataDir, 'stepfunctions', 'executions.jsonl'),
    now: clock ? () => clock.now() : undefined,
    throttling: setup.opts.sfnThrottling ?? throttlingFromEnv(),
    onStatusChange: workflowEnded,
  });
  started.add(() => engine.shutdown());
  const sfn = await startStepFunctionsServer(engine);
  started.server(sfn.server);
  process.env.AWS_ENDPOINT_URL_SFN = (await setup.viaFaults(started, 'sfn', sfn.url)).url;
  return { engine, url: sfn.url, rules };
}

type FunctionEndpoints = LocalRuntime['functionEndpoints'];

/**
 * The IAM check in front of every endpoint the functions use: functions -> IAM -> faults -> service.
 * (With the check off, the proxies only pass calls on: DynamoDB Local refuses the functions' own access key ids.)
 */
async function guardEndpoints(
  setup: Setup,
  started: Started,
  policies: RegionPolicies | undefined,
  sesOffered: boolean,
  secrets: boolean,
): Promise<{ authorizer: IamAuthorizer; functionEndpoints: FunctionEndpoints }> {
  const authorizer = new IamAuthorizer({
    policies,
    log: setup.log,
    recordFile: process.env.LOCAL_IAM_RECORD || undefined,
    region: setup.awsRegion,
    partition: setup.partition,
    auditOnly: process.env.LOCAL_IAM === 'audit',
    // A task token carries its execution (local/emulators/stepfunctions/engine.ts): callbacks are authorized on its state machine.
    stateMachineOfToken: (token) => {
      const execution = executionArnOfToken(token);
      return execution && machineArnOf(execution);
    },
  });
  for (const [service, variable] of [
    ['dynamodb', 'AWS_ENDPOINT_URL_DYNAMODB'],
    ['s3', 'AWS_ENDPOINT_URL_S3'],
    ['sfn', 'AWS_ENDPOINT_URL_SFN'],
    ['ses', 'AWS_ENDPOINT_URL_SESV2'],
    ['secretsmanager', 'AWS_ENDPOINT_URL_SECRETS_MANAGER'],
  ] as const) {
    if ((service === 'ses' && !sesOffered) || (service === 'secretsmanager' && !secrets)) continue;
    const p = await authorizer.proxy(service, process.env[variable]!);
    started.server(p.server);
    process.env[variable] = p.url;
  }
  const functionEndpoints = {
    dynamodb: process.env.AWS_ENDPOINT_URL_DYNAMODB!,
    s3: process.env.AWS_ENDPOINT_URL_S3!,
    sfn: process.env.AWS_ENDPOINT_URL_SFN!,
    ses: process.env.AWS_ENDPOINT_URL_SESV2!,
  };
  return { authorizer, functionEndpoints };
}

/** The functions ready before the first request: started, and the workflows a previous run left resumed. */
async function readyFunctions(setup: Setup, lambdas: LambdaHost): Promise<void> {
  // Every function's execution environment started now, not at its first invocation: local
  // cold starts (loading TypeScript) are slower than Lambda's, and a background function
  // starting cold in the middle of a journey changes its timing.
  if (setup.opts.warmFunctions !== false) {
    const warming = Date.now();
    await lambdas.warm();
    setup.log(`Functions started in ${((Date.now() - warming) / 1000).toFixed(1)} s`);
  }
  // Executions live in memory: complaints whose workflow was running when we stopped are
  // resumed by the product's own orphan sweeper, from their persisted stage.
  const sweep = (await lambdas.invoke('ResumeOrphans', {})) as { checked: number; resumed: unknown[] };
  if (sweep.resumed.length) setup.log(`Resumed the workflow of ${sweep.resumed.length} open complaint(s)`);
}

interface Streams {
  ttl: LocalTtl;
  poller: StreamPoller;
}

/** The on-failure destinations of the stream consumers: SQS queues, as on AWS (local/emulators/failure-queues.ts). */
async function startQueues(setup: Setup, started: Started): Promise<FailureQueues> {
  const clock = setup.clock ?? systemClock;
  const queues = await startFailureQueues({
    dataDir: join(setup.dataDir, 'sqs'),
    region: setup.awsRegion,
    consumers: STREAM_CONSUMERS.map((c) => c.fn),
    now: () => clock.now(),
  });
  started.add(() => queues.stop());
  return queues;
}

/** The table's stream, handed to the same consumers as on AWS (message delivery, ...), and DynamoDB's TTL. */
function startStreams(setup: Setup, started: Started, storage: Storage, lambdas: LambdaHost, queues: FailureQueues): Streams {
  const { clock, dataDir, awsRegion, tableName, log } = setup;
  // DynamoDB's TTL (local/emulators/ttl.ts: DynamoDB Local's own job cannot delete this table's items).
  const ttl = new LocalTtl({
    client: storage.ddbClient,
    tableName,
    now: () => (clock ?? systemClock).now(),
    file: join(dataDir, 'streams', 'ttl-deleted.json'),
    log,
  });
  if (!clock) ttl.start(setup.opts.ttlIntervalMs ?? 30_000);
  started.add(() => ttl.stop());
  const poller = new StreamPoller({
    endpoint: storage.dynamo.endpoint,
    region: awsRegion,
    tableName,
    consumers: STREAM_CONSUMERS,
    checkpointFile: join(dataDir, 'streams', 'checkpoints.json'),
    invoke: (fn, event) => lambdas.invoke(fn, event),
    log,
    deletedByTtl: (keys, oldImage) => ttl.deletedByTtl(keys, oldImage),
    ttlSweeping: () => ttl.sweeping,
    onFailure: (fn, f) =>
      queues.send(fn, {
        functionArn: lambdas.arn(fn as (typeof STREAM_CONSUMERS)[number]['fn']),
        streamArn: f.streamArn,
        shardId: f.shardId,
        startSequenceNumber: f.sequenceNumber,
        endSequenceNumber: f.sequenceNumber,
        batchSize: 1,
        attempts: f.attempts,
        arrivedAt: (clock ?? systemClock).now().toISOString(),
      }),
  });
  poller.start();
  started.add(() => poller.stop());
  return { ttl, poller };
}

/** Inbound mail: a real SMTP server storing the raw message as the SES receipt rule does. */
async function startEmailIntake(setup: Setup, started: Started, storage: Storage, lambdas: LambdaHost): Promise<number> {
  const s3client = new S3Client({ endpoint: storage.s3Url, forcePathStyle: true, region: setup.awsRegion });
  const intake = await startSmtpIntake({
    port: setup.opts.smtpPort ?? Number(process.env.SMTP_PORT ?? 2525),
    store: async (key: string, raw: Buffer) => {
      await s3client.send(new PutObjectCommand({ Bucket: process.env.MAIL_BUCKET, Key: key, Body: raw, ContentType: 'message/rfc822' }));
    },
    invoke: (event: unknown) => lambdas.invoke('EmailIntake', event),
  });
  started.add(() => intake.stop());
  return intake.port;
}

interface GatewayParts {
  storage: Storage;
  mail: { catcher: MailCatcher };
  idp: LocalOidcProvider;
  lambdas: LambdaHost;
  workflows: Workflows;
  streams: Streams;
  functionEndpoints: FunctionEndpoints;
}

/** The local API Gateway (JWT authorizer as the HTTP API's), the pages as CloudFront serves them, and the /__local/ endpoints. */
async function startGateway(setup: Setup, started: Started, parts: GatewayParts): Promise<{ url: string }> {
  const { region, log } = setup;
  // The customer pages: built from web/ at start-up, served at / as CloudFront serves them.
  const webDir = join(ROOT, 'web', 'dist');
  await buildWeb(webDir);
  // Browsers upload to the presigned URLs the functions make: on the functions' S3 endpoint.
  const auth = { kind: 'oidc', issuer: parts.idp.issuer, clientId: parts.idp.clientId, claims: parts.idp.mapping };
  const pages = staticPages(webDir, () => ({ ...localPagesConfig(region), auth }), {
    uploadOrigins: [...new Set([parts.functionEndpoints.s3, parts.storage.s3Url, parts.idp.issuer])],
  });
  const local = localEndpoints({
    clock: setup.clock,
    faults: setup.faults,
    lambdas: parts.lambdas,
    rules: parts.workflows.rules,
    ttl: parts.streams.ttl,
    poller: parts.streams.poller,
    mail: parts.mail.catcher,
  });
  const verifyStaffToken = gatewayAuthorizer(parts.idp.issuer, parts.idp.audience);
  await setup.releaseApiPort?.();
  const api = await startHttpAdapter(parts.lambdas, {
    port: setup.apiPort,
    // A refused token is logged by reason only (as API Gateway's access log does on AWS).
    authorizer: {
      verify: (t) => verifyStaffToken(t, (reason) => log(`Staff token refused at the gateway: ${reason}`)) as Promise<Record<string, unknown> | undefined>,
      claims: (p) => gatewayClaims(p),
    },
    // /__local/ and Lambda's Invoke API (`npm run replay` hands records to a consumer through it, as on AWS).
    extra: async (req, res, body) =>
      /^\/(__local|2015-03-31\/functions)\//.test(new URL(req.url ?? '/', 'http://localhost').pathname) ? local(req, res, body) : pages(req, res),
  });
  started.server(api.server);
  return api;
}

/**
 * With the system clock, the schedules of AWS: the deadline watch, the orphan sweep (there every 6
 * hours, a backstop to the WorkflowEnded rule) and the quarterly periodic reviews.
 */
function scheduleJobs(setup: Setup, started: Started, lambdas: LambdaHost, mailbox?: { everyMinutes: number }): void {
  if (setup.clock) return; // a manual clock: POST /__local/tick, /__local/sweep and /__local/reviews instead
  const { log } = setup;
  const timer = setInterval(() => {
    lambdas.invoke('DeadlineWatch', {}).catch((e) => log(`Deadline watch failed: ${(e as Error).name}`));
    // With a grace period for starts in flight.
    lambdas.invoke('ResumeOrphans', { graceSeconds: 60 }).catch((e) => log(`Orphan sweep failed: ${(e as Error).name}`));
  }, setup.opts.watchIntervalMs ?? 60_000);
  timer.unref();
  started.add(async () => clearInterval(timer));
  // The periodic reviews at the start of each quarter (REVIEW_RUN, as the EventBridge rule): a
  // timeout to the next run, set again after each (and at most ~24 days ahead: setTimeout's limit).
  let review: NodeJS.Timeout | undefined;
  const armReview = () => {
    const due = nextReviewRun(new Date()).getTime() - Date.now();
    review = setTimeout(
      () => {
        if (due <= 0x7fffffff) lambdas.invoke('PeriodicReviews', {}).catch((e) => log(`Periodic reviews failed: ${(e as Error).name}`));
        armReview();
      },
      Math.min(due, 0x7fffffff),
    );
    review.unref();
  };
  armReview();
  started.add(async () => clearTimeout(review));
  if (!mailbox) return;
  const polls = setInterval(
    () => lambdas.invoke('MailboxPoller', {}).catch((e) => log(`Mailbox poll failed: ${(e as Error).name}`)),
    mailbox.everyMinutes * 60_000,
  );
  polls.unref();
  started.add(async () => clearInterval(polls));
}
