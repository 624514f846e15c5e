/**
 * The stateless part of a region: one function per entry of FUNCTIONS, the complaint
 * workflow, the HTTP API's routes, authorizer and stage, the table-stream consumers, the
 * schedules (orphan sweep, deadline watch), the SES receipt rule and the deployed pages.
 * Everything here can be destroyed and recreated; what it works on (table, buckets, user pool,
 * the API resource, the distribution) comes from the region's stateful stack.
 */
import { Annotations, CfnOutput, CrossStackReferences, Duration, ReferenceStrength, Stack, type StackProps } from 'aws-cdk-lib';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import { FUNCTIONS, ROUTES, STREAM_CONSUMERS, WORKFLOW_ENDED, WORKFLOW_FUNCTIONS, type FunctionName, type FunctionSpec } from '../../functions/functions.ts';
import type { RegionConfig } from '../../functions/domain/regions.ts';
import { claimMappingEnv } from '../../functions/domain/staff-claims.ts';
import type { StaffSignIn } from '../constructs/staff-identity.ts';
import { EncryptedLogs } from '../constructs/encrypted-logs.ts';
import { IntakeApi } from '../constructs/intake-api.ts';
import { InboundMail, sendingIdentityArn } from '../constructs/mail.ts';
import { bindMailbox, MailboxPoller, type ImapInbound } from '../constructs/mailbox-poller.ts';
import type { ObjectStores } from '../constructs/object-stores.ts';
import { Observability } from '../constructs/observability.ts';
import { OpsAlarms } from '../constructs/ops-alarms.ts';
import { OriginVerifyAuthorizer } from '../constructs/origin-verify.ts';
import { PagesDeployment } from '../constructs/pages-deployment.ts';
import { ProductFunction } from '../constructs/product-function.ts';
import { StreamConsumers } from '../constructs/stream-consumers.ts';
import { Workflow } from '../constructs/workflow.ts';
import type { RegionPlatform, SmtpRelay } from '../platform.ts';
import { STAFF_CONSOLE_PATH } from './stateful-stack.ts';
import { STATE_MACHINES } from '../../workflows/machines.ts';
import { REVIEW_RUN } from '../../functions/domain/periodic-review.ts';
import { ReportFont } from '../constructs/report-font.ts';

const ASL_FILE = fileURLToPath(new URL('../../workflows/complaint.asl.json', import.meta.url));

/** Functions run on a clock (EventBridge rules), not by a request. */
const SCHEDULES = {
  // Gives open complaints that lost their workflow (a failed start, an execution whose end event
  // was lost or came too often) a new one, and hands over completions a live workflow missed.
  // A backstop: an execution that ends abnormally resumes its complaint at once (WorkflowEnded
  // below). A run takes at most its 300 s timeout: runs never overlap.
  ResumeOrphans: { every: Duration.hours(6), description: 'Resume complaints without a running workflow' },
  // Reminders before deadlines, escalation at breaches: the period of the local runtime's watch.
  // Its timeout (300 s) equals the period, so a slow run can meet the next: the watch must stay idempotent.
  DeadlineWatch: { every: Duration.minutes(5), description: 'Deadline reminders and breach escalation' },
  // Every complaint ever registered is in the table or the archive, its history intact.
  ReconcileArchive: { every: Duration.days(1), description: 'Reconcile the registration ledger with the table and the archive' },
} satisfies Partial<Record<FunctionName, { every: Duration; description: string }>>;

/** What the stateless stack uses of the region's stateful stack. */
export interface StatefulResources {
  table: dynamodb.ITableV2;
  stores: ObjectStores;
  httpApi: apigwv2.IHttpApi;
  /** Issuer and audience of the staff ID tokens (Cognito user pool or external OIDC provider). */
  staffTokens: { issuer: string; audience: string };
  /** The staff console's sign-in: issuer, client id, claim names (StaffIdentity.signIn). */
  staffSignIn: StaffSignIn;
  distribution?: cloudfront.IDistribution;
  /** Origin of the customer pages, when they are served. */
  publicBaseUrl?: string;
  /** The secret CloudFront sends to the API, where CloudFront fronts it: the public routes require it. */
  originVerify?: { secret: secretsmanager.ISecret; key: kms.IKey };
  /** China: the API's regional custom domain (the ICP-recorded domain), mapped to the stage here. */
  apiDomain?: apigwv2.IDomainName;
}

