/**
 * Template assertions for every region's stacks, and proof that cdk-nag is live.
 *
 * The app is synthesized once for the whole file (bundling every handler for three regions is
 * the slow part), with the context of cdk.json so that feature flags match `cdk synth`.
 * Synthesis itself runs the AwsSolutions checks: an unacknowledged finding throws in beforeAll.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { existsSync, readFileSync } from 'node:fs';
import { REPORT_FONT } from '../../functions/shared/report-font.ts';
import { join } from 'node:path';
import { TABLE } from '../../functions/adapters/table-schema.ts';
import { REGIONS, type RegionConfig, type RegionName } from '../../functions/domain/regions.ts';
import {
  FUNCTIONS,
  MAX_STREAM_READERS,
  ROUTES,
  STREAM_CONSUMERS,
  WORKFLOW_FUNCTIONS,
  type FunctionName,
  type FunctionSpec,
} from '../../functions/functions.ts';
import { PAGE_SECURITY_HEADERS } from '../../web/security-headers.ts';
import { archiveTiering } from '../../infra/archive-tiering.ts';
import { exampleSettings } from '../../infra/settings/load.ts';
import { buildComplaintApp, type RegionStacks } from '../../infra/complaint-app.ts';
import { loadSettings } from '../../infra/settings/load.ts';
import { EncryptedLogs } from '../../infra/constructs/encrypted-logs.ts';
import { IntakeApi } from '../../infra/constructs/intake-api.ts';
import { WEB_DIST } from '../../infra/constructs/pages-deployment.ts';
import { STAFF_ROLES } from '../../infra/constructs/staff-identity.ts';
import type { StaffIdentitySettings } from '../../infra/settings/schema.ts';
import { enableNagChecks } from '../../infra/nag.ts';
import { STATE_MACHINES } from '../../workflows/machines.ts';

const CDK_CONTEXT = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<string, unknown>;
const ASL = JSON.parse(readFileSync(new URL('../../workflows/complaint.asl.json', import.meta.url), 'utf8')) as Asl;
const ACCOUNT = '111111111111';
const SETTINGS = exampleSettings(ACCOUNT);
// In-memory mode: a failed validation throws with the full report (the CLI prints it instead).
const TEST_CONTEXT = { ...CDK_CONTEXT, '@aws-cdk/core:appMode': 'inmemory' };

/** What each region is expected to get from its platform (infra/platform.ts), spelled out. */
const EXPECTED = {
  cn: { identity: 'oidc', cloudFront: false, waf: false, sesSending: false, sesReceiving: false, xray: false },
  uk: { identity: 'cognito', cloudFront: true, waf: true, sesSending: true, sesReceiving: false, xray: true },
  us: { identity: 'cognito', cloudFront: true, waf: true, sesSending: true, sesReceiving: true, xray: true },
} as const;

interface Asl {
  StartAt: string;
  States: Record<string, { Branches?: Asl[]; Iterator?: Asl; ItemProcessor?: Asl; Resource?: string }>;
}
type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Principal?: unknown; Condition?: Record<string, any> };

function stateNames(asl: Asl): string[] {
  return Object.entries(asl.States).flatMap(([name, s]) => [
    name,
    ...[...(s.Branches ?? []), s.Iterator, s.ItemProcessor].flatMap((n) => (n ? stateNames(n) : [])),
  ]);
}
const asArray = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

let app: App;
let stacks: Record<string, RegionStacks>;
let assembly: CloudAssembly;

beforeAll(() => {
  app = new App({ context: TEST_CONTEXT });
  stacks = buildComplaintApp(app, { settings: exampleSettings(ACCOUNT) });
  assembly = app.synth();
});

const templateOf = (stack: Stack) => Template.fromJSON(assembly.getStackArtifact(stack.artifactId).template);
const allStacks = (): Stack[] => Object.values(stacks).flatMap((s) => [s.edge, s.stateful, s.api].filter((x): x is NonNullable<typeof x> => Boolean(x)));
const resources = (t: Template, type: string) => Object.values(t.findResources(type)) as Resource[];
const logicalId = (stack: Stack, construct: { node: { defaultChild?: unknown } } | undefined) => stack.getLogicalId(construct!.node.defaultChild as never);

/** The value a `Fn::ImportValue` stands for: the producing stack's exported output. */
function exported(importValue: unknown): { stack: string; value: unknown } {
  const name = (importValue as { 'Fn::ImportValue': string })['Fn::ImportValue'];
  expect(name, JSON.stringify(importValue)).toBeTypeOf('string');
  for (const stack of allStacks()) {
    const outputs = (assembly.getStackArtifact(stack.artifactId).template.Outputs ?? {}) as Record<string, { Value: unknown; Export?: { Name: string } }>;
    const found = Object.values(outputs).find((o) => o.Export?.Name === name);
    if (found) return { stack: stack.stackName, value: found.Value };
  }
  throw new Error(`no export named ${name}`);
}

