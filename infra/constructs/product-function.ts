/**
 * A Lambda function of the product with the house defaults: Node.js 22 on Graviton, its code
 * the bundle infra/bundle-function.ts makes (the very directory bench/bundles.ts measures:
 * one set of esbuild options), X-Ray tracing where the platform has it, its own encrypted log group with retention, and
 * its own role that can write only that log group.
 *
 * Access is added through bind helpers (`bindTable` and `bindSendEmail` here, `Workflow.bind`
 * for the state machine, `ObjectStores.bindAttachments` / `bindMail` for the buckets) that set
 * the configuration and grant the permission in one call, so a function never has a permission
 * without the configuration to use it. (Configuration that loadConfig requires everywhere -
 * TABLE_NAME, STATE_MACHINE_ARN - is set on every function, the permission only per FUNCTIONS.)
 */
import { Aspects, Duration, Stack, Stage } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TABLE } from '../../functions/adapters/table-schema.ts';
import type { RegionConfig } from '../../functions/domain/regions.ts';
import { FUNCTIONS, ROUTES, type FunctionName, type TableAction, type TableGrant } from '../../functions/functions.ts';
import { clientProfileOf } from '../../functions/adapters/aws-clients.ts';
import { bundleFunctionsSync } from '../bundle-function.ts';
import { acknowledge } from '../nag.ts';
import type { SmtpRelay } from '../platform.ts';
import type { EncryptedLogs } from './encrypted-logs.ts';
import type { OpsAlarms } from './ops-alarms.ts';

/** Same value as the Powertools logger's serviceName, so Lambda-level and app-level logs agree. */
export const SERVICE_NAME = 'complaints';

/** Actions that change items: a grant with any of them also gets the key's encrypt side. */
const WRITE_ACTIONS: ReadonlySet<TableAction> = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

export interface ProductFunctionProps {
  /** Handler module, relative to functions/handlers/, exporting `handler`. */
  entry: string;
  region: RegionConfig;
  logs: EncryptedLogs;
  timeout?: Duration;
  memorySize?: number;
  environment?: Record<string, string>;
  /** X-Ray active tracing (off in China: infra/platform.ts CHINA_RULES.noXRay). @default true */
  tracing?: boolean;
}

/** Bundle directories per cloud assembly: every function is bundled once per synth, for all regions. */
const bundleRoots = new Map<string, string>();

/**
 * The deployed code of a function: its directory of infra/bundle-function.ts's output, built
 * for every function at the first call of a synth. Stacks excluded from bundling (the
 * `aws:cdk:bundling-stacks` context, as `cdk synth --exclusively` or tests set it) get a placeholder.
 */
function functionNameOf(entry: string): FunctionName {
  const name = (Object.keys(FUNCTIONS) as FunctionName[]).find((n) => FUNCTIONS[n].entry === entry);
  if (!name) throw new Error(`ProductFunction: ${entry} is not the entry of a function of FUNCTIONS (functions/functions.ts)`);
  return name;
}

/** Functions an API route invokes: an answer waits on them. */
const ON_ROUTES: ReadonlySet<FunctionName> = new Set(ROUTES.map((r) => r.fn));

function functionCode(scope: Construct, name: FunctionName): lambda.Code {
  const outdir = Stage.of(scope)!.outdir;
  if (!Stack.of(scope).bundlingRequired) {
    const placeholder = join(outdir, 'bundles-skipped');
    mkdirSync(placeholder, { recursive: true });
    writeFileSync(join(placeholder, 'index.mjs'), '// not bundled: the stack was excluded from bundling\n');
    return lambda.Code.fromAsset(placeholder);
  }
  let root = bundleRoots.get(outdir);
  if (!root) {
    root = join(outdir, 'bundles');
    bundleFunctionsSync(root);
    bundleRoots.set(outdir, root);
  }
  return lambda.Code.fromAsset(join(root, name));
}

