/**
 * Security properties of every region's stacks, asserted over every resource of a kind (a
 * resource added later is held to them too), and the NIST 800-53 rev 5 pack of cdk-nag beside
 * AwsSolutions. Complements stacks.test.ts (the table's keys, TTL, stream and PITR, the API
 * stage's throttling, each function's exact grants) and observability.test.ts (the alarms).
 *
 * The app is synthesized once, without bundling the handlers (the `aws:cdk:bundling-stacks`
 * context): none of this depends on the bundles. Synthesis runs both packs: an unacknowledged
 * finding throws in beforeAll.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { NIST80053R5Checks } from 'cdk-nag';
import { readFileSync } from 'node:fs';
import { REGIONS, type RegionConfig } from '../../functions/domain/regions.ts';
import { FUNCTIONS, type FunctionName } from '../../functions/functions.ts';
import { exampleSettings } from '../../infra/settings/load.ts';
import { buildComplaintApp, type RegionStacks } from '../../infra/complaint-app.ts';
import { APP_WIDE_DECISIONS, enableNagChecks } from '../../infra/nag.ts';
import { WAF_REDACTED_HEADERS } from '../../infra/stacks/edge-stack.ts';

const CDK_CONTEXT = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<string, unknown>;
const TEST_CONTEXT = { ...CDK_CONTEXT, '@aws-cdk/core:appMode': 'inmemory', 'aws:cdk:bundling-stacks': [] };
const ACCOUNT = '111111111111';

type Json = Record<string, any>;
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Json };
const asArray = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/** Services whose actions read or change data (or its keys): never a wildcard action, never on Resource "*". */
const DATA_SERVICES = ['dynamodb', 's3', 'kms', 'sqs', 'sns', 'states', 'ses', 'secretsmanager', 'ssm', 'lambda', 'logs'];
/**
 * The only actions allowed on Resource "*": AWS offers no resource-level permission for them,
 * and none reads or changes complaint data (X-Ray segments, Step Functions' log delivery set-up,
 * the CloudFront invalidation of CDK's pages deployment).
 */
const NO_RESOURCE_LEVEL = new Set([
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
  'cloudfront:CreateInvalidation',
  'cloudfront:GetInvalidation',
]);

let app: App;
let stacks: Record<string, RegionStacks>;
let assembly: CloudAssembly;

beforeAll(() => {
  app = new App({ context: TEST_CONTEXT });
  stacks = buildComplaintApp(app, { settings: exampleSettings(ACCOUNT) });
  assembly = app.synth();
});

const templateOf = (stack: Stack) => assembly.getStackArtifact(stack.artifactId).template as Json;
const regionStacks = (name: string): Stack[] => [stacks[name].edge, stacks[name].stateful, stacks[name].api].flatMap((s) => (s ? [s as Stack] : []));
const resourcesOf = (t: Json, type: string): [string, Json][] => Object.entries(t.Resources as Json).filter(([, r]) => r.Type === type);

/** The logical id of the customer-managed key (AWS::KMS::Key of the same template) that `ref` points at; fails otherwise. */
function customerKey(template: Json, ref: unknown, what: string): string {
  const id = (ref as Json)?.['Fn::GetAtt']?.[0] ?? (ref as Json)?.Ref;
  expect(id, `${what}: ${JSON.stringify(ref)} is not a key of this stack`).toBeTypeOf('string');
  expect(template.Resources[id]?.Type, `${what}: ${id}`).toBe('AWS::KMS::Key');
  return id;
}

/** Every identity-policy statement of a template: policies, managed policies, roles' inline policies. */
function identityStatements(template: Json): { owner: string; roles: string[]; st: Statement }[] {
  const out: { owner: string; roles: string[]; st: Statement }[] = [];
  for (const [id, r] of Object.entries(template.Resources as Json)) {
    const docs: Json[] = [];
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') docs.push(r.Properties.PolicyDocument);
    if (r.Type === 'AWS::IAM::Role') for (const p of r.Properties.Policies ?? []) docs.push(p.PolicyDocument);
    const roles = r.Type === 'AWS::IAM::Role' ? [id] : (r.Properties.Roles ?? []).map((x: Json) => x.Ref);
    for (const d of docs) for (const st of d.Statement as Statement[]) out.push({ owner: id, roles, st });
  }
  return out;
}