/** Statements of every AWS::IAM::Policy attached to the role with this logical id. */
function policyStatementsOf(template: Template, roleLogicalId: string): Statement[] {
  return (Object.values(template.findResources('AWS::IAM::Policy')) as Resource[])
    .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleLogicalId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

describe.each(Object.values(REGIONS).map((r) => [r.name, r] as [string, RegionConfig]))('region %s', (name, region) => {
  const expected = EXPECTED[name as keyof typeof EXPECTED];
  const stateful = () => templateOf(stacks[name].stateful);
  const api = () => templateOf(stacks[name].api);
  const apiStack = () => stacks[name].api;
  const fnLogicalId = (fn: FunctionName) => logicalId(apiStack(), apiStack().functions[fn]);
  const fnResource = (fn: FunctionName) => api().toJSON().Resources[fnLogicalId(fn)] as Resource;
  const roleStatements = (fn: FunctionName) => policyStatementsOf(api(), fnResource(fn).Properties.Role['Fn::GetAtt'][0]);

  it('deploys to the region of its config, with the platform choices of the region', () => {
    expect(stacks[name].stateful.region).toBe(region.aws.region);
    expect(stacks[name].api.region).toBe(region.aws.region);
    expect(stacks[name].api.account).toBe(ACCOUNT);
    expect(stacks[name].stateful.stackName).toBe(`Complaints-${name}-Stateful`);
    expect(stacks[name].api.stackName).toBe(`Complaints-${name}-Api`);
    const platform = stacks[name].platform;
    expect({
      identity: platform.identity.kind,
      cloudFront: platform.pages.cloudFront,
      waf: platform.pages.waf,
      sesSending: platform.email.sending,
      sesReceiving: platform.email.receiving,
      xray: platform.tracing,
    }).toEqual(expected);
  });

  describe('archive (issue 6)', () => {
    const archiveBucket = () =>
      resources(stateful(), 'AWS::S3::Bucket').find((b) => JSON.stringify(b.Properties.BucketName ?? '').includes('complaints-archive'))!;

    it('is an S3 bucket with Object Lock in compliance mode, default retention from the region, KMS, no public access, retained', () => {
      const b = archiveBucket();
      expect(b).toBeDefined();
      expect(b.Properties.ObjectLockEnabled).toBe(true);
      expect(b.Properties.ObjectLockConfiguration).toEqual({
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: region.retention.archiveYears * 366 } },
      });
      expect(b.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('aws:kms');
      expect(b.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.KMSMasterKeyID).toBeDefined();
      expect(b.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(b.DeletionPolicy).toBe('Retain');
      expect(b.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    });

    it('moves records to Glacier Deep Archive only where that pays (issue 8), and deletes them once the retention ends', () => {
      type Rule = {
        Prefix?: string;
        Transitions?: { StorageClass: string; TransitionInDays: number }[];
        ExpirationInDays?: number;
        NoncurrentVersionExpiration?: { NoncurrentDays: number };
        ObjectSizeGreaterThan?: number;
        ObjectSizeLessThan?: number;
      };
      const rules = archiveBucket().Properties.LifecycleConfiguration.Rules as Rule[];
      const tiering = archiveTiering(region.retention.archiveYears);
      // The break-even sizes (infra/archive-tiering.ts, from bench/prices.json): ~80 KiB for 3 years, Standard-IA on the way above ~507 KiB.
      if (region.retention.archiveYears === 3) expect(tiering).toEqual({ keepDays: 3 * 366 + 31, deepArchiveAbove: 80 * 1024, standardIaAbove: 507 * 1024 });
      for (const prefix of ['complaints/', 'erased/']) {
        const mine = rules.filter((r) => r.Prefix === prefix);
        // Every object expires after the retention, whatever its size; its version (unlocked by then) goes the day after.
        expect(mine.filter((r) => r.ExpirationInDays !== undefined)).toEqual([
          { Prefix: prefix, Status: 'Enabled', ExpirationInDays: tiering.keepDays, NoncurrentVersionExpiration: { NoncurrentDays: 1 } },
        ]);
        expect(tiering.keepDays).toBeGreaterThan(region.retention.archiveYears * 365);
        // Deep Archive after 90 days above the break-even size, by Standard-IA from day 30 above the larger one; a record of a few KB stays in Standard.
        expect(mine.filter((r) => r.Transitions)).toEqual([
          {
            Prefix: prefix,
            Status: 'Enabled',
            ObjectSizeGreaterThan: tiering.deepArchiveAbove,
            ObjectSizeLessThan: tiering.standardIaAbove + 1,
            Transitions: [{ StorageClass: 'DEEP_ARCHIVE', TransitionInDays: 90 }],
          },
          {
            Prefix: prefix,
            Status: 'Enabled',
            ObjectSizeGreaterThan: tiering.standardIaAbove,
            Transitions: [
              { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
              { StorageClass: 'DEEP_ARCHIVE', TransitionInDays: 90 },
            ],
          },
        ]);
      }
      // Staging versions (locked from their put) go when their lock has ended.
      expect(rules.filter((r) => r.Prefix === 'staging/')).toEqual([
        { Prefix: 'staging/', Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: tiering.keepDays } },
      ]);
    });

    it('TableChanges reads REMOVE records of complaint items (archival), with bisecting retries and a failure queue; ReconcileArchive runs daily', () => {
      const mappings = resources(api(), 'AWS::Lambda::EventSourceMapping').filter((m) =>
        JSON.stringify(m.Properties.FunctionName).includes(fnLogicalId('TableChanges')),
      );
      expect(mappings).toHaveLength(1);
      const m = mappings[0].Properties;
      expect(m.FilterCriteria.Filters.map((f: { Pattern: string }) => JSON.parse(f.Pattern))).toContainEqual({
        eventName: ['REMOVE'],
        dynamodb: { Keys: { PK: { S: [{ prefix: 'COMPLAINT#' }] } } },
      });
      expect(m.BisectBatchOnFunctionError).toBe(true);
      expect(m.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      expect(m.DestinationConfig.OnFailure.Destination).toBeDefined();
      const rules = resources(api(), 'AWS::Events::Rule').filter((r) => JSON.stringify(r.Properties.Targets).includes(fnLogicalId('ReconcileArchive')));
      expect(rules.map((r) => r.Properties.ScheduleExpression)).toEqual(['rate(1 day)']);
    });

    it('archive permissions name their prefixes: no s3:* and no bucket-wide object access', () => {
      for (const fn of ['TableChanges', 'ReconcileArchive', 'StaffApi'] as FunctionName[]) {
        const statements = roleStatements(fn).filter((st) => JSON.stringify(st.Resource).includes('complaints-archive'));
        expect(statements.length, fn).toBeGreaterThan(0);
        for (const st of statements) {
          for (const action of asArray(st.Action)) expect(action, fn).not.toMatch(/\*/);
          const res = JSON.stringify(st.Resource);
          if (asArray(st.Action).some((a) => a !== 's3:ListBucket')) expect(res, fn).toMatch(/complaints-archive[^"]*\/(complaints|erased|staging)\//);
        }
      }
      // Only the archiver and the staff API (erasure) may write; reconciliation only reads.
      expect(roleStatements('ReconcileArchive').flatMap((st) => asArray(st.Action))).not.toContain('s3:PutObject');
    });

    it('alarms on deletes outside archival, missing or mismatched complaints and archive lag', () => {
      const names = resources(api(), 'AWS::CloudWatch::Alarm').map((a) => a.Properties.AlarmName as string);
      for (const n of ['archive-delete-outside-archival', 'archive-reconcile-missing', 'archive-reconcile-mismatch', 'archive-lag'])
        expect(names).toContain(`complaints-${name}-${n}`);
    });
  });

  describe('table', () => {
    it('has the keys, indexes (the queue index whole, the OPEN index only the four attributes the sweeper reads), TTL and stream of TABLE, on demand', () => {
      const index = (i: { name: string; partitionKey: string; sortKey: string; projection: string; include: readonly string[] }) => ({
        IndexName: i.name,
        KeySchema: [
          { AttributeName: i.partitionKey, KeyType: 'HASH' },
          { AttributeName: i.sortKey, KeyType: 'RANGE' },
        ],
        Projection: i.projection === 'INCLUDE' ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...i.include] } : { ProjectionType: 'ALL' },
      });
      expect(TABLE.indexes.open.include).toEqual(['reference', 'executionName', 'stage', 'resumeCount']);
      stateful().resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
      stateful().hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        KeySchema: [
          { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: Match.arrayEquals(Object.values(TABLE.indexes).map(index)),
        TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        BillingMode: 'PAY_PER_REQUEST',
      });
    });

    it('has PITR, deletion protection and a customer-managed, rotated key; table and key are retained', () => {
      const tableKeyId = logicalId(stacks[name].stateful, stacks[name].stateful.table.encryptionKey as kms.Key);
      expect(stateful().toJSON().Resources[tableKeyId].Properties.EnableKeyRotation).toBe(true);
      stateful().hasResource('AWS::DynamoDB::GlobalTable', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: Match.objectLike({
          SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
          Replicas: [
            Match.objectLike({
              Region: region.aws.region,
              PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
              DeletionProtectionEnabled: true,
              SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': [tableKeyId, 'Arn'] } },
            }),
          ],
        }),
      });
      for (const key of resources(stateful(), 'AWS::KMS::Key')) expect(key.DeletionPolicy).toBe('Retain');
    });
  });

  describe('buckets', () => {
    const buckets = () => {
      const { stores } = stacks[name].stateful;
      const s = stacks[name].stateful;
      return {
        attachments: { id: logicalId(s, stores.attachments.bucket), keyId: logicalId(s, stores.attachments.key), name: stores.attachments.name },
        mail: { id: logicalId(s, stores.mail.bucket), keyId: logicalId(s, stores.mail.key), name: stores.mail.name },
        pages: { id: logicalId(s, stores.pages.bucket), keyId: logicalId(s, stores.pages.key), name: stores.pages.name },
      };
    };
    const bucketPolicyOf = (bucketId: string) =>
      resources(stateful(), 'AWS::S3::BucketPolicy').find((p) => p.Properties.Bucket.Ref === bucketId)!.Properties.PolicyDocument.Statement as Statement[];

    it('attachments, mail and pages: own rotated customer-managed key, public access blocked, TLS enforced, versioned, access-logged, retained', () => {
      const template = stateful().toJSON();
      const logBucketId = logicalId(stacks[name].stateful, stacks[name].stateful.stores.logs);
      const keyIds = new Set<string>();
      for (const [purpose, b] of Object.entries(buckets())) {
        const bucket = template.Resources[b.id] as Resource;
        expect(bucket.DeletionPolicy, purpose).toBe('Retain');
        expect(bucket.UpdateReplacePolicy, purpose).toBe('Retain');
        expect(bucket.Properties.BucketName).toBe(b.name);
        expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [b.keyId, 'Arn'] } },
          },
        ]);
        const key = template.Resources[b.keyId] as Resource;
        expect(key.Type).toBe('AWS::KMS::Key');
        expect(key.Properties.EnableKeyRotation).toBe(true);
        expect(key.DeletionPolicy).toBe('Retain');
        keyIds.add(b.keyId);
        expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        });
        expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
        expect(bucket.Properties.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: logBucketId }, LogFilePrefix: `${purpose}/` });
        expect(bucket.Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
        const statements = bucketPolicyOf(b.id);
        expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
        expect(statements).toContainEqual(
          expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        );
      }
      expect(keyIds.size).toBe(3);
    });

    it('the access-log bucket: SSE-S3 (what server access logging accepts), public access blocked, TLS enforced, retained', () => {
      const s = stacks[name].stateful;
      const logBucketId = logicalId(s, s.stores.logs);
      const bucket = stateful().toJSON().Resources[logBucketId] as Resource;
      expect(bucket.DeletionPolicy).toBe('Retain');
      expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'AES256' });
      expect(bucket.Properties.PublicAccessBlockConfiguration).toMatchObject({ BlockPublicAcls: true, BlockPublicPolicy: true });
      // ACLs only where CloudFront writes its standard logs.
      expect(bucket.Properties.OwnershipControls.Rules[0].ObjectOwnership).toBe(expected.cloudFront ? 'BucketOwnerPreferred' : 'BucketOwnerEnforced');
      expect(bucketPolicyOf(logBucketId)).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    });

    it('attachments: CORS lets only the pages origin PUT; incomplete uploads are aborted', () => {
      const bucket = stateful().toJSON().Resources[buckets().attachments.id] as Resource;
      expect(bucket.Properties.LifecycleConfiguration.Rules).toContainEqual(
        expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
      );
      if (!expected.cloudFront) {
        // The pages on the bank's own (ICP-recorded) site, settings pages.externalBaseUrl: only it may upload.
        expect(bucket.Properties.CorsConfiguration).toEqual({
          CorsRules: [
            { AllowedMethods: ['PUT'], AllowedOrigins: [SETTINGS.regions[name as 'cn'].pages.externalBaseUrl], AllowedHeaders: ['content-type'], MaxAge: 3600 },
          ],
        });
        return;
      }
      const distributionId = logicalId(stacks[name].stateful, stacks[name].stateful.pages!.distribution);
      expect(bucket.Properties.CorsConfiguration).toEqual({
        CorsRules: [
          {
            AllowedMethods: ['PUT'],
            AllowedOrigins: [{ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }]] }],
            AllowedHeaders: ['content-type'],
            MaxAge: 3600,
          },
        ],
      });
    });

    it('mail: SES may write inbound/ only for this account and receipt rule, where SES receives', () => {
      const b = buckets().mail;
      const ses = bucketPolicyOf(b.id).filter((s) => JSON.stringify(s.Principal).includes('ses.amazonaws.com'));
      const keyPolicy = (stateful().toJSON().Resources[b.keyId] as Resource).Properties.KeyPolicy.Statement as Statement[];
      const sesKey = keyPolicy.filter((s) => JSON.stringify(s.Principal).includes('ses.amazonaws.com'));
      if (!expected.sesReceiving) {
        expect(ses).toEqual([]);
        expect(sesKey).toEqual([]);
        return;
      }
      const conditions = {
        StringEquals: { 'aws:SourceAccount': ACCOUNT },
        ArnLike: {
          'aws:SourceArn': `arn:${region.aws.partition}:ses:${region.aws.region}:${ACCOUNT}:receipt-rule-set/complaints-${name}-inbound:receipt-rule/complaints-intake`,
        },
      };
      expect(ses).toEqual([
        {
          Sid: 'AllowSesReceiptRulePuts',
          Effect: 'Allow',
          Principal: { Service: 'ses.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [b.id, 'Arn'] }, '/inbound/*']] },
          Condition: conditions,
        },
      ]);
      expect(sesKey).toEqual([expect.objectContaining({ Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: '*', Condition: conditions })]);
    });
  });

  describe('staff identity', () => {
    const authorizer = () => {
      // (Where CloudFront fronts the API, the public routes' origin check is a second, REQUEST authorizer.)
      const all = resources(api(), 'AWS::ApiGatewayV2::Authorizer').filter((a) => a.Properties.AuthorizerType === 'JWT');
      expect(all).toHaveLength(1);
      return all[0];
    };

    it(`is ${expected.identity === 'cognito' ? 'a retained Cognito user pool' : 'an external OIDC issuer (no user pool)'}`, () => {
      if (expected.identity === 'oidc') {
        stateful().resourceCountIs('AWS::Cognito::UserPool', 0);
        return;
      }
      stateful().resourceCountIs('AWS::Cognito::UserPool', 1);
      stateful().hasResource('AWS::Cognito::UserPool', {
        DeletionPolicy: 'Retain',
        Properties: Match.objectLike({
          AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
          AliasAttributes: ['email'],
          MfaConfiguration: 'ON',
          EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
          DeletionProtection: 'ACTIVE',
          UserPoolTier: 'PLUS',
          UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
          Policies: {
            PasswordPolicy: Match.objectLike({ MinimumLength: 14, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true }),
          },
          Schema: Match.arrayWith([
            { AttributeDataType: 'String', Mutable: true, Name: 'department', StringAttributeConstraints: { MaxLength: '64', MinLength: '1' } },
          ]),
        }),
      });
      const groups = resources(stateful(), 'AWS::Cognito::UserPoolGroup')
        .map((g) => g.Properties.GroupName)
        .sort();
      expect(groups).toEqual(Object.keys(STAFF_ROLES).sort());
      expect(groups).toEqual(['admin', 'handler', 'manager', 'quality', 'senior', 'specialist']);
      stateful().hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: `complaints-${name}-${ACCOUNT}` });
    });

    it.runIf(expected.identity === 'cognito')(
      'the staff console client: code grant (PKCE, no secret), ID tokens, no attribute writes, back to the pages',
      () => {
        const distributionId = logicalId(stacks[name].stateful, stacks[name].stateful.pages!.distribution);
        const consoleUrl = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }, '/console.html']] };
        stateful().hasResourceProperties('AWS::Cognito::UserPoolClient', {
          GenerateSecret: false,
          AllowedOAuthFlows: ['code'],
          AllowedOAuthFlowsUserPoolClient: true,
          AllowedOAuthScopes: ['openid', 'email', 'profile'],
          ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
          SupportedIdentityProviders: ['COGNITO'],
          CallbackURLs: [consoleUrl],
          LogoutURLs: [consoleUrl],
          ReadAttributes: ['custom:department', 'email', 'email_verified', 'name'],
          WriteAttributes: [],
          PreventUserExistenceErrors: 'ENABLED',
        });
      },
    );

    it('the HTTP API checks staff ID tokens with a JWT authorizer for that issuer and audience', () => {
      const { Properties: p } = authorizer();
      expect(p.AuthorizerType).toBe('JWT');
      expect(p.IdentitySource).toEqual(['$request.header.Authorization']);
      if (expected.identity === 'oidc') {
        // The bank's IdP of the deploy settings (here the example file's).
        const idp = loadSettings().regions[name as RegionName].staffIdentity as Extract<StaffIdentitySettings, { kind: 'oidc' }>;
        expect(p.JwtConfiguration).toEqual({ Issuer: idp.issuer, Audience: [idp.audience] });
        expect(idp.issuer).toBe('https://sso.bank.example.cn/oidc');
        return;
      }
      const s = stacks[name].stateful;
      const [prefix, poolImport] = p.JwtConfiguration.Issuer['Fn::Join'][1];
      expect(prefix).toBe(`https://cognito-idp.${region.aws.region}.amazonaws.com/`);
      expect(exported(poolImport).value).toEqual({ Ref: logicalId(s, s.identity.userPool) });
      expect(p.JwtConfiguration.Audience).toHaveLength(1);
      expect(exported(p.JwtConfiguration.Audience[0]).value).toEqual({ Ref: logicalId(s, s.identity.client) });
    });

    it("the functions behind staff routes, and only they, get the claim mapping of the region's identity provider", () => {
      const idp = loadSettings().regions[name as RegionName].staffIdentity;
      const mapping =
        idp.kind === 'oidc'
          ? {
              STAFF_CLAIM_USERNAME: idp.claims.username,
              STAFF_CLAIM_ROLES: idp.claims.roles,
              STAFF_CLAIM_DEPARTMENT: idp.claims.department,
              STAFF_GROUP_ROLES: JSON.stringify(idp.groupRoles),
            }
          : { STAFF_CLAIM_USERNAME: 'cognito:username', STAFF_CLAIM_ROLES: 'cognito:groups', STAFF_CLAIM_DEPARTMENT: 'custom:department' };
      if (idp.kind === 'oidc')
        expect(mapping).toMatchObject({
          STAFF_CLAIM_USERNAME: 'preferred_username',
          STAFF_CLAIM_ROLES: 'groups',
          STAFF_GROUP_ROLES: expect.stringContaining('"CMP-Managers":"manager"'),
        });
      const staffFns = new Set(ROUTES.filter((r) => r.auth === 'staff').map((r) => r.fn));
      expect(staffFns.size).toBeGreaterThan(0);
      for (const fnName of Object.keys(FUNCTIONS) as FunctionName[]) {
        const env = fnResource(fnName).Properties.Environment.Variables as Record<string, string>;
        const claimVars = Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('STAFF_CLAIM_') || k === 'STAFF_GROUP_ROLES'));
        expect(claimVars, fnName).toEqual(staffFns.has(fnName) ? mapping : {});
      }
    });

    it('every staff route of ROUTES is behind it; every public route has none, or where CloudFront fronts the API the CloudFront origin check', () => {
      const authorizers = Object.entries(api().findResources('AWS::ApiGatewayV2::Authorizer'));
      const authorizerId = authorizers.find(([, a]) => a.Properties.AuthorizerType === 'JWT')![0];
      const originCheck = authorizers.filter(([, a]) => a.Properties.AuthorizerType === 'REQUEST');
      expect(originCheck.length).toBe(expected.cloudFront ? 1 : 0);
      const routes = resources(api(), 'AWS::ApiGatewayV2::Route');
      expect(routes.map((r) => r.Properties.RouteKey).sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
      for (const route of ROUTES) {
        const r = routes.find((x) => x.Properties.RouteKey === `${route.method} ${route.path}`)!;
        if (route.auth === 'staff') {
          expect(r.Properties.AuthorizationType, r.Properties.RouteKey).toBe('JWT');
          expect(r.Properties.AuthorizerId, r.Properties.RouteKey).toEqual({ Ref: authorizerId });
        } else {
          expect(r.Properties.AuthorizationType ?? 'NONE', r.Properties.RouteKey).toBe(expected.cloudFront ? 'CUSTOM' : 'NONE');
          expect(r.Properties.AuthorizerId, r.Properties.RouteKey).toEqual(expected.cloudFront ? { Ref: originCheck[0][0] } : undefined);
        }
      }
    });
  });

  describe('workflow', () => {
    const machineArn = (name: string) => `arn:${region.aws.partition}:states:${region.aws.region}:${ACCOUNT}:stateMachine:${name}`;
    /** The state machine named `name` (workflows/machines.ts), with its definition. */
    const stateMachine = (name: string) => {
      const sm = resources(api(), 'AWS::StepFunctions::StateMachine').find((r) => r.Properties.StateMachineName === name)!;
      expect(sm, name).toBeDefined();
      const raw = sm.Properties.DefinitionString;
      // A plain string when the partition is a literal (enablePartitionLiterals), else Fn::Join.
      const text = typeof raw === 'string' ? raw : (raw['Fn::Join'][1] as unknown[]).map((p) => (typeof p === 'string' ? p : 'TOKEN')).join('');
      return { sm, text, definition: JSON.parse(text) as Asl };
    };
    const NAMES = [STATE_MACHINES.lifecycle.name, STATE_MACHINES.resume.name];

    it('is two STANDARD state machines of the ASL file: new complaints start at Investigate (Resume left out), resumed ones at Resume (the file as it is)', () => {
      api().resourceCountIs('AWS::StepFunctions::StateMachine', 2);
      for (const name of NAMES) expect(stateMachine(name).sm.Properties.StateMachineType, name).toBe('STANDARD');
      const lifecycle = stateMachine(STATE_MACHINES.lifecycle.name).definition;
      expect(lifecycle.StartAt).toBe('Investigate');
      expect(stateNames(lifecycle).sort()).toEqual(
        stateNames(ASL)
          .filter((n) => n !== 'Resume')
          .sort(),
      );
      const resume = stateMachine(STATE_MACHINES.resume.name).definition;
      expect(ASL.StartAt).toBe('Resume');
      expect(resume.StartAt).toBe('Resume');
      expect(stateNames(resume).sort()).toEqual(stateNames(ASL).sort());
    });

    it('substitutes every ${...} placeholder with the ARN of the function WORKFLOW_FUNCTIONS names', () => {
      for (const name of NAMES) {
        const { sm, text } = stateMachine(name);
        const substitutions = sm.Properties.DefinitionSubstitutions as Record<string, unknown>;
        const placeholders = [...text.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]);
        expect(new Set(placeholders)).toEqual(new Set(Object.keys(WORKFLOW_FUNCTIONS)));
        let substituted = text;
        for (const [key, fnName] of Object.entries(WORKFLOW_FUNCTIONS)) {
          expect(substitutions[key]).toEqual({ 'Fn::GetAtt': [fnLogicalId(fnName as FunctionName), 'Arn'] });
          substituted = substituted.replaceAll(`\${${key}}`, 'arn');
        }
        expect(substituted).not.toContain('${');
      }
    });

    it('calls service integrations in the partition of the region', () => {
      for (const name of NAMES) {
        const resourcesInDefinition = Object.values(stateMachine(name).definition.States)
          .map((s) => s.Resource)
          .filter(Boolean);
        expect(resourcesInDefinition.length).toBeGreaterThan(0);
        for (const r of resourcesInDefinition) expect(r).toMatch(new RegExp(`^arn:${region.aws.partition}:states:::`));
      }
    });

    it('logs ALL to an encrypted log group and traces (X-Ray where the platform has it: not in China)', () => {
      for (const name of NAMES) {
        const { sm } = stateMachine(name);
        expect(sm.Properties.LoggingConfiguration.Level).toBe('ALL');
        expect(sm.Properties.TracingConfiguration).toEqual({ Enabled: expected.xray });
        const [logGroupId] = sm.Properties.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'];
        expect(api().toJSON().Resources[logGroupId].Properties.KmsKeyId).toBeDefined();
      }
    });

    it('may invoke exactly the workflow functions', () => {
      for (const name of NAMES) {
        const { sm } = stateMachine(name);
        const roleId = sm.Properties.RoleArn['Fn::GetAtt'][0];
        const invoke = policyStatementsOf(api(), roleId).filter((s) => asArray(s.Action).includes('lambda:InvokeFunction'));
        const expectedArns = Object.values(WORKFLOW_FUNCTIONS).map((fn) => ({ 'Fn::GetAtt': [fnLogicalId(fn), 'Arn'] }));
        expect(invoke.flatMap((s) => asArray(s.Resource))).toEqual(expect.arrayContaining(expectedArns));
        expect(invoke.flatMap((s) => asArray(s.Resource))).toHaveLength(expectedArns.length);
      }
    });

    it('functions start, describe and complete executions of both machines, and only theirs', () => {
      const [lifecycle, resume] = NAMES.map(machineArn);
      const executions = NAMES.map((n) => `${machineArn(n).replace(':stateMachine:', ':execution:')}:*`);
      const expected: Record<string, string[]> = {
        'states:StartExecution': [lifecycle, resume],
        'states:DescribeExecution': executions,
        'states:SendTaskSuccess': [lifecycle, resume],
        'states:SendTaskFailure': [lifecycle, resume],
      };
      let checked = 0;
      for (const fnName of Object.keys(FUNCTIONS) as FunctionName[]) {
        for (const st of roleStatements(fnName).filter((x) => asArray(x.Action).some((a) => a.startsWith('states:')))) {
          for (const action of asArray(st.Action)) {
            // TableChanges starts new complaints only: the lifecycle machine.
            const want = action === 'states:StartExecution' && FUNCTIONS[fnName].access.workflow?.includes('start-new') ? [lifecycle] : expected[action];
            expect(asArray(st.Resource).sort(), `${fnName} ${action}`).toEqual([...want].sort());
            checked++;
          }
        }
      }
      expect(checked).toBeGreaterThan(0);
    });
  });

  describe('functions', () => {
    it('one per FUNCTIONS entry, Node.js 22 on arm64, traced, logging to an encrypted group', () => {
      const productIds = (Object.keys(FUNCTIONS) as FunctionName[]).map(fnLogicalId);
      const all = api().findResources('AWS::Lambda::Function');
      // Besides the product's functions, only CDK's BucketDeployment handler (when the pages are built)
      // and, where CloudFront fronts the API, the public routes' origin check (infra/constructs/origin-verify.ts).
      const originCheck = stacks[name].api.originVerify
        ? [stacks[name].api.getLogicalId(stacks[name].api.originVerify.function.node.defaultChild as never)]
        : [];
      expect(originCheck.length).toBe(expected.cloudFront ? 1 : 0);
      const others = Object.entries(all).filter(([id]) => !productIds.includes(id) && !originCheck.includes(id));
      expect(others.map(([id]) => id.startsWith('CustomCDKBucketDeployment'))).toEqual(existsSync(WEB_DIST) ? [true] : []);
      for (const id of productIds) {
        const fn = all[id] as Resource;
        expect(fn.Properties.Runtime).toBe('nodejs22.x');
        expect(fn.Properties.Architectures).toEqual(['arm64']);
        expect(fn.Properties.TracingConfig).toEqual(expected.xray ? { Mode: 'Active' } : undefined);
        expect(fn.Properties.Handler).toBe('index.handler');
        const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref;
        expect(api().toJSON().Resources[logGroupId].Properties).toMatchObject({ KmsKeyId: expect.anything(), RetentionInDays: expect.any(Number) });
      }
    });

    it('get their configuration and exactly the access FUNCTIONS gives them', () => {
      const s = stacks[name].stateful;
      for (const [fnName, spec] of Object.entries(FUNCTIONS) as [FunctionName, FunctionSpec][]) {
        const env = fnResource(fnName).Properties.Environment.Variables;
        expect(env).toMatchObject({ COMPLAINT_REGION: name, POWERTOOLS_SERVICE_NAME: 'complaints' });
        // The bundles carry no source maps (infra/bundle-function.ts): nothing to enable.
        expect(env.NODE_OPTIONS).toBeUndefined();
        expect(env.STATE_MACHINE_ARN).toBe(`arn:${region.aws.partition}:states:${region.aws.region}:${ACCOUNT}:stateMachine:complaint-lifecycle`);
        expect(env.RESUME_STATE_MACHINE_ARN).toBe(`arn:${region.aws.partition}:states:${region.aws.region}:${ACCOUNT}:stateMachine:complaint-resume`);
        // loadConfig requires TABLE_NAME in every function: the name everywhere, the permission per FUNCTIONS.
        expect(exported(env.TABLE_NAME).value).toEqual({ Ref: logicalId(s, s.table) });
        expect(env.ATTACHMENTS_BUCKET, fnName).toBe(spec.access.attachments ? s.stores.attachments.name : undefined);
        expect(env.MAIL_BUCKET, fnName).toBe(spec.access.mail ? s.stores.mail.name : undefined);
        // zh-CN PDF reports: the CJK font's layer where the font was there at synth (infra/constructs/report-font.ts).
        const font = spec.reportFont && existsSync(process.env.REPORT_FONT_FILE ?? REPORT_FONT.debianPath);
        expect(env.REPORT_CJK_FONT, fnName).toBe(font ? `${REPORT_FONT.lambdaPath}#${REPORT_FONT.family}` : undefined);
        expect(fnResource(fnName).Properties.Layers?.length ?? 0, fnName).toBe(font ? 1 : 0);
        expect('S3_FORCE_PATH_STYLE' in env).toBe(false);

        const statements = roleStatements(fnName);
        const actions = statements.flatMap((st) => asArray(st.Action));
        const dynamo = actions.filter((a) => a.startsWith('dynamodb:'));
        // Exactly the item actions FUNCTIONS lists (test/infra/least-privilege.test.ts checks resources and conditions).
        const tableActions = dynamo.filter((a) => !/Stream|GetRecords|GetShardIterator/.test(a));
        const listed = spec.access.table ? [...spec.access.table.actions, ...(spec.access.table.queries?.length ? ['Query'] : [])] : [];
        expect([...new Set(tableActions)].sort(), fnName).toEqual([...new Set(listed.map((a) => `dynamodb:${a}`))].sort());

        const states = actions.filter((a) => a.startsWith('states:')).sort();
        const expectedStates = (spec.access.workflow ?? [])
          .flatMap(
            (w) =>
              ({
                start: ['states:StartExecution'],
                'start-new': ['states:StartExecution'],
                describe: ['states:DescribeExecution'],
                callback: ['states:SendTaskFailure', 'states:SendTaskSuccess'],
              })[w],
          )
          .sort();
        expect(states, fnName).toEqual(expectedStates);

        // S3: exactly the object actions of the access kind, on its prefix.
        const s3 = statements
          .filter((st) => asArray(st.Action).some((a) => a.startsWith('s3:')))
          .map((st) => ({ actions: asArray(st.Action), resource: st.Resource }));
        const objects = (bucket: string, prefix: string) => `arn:${region.aws.partition}:s3:::${bucket}/${prefix}*`;
        const expectedS3 = [
          ...(spec.access.attachments === 'presign' ? [{ actions: ['s3:PutObject'], resource: objects(s.stores.attachments.name, 'uploads/') }] : []),
          // The email intake stores its attachments, then verifies them as the submit path does (HEAD, first bytes).
          ...(spec.access.attachments === 'write'
            ? [{ actions: ['s3:PutObject', 's3:GetObject'], resource: objects(s.stores.attachments.name, 'email/') }]
            : []),
          ...(spec.access.attachments === 'verify' ? [{ actions: ['s3:GetObject'], resource: objects(s.stores.attachments.name, 'uploads/') }] : []),
          // Attachment keys live under uploads/ (presigned) and email/ (the intake) only.
          ...(spec.access.attachments === 'read'
            ? [
                { actions: ['s3:GetObject'], resource: objects(s.stores.attachments.name, 'uploads/') },
                { actions: ['s3:GetObject'], resource: objects(s.stores.attachments.name, 'email/') },
              ]
            : []),
          ...(spec.access.mail === 'read' ? [{ actions: ['s3:GetObject'], resource: objects(s.stores.mail.name, 'inbound/') }] : []),
          // The archive (issue 6), per ARCHIVE_GRANTS: archival puts records, erasure reads them and writes the
          // redacted versions, reconciliation reads them and clears staging; each lists what it reads; nobody restores.
          ...(spec.access.archive === 'archive'
            ? [
                { actions: ['s3:GetObject', 's3:PutObject', 's3:PutObjectRetention'], resource: objects(s.stores.archive.name, 'complaints/') },
                { actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resource: objects(s.stores.archive.name, 'staging/') },
                // A drill's complaint not disposed of before its expiry: archived apart under its drill (ADR 0024).
                { actions: ['s3:GetObject', 's3:PutObject', 's3:PutObjectRetention'], resource: objects(s.stores.archive.name, 'drills/') },
              ]
            : []),
          ...(spec.access.archive === 'erase'
            ? [
                { actions: ['s3:GetObject'], resource: objects(s.stores.archive.name, 'complaints/') },
                { actions: ['s3:GetObject', 's3:PutObject', 's3:PutObjectRetention'], resource: objects(s.stores.archive.name, 'erased/') },
                { actions: ['s3:GetObject', 's3:PutObject'], resource: objects(s.stores.archive.name, 'staging/') },
                // The periodic reviews (issue 20): written once, locked, read back.
                { actions: ['s3:GetObject', 's3:PutObject', 's3:PutObjectRetention'], resource: objects(s.stores.archive.name, 'reviews/') },
                // A drill's kept report and its complaints archived apart (issue 20): written once, locked, read back.
                { actions: ['s3:GetObject', 's3:PutObject', 's3:PutObjectRetention'], resource: objects(s.stores.archive.name, 'drills/') },
              ]
            : []),
          // The scheduled periodic reviews (issue 20): reviews/ only.
          ...(spec.access.archive === 'reviews'
            ? [{ actions: ['s3:GetObject', 's3:PutObject', 's3:PutObjectRetention'], resource: objects(s.stores.archive.name, 'reviews/') }]
            : []),
          ...(spec.access.archive === 'reconcile'
            ? [
                { actions: ['s3:GetObject'], resource: objects(s.stores.archive.name, 'complaints/') },
                // The served record of an erased complaint: the reconciliation checks it stays erased (issue 21).
                { actions: ['s3:GetObject'], resource: objects(s.stores.archive.name, 'erased/') },
                // Drill complaints archived apart by TTL: verified as any archived record (ADR 0024).
                { actions: ['s3:GetObject'], resource: objects(s.stores.archive.name, 'drills/') },
                { actions: ['s3:DeleteObject'], resource: objects(s.stores.archive.name, 'staging/') },
              ]
            : []),
          ...(spec.access.archive ? [{ actions: ['s3:ListBucket'], resource: `arn:${region.aws.partition}:s3:::${s.stores.archive.name}` }] : []),
        ];
        expect(env.ARCHIVE_BUCKET, fnName).toBe(spec.access.archive ? s.stores.archive.name : undefined);
        // Compared as action-resource pairs (CDK merges statements that share their resources).
        const pairs = (list: { actions: string[]; resource: unknown }[]) =>
          list.flatMap((x) => x.actions.flatMap((a) => asArray(x.resource).map((r) => `${a} ${JSON.stringify(r)}`))).sort();
        expect(pairs(s3), fnName).toEqual(pairs(expectedS3));

        const ses = statements.filter((st) => asArray(st.Action).some((a) => a.startsWith('ses:')));
        expect(ses, fnName).toEqual(
          spec.access.sendEmail && expected.sesSending
            ? // From the region's sender only (ses:FromAddress).
              [
                {
                  Effect: 'Allow',
                  Action: 'ses:SendEmail',
                  Resource: `arn:${region.aws.partition}:ses:${region.aws.region}:${ACCOUNT}:identity/${SETTINGS.regions[region.name].mail.domain}`,
                  Condition: { StringEquals: { 'ses:FromAddress': SETTINGS.regions[region.name].mail.sender } },
                },
              ]
            : [],
        );
      }
    });

    it('grant the object keys with the right KMS use only', () => {
      const s = stacks[name].stateful;
      const kmsOn = (fn: FunctionName, key: kms.Key) =>
        roleStatements(fn)
          .filter(
            (st) =>
              asArray(st.Action).some((a) => a.startsWith('kms:')) && JSON.stringify(st.Resource).includes(`ExportsOutputFnGetAtt${logicalId(s, key)}Arn`),
          )
          .flatMap((st) => asArray(st.Action))
          .sort();
      expect(kmsOn('CreateAttachmentUpload', s.stores.attachments.key)).toEqual(['kms:GenerateDataKey']);
      expect(kmsOn('EmailIntake', s.stores.attachments.key)).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
      expect(kmsOn('SubmitComplaint', s.stores.attachments.key)).toEqual(['kms:Decrypt']);
      expect(kmsOn('EmailIntake', s.stores.mail.key)).toEqual(['kms:Decrypt']);
      expect(kmsOn('DeliverMessages', s.stores.mail.key)).toEqual([]);
    });

    it('no IAM statement of the product grants a wildcard action on s3, dynamodb or kms, nor an index wildcard', () => {
      const bucketDeploymentRole = (stack: Stack) =>
        stack === apiStack() && apiStack().pages.deployment
          ? stack.getLogicalId((apiStack().pages.deployment!.handlerRole as iam.Role).node.defaultChild as never)
          : undefined;
      for (const stack of [stacks[name].stateful, stacks[name].api]) {
        const cdkRole = bucketDeploymentRole(stack);
        for (const policy of resources(templateOf(stack), 'AWS::IAM::Policy')) {
          const roles = (policy.Properties.Roles as { Ref: string }[]).map((r) => r.Ref);
          const statements = policy.Properties.PolicyDocument.Statement as Statement[];
          if (cdkRole && roles.includes(cdkRole)) {
            // CDK's BucketDeployment handler (acknowledged): its wildcards stay on the asset bucket, the pages bucket and its key.
            const resourcesOf = statements
              .filter((st) => asArray(st.Action).some((a) => a.includes('*')))
              .flatMap((st) => asArray(st.Resource))
              .map((r) => JSON.stringify(r));
            for (const r of resourcesOf) expect(r).toMatch(/cdk-hnb659fds-assets-|complaints-pages-|ObjectsPagesKey/);
            // ... and what it may do on any resource is CloudFront invalidation only.
            const onAnything = statements.filter((st) => asArray(st.Resource).includes('*')).flatMap((st) => asArray(st.Action));
            expect(onAnything.filter((a) => !/^cloudfront:(Create|Get)Invalidation$/.test(a))).toEqual([]);
            continue;
          }
          for (const st of statements) {
            for (const action of asArray(st.Action)) {
              expect(action, JSON.stringify(st)).not.toBe('*');
              if (/^(s3|dynamodb|kms):/.test(action)) expect(action, JSON.stringify(st)).not.toContain('*');
            }
            expect(JSON.stringify(st.Resource)).not.toContain('/index/*');
          }
        }
      }
    });

    it("PUBLIC_BASE_URL is the pages' origin where they are served", () => {
      const env = fnResource('DeliverMessages').Properties.Environment.Variables;
      if (!expected.cloudFront) {
        expect(env.PUBLIC_BASE_URL).toBe(SETTINGS.regions[name as 'cn'].pages.externalBaseUrl);
        return;
      }
      const distributionId = logicalId(stacks[name].stateful, stacks[name].stateful.pages!.distribution);
      const [scheme, domain] = env.PUBLIC_BASE_URL['Fn::Join'][1];
      expect(scheme).toBe('https://');
      expect(exported(domain).value).toEqual({ 'Fn::GetAtt': [distributionId, 'DomainName'] });
    });

    it('ResumeOrphans sweeps every 6 hours, and runs at once when a complaint workflow fails, times out or is stopped', () => {
      api().hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(6 hours)',
        State: 'ENABLED',
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fnLogicalId('ResumeOrphans'), 'Arn'] } })],
      });
      const ended = resources(api(), 'AWS::Events::Rule').filter((r) => r.Properties.EventPattern);
      expect(ended).toHaveLength(1);
      const pattern = ended[0].Properties.EventPattern;
      expect(pattern.source).toEqual(['aws.states']);
      expect(pattern['detail-type']).toEqual(['Step Functions Execution Status Change']);
      expect(pattern.detail.status).toEqual(['FAILED', 'TIMED_OUT', 'ABORTED']);
      // Both complaint machines, and nothing else of the account's.
      expect(pattern.detail.stateMachineArn.map((a: unknown) => JSON.stringify(a))).toEqual(
        [STATE_MACHINES.lifecycle.name, STATE_MACHINES.resume.name].map((m) => expect.stringContaining(`:stateMachine:${m}`)),
      );
      expect(ended[0].Properties.Targets).toEqual([expect.objectContaining({ Arn: { 'Fn::GetAtt': [fnLogicalId('ResumeOrphans'), 'Arn'] } })]);
      // EventBridge may invoke it: a permission for this rule only.
      const permissions = resources(api(), 'AWS::Lambda::Permission').filter(
        (p) => p.Properties.FunctionName?.['Fn::GetAtt']?.[0] === fnLogicalId('ResumeOrphans'),
      );
      expect(permissions.map((p) => p.Properties.Principal)).toEqual(['events.amazonaws.com', 'events.amazonaws.com']);
    });
  });

  describe('table stream consumers', () => {
    it('one event source mapping per STREAM_CONSUMERS entry: its filter, bisect, partial failures, bounded retries, on-failure queue', () => {
      const tableId = logicalId(stacks[name].stateful, stacks[name].stateful.table);
      const mappings = resources(api(), 'AWS::Lambda::EventSourceMapping');
      expect(mappings).toHaveLength(STREAM_CONSUMERS.length);
      for (const consumer of STREAM_CONSUMERS) {
        const mapping = mappings.find((m) => m.Properties.FunctionName.Ref === fnLogicalId(consumer.fn))!;
        expect(mapping, consumer.fn).toBeDefined();
        expect(exported(mapping.Properties.EventSourceArn).value).toEqual({ 'Fn::GetAtt': [tableId, 'StreamArn'] });
        // TableChanges: batches of up to 100 records gathered for 30 s, so that a complaint's TTL removals come together.
        expect(mapping.Properties.BatchSize).toBe(consumer.batch?.size ?? 25);
        expect(mapping.Properties.MaximumBatchingWindowInSeconds).toBe(consumer.batch?.windowSeconds);
        expect(mapping.Properties).toMatchObject({
          StartingPosition: 'TRIM_HORIZON',
          BisectBatchOnFunctionError: true,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          MaximumRetryAttempts: 10,
          MaximumRecordAgeInSeconds: 24 * 3600,
        });
        expect(mapping.Properties.FilterCriteria.Filters.map((f: { Pattern: string }) => JSON.parse(f.Pattern))).toEqual(
          consumer.filters.map((f) => ({
            eventName: f.eventNames,
            dynamodb: {
              Keys: {
                ...(f.sortKeyPrefix ? { [TABLE.sortKey]: { S: [{ prefix: f.sortKeyPrefix }] } } : {}),
                ...(f.partitionKeyPrefix ? { [TABLE.partitionKey]: { S: [{ prefix: f.partitionKeyPrefix }] } } : {}),
              },
            },
          })),
        );

        // The on-failure destination: a KMS-encrypted queue that refuses plain HTTP, alarmed on depth.
        const queueId = mapping.Properties.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0];
        const queue = api().toJSON().Resources[queueId] as Resource;
        expect(queue.Type).toBe('AWS::SQS::Queue');
        const keyId = queue.Properties.KmsMasterKeyId['Fn::GetAtt'][0];
        expect(api().toJSON().Resources[keyId].Properties.EnableKeyRotation).toBe(true);
        const queuePolicy = resources(api(), 'AWS::SQS::QueuePolicy').find((p) => p.Properties.Queues.some((q: { Ref: string }) => q.Ref === queueId))!;
        expect(queuePolicy.Properties.PolicyDocument.Statement).toContainEqual(
          expect.objectContaining({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        );
        const alarm = resources(api(), 'AWS::CloudWatch::Alarm').find((a) => JSON.stringify(a.Properties.Dimensions).includes(queueId))!;
        expect(alarm.Properties).toMatchObject({
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
        });
        expect(alarm.Properties.AlarmActions).toHaveLength(1);

        // The function may send to that queue (and use its key), and read the stream.
        const statements = roleStatements(consumer.fn);
        // (CDK merges statements with the same actions: compare action-resource pairs.)
        const allows = (action: string, resource: unknown) =>
          statements.some((st) => asArray(st.Action).includes(action) && asArray(st.Resource).some((r) => JSON.stringify(r) === JSON.stringify(resource)));
        expect(allows('sqs:SendMessage', { 'Fn::GetAtt': [queueId, 'Arn'] }), consumer.fn).toBe(true);
        expect(allows('kms:Decrypt', { 'Fn::GetAtt': [keyId, 'Arn'] }) && allows('kms:GenerateDataKey', { 'Fn::GetAtt': [keyId, 'Arn'] }), consumer.fn).toBe(
          true,
        );
        const streamRead = statements.find((st) => asArray(st.Action).includes('dynamodb:GetRecords'))!;
        expect(exported(streamRead.Resource).value).toEqual({ 'Fn::GetAtt': [tableId, 'StreamArn'] });
      }
    });

    it('at most two event source mappings read the table stream (AWS throttles a third reader of a shard: ADR 0009), DeliverMessages alone on one', () => {
      const streamArns = [api(), stateful()]
        .flatMap((t) => resources(t, 'AWS::Lambda::EventSourceMapping'))
        .map((m) => JSON.stringify(exported(m.Properties.EventSourceArn).value))
        .filter((arn) => arn.includes('StreamArn'));
      const perStream = new Map<string, number>();
      for (const arn of streamArns) perStream.set(arn, (perStream.get(arn) ?? 0) + 1);
      expect(perStream.size).toBe(1);
      for (const n of perStream.values()) expect(n).toBeLessThanOrEqual(MAX_STREAM_READERS);
      expect(MAX_STREAM_READERS).toBe(2);
      // The acknowledgements' reader shares its batches with no other consumer.
      const deliver = STREAM_CONSUMERS.find((c) => c.fn === 'DeliverMessages')!;
      expect(deliver.filters).toEqual([{ eventNames: ['INSERT'], sortKeyPrefix: 'MSG#' }]);
    });

    it("the alarm topic mails the region's ops address, encrypted and TLS-only", () => {
      api().hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: SETTINGS.regions[region.name].alarmEmails[0] });
      api().hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    });
  });

  describe('email', () => {
    it(`SES identity for the mail domain: ${expected.sesSending ? 'yes, retained' : 'none (no SES in the region)'}`, () => {
      if (!expected.sesSending) {
        stateful().resourceCountIs('AWS::SES::EmailIdentity', 0);
        return;
      }
      stateful().hasResource('AWS::SES::EmailIdentity', { DeletionPolicy: 'Retain', Properties: { EmailIdentity: SETTINGS.regions[region.name].mail.domain } });
    });

    // Issue 18: the deploy settings (infra/settings.example.json) poll the mailbox over IMAP in cn and uk.
    const imap = name !== 'us';
    it(`mailbox over IMAP: ${imap ? 'MailboxPoller on a schedule, its secret only, an alarm on failures' : 'none (SES receives)'}`, () => {
      const poller = fnResource('MailboxPoller');
      const rules = Object.values(api().findResources('AWS::Events::Rule')).filter((r) =>
        JSON.stringify(r.Properties.Targets).includes(fnLogicalId('MailboxPoller')),
      );
      const secretReads = roleStatements('MailboxPoller').filter((st) => asArray(st.Action).includes('secretsmanager:GetSecretValue'));
      const alarm = Object.values(api().findResources('AWS::CloudWatch::Alarm')).filter(
        (r) => r.Properties.AlarmName === `complaints-${name}-mailbox-poll-failures`,
      );
      if (!imap) {
        expect(rules).toHaveLength(0);
        expect(secretReads).toHaveLength(0);
        expect(alarm).toHaveLength(0);
        expect(poller.Properties.Environment.Variables.IMAP_HOST).toBeUndefined();
        return;
      }
      const settings = loadSettings().regions[name as 'cn' | 'uk'].mail.inbound as { host: string; secretArn: string };
      expect(rules.map((r) => r.Properties.ScheduleExpression)).toEqual(['rate(2 minutes)']);
      expect(secretReads.map((st) => st.Resource)).toEqual([settings.secretArn]);
      expect(poller.Properties.Environment.Variables).toMatchObject({
        IMAP_HOST: settings.host,
        IMAP_PORT: '993',
        IMAP_TLS: 'implicit',
        IMAP_SECRET_ARN: settings.secretArn,
        IMAP_MAILBOX: 'INBOX',
        IMAP_PROCESSED_FOLDER: 'Processed',
        IMAP_FAILED_FOLDER: 'Failed',
      });
      // No other function reads that secret.
      for (const fn of Object.keys(FUNCTIONS) as FunctionName[])
        if (fn !== 'MailboxPoller') expect(JSON.stringify(roleStatements(fn)), fn).not.toContain(settings.secretArn);
      expect(alarm).toHaveLength(1);
      expect(alarm[0].Properties).toMatchObject({
        MetricName: 'MailboxPollFailures',
        Namespace: 'Complaints',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
      expect(alarm[0].Properties.AlarmActions).toHaveLength(1);
    });

    it(`receipt rule for complaints@domain: ${expected.sesReceiving ? 'raw mail to inbound/, then EmailIntake' : 'none, and synth says so (info)'}`, () => {
      const messages = assembly.getStackArtifact(apiStack().artifactId).messages;
      const info = messages.filter((m) => m.level === 'info' && String(m.entry.data).includes('SES does not receive email'));
      if (!expected.sesReceiving) {
        api().resourceCountIs('AWS::SES::ReceiptRule', 0);
        api().resourceCountIs('AWS::SES::ReceiptRuleSet', 0);
        expect(info).toHaveLength(1);
        return;
      }
      expect(info).toHaveLength(0);
      api().hasResourceProperties('AWS::SES::ReceiptRuleSet', { RuleSetName: `complaints-${name}-inbound` });
      api().hasResourceProperties('AWS::SES::ReceiptRule', {
        Rule: {
          Name: 'complaints-intake',
          Enabled: true,
          Recipients: [`complaints@${SETTINGS.regions[region.name].mail.domain}`],
          ScanEnabled: true,
          TlsPolicy: 'Require',
          Actions: [
            { S3Action: { BucketName: stacks[name].stateful.stores.mail.name, ObjectKeyPrefix: 'inbound/' } },
            { LambdaAction: { FunctionArn: { 'Fn::GetAtt': [fnLogicalId('EmailIntake'), 'Arn'] }, InvocationType: 'Event' } },
          ],
        },
      });
      api().hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'ses.amazonaws.com',
        FunctionName: { 'Fn::GetAtt': [fnLogicalId('EmailIntake'), 'Arn'] },
      });
    });
  });

  describe('pages', () => {
    it.runIf(expected.cloudFront)('CloudFront: S3 origin with OAC, index.html, /api/* uncached to the HTTP API with every viewer header but Host', () => {
      const s = stacks[name].stateful;
      const [distribution] = resources(stateful(), 'AWS::CloudFront::Distribution');
      const config = distribution.Properties.DistributionConfig;
      expect(config.DefaultRootObject).toBe('index.html');
      const origins = config.Origins as { Id: string; DomainName: unknown; OriginAccessControlId?: unknown; CustomOriginConfig?: Record<string, unknown> }[];
      const s3Origin = origins.find((o) => o.Id === config.DefaultCacheBehavior.TargetOriginId)!;
      expect(s3Origin.DomainName).toEqual({ 'Fn::GetAtt': [logicalId(s, s.stores.pages.bucket), 'RegionalDomainName'] });
      expect(s3Origin.OriginAccessControlId).toBeDefined();
      stateful().hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
        OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' }),
      });
      expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');

      const [apiBehaviour] = config.CacheBehaviors;
      expect(config.CacheBehaviors).toHaveLength(1);
      expect(apiBehaviour).toMatchObject({
        PathPattern: '/api/*',
        CachePolicyId: cloudfront.CachePolicy.CACHING_DISABLED.cachePolicyId,
        OriginRequestPolicyId: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId,
        AllowedMethods: expect.arrayContaining(['GET', 'POST', 'OPTIONS']),
        ViewerProtocolPolicy: 'https-only',
      });
      const apiOrigin = origins.find((o) => o.Id === apiBehaviour.TargetOriginId)!;
      expect(apiOrigin.DomainName).toEqual({
        'Fn::Join': ['', [{ Ref: logicalId(s, s.httpApi) }, `.execute-api.${region.aws.region}.`, { Ref: 'AWS::URLSuffix' }]],
      });
      expect(apiOrigin.CustomOriginConfig).toEqual({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });

      // The bucket lets only this distribution read (no public access).
      const pagesPolicy = resources(stateful(), 'AWS::S3::BucketPolicy').find((p) => p.Properties.Bucket.Ref === logicalId(s, s.stores.pages.bucket))!;
      expect(pagesPolicy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Allow',
          Principal: { Service: 'cloudfront.amazonaws.com' },
          Action: 's3:GetObject',
          Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } },
        }),
      );
      // Standard logs to the access-log bucket.
      expect(config.Logging).toEqual({ Bucket: { 'Fn::GetAtt': [logicalId(s, s.stores.logs), 'RegionalDomainName'] }, Prefix: 'cloudfront/' });
    });

    it.runIf(expected.cloudFront)('every response carries the security headers of web/security-headers.ts plus HSTS', () => {
      const [policy] = resources(stateful(), 'AWS::CloudFront::ResponseHeadersPolicy');
      const [distribution] = resources(stateful(), 'AWS::CloudFront::Distribution');
      const policyId = Object.keys(stateful().findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0];
      const config = distribution.Properties.DistributionConfig;
      for (const behaviour of [config.DefaultCacheBehavior, ...config.CacheBehaviors]) expect(behaviour.ResponseHeadersPolicyId).toEqual({ Ref: policyId });

      const headers = policy.Properties.ResponseHeadersPolicyConfig;
      const csp = headers.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy as string;
      const directives = (v: string) =>
        Object.fromEntries(
          v
            .split(';')
            .map((d) => d.trim().split(/\s+/))
            .map(([k, ...rest]) => [k, rest]),
        );
      const local = directives(PAGE_SECURITY_HEADERS['content-security-policy']);
      const served = directives(csp);
      expect(served['frame-ancestors']).toEqual(["'none'"]);
      // The same policy, except that connect-src also allows the attachments bucket (presigned
      // uploads) and, for the console's sign-in, Cognito (discovery at the issuer, code exchange at the hosted UI).
      const bucketOrigin = `https://${stacks[name].stateful.stores.attachments.name}.s3.${region.aws.region}.amazonaws.com`;
      const cognito =
        expected.identity === 'cognito'
          ? [
              expect.stringMatching(new RegExp(`^https://[a-z0-9-]+\\.auth\\.${region.aws.region}\\.amazoncognito\\.com$`)),
              `https://cognito-idp.${region.aws.region}.amazonaws.com`,
            ]
          : [];
      expect(served).toEqual({
        ...local,
        'connect-src': [
          ...local['connect-src'],
          bucketOrigin,
          ...(region.aws.region === 'us-east-1' ? [`https://${stacks[name].stateful.stores.attachments.name}.s3.amazonaws.com`] : []),
          ...cognito,
        ],
      });
      expect(headers.SecurityHeadersConfig).toMatchObject({
        ContentSecurityPolicy: { Override: true },
        ContentTypeOptions: { Override: true },
        FrameOptions: { FrameOption: PAGE_SECURITY_HEADERS['x-frame-options'], Override: true },
        ReferrerPolicy: { ReferrerPolicy: PAGE_SECURITY_HEADERS['referrer-policy'], Override: true },
        StrictTransportSecurity: { AccessControlMaxAgeSec: 2 * 365 * 24 * 3600, IncludeSubdomains: true, Override: true },
      });
      expect(headers.CustomHeadersConfig.Items).toEqual([{ Header: 'Permissions-Policy', Value: PAGE_SECURITY_HEADERS['permissions-policy'], Override: true }]);
    });

    it.runIf(expected.waf)('AWS WAF on the distribution: CloudFront-scope web ACL in us-east-1 with the common rule set and a per-IP rate rule', () => {
      const edge = stacks[name].edge!;
      expect(edge.region).toBe('us-east-1');
      const edgeTemplate = templateOf(edge);
      const [acl] = resources(edgeTemplate, 'AWS::WAFv2::WebACL');
      expect(acl.Properties.Scope).toBe('CLOUDFRONT');
      expect(acl.Properties.DefaultAction).toEqual({ Allow: {} });
      const rules = acl.Properties.Rules as { Name: string; Statement: Record<string, any>; Action?: unknown }[];
      expect(
        rules.find((r) => r.Statement.ManagedRuleGroupStatement?.Name === 'AWSManagedRulesCommonRuleSet')?.Statement.ManagedRuleGroupStatement.VendorName,
      ).toBe('AWS');
      const rate = rules.find((r) => r.Statement.RateBasedStatement)!;
      expect(rate.Statement.RateBasedStatement).toMatchObject({ AggregateKeyType: 'IP', Limit: expect.any(Number) });
      expect(rate.Action).toEqual({ Block: {} });

      const [distribution] = resources(stateful(), 'AWS::CloudFront::Distribution');
      expect(distribution.Properties.DistributionConfig.WebACLId).toEqual({
        'Fn::GetStackOutput': { StackName: edge.stackName, Region: 'us-east-1', OutputName: expect.any(String) },
      });
    });

    it.runIf(!expected.cloudFront)("no CloudFront and no WAF: the pages bucket is filled for the bank's own site", () => {
      stateful().resourceCountIs('AWS::CloudFront::Distribution', 0);
      expect(stacks[name].edge).toBeUndefined();
    });

    it(`the built pages and config.json are deployed ${existsSync(WEB_DIST) ? '(web/dist exists)' : '(not: web/dist is missing, synth warns)'}`, () => {
      const deployments = resources(api(), 'Custom::CDKBucketDeployment');
      const messages = assembly
        .getStackArtifact(apiStack().artifactId)
        .messages.filter((m) => String(m.entry.data).includes('customer pages are not deployed'));
      if (!existsSync(WEB_DIST)) {
        expect(deployments).toEqual([]);
        expect(messages.map((m) => m.level)).toEqual(['warning']);
        return;
      }
      expect(messages).toEqual([]);
      expect(deployments).toHaveLength(1);
      const [d] = deployments;
      expect(d.Properties).toMatchObject({ DestinationBucketName: stacks[name].stateful.stores.pages.name, Prune: true });
      // web/dist and config.json.
      expect(d.Properties.SourceObjectKeys).toHaveLength(2);
      if (expected.cloudFront) expect(d.Properties.DistributionPaths).toEqual(['/*']);
      else expect(d.Properties.DistributionId).toBeUndefined();
    });
  });

  describe('HTTP API', () => {
    it('routes each path to the function ROUTES names', () => {
      const template = api().toJSON();
      for (const route of ROUTES) {
        const [apiRoute] = resources(api(), 'AWS::ApiGatewayV2::Route').filter((r) => r.Properties.RouteKey === `${route.method} ${route.path}`);
        const integrationId = apiRoute.Properties.Target['Fn::Join'][1][1].Ref;
        expect(template.Resources[integrationId].Properties.IntegrationUri).toEqual({ 'Fn::GetAtt': [fnLogicalId(route.fn), 'Arn'] });
      }
    });

    it('belongs to the stateful stack (its id is the /api/* origin); the stage here throttles and writes JSON access logs to an encrypted group', () => {
      stateful().resourceCountIs('AWS::ApiGatewayV2::Api', 1);
      api().resourceCountIs('AWS::ApiGatewayV2::Api', 0);
      const [stage] = resources(api(), 'AWS::ApiGatewayV2::Stage');
      expect(exported(stage.Properties.ApiId).value).toEqual({ Ref: logicalId(stacks[name].stateful, stacks[name].stateful.httpApi) });
      expect(stage.Properties.StageName).toBe('$default');
      expect(stage.Properties.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: expect.any(Number), ThrottlingBurstLimit: expect.any(Number) });
      expect(() => JSON.parse(stage.Properties.AccessLogSettings.Format)).not.toThrow();
      const logGroupId = stage.Properties.AccessLogSettings.DestinationArn['Fn::GetAtt'][0];
      expect(api().toJSON().Resources[logGroupId].Properties.KmsKeyId).toBeDefined();
    });
  });

  it('uses the partition of the region in every ARN', () => {
    for (const stack of [stacks[name].edge, stacks[name].stateful, stacks[name].api]) {
      if (!stack) continue;
      const json = JSON.stringify(templateOf(stack).toJSON());
      if (region.aws.partition !== 'aws') expect(json).not.toContain('arn:aws:');
      expect(json).not.toMatch(new RegExp(`arn:(?!${region.aws.partition}:)[a-z-]+:`));
    }
  });

  it('synth warns only about what is really left to do', () => {
    const warnings = [stacks[name].stateful, stacks[name].api]
      .flatMap((stack) => assembly.getStackArtifact(stack.artifactId).messages)
      .filter((m) => m.level === 'warning')
      .map((m) => String(m.entry.data));
    const expectedWarnings = [
      ...(expected.identity === 'oidc' ? [/issuer is a placeholder/] : []),
      ...(!existsSync(WEB_DIST) ? [/customer pages are not deployed/] : []),
    ];
    expect(warnings).toHaveLength(expectedWarnings.length);
    for (const pattern of expectedWarnings)
      expect(
        warnings.some((w) => pattern.test(w)),
        String(pattern),
      ).toBe(true);
  });
});