export class ProductFunction extends lambda.Function {
  /** The execution role: created by this construct, so it carries no AWS managed policy. */
  readonly executionRole: iam.Role;
  /** Where Lambda puts events of asynchronous invocations that failed every attempt (addDeadLetterQueue). */
  private asyncFailures?: sqs.Queue;
  private readonly regionName: string;

  constructor(scope: Construct, id: string, props: ProductFunctionProps) {
    // The role and log group exist before the function (they are constructor props), so they
    // are the function's siblings, named after it.
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id}`,
    });
    const logGroup = props.logs.logGroup(scope, `${id}Logs`);
    const name = functionNameOf(props.entry);
    // Instead of AWSLambdaBasicExecutionRole (logs:CreateLogGroup on *, PutLogEvents on every group):
    // the function writes its own, pre-created log group and nothing else.
    logGroup.grantWrite(role);

    super(scope, id, {
      code: functionCode(scope, name),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      // DISABLED, not PASS_THROUGH: no X-Ray grant is added to the role either.
      tracing: props.tracing === false ? lambda.Tracing.DISABLED : lambda.Tracing.ACTIVE,
      role,
      logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        // No NODE_OPTIONS=--enable-source-maps: the bundles carry no source maps (a cold start
        // ~25 % faster without); see infra/bundle-function.ts to read a stack trace.
        COMPLAINT_REGION: props.region.name,
        // The AWS clients' timeouts and retries (functions/adapters/aws-clients.ts): a budget that
        // ends inside this function's timeout, longer for functions no API answer waits on.
        AWS_CLIENTS_PROFILE: clientProfileOf(FUNCTIONS[name], ON_ROUTES.has(name)),
        ...props.environment,
      },
    });
    this.executionRole = role;
    this.regionName = props.region.name;

    // Decided when the app is synthesized, after addDeadLetterQueue had its chance.
    Aspects.of(this).add({
      visit: (node) => {
        if (node !== this || this.asyncFailures) return;
        acknowledge(
          this,
          'NIST.800.53.R5-LambdaDLQ',
          "Not invoked asynchronously: API Gateway and Step Functions invoke it synchronously (the caller sees the error and retries), a stream event source mapping has its own on-failure queue, and a schedule's next run repeats the work. Functions that SES invokes asynchronously get a dead-letter queue (addDeadLetterQueue).",
        );
      },
    });

    if (props.tracing !== false) {
      acknowledge(
        role,
        'AwsSolutions-IAM5[Resource::*]',
        'X-Ray active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions (added by CDK for Tracing.ACTIVE).',
      );
    }
    acknowledge(
      this,
      'AwsSolutions-L1',
      'The runtime is pinned to Node.js 22 on purpose: the bundle targets node22 and the local runtime and CI run Node 22; moving to a newer runtime is a tested change, not a synth-time default.',
    );
  }

  /** The dead-letter queue of asynchronous invocations, once addDeadLetterQueue made it. */
  get asyncDeadLetters(): sqs.Queue | undefined {
    return this.asyncFailures;
  }

  /**
   * For a function invoked asynchronously (SES receipt rules): an event that failed Lambda's
   * own retries goes to an encrypted queue (14 days) instead of being dropped, and the ops
   * mailbox is told as soon as one is there (alarm `complaints-<region>-dead-letters-<Function>`).
   */
  addDeadLetterQueue(alarms: OpsAlarms): sqs.Queue {
    if (this.asyncFailures) return this.asyncFailures;
    const id = this.node.id;
    const key = new kms.Key(this, 'DeadLettersKey', { description: `Dead-letter queue of ${id}`, enableKeyRotation: true });
    const queue = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      queue,
      'AwsSolutions-SQS3',
      'This queue is itself the dead-letter queue of a function: it holds the events of invocations that failed every attempt, read and redriven by an operator after the alarm.',
    );
    const cfn = this.node.defaultChild as lambda.CfnFunction;
    cfn.deadLetterConfig = { targetArn: queue.queueArn };
    // What Lambda needs to put a failed event there: send to the queue with a data key of its key.
    this.executionRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
    this.executionRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn] }));
    alarms.notify(
      new cloudwatch.Alarm(this, 'DeadLettersAlarm', {
        alarmName: `complaints-${this.regionName}-dead-letters-${id}`,
        alarmDescription: `${id} failed an asynchronous invocation after Lambda's retries; the event is in its dead-letter queue: read it, fix the cause, invoke the function again with it`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
    this.asyncFailures = queue;
    return queue;
  }

  /**
   * Gives the function the table: TABLE_NAME, and exactly the item actions its code path calls
   * (FUNCTIONS' `access.table`) on the base table, Query on the indexes it reads (by name, no
   * `index/*` wildcard), conditioned on dynamodb:LeadingKeys where the grant lists the
   * partition-key prefixes of its items; plus the use of the table's key.
   */
  bindTable(table: dynamodb.ITableV2, grant: TableGrant): this {
    this.addEnvironment('TABLE_NAME', table.tableName);
    if (!grant.actions.length && !grant.queries?.length) throw new Error(`bindTable(${this.node.path}): a table grant without actions`);
    const leadingKeys = grant.leadingKeys?.length
      ? { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': grant.leadingKeys.map((prefix) => `${prefix}*`) } }
      : undefined;
    if (grant.actions.length) {
      this.executionRole.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: [...new Set(grant.actions)].map((a) => `dynamodb:${a}`),
          resources: [table.tableArn],
          conditions: leadingKeys,
        }),
      );
    }
    if (grant.queries?.length) {
      // An index's partition key is not the table's: dynamodb:LeadingKeys would name the index's key.
      this.executionRole.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: [...new Set(grant.queries)].map((index) => `${table.tableArn}/index/${TABLE.indexes[index].name}`),
        }),
      );
    }

    const key = table.encryptionKey;
    if (!key) throw new Error(`bindTable(${this.node.path}): the table has no customer-managed key to grant`);
    // DynamoDB uses the table's key on the caller's behalf, so the caller needs it too (the
    // key policy delegates to IAM). The actions of CDK's TableV2 grants, with its ReEncrypt* and
    // GenerateDataKey* families written out (the symmetric-key members; no wildcard).
    if (!grant.actions.some((a) => WRITE_ACTIONS.has(a))) {
      key.grant(this.executionRole, 'kms:Decrypt', 'kms:DescribeKey');
    } else {
      key.grant(
        this.executionRole,
        'kms:Decrypt',
        'kms:DescribeKey',
        'kms:Encrypt',
        'kms:ReEncryptFrom',
        'kms:ReEncryptTo',
        'kms:GenerateDataKey',
        'kms:GenerateDataKeyWithoutPlaintext',
      );
    }
    return this;
  }

  /**
   * The bank's SMTP relay, where SES does not send (China): its host and port, TLS required,
   * and read access to the secret holding its credentials (when it has one).
   */
  bindSmtpRelay(relay: SmtpRelay): this {
    this.addEnvironment('SMTP_RELAY_HOST', relay.host);
    this.addEnvironment('SMTP_RELAY_PORT', String(relay.port));
    // TLS always on AWS: as the settings say, else implicit on 465 and STARTTLS required on any other port.
    this.addEnvironment('SMTP_RELAY_TLS', relay.tls ?? (relay.port === 465 ? 'implicit' : 'starttls'));
    if (relay.secretArn) {
      this.addEnvironment('SMTP_RELAY_SECRET_ARN', relay.secretArn);
      // The secret's own key policy lets Secrets Manager decrypt for readers of the secret (kms:ViaService).
      this.executionRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [relay.secretArn] }));
    }
    return this;
  }

  /**
   * ses:SendEmail through one SES identity (the region's mail domain), from the region's sender
   * address only (ses:FromAddress). The product uses no SES configuration set (SendEmail names
   * none, so IAM checks no configuration-set resource); one added later needs its ARN here.
   */
  bindSendEmail(identityArn: string, fromAddress: string): this {
    this.executionRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [identityArn],
        conditions: { StringEquals: { 'ses:FromAddress': fromAddress } },
      }),
    );
    return this;
  }
}