describe.each(Object.values(REGIONS).map((r) => [r.name, r] as [string, RegionConfig]))('region %s', (name, region) => {
  const stateful = () => templateOf(stacks[name].stateful);
  const api = () => templateOf(stacks[name].api);

  describe('customer-managed KMS keys, rotated', () => {
    it('every KMS key of the region rotates yearly', () => {
      const keys = regionStacks(name).flatMap((s) => resourcesOf(templateOf(s), 'AWS::KMS::Key'));
      expect(keys.length).toBeGreaterThanOrEqual(8);
      for (const [id, key] of keys) expect(key.Properties.EnableKeyRotation, id).toBe(true);
    });

    it('the table: KMS encryption with a key of the stateful stack on every replica, point-in-time recovery, deletion protection', () => {
      const tables = [...resourcesOf(stateful(), 'AWS::DynamoDB::GlobalTable'), ...resourcesOf(stateful(), 'AWS::DynamoDB::Table')];
      expect(tables).toHaveLength(1);
      for (const [id, t] of tables) {
        expect(t.Properties.SSESpecification, id).toMatchObject({ SSEEnabled: true, SSEType: 'KMS' });
        for (const replica of t.Properties.Replicas) {
          customerKey(stateful(), replica.SSESpecification?.KMSMasterKeyId, `${id} replica ${replica.Region}`);
          expect(replica.PointInTimeRecoverySpecification, id).toEqual({ PointInTimeRecoveryEnabled: true });
          expect(replica.DeletionProtectionEnabled, id).toBe(true);
        }
      }
    });

    it("every bucket: SSE-KMS with its own key of the stack, except the access-log bucket (SSE-S3: all S3 server access logging accepts), which only receives the others' logs", () => {
      const buckets = resourcesOf(stateful(), 'AWS::S3::Bucket');
      const sseS3 = buckets.filter(
        ([, b]) => b.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm === 'AES256',
      );
      expect(sseS3).toHaveLength(1);
      const [logBucketId] = sseS3[0];
      const keys = new Set<string>();
      for (const [id, b] of buckets.filter(([bid]) => bid !== logBucketId)) {
        const [rule] = b.Properties.BucketEncryption.ServerSideEncryptionConfiguration;
        expect(rule.ServerSideEncryptionByDefault.SSEAlgorithm, id).toBe('aws:kms');
        keys.add(customerKey(stateful(), rule.ServerSideEncryptionByDefault.KMSMasterKeyID, id));
        expect(b.Properties.LoggingConfiguration?.DestinationBucketName, id).toEqual({ Ref: logBucketId });
      }
      expect(keys.size, 'one key per bucket').toBe(buckets.length - 1);
      // Attachments, mail, archive (and the pages where CloudFront serves them).
      expect(buckets.length - 1).toBeGreaterThanOrEqual(3);
    });

    it('every log group of every stack of the region (functions, workflow, API access, WAF): a key of its own stack', () => {
      let count = 0;
      for (const stack of regionStacks(name)) {
        const t = templateOf(stack);
        for (const [id, group] of resourcesOf(t, 'AWS::Logs::LogGroup')) {
          customerKey(t, group.Properties.KmsKeyId, `${stack.stackName}/${id}`);
          expect(group.Properties.RetentionInDays, id).toBeGreaterThan(0);
          count++;
        }
      }
      expect(count).toBeGreaterThanOrEqual(Object.keys(FUNCTIONS).length + 2);
    });

    it('the state machines: their definitions and executions under a customer-managed key; callers may use the key for these state machines only', () => {
      const machines = resourcesOf(api(), 'AWS::StepFunctions::StateMachine');
      expect(machines).toHaveLength(2); // new complaints' and resumed ones' (workflows/machines.ts)
      const machineArns = machines.map(
        ([, sm]) => `arn:${region.aws.partition}:states:${region.aws.region}:${ACCOUNT}:stateMachine:${sm.Properties.StateMachineName}`,
      );
      for (const [id, sm] of machines) {
        expect(sm.Properties.EncryptionConfiguration, id).toMatchObject({ Type: 'CUSTOMER_MANAGED_KMS_KEY', KmsDataKeyReusePeriodSeconds: 300 });
        const keyId = customerKey(api(), sm.Properties.EncryptionConfiguration.KmsKeyId, id);
        // Every grant of that key (functions that start, describe or complete executions; the
        // state machines' own roles) is conditioned on these state machines or on their log delivery.
        const grants = identityStatements(api()).filter(({ st }) => JSON.stringify(st.Resource).includes(`"${keyId}"`));
        expect(grants.length).toBeGreaterThan(1);
        for (const { owner, st } of grants) {
          const context = st.Condition?.StringEquals ?? {};
          expect(Object.keys(context), owner).toEqual([expect.stringMatching(/^kms:EncryptionContext:(aws:states:stateMachineArn|SourceArn)$/)]);
          const machinesOf = context['kms:EncryptionContext:aws:states:stateMachineArn'];
          if (machinesOf) for (const arn of asArray(machinesOf)) expect(machineArns, owner).toContain(arn);
          for (const a of asArray(st.Action)) expect(['kms:Decrypt', 'kms:GenerateDataKey'], owner).toContain(a);
        }
      }
    });

    it('queues and the alarm topic: SSE-KMS with a key of the stack, TLS only', () => {
      const queues = resourcesOf(api(), 'AWS::SQS::Queue');
      expect(queues.length).toBeGreaterThanOrEqual(3);
      for (const [id, q] of queues) customerKey(api(), q.Properties.KmsMasterKeyId, id);
      for (const [id, topic] of resourcesOf(api(), 'AWS::SNS::Topic')) customerKey(api(), topic.Properties.KmsMasterKeyId, id);
      const denied = [...resourcesOf(api(), 'AWS::SQS::QueuePolicy'), ...resourcesOf(api(), 'AWS::SNS::TopicPolicy')]
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[])
        .filter((st) => st.Effect === 'Deny' && st.Condition?.Bool?.['aws:SecureTransport'] === 'false');
      expect(denied.length).toBeGreaterThanOrEqual(queues.length);
    });
  });

  describe('least privilege', () => {
    it('no identity policy in any stack of the region grants "*" or a service-wide action, a wildcard action on data, or a data action on Resource "*"', () => {
      const deployRole = (stack: Stack) =>
        stack === stacks[name].api && stacks[name].api.pages.deployment
          ? stack.getLogicalId(stacks[name].api.pages.deployment.handlerRole.node.defaultChild as never)
          : undefined;
      let statements = 0;
      for (const stack of regionStacks(name)) {
        const cdkDeployRole = deployRole(stack);
        for (const { owner, roles, st } of identityStatements(templateOf(stack))) {
          statements++;
          const where = `${stack.stackName}/${owner}: ${JSON.stringify(st)}`;
          const actions = asArray(st.Action);
          for (const action of actions) {
            expect(action, where).not.toBe('*');
            expect(action, where).not.toMatch(/^[a-z0-9-]+:\*$/);
            const service = action.split(':')[0];
            // CDK's BucketDeployment handler (acknowledged in pages-deployment.ts): its action
            // families (s3:GetObject*, kms:GenerateDataKey*...) stay on the asset bucket, the pages bucket and its key.
            if (DATA_SERVICES.includes(service) && action.includes('*')) {
              expect(cdkDeployRole && roles.includes(cdkDeployRole), where).toBe(true);
              for (const r of asArray(st.Resource)) expect(JSON.stringify(r), where).toMatch(/cdk-hnb659fds-assets-|complaints-pages-|ObjectsPagesKey/);
            }
          }
          if (asArray(st.Resource).includes('*')) for (const action of actions) expect(NO_RESOURCE_LEVEL.has(action), where).toBe(true);
        }
      }
      expect(statements).toBeGreaterThan(Object.keys(FUNCTIONS).length * 2);
    });

    it('no function role carries an AWS managed policy', () => {
      const t = api();
      for (const fn of Object.keys(FUNCTIONS) as FunctionName[]) {
        const roleId = stacks[name].api.getLogicalId(stacks[name].api.functions[fn].executionRole.node.defaultChild as never);
        expect(t.Resources[roleId].Properties.ManagedPolicyArns, fn).toBeUndefined();
      }
    });
  });

  describe('asynchronous invocations and edge logging', () => {
    const receives = () => Boolean(stacks[name].api.inboundMail);

    it('EmailIntake (SES), ResumeOrphans and PeriodicReviews (EventBridge), invoked asynchronously, keep failed events in an encrypted dead-letter queue that alarms; no other function has one', () => {
      const withDlq = resourcesOf(api(), 'AWS::Lambda::Function').filter(([, f]) => f.Properties.DeadLetterConfig);
      const idOf = (fn: 'EmailIntake' | 'ResumeOrphans' | 'PeriodicReviews') =>
        stacks[name].api.getLogicalId(stacks[name].api.functions[fn].node.defaultChild as never);
      expect(withDlq.map(([id]) => id).sort()).toEqual([...(receives() ? [idOf('EmailIntake')] : []), idOf('ResumeOrphans'), idOf('PeriodicReviews')].sort());
      expect(
        resourcesOf(api(), 'AWS::CloudWatch::Alarm').filter(([, a]) => a.Properties.AlarmName === `complaints-${name}-dead-letters-PeriodicReviews`),
      ).toHaveLength(1);
      const resume = withDlq.find(([id]) => id === idOf('ResumeOrphans'))!;
      const resumeQueue = resume[1].Properties.DeadLetterConfig.TargetArn['Fn::GetAtt'][0];
      customerKey(api(), api().Resources[resumeQueue].Properties.KmsMasterKeyId, resumeQueue);
      expect(
        resourcesOf(api(), 'AWS::CloudWatch::Alarm').filter(([, a]) => a.Properties.AlarmName === `complaints-${name}-dead-letters-ResumeOrphans`),
      ).toHaveLength(1);
      if (!receives()) return;
      const queueId = withDlq.find(([id]) => id === idOf('EmailIntake'))![1].Properties.DeadLetterConfig.TargetArn['Fn::GetAtt'][0];
      expect(api().Resources[queueId].Type).toBe('AWS::SQS::Queue');
      customerKey(api(), api().Resources[queueId].Properties.KmsMasterKeyId, queueId);
      const alarms = resourcesOf(api(), 'AWS::CloudWatch::Alarm').filter(([, a]) => a.Properties.AlarmName === `complaints-${name}-dead-letters-EmailIntake`);
      expect(alarms).toHaveLength(1);
      const [, alarm] = alarms[0];
      expect(alarm.Properties).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
      expect(alarm.Properties.Dimensions).toEqual([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }]);
      expect(alarm.Properties.AlarmActions).toHaveLength(1);
      // The function's role may send to that queue, with a data key of its key, and nothing more on them.
      const roleId = stacks[name].api.getLogicalId(stacks[name].api.functions.EmailIntake.executionRole.node.defaultChild as never);
      const onQueue = identityStatements(api()).filter(({ roles, st }) => roles.includes(roleId) && JSON.stringify(st.Resource).includes(queueId));
      expect(onQueue.flatMap(({ st }) => asArray(st.Action))).toEqual(['sqs:SendMessage']);
    });

    it(`the WAF web ACL logs every request, without the caller's credentials (${WAF_REDACTED_HEADERS.join(', ')})`, () => {
      const edge = stacks[name].edge;
      if (!edge) {
        expect(stacks[name].platform.pages.waf).toBe(false);
        return;
      }
      const t = templateOf(edge);
      const [[, logging]] = resourcesOf(t, 'AWS::WAFv2::LoggingConfiguration');
      const [[aclId]] = resourcesOf(t, 'AWS::WAFv2::WebACL');
      expect(logging.Properties.ResourceArn).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
      // To the aws-waf-logs-* bucket in the region itself (test/infra/regions-ops.test.ts).
      expect(logging.Properties.LogDestinationConfigs).toEqual([`arn:aws:s3:::aws-waf-logs-complaints-${ACCOUNT}-${region.aws.region}`]);
      expect(logging.Properties.RedactedFields).toEqual(WAF_REDACTED_HEADERS.map((h) => ({ SingleHeader: { Name: h } })));
    });
  });
});