describe('cdk-nag', () => {
  it('reports no unacknowledged AwsSolutions finding, error or warning', () => {
    // Synthesis passed (it throws on an error); the report and a direct run confirm nothing is left.
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: { pluginName: string; violations: unknown[] }[];
    };
    expect(report.pluginReports.filter((r) => r.pluginName === 'AwsSolutions').flatMap((r) => r.violations)).toEqual([]);
    expect(new AwsSolutionsChecks().validateScope(app).violations).toEqual([]);
  });

  it('every acknowledgement carries a written reason', () => {
    const acks = app.node
      .findAll()
      .flatMap((c) =>
        c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).flatMap((m) => Object.entries(m.data as Record<string, string>)),
      );
    expect(acks.length).toBeGreaterThan(0);
    for (const [id, reason] of acks) expect(reason.length, id).toBeGreaterThan(40);
  });

  it('is live: a non-compliant resource fails synthesis, and passes once acknowledged', () => {
    const probe = () => {
      const probeApp = new App({ context: TEST_CONTEXT });
      enableNagChecks(probeApp);
      const stack = new Stack(probeApp, 'NagProbe', { env: { account: ACCOUNT, region: 'eu-west-2' } });
      return { probeApp, key: new kms.Key(stack, 'KeyWithoutRotation') };
    };
    const failing = probe();
    expect(() => failing.probeApp.synth()).toThrow(/AwsSolutions-KMS5/);

    const acknowledged = probe();
    Validations.of(acknowledged.key).acknowledge({ id: 'AwsSolutions-KMS5', reason: 'Probe: proves that an acknowledgement is honoured.' });
    // The NIST 800-53 rev 5 pack runs too (test/infra/security.test.ts) and reports the same key.
    Validations.of(acknowledged.key).acknowledge({
      id: 'NIST.800.53.R5-KMSBackingKeyRotationEnabled',
      reason: 'Probe: proves that an acknowledgement is honoured.',
    });
    expect(() => acknowledged.probeApp.synth()).not.toThrow();
  });
});