export interface ApiStackProps extends StackProps {
  region: RegionConfig;
  platform: RegionPlatform;
  stateful: StatefulResources;
  /** @default one year */
  logRetention?: RetentionDays;
  /** @default 50 requests/s, burst 100 */
  throttle?: { rateLimit: number; burstLimit: number };
  /** Largest accepted request body (MAX_BODY_BYTES). @default 64 KiB, as in functions/shared/config.ts */
  maxBodyBytes?: number;
  /** Grace before the sweeper treats a complaint as orphaned (ORPHAN_GRACE_SECONDS). @default 300 */
  orphanGraceSeconds?: number;
  /** Built customer pages. @default web/dist of the repository */
  pagesDir?: string;
}

export class ApiStack extends Stack {
  readonly functions: Record<FunctionName, ProductFunction>;
  readonly workflow: Workflow;
  readonly api: IntakeApi;
  readonly staffAuthorizer: HttpJwtAuthorizer;
  /** The public routes' authorizer, where CloudFront fronts the API. */
  readonly originVerify?: OriginVerifyAuthorizer;
  readonly streams: StreamConsumers;
  readonly alarms: OpsAlarms;
  readonly observability: Observability;
  readonly inboundMail?: InboundMail;
  readonly pages: PagesDeployment;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    // Everything this stack reads from the stateful stack comes through CloudFormation exports
    // (strong references), whatever the app-wide default: an export cannot be removed while a
    // stack uses it, and exports exist in every partition, aws-cn included.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
    const { region, stateful } = props;

    const logs = new EncryptedLogs(this, 'Logs', { retention: props.logRetention ?? RetentionDays.ONE_YEAR });

    // The runtime configuration is process-wide (functions/shared/config.ts): what every
    // function's loadConfig reads. TABLE_NAME is required there, so every function gets the
    // name; only the functions FUNCTIONS gives table access get a permission on it.
    const environment: Record<string, string> = {
      TABLE_NAME: stateful.table.tableName,
      MAX_BODY_BYTES: String(props.maxBodyBytes ?? 64 * 1024),
      ORPHAN_GRACE_SECONDS: String(props.orphanGraceSeconds ?? 300),
      // The bank's identity provider is the source of truth: sign-ins feed the staff directory.
      STAFF_DIRECTORY: 'provision',
      ...(stateful.publicBaseUrl ? { PUBLIC_BASE_URL: stateful.publicBaseUrl } : {}),
      // The installation's mail, from the deploy settings (functions/shared/config.ts MailConfig).
      MAIL_TRANSPORT: props.platform.mail.transport,
      MAIL_SENDER: props.platform.mail.sender,
      MAIL_DOMAIN: props.platform.mail.domain,
      MAIL_OWN_DOMAINS: props.platform.mail.ownDomains.join(','),
    };
    if (!stateful.publicBaseUrl) {
      Annotations.of(this).addInfo(
        `PUBLIC_BASE_URL is not set: the pages are not served by CloudFront in ${region.aws.region} ` +
          `and the settings give no regions.${region.name}.pages.externalBaseUrl; messages carry no link to the status page.`,
      );
    }
    const identityArn = sendingIdentityArn(this, props.platform.mail.domain);
    const imap = props.platform.email.imap;