describe('cdk-nag NIST 800-53 rev 5', () => {
  it('runs beside AwsSolutions on every synth and reports no unacknowledged finding', () => {
    // Synthesis passed (it throws on an error); a direct run of the pack confirms nothing is left.
    expect(new NIST80053R5Checks().validateScope(app).violations).toEqual([]);
  });

  it('app-wide decisions are few, each with its reason; every other acknowledgement sits on its resource', () => {
    expect(Object.keys(APP_WIDE_DECISIONS).sort()).toEqual([
      'NIST.800.53.R5-IAMNoInlinePolicy',
      'NIST.800.53.R5-LambdaConcurrency',
      'NIST.800.53.R5-LambdaInsideVPC',
      'NIST.800.53.R5-S3BucketReplicationEnabled',
    ]);
    for (const reason of Object.values(APP_WIDE_DECISIONS)) expect(reason.length).toBeGreaterThan(150);
    const acks = app.node
      .findAll()
      .flatMap((c) =>
        c.node.metadata
          .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ path: c.node.path, id, reason }))),
      );
    // (CDK records an id without a plugin namespace as `Annotation::<id>`; cdk-nag matches the rule id.)
    const nist = acks.filter((a) => a.id.includes('NIST.800.53.R5')).map((a) => ({ ...a, id: a.id.replace(/^.*::/, '') }));
    expect(
      nist
        .filter((a) => a.path === '')
        .map((a) => a.id)
        .sort(),
    ).toEqual(Object.keys(APP_WIDE_DECISIONS).sort());
    // Per resource: the functions not invoked asynchronously, the access-log bucket, CDK's deployment handler,
    // the CloudFront origin secret (rotated by a deployment: infra/constructs/origin-verify.ts), the
    // WAF log bucket's own access logging (infra/stacks/waf-logs-stack.ts).
    expect(new Set(nist.filter((a) => a.path !== '').map((a) => a.id))).toEqual(
      new Set([
        'NIST.800.53.R5-LambdaDLQ',
        'NIST.800.53.R5-S3DefaultEncryptionKMS',
        'NIST.800.53.R5-SecretsManagerRotationEnabled',
        'NIST.800.53.R5-S3BucketLoggingEnabled',
      ]),
    );
    for (const a of nist) expect(a.reason.length, `${a.path} ${a.id}`).toBeGreaterThan(80);
  });

  it('is live: an SSE-S3 bucket and a function without a dead-letter queue are reported, and no longer once acknowledged', () => {
    const findings = (acknowledge: boolean) => {
      const probeApp = new App({ context: TEST_CONTEXT });
      enableNagChecks(probeApp);
      const stack = new Stack(probeApp, 'NistProbe', { env: { account: ACCOUNT, region: 'eu-west-2' } });
      const bucket = new s3.Bucket(stack, 'Plain', { encryption: s3.BucketEncryption.S3_MANAGED, enforceSSL: true });
      const fn = new lambda.Function(stack, 'Fn', {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => 1'),
      });
      if (acknowledge) {
        Validations.of(bucket).acknowledge({ id: 'NIST.800.53.R5-S3DefaultEncryptionKMS', reason: 'Probe: proves that an acknowledgement is honoured.' });
        Validations.of(fn).acknowledge({ id: 'NIST.800.53.R5-LambdaDLQ', reason: 'Probe: proves that an acknowledgement is honoured.' });
      }
      // The probe has other findings (AwsSolutions and NIST alike): only these two rules matter here.
      try {
        probeApp.synth();
        return '';
      } catch (e) {
        return String((e as Error).message);
      }
    };
    const reported = findings(false);
    expect(reported).toMatch(/NIST\.800\.53\.R5-S3DefaultEncryptionKMS/);
    expect(reported).toMatch(/NIST\.800\.53\.R5-LambdaDLQ/);
    const afterAck = findings(true);
    expect(afterAck).not.toMatch(/NIST\.800\.53\.R5-S3DefaultEncryptionKMS/);
    expect(afterAck).not.toMatch(/NIST\.800\.53\.R5-LambdaDLQ/);
  });
});