describe('IntakeApi on its own', () => {
  it('puts every staff route behind the staff authorizer and leaves public routes without one', () => {
    const probeApp = new App({ context: TEST_CONTEXT });
    const stack = new Stack(probeApp, 'ApiProbe', { env: { account: ACCOUNT, region: 'eu-west-2' } });
    // Inline functions: this checks the routing, not the bundles.
    const functions = Object.fromEntries(
      Object.keys(FUNCTIONS).map((fn) => [
        fn,
        new lambda.Function(stack, fn, {
          runtime: lambda.Runtime.NODEJS_22_X,
          handler: 'index.handler',
          code: lambda.Code.fromInline('exports.handler = async () => ({})'),
        }),
      ]),
    ) as unknown as Record<FunctionName, lambda.IFunction>;
    new IntakeApi(stack, 'Api', {
      routes: ROUTES,
      functions,
      logs: new EncryptedLogs(stack, 'Logs', { retention: logs.RetentionDays.ONE_WEEK }),
      throttle: { rateLimit: 1, burstLimit: 1 },
      staffAuthorizer: new HttpJwtAuthorizer('Staff', 'https://issuer.example', { jwtAudience: ['complaints-console'] }),
    });
    const routes = Object.values(Template.fromStack(stack).findResources('AWS::ApiGatewayV2::Route')) as Resource[];
    expect(routes).toHaveLength(ROUTES.length);
    for (const route of ROUTES) {
      const r = routes.find((x) => x.Properties.RouteKey === `${route.method} ${route.path}`)!;
      expect(r.Properties.AuthorizationType ?? 'NONE', r.Properties.RouteKey).toBe(route.auth === 'staff' ? 'JWT' : 'NONE');
    }
  });
});