    // The functions behind staff routes read the staff member from the verified token's claims,
    // under the names the region's identity provider uses (functions/domain/staff-claims.ts).
    const staffFunctions = new Set(ROUTES.filter((r) => r.auth === 'staff').map((r) => r.fn));
    const staffEnvironment = { ...environment, ...claimMappingEnv(stateful.staffSignIn.claims) };
    const functions = {} as Record<FunctionName, ProductFunction>;
    const reportFont = new ReportFont(this, 'ReportFont');
    for (const [name, spec] of Object.entries(FUNCTIONS) as [FunctionName, FunctionSpec][]) {
      const fn = new ProductFunction(this, name, {
        entry: spec.entry,
        region,
        logs,
        timeout: spec.timeoutSeconds ? Duration.seconds(spec.timeoutSeconds) : undefined,
        memorySize: spec.memoryMb,
        tracing: props.platform.tracing,
        environment: staffFunctions.has(name) ? staffEnvironment : environment,
      });
      bindAccess(fn, spec, {
        table: stateful.table,
        stores: stateful.stores,
        identityArn: props.platform.email.sending ? identityArn : undefined,
        sender: props.platform.mail.sender,
        smtpRelay: props.platform.email.smtpRelay,
        imap,
      });
      if (spec.reportFont) reportFont.bind(fn);
      functions[name] = fn;
    }
    this.functions = functions;

    this.workflow = new Workflow(this, 'Workflow', {
      definitionFile: ASL_FILE,
      // New and resumed complaints' machines (workflows/machines.ts): the same names as the
      // local runtime's, so ARNs read alike in both.
      machines: STATE_MACHINES,
      functions: Object.fromEntries(Object.entries(WORKFLOW_FUNCTIONS).map(([sub, fn]) => [sub, functions[fn]])),
      logs,
      tracing: props.platform.tracing,
    });
    // Every function gets STATE_MACHINE_ARN and RESUME_STATE_MACHINE_ARN (loadConfig requires
    // them everywhere); only the access listed in FUNCTIONS is granted.
    for (const [name, spec] of Object.entries(FUNCTIONS) as [FunctionName, FunctionSpec][]) {
      this.workflow.bind(functions[name], spec.access.workflow ?? []);
    }

    // ID tokens of the region's staff identity provider: signature (the issuer's JWKS), issuer,
    // audience (the staff console's client id) and expiry, checked before any staff handler runs.
    this.staffAuthorizer = new HttpJwtAuthorizer('StaffJwt', stateful.staffTokens.issuer, {
      authorizerName: 'staff-id-token',
      jwtAudience: [stateful.staffTokens.audience],
    });
    // Where CloudFront (and its WAF) fronts the API, the public routes refuse requests that did
    // not come through it (infra/constructs/origin-verify.ts); elsewhere (cn: the bank's site
    // proxies to execute-api) they have no authorizer.
    this.originVerify = stateful.originVerify
      ? new OriginVerifyAuthorizer(this, 'OriginVerify', {
          region,
          secret: stateful.originVerify.secret,
          key: stateful.originVerify.key,
          logs,
          tracing: props.platform.tracing,
        })
      : undefined;
    this.api = new IntakeApi(this, 'IntakeApi', {
      routes: ROUTES,
      functions,
      logs,
      throttle: props.throttle ?? { rateLimit: 50, burstLimit: 100 },
      staffAuthorizer: this.staffAuthorizer,
      publicAuthorizer: this.originVerify?.authorizer,
      httpApi: stateful.httpApi,
    });

    if (stateful.apiDomain) {
      new apigwv2.ApiMapping(this, 'ApiMapping', { api: stateful.httpApi, domainName: stateful.apiDomain, stage: this.api.stage });
    }

    this.alarms = new OpsAlarms(this, 'Alarms', { region, emails: props.platform.alarmEmails });
    this.streams = new StreamConsumers(this, 'Streams', {
      table: stateful.table,
      consumers: STREAM_CONSUMERS,
      functions,
      alarms: this.alarms,
    });
    this.observability = new Observability(this, 'Observability', {
      region,
      alarms: this.alarms,
      stateMachines: { lifecycle: this.workflow.stateMachine, resume: this.workflow.resumeStateMachine },
      apiStage: this.api.stage,
      functions,
      consumers: STREAM_CONSUMERS,
      failureQueues: this.streams.failureQueues,
    });

    // The public routes' origin check fails (its own error, not a refusal): every public route answers 500.
    if (this.originVerify) {
      this.alarms.notify(
        new cloudwatch.Alarm(this.originVerify, 'ErrorsAlarm', {
          alarmName: `complaints-${region.name}-lambda-errors-OriginVerify`,
          alarmDescription:
            'The CloudFront origin check of the public API routes failed at least once in 5 minutes (every public route then answers 500). ' +
            'First action: its log group (OriginVerify Logs) - usually the origin secret or its key cannot be read.',
          metric: this.originVerify.function.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    // The periodic reviews (issue 20): at the start of each quarter, after its end in the region's time zone (REVIEW_RUN).
    new events.Rule(this, 'PeriodicReviewsSchedule', {
      description: 'Generate the periodic review of the quarter (and half-year) that ended, once, into the locked archive',
      schedule: events.Schedule.cron({ minute: '0', hour: String(REVIEW_RUN.hourUtc), day: String(REVIEW_RUN.dayOfMonth), month: REVIEW_RUN.months.join(',') }),
      // Once a quarter, so no next run makes up a failed one: Lambda's own retries, then the
      // dead-letter queue's alarm (rerun it by hand: idempotent, a review in the archive stands).
      targets: [new targets.LambdaFunction(functions.PeriodicReviews, { retryAttempts: 2, maxEventAge: Duration.hours(1) })],
    });
    functions.PeriodicReviews.addDeadLetterQueue(this.alarms);

    for (const [name, schedule] of Object.entries(SCHEDULES) as [FunctionName, (typeof SCHEDULES)[keyof typeof SCHEDULES]][]) {
      new events.Rule(this, `${name}Schedule`, {
        description: schedule.description,
        schedule: events.Schedule.rate(schedule.every),
        // A missed run is made up by the next one; retries only cover a throttled invocation.
        targets: [new targets.LambdaFunction(functions[name], { retryAttempts: 2, maxEventAge: Duration.minutes(5) })],
      });
    }

    // An execution that fails, times out or is stopped resumes its complaint at once - Step
    // Functions' status-change events are free on the default bus - where the sweep above
    // would find it within 6 hours. EventBridge invokes asynchronously and retries for 24 hours;
    // an invocation that fails Lambda's own retries goes to the function's dead-letter queue.
    new events.Rule(this, 'WorkflowEnded', {
      description: 'Resume a complaint whose workflow execution failed, timed out or was stopped',
      eventPattern: {
        source: [WORKFLOW_ENDED.source],
        detailType: [WORKFLOW_ENDED.detailType],
        detail: { status: [...WORKFLOW_ENDED.statuses], stateMachineArn: [this.workflow.stateMachineArn, this.workflow.resumeStateMachineArn] },
      },
      targets: [new targets.LambdaFunction(functions[WORKFLOW_ENDED.fn])],
    });
    functions[WORKFLOW_ENDED.fn].addDeadLetterQueue(this.alarms);

    // Where the mailbox is polled over IMAP (ADR 0006), no SES receipt rule.
    if (imap) new MailboxPoller(this, 'MailboxPolling', { region, imap, poller: functions.MailboxPoller, alarms: this.alarms });
    if (props.platform.email.receiving) {
      this.inboundMail = new InboundMail(this, 'InboundMail', {
        region,
        domain: props.platform.mail.domain,
        mailBucketName: stateful.stores.mail.name,
        intake: functions.EmailIntake,
        activate: props.platform.email.activateReceiptRuleSet,
        logs,
      });
      // SES invokes it asynchronously: a message whose intake failed every retry is kept, not dropped.
      functions.EmailIntake.addDeadLetterQueue(this.alarms);
    } else {
      Annotations.of(this).addInfo(
        `SES does not receive email in ${region.aws.region} (infra/platform.ts): no receipt rule for complaints@${props.platform.mail.domain}; ` +
          (imap
            ? `the mailbox is polled over IMAP (${imap.host}, MailboxPoller).`
            : 'inbound complaint mail must reach the EmailIntake function another way (e.g. a receipt rule in a receiving region writing to this mail bucket).'),
      );
    }

    // By name (known at synth): the deployment's grants then name the bucket itself.
    const pagesBucket = s3.Bucket.fromBucketAttributes(this, 'PagesBucket', {
      bucketName: stateful.stores.pages.name,
      encryptionKey: stateful.stores.pages.key,
    });
    this.pages = new PagesDeployment(this, 'Pages', {
      region,
      bucket: pagesBucket,
      distribution: stateful.distribution,
      logs,
      distDir: props.pagesDir,
      icpFilingNumber: props.platform.pages.icpFilingNumber,
      // The staff console signs in at the region's identity provider (authorization code + PKCE).
      auth: stateful.publicBaseUrl ? { kind: 'oidc', ...stateful.staffSignIn, redirectUri: `${stateful.publicBaseUrl}${STAFF_CONSOLE_PATH}` } : undefined,
    });

    // What ops teams look up (infra/README.md "Stack outputs").
    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'StateMachineArn', { value: this.workflow.stateMachineArn });
    new CfnOutput(this, 'ResumeStateMachineArn', { value: this.workflow.resumeStateMachineArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn });
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://${this.region}.console.${consoleDomain(this.region)}/cloudwatch/home?region=${this.region}#dashboards:name=complaints-${region.name}`, // the dashboard's fixed name (infra/constructs/observability.ts)
    });
    new CfnOutput(this, 'LogsKeyArn', { value: logs.key.keyArn });
    // Stream records given up on (shard and sequence numbers): scripts/replay-parked.ts within the stream's 24 h.
    for (const [fn, queue] of Object.entries(this.streams.failureQueues)) new CfnOutput(this, `${fn}FailureQueueUrl`, { value: queue.queueUrl });
    // Asynchronous invocations that failed every retry.
    for (const [name, fn] of Object.entries(functions)) {
      const dlq = fn.asyncDeadLetters;
      if (dlq) new CfnOutput(this, `${name}DeadLetterQueueUrl`, { value: dlq.queueUrl });
    }
  }
}

/** The console's domain of a region's partition (console.aws.amazon.com, console.amazonaws.cn). */
function consoleDomain(awsRegion: string): string {
  return awsRegion.startsWith('cn-') ? 'amazonaws.cn' : 'aws.amazon.com';
}

/**
 * Every access kind of a FunctionSpec, provisioned: configuration and permission together. A
 * kind this function does not know fails synth, rather than deploying a function without it.
 */
function bindAccess(
  fn: ProductFunction,
  spec: FunctionSpec,
  to: { table: dynamodb.ITableV2; stores: ObjectStores; identityArn?: string; sender: string; smtpRelay?: SmtpRelay; imap?: ImapInbound },
): void {
  const access = spec.access;
  for (const kind of Object.keys(access) as (keyof FunctionSpec['access'])[]) {
    switch (kind) {
      case 'table':
        if (access.table) fn.bindTable(to.table, access.table);
        break;
      case 'workflow':
        break; // Workflow.bind, once the state machine exists.
      case 'attachments':
        if (access.attachments) to.stores.bindAttachments(fn, access.attachments);
        break;
      case 'mail':
        if (access.mail) to.stores.bindMail(fn, access.mail);
        break;
      case 'mailbox':
        if (access.mailbox && to.imap) bindMailbox(fn, to.imap);
        break;
      case 'archive':
        if (access.archive) to.stores.bindArchive(fn, access.archive);
        break;
      case 'sendEmail':
        if (!access.sendEmail) break;
        if (to.identityArn) fn.bindSendEmail(to.identityArn, to.sender);
        else if (to.smtpRelay) fn.bindSmtpRelay(to.smtpRelay);
        else {
          Annotations.of(fn).addWarningV2(
            'complaints:no-email-sending',
            `${fn.node.id}: SES is not offered in ${Stack.of(fn).region} (infra/platform.ts) and no SMTP relay is configured (settings mail.outbound): ` +
              'outbound customer email fails; undelivered messages stay in the table and their stream records reach the failure queue.',
          );
        }
        break;
      default: {
        const unknown: never = kind;
        throw new Error(`${fn.node.path}: access kind "${String(unknown)}" of FUNCTIONS is not provisioned by infra/stacks/api-stack.ts`);
      }
    }
  }
}
