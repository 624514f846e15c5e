/**
 * Issue 15 part 4 and the least-privilege grants, over every region's synthesized templates:
 * - the alarm topic lets CloudWatch (and only this account's alarms) publish, and its key lets
 *   CloudWatch use it;
 * - no resource or key policy grants a service principal without aws:SourceAccount or
 *   aws:SourceArn (confused deputy), but the listed exceptions;
 * - the keys of the retained evidence (table, archive) can be disabled or scheduled for
 *   deletion by the break-glass role only, and stay manageable by the account;
 * - the archive roles may list every prefix whose keys they HEAD or GET;
 * - each function's table access is exactly its list in FUNCTIONS, never dynamodb:* nor a
 *   wildcard ARN; public functions never Scan, DeleteItem or BatchWriteItem and carry LeadingKeys;
 * - every API route's function times out before its integration;
 * - where CloudFront (and WAF) fronts the API, its execute-api origin stays enabled and the
 *   public routes answer only requests carrying CloudFront's origin secret.
 *
 * The app is synthesized once, without bundling (cdk-nag runs: a finding fails beforeAll).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { App, type Stack } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { readFileSync } from 'node:fs';
import { TABLE } from '../../functions/adapters/table-schema.ts';
import { REGIONS, type RegionConfig } from '../../functions/domain/regions.ts';
import { FUNCTIONS, ROUTES, type FunctionName } from '../../functions/functions.ts';
import { exampleSettings } from '../../infra/settings/load.ts';
import { buildComplaintApp, type RegionStacks } from '../../infra/complaint-app.ts';
import { API_INTEGRATION_TIMEOUT } from '../../infra/constructs/intake-api.ts';
import { BREAK_GLASS_ACTIONS, breakGlassRoleName } from '../../infra/constructs/key-guard.ts';
import { ORIGIN_VERIFY_HEADER } from '../../infra/constructs/origin-verify.ts';
import { ARCHIVE_GRANTS } from '../../infra/constructs/object-stores.ts';
import { processProfile, worstCaseCallMs } from '../../functions/adapters/aws-clients.ts';

const CDK_CONTEXT = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<string, unknown>;
const TEST_CONTEXT = { ...CDK_CONTEXT, '@aws-cdk/core:appMode': 'inmemory', 'aws:cdk:bundling-stacks': [] };
const ACCOUNT = '111111111111';

type Json = Record<string, any>;
type Statement = { Sid?: string; Effect: string; Principal?: any; Action: string | string[]; Resource?: unknown; Condition?: Json };
const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Public functions: reachable by anyone through a route without authorizer. */
const PUBLIC_FUNCTIONS = [...new Set(ROUTES.filter((r) => r.auth === 'public').map((r) => r.fn))];

/**
 * Service-principal grants that cannot carry aws:SourceAccount / aws:SourceArn, and why. Each is
 * matched by the service and where the statement is; anything else must carry one of the keys.
 */
const SERVICE_PRINCIPAL_EXCEPTIONS: { service: RegExp; where: 'trust' | 'key'; why: string; holds?: (st: Statement) => boolean }[] = [
  {
    service: /^lambda\.amazonaws\.com$/,
    where: 'trust',
    why: "A Lambda execution role's trust policy: a role can only be handed to a function by iam:PassRole in this account (roles cannot be passed across accounts), and AWS Lambda documents no aws:SourceAccount/SourceArn for assuming the execution role; a condition Lambda does not send would leave every function without credentials.",
  },
  {
    service: /^logs\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/,
    where: 'key',
    why: "CloudWatch Logs' use of a log-group key: AWS documents kms:EncryptionContext:aws:logs:arn (the log group's ARN, here this account's and region's log groups) as the condition of this grant, which pins it as aws:SourceArn would.",
    holds: (st) => {
      const arn = JSON.stringify(
        st.Condition?.ArnLike?.['kms:EncryptionContext:aws:logs:arn'] ?? st.Condition?.ArnEquals?.['kms:EncryptionContext:aws:logs:arn'] ?? '',
      );
      return arn.includes(`:${ACCOUNT}:log-group:`);
    },
  },
];

let stacks: Record<string, RegionStacks>;
let assembly: CloudAssembly;

beforeAll(() => {
  const app = new App({ context: TEST_CONTEXT });
  stacks = buildComplaintApp(app, { settings: exampleSettings(ACCOUNT) });
  assembly = app.synth();
});

const templateOf = (stack: Stack) => assembly.getStackArtifact(stack.artifactId).template as Json;
const regionStacks = (name: string): Stack[] => [stacks[name].edge, stacks[name].stateful, stacks[name].api].flatMap((s) => (s ? [s as Stack] : []));
const resourcesOf = (t: Json, type: string): [string, Json][] => Object.entries(t.Resources as Json).filter(([, r]) => r.Type === type);
const hasKey = (condition: Json | undefined, key: string) =>
  Object.values(condition ?? {}).some((block) => Object.keys(block as Json).some((k) => k.toLowerCase() === key.toLowerCase()));
const conditionValue = (condition: Json | undefined, key: string): unknown[] =>
  Object.values(condition ?? {}).flatMap((block) =>
    Object.entries(block as Json)
      .filter(([k]) => k.toLowerCase() === key.toLowerCase())
      .flatMap(([, v]) => asArray(v)),
  );
const refId = (v: unknown): string | undefined => (v as Json)?.Ref ?? (v as Json)?.['Fn::GetAtt']?.[0];

describe.each(Object.values(REGIONS).map((r) => [r.name, r] as [string, RegionConfig]))('region %s', (name, region) => {
  const api = () => templateOf(stacks[name].api);
  const stateful = () => templateOf(stacks[name].stateful);
  const alarmArnPattern = `arn:${region.aws.partition}:cloudwatch:${region.aws.region}:${ACCOUNT}:alarm:*`;

  /** Statements of the identity policies attached to a function's execution role. */
  const roleStatements = (fn: FunctionName): Statement[] => {
    const roleId = stacks[name].api.getLogicalId(stacks[name].api.functions[fn].executionRole.node.defaultChild as never);
    return resourcesOf(api(), 'AWS::IAM::Policy')
      .filter(([, p]) => (p.Properties.Roles as Json[]).some((r) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
  };
  const tableArnRef = () => JSON.stringify(roleStatements('ReconcileArchive').find((st) => asArray(st.Action).includes('dynamodb:Query'))?.Resource);

  describe('alarm topics', () => {
    it("every topic an alarm notifies lets this account's CloudWatch alarms publish, and its key lets CloudWatch use it", () => {
      for (const stack of regionStacks(name)) {
        const t = templateOf(stack);
        const topicIds = new Set(
          resourcesOf(t, 'AWS::CloudWatch::Alarm')
            .flatMap(([, a]) => [...asArray(a.Properties.AlarmActions), ...asArray(a.Properties.OKActions)])
            .map((action) => {
              const id = refId(action);
              expect(t.Resources[id!]?.Type, `${stack.stackName}: alarm action ${JSON.stringify(action)} is a topic of the stack`).toBe('AWS::SNS::Topic');
              return id!;
            }),
        );
        if (stack === stacks[name].api) expect(topicIds.size).toBeGreaterThan(0);
        for (const topicId of topicIds) {
          const policies = resourcesOf(t, 'AWS::SNS::TopicPolicy').filter(([, p]) => asArray(p.Properties.Topics).some((x) => refId(x) === topicId));
          const statements = policies.flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
          const publish = statements.filter(
            (st) => st.Effect === 'Allow' && asArray(st.Principal?.Service).includes('cloudwatch.amazonaws.com') && asArray(st.Action).includes('sns:Publish'),
          );
          expect(publish, `${stack.stackName}/${topicId}: CloudWatch may publish`).toHaveLength(1);
          expect(conditionValue(publish[0].Condition, 'aws:SourceAccount')).toEqual([ACCOUNT]);
          expect(conditionValue(publish[0].Condition, 'aws:SourceArn')).toEqual([alarmArnPattern]);
          // ... and nothing denies it but plain HTTP.
          for (const deny of statements.filter((st) => st.Effect === 'Deny')) expect(deny.Condition).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });

          const keyId = refId(t.Resources[topicId].Properties.KmsMasterKeyId);
          expect(t.Resources[keyId!]?.Type, `${topicId}: a customer-managed key`).toBe('AWS::KMS::Key');
          const keyStatements = (t.Resources[keyId!].Properties.KeyPolicy.Statement as Statement[]).filter(
            (st) => st.Effect === 'Allow' && asArray(st.Principal?.Service).includes('cloudwatch.amazonaws.com'),
          );
          expect(keyStatements).toHaveLength(1);
          expect(asArray(keyStatements[0].Action).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
          expect(conditionValue(keyStatements[0].Condition, 'aws:SourceAccount')).toEqual([ACCOUNT]);
          expect(conditionValue(keyStatements[0].Condition, 'aws:SourceArn')).toEqual([alarmArnPattern]);
        }
      }
    });
  });

  describe('service principals carry aws:SourceAccount or aws:SourceArn', () => {
    it('every resource, key, topic, bucket and trust policy statement and every Lambda permission granting a service', () => {
      let checked = 0;
      for (const stack of regionStacks(name)) {
        for (const [id, r] of Object.entries(templateOf(stack).Resources as Json)) {
          if (r.Type === 'AWS::Lambda::Permission') {
            const principal = String(r.Properties.Principal);
            if (!principal.endsWith('.amazonaws.com') && !principal.endsWith('.amazonaws.com.cn')) continue;
            expect(
              r.Properties.SourceArn ?? r.Properties.SourceAccount,
              `${stack.stackName}/${id}: ${principal} invokes without SourceArn/SourceAccount`,
            ).toBeDefined();
            checked++;
            continue;
          }
          const docs: { doc: Json; where: 'trust' | 'key' | 'resource' }[] = [];
          if (r.Type === 'AWS::KMS::Key') docs.push({ doc: r.Properties.KeyPolicy, where: 'key' });
          if (r.Type === 'AWS::IAM::Role') docs.push({ doc: r.Properties.AssumeRolePolicyDocument, where: 'trust' });
          if (/^AWS::(S3::BucketPolicy|SNS::TopicPolicy|SQS::QueuePolicy|Logs::ResourcePolicy)$/.test(r.Type)) {
            const doc = r.Properties.PolicyDocument;
            docs.push({ doc: typeof doc === 'string' ? JSON.parse(doc) : doc, where: 'resource' });
          }
          for (const { doc, where } of docs) {
            for (const st of (doc?.Statement ?? []) as Statement[]) {
              if (st.Effect !== 'Allow') continue;
              for (const service of asArray<string>(st.Principal?.Service)) {
                checked++;
                if (hasKey(st.Condition, 'aws:SourceAccount') || hasKey(st.Condition, 'aws:SourceArn')) continue;
                const exception = SERVICE_PRINCIPAL_EXCEPTIONS.find((e) => e.service.test(service) && e.where === where);
                expect(
                  exception,
                  `${stack.stackName}/${id}: ${service} granted ${JSON.stringify(st.Action)} without aws:SourceAccount/aws:SourceArn`,
                ).toBeDefined();
                if (exception?.holds) expect(exception.holds(st), `${stack.stackName}/${id}: ${service}: ${exception.why}`).toBe(true);
              }
            }
          }
        }
      }
      expect(checked).toBeGreaterThan(10);
    });

    it("the workflow key lets log delivery decrypt for this account's log deliveries only", () => {
      const keyId = stacks[name].api.getLogicalId(stacks[name].api.workflow.key.node.defaultChild as never);
      const statements = (api().Resources[keyId].Properties.KeyPolicy.Statement as Statement[]).filter((st) =>
        asArray(st.Principal?.Service).includes('delivery.logs.amazonaws.com'),
      );
      expect(statements).toHaveLength(1);
      expect(conditionValue(statements[0].Condition, 'aws:SourceAccount')).toEqual([ACCOUNT]);
      expect(conditionValue(statements[0].Condition, 'aws:SourceArn')).toEqual([`arn:${region.aws.partition}:logs:${region.aws.region}:${ACCOUNT}:*`]);
    });
  });

  describe('KMS: only the break-glass role may disable or delete the evidence keys', () => {
    const roleArn = () => `arn:${region.aws.partition}:iam::${ACCOUNT}:role/${breakGlassRoleName(region)}`;
    const guardedKeys = (): [string, Json][] => {
      const s = stacks[name].stateful;
      const ids = [s.getLogicalId(s.table.encryptionKey!.node.defaultChild as never), s.getLogicalId(s.stores.archive.key.node.defaultChild as never)];
      return ids.map((id) => [id, stateful().Resources[id]]);
    };

    it('the table and archive keys deny ScheduleKeyDeletion and DisableKey to every principal but the break-glass role; the account keeps the rest', () => {
      for (const [id, key] of guardedKeys()) {
        expect(key.Type, id).toBe('AWS::KMS::Key');
        const statements = key.Properties.KeyPolicy.Statement as Statement[];
        const denies = statements.filter((st) => st.Effect === 'Deny');
        expect(denies, id).toHaveLength(1);
        expect(denies[0].Principal).toEqual({ AWS: '*' });
        expect(asArray(denies[0].Action).sort()).toEqual([...BREAK_GLASS_ACTIONS].sort());
        expect(denies[0].Condition).toEqual({ ArnNotEquals: { 'aws:PrincipalArn': roleArn() } });
        // Not denied: the key stays manageable (policy updates by CloudFormation, rotation, grants).
        expect(asArray(denies[0].Action)).not.toContain('kms:PutKeyPolicy');
        const root = statements.find((st) => st.Effect === 'Allow' && JSON.stringify(st.Principal).includes(`:${ACCOUNT}:root`));
        expect(root?.Action, id).toBe('kms:*');
      }
    });

    it('the break-glass role: created per region, assumable in this account with MFA for an hour, its grants on the two keys only', () => {
      const roles = resourcesOf(stateful(), 'AWS::IAM::Role').filter(([, r]) => r.Properties.RoleName === breakGlassRoleName(region));
      expect(roles).toHaveLength(1);
      const [roleId, role] = roles[0];
      expect(role.Properties.MaxSessionDuration).toBe(3600);
      const [trust] = role.Properties.AssumeRolePolicyDocument.Statement as Statement[];
      expect(JSON.stringify(trust.Principal)).toContain(`:${ACCOUNT}:root`);
      expect(trust.Condition).toEqual({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } });
      const grants = resourcesOf(stateful(), 'AWS::IAM::Policy')
        .filter(([, p]) => (p.Properties.Roles as Json[]).some((r) => r.Ref === roleId))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
      const keyIds = guardedKeys()
        .map(([id]) => id)
        .sort();
      expect(grants.flatMap((st) => asArray(st.Resource).map((r) => refId(r))).sort()).toEqual(keyIds);
      for (const st of grants) expect(asArray(st.Action)).toEqual(expect.arrayContaining([...BREAK_GLASS_ACTIONS, 'kms:CancelKeyDeletion']));
    });
  });

  describe('the archive', () => {
    it('archive roles may list every prefix whose keys they HEAD or GET (a missing key is then 404, not 403)', () => {
      const archiveFns = (Object.keys(FUNCTIONS) as FunctionName[]).filter((fn) => FUNCTIONS[fn].access.archive);
      expect(archiveFns.length).toBeGreaterThanOrEqual(2);
      for (const fn of archiveFns) {
        const lists = roleStatements(fn).filter((st) => asArray(st.Action).includes('s3:ListBucket'));
        expect(lists, fn).toHaveLength(1);
        expect(lists[0].Resource).toBe(`arn:${region.aws.partition}:s3:::${stacks[name].stateful.stores.archive.name}`);
        // Every prefix of an object it may read (GetObject) is listed: its HEADs of missing keys are 404.
        const readPrefixes = roleStatements(fn)
          .filter((st) => asArray(st.Action).includes('s3:GetObject'))
          .flatMap((st) => asArray(st.Resource as string | string[]))
          .map(String)
          .filter((r) => r.includes(`:::${stacks[name].stateful.stores.archive.name}/`))
          .map((r) => `${r.split('/').slice(1).join('/')}`);
        const listed = conditionValue(lists[0].Condition, 's3:prefix').map(String);
        for (const p of readPrefixes) expect(listed, `${fn}: ${p}`).toContain(p);
        expect(listed.sort(), fn).toEqual([...ARCHIVE_GRANTS[FUNCTIONS[fn].access.archive!].list].map((p) => `${p}*`).sort());
      }
    });
  });

  describe('the attachments bucket', () => {
    it('public functions touch customer uploads only (presign: PutObject, verify: GetObject, under uploads/); nobody reads outside uploads/ and email/', () => {
      const bucket = stacks[name].stateful.stores.attachments.name;
      const prefixOf = (r: unknown) => String(r).match(new RegExp(`:::${bucket}/(.*)\\*$`))?.[1];
      for (const fn of Object.keys(FUNCTIONS) as FunctionName[]) {
        const onBucket = roleStatements(fn).filter((st) => asArray(st.Resource).some((r) => String(r).includes(`:::${bucket}`)));
        for (const st of onBucket) {
          for (const r of asArray(st.Resource).filter((x) => String(x).includes(`:::${bucket}`))) {
            const prefix = prefixOf(r);
            expect(['uploads/', 'email/'], `${fn}: ${String(r)}`).toContain(prefix);
            if (PUBLIC_FUNCTIONS.includes(fn)) expect(prefix, fn).toBe('uploads/');
          }
          for (const a of asArray(st.Action)) expect(['s3:GetObject', 's3:PutObject'], fn).toContain(a);
        }
      }
      const actions = (fn: FunctionName) =>
        [
          ...new Set(
            roleStatements(fn)
              .filter((st) => JSON.stringify(st.Resource).includes(bucket))
              .flatMap((st) => asArray(st.Action)),
          ),
        ].sort();
      expect(actions('CreateAttachmentUpload')).toEqual(['s3:PutObject']);
      expect(actions('SubmitComplaint')).toEqual(['s3:GetObject']);
      expect(actions('GetComplaintStatus')).toEqual([]);
      expect(actions('CustomerCallback')).toEqual([]);
    });
  });

  describe('the table: exactly the actions each function calls', () => {
    it('no role has dynamodb:* or a wildcard table or index ARN', () => {
      for (const stack of [stacks[name].stateful, stacks[name].api]) {
        for (const [id, p] of resourcesOf(templateOf(stack), 'AWS::IAM::Policy')) {
          for (const st of p.Properties.PolicyDocument.Statement as Statement[]) {
            const dynamo = asArray(st.Action).filter((a) => a.startsWith('dynamodb:'));
            if (!dynamo.length) continue;
            for (const a of dynamo) expect(a, id).not.toContain('*');
            for (const r of asArray(st.Resource)) {
              expect(r, id).not.toBe('*');
              expect(JSON.stringify(r), id).not.toMatch(/index\/\*|table\/\*|:table\/\*"/);
            }
          }
        }
      }
    });

    it.each(Object.keys(FUNCTIONS) as FunctionName[])('%s: its FUNCTIONS list on the table, Query on its indexes, LeadingKeys where listed', (fn) => {
      const spec = FUNCTIONS[fn].access.table;
      const statements = roleStatements(fn).filter((st) =>
        asArray(st.Action).some((a) => a.startsWith('dynamodb:') && !/Stream|GetRecords|GetShardIterator/.test(a)),
      );
      if (!spec) {
        expect(statements).toEqual([]);
        return;
      }
      const onTable = statements.filter((st) => !JSON.stringify(st.Resource).includes('/index/'));
      expect(onTable).toHaveLength(1);
      expect(asArray(onTable[0].Action).sort()).toEqual([...new Set(spec.actions)].map((a) => `dynamodb:${a}`).sort());
      expect(asArray(onTable[0].Resource)).toHaveLength(1);
      if (spec.leadingKeys) {
        expect(onTable[0].Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': spec.leadingKeys.map((p) => `${p}*`) } });
        // Every prefix is one of the table's item kinds (functions/adapters/table-schema.ts).
        for (const prefix of spec.leadingKeys) expect(prefix).toMatch(/^[A-Z]+#?$/);
      } else {
        expect(onTable[0].Condition).toBeUndefined();
      }
      const onIndexes = statements.filter((st) => JSON.stringify(st.Resource).includes('/index/'));
      if (spec.queries?.length) {
        expect(onIndexes).toHaveLength(1);
        expect(onIndexes[0].Action).toBe('dynamodb:Query');
        const names = asArray(onIndexes[0].Resource)
          .map((r) => JSON.stringify(r).match(/\/index\/([A-Za-z0-9]+)/)?.[1])
          .sort();
        expect(names).toEqual(spec.queries.map((q) => TABLE.indexes[q].name).sort());
      } else {
        expect(onIndexes).toEqual([]);
      }
    });

    it('public functions never Scan, DeleteItem or BatchWriteItem, and their table access is bound by LeadingKeys', () => {
      expect(PUBLIC_FUNCTIONS.sort()).toEqual(['CreateAttachmentUpload', 'CustomerCallback', 'GetComplaintStatus', 'OpenApi', 'SubmitComplaint']);
      for (const fn of PUBLIC_FUNCTIONS) {
        const actions = roleStatements(fn).flatMap((st) => asArray(st.Action));
        for (const forbidden of ['dynamodb:Scan', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:BatchGetItem', 'dynamodb:DescribeTable'])
          expect(actions, fn).not.toContain(forbidden);
        for (const st of roleStatements(fn).filter((s) => asArray(s.Action).some((a) => a.startsWith('dynamodb:')))) {
          expect(conditionValue(st.Condition, 'dynamodb:LeadingKeys').length, fn).toBeGreaterThan(0);
          expect(Object.keys(st.Condition!), fn).toEqual(['ForAllValues:StringLike']);
        }
      }
      // Only the staff API (erasure) and the workflow step (a closed complaint's task) delete items; nobody scans or batch-writes.
      const deleters = (Object.keys(FUNCTIONS) as FunctionName[]).filter((fn) =>
        roleStatements(fn).some((st) => asArray(st.Action).includes('dynamodb:DeleteItem')),
      );
      expect(deleters.sort()).toEqual(['StaffApi', 'WorkflowStep']);
      for (const fn of Object.keys(FUNCTIONS) as FunctionName[]) {
        const actions = roleStatements(fn).flatMap((st) => asArray(st.Action));
        expect(actions, fn).not.toContain('dynamodb:Scan');
        expect(actions, fn).not.toContain('dynamodb:BatchWriteItem');
      }
      expect(tableArnRef()).toContain('ComplaintTable');
    });
  });

  describe('the API behind CloudFront', () => {
    it("execute-api stays enabled (CloudFront's origin, or the bank's proxy where CloudFront is off)", () => {
      const apis = resourcesOf(stateful(), 'AWS::ApiGatewayV2::Api');
      expect(apis).toHaveLength(1);
      expect(apis[0][1].Properties.DisableExecuteApiEndpoint ?? false).toBe(false);
    });

    it('where CloudFront fronts the API, it sends the origin secret, and the public routes require it', () => {
      const distributions = resourcesOf(stateful(), 'AWS::CloudFront::Distribution');
      const authorizers = resourcesOf(api(), 'AWS::ApiGatewayV2::Authorizer').filter(([, a]) => a.Properties.AuthorizerType === 'REQUEST');
      const publicRoutes = resourcesOf(api(), 'AWS::ApiGatewayV2::Route').filter(([, r]) =>
        ROUTES.some((route) => route.auth === 'public' && `${route.method} ${route.path}` === r.Properties.RouteKey),
      );
      expect(publicRoutes).toHaveLength(ROUTES.filter((r) => r.auth === 'public').length);
      if (!distributions.length) {
        expect(authorizers).toEqual([]);
        expect(resourcesOf(stateful(), 'AWS::SecretsManager::Secret')).toEqual([]);
        for (const [id, r] of publicRoutes) expect(r.Properties.AuthorizationType ?? 'NONE', id).toBe('NONE');
        return;
      }
      const secrets = resourcesOf(stateful(), 'AWS::SecretsManager::Secret');
      expect(secrets).toHaveLength(1);
      const [secretId, secret] = secrets[0];
      expect(refId(secret.Properties.KmsKeyId)).toBeDefined();
      // The /api/* origin (the execute-api host) gets the header, its value resolved at deploy time.
      const origins = distributions[0][1].Properties.DistributionConfig.Origins as Json[];
      const apiOrigin = origins.find((o) => JSON.stringify(o.DomainName).includes('execute-api'))!;
      expect(apiOrigin.OriginCustomHeaders).toHaveLength(1);
      expect(apiOrigin.OriginCustomHeaders[0].HeaderName).toBe(ORIGIN_VERIFY_HEADER);
      expect(JSON.stringify(apiOrigin.OriginCustomHeaders[0].HeaderValue)).toBe(
        JSON.stringify({ 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']] }),
      );
      // No other origin (the pages bucket) gets it.
      for (const o of origins.filter((x) => x !== apiOrigin)) expect(o.OriginCustomHeaders, JSON.stringify(o.DomainName)).toBeUndefined();

      expect(authorizers).toHaveLength(1);
      const [authorizerId, authorizer] = authorizers[0];
      expect(authorizer.Properties).toMatchObject({
        IdentitySource: [`$request.header.${ORIGIN_VERIFY_HEADER}`],
        EnableSimpleResponses: true,
        AuthorizerResultTtlInSeconds: 300,
        AuthorizerPayloadFormatVersion: '2.0',
      });
      for (const [id, r] of publicRoutes) {
        expect(r.Properties.AuthorizationType, id).toBe('CUSTOM');
        expect(r.Properties.AuthorizerId, id).toEqual({ Ref: authorizerId });
      }
      // The authorizer's function reads that secret only (through Secrets Manager: its key by kms:ViaService).
      const fn = stacks[name].api.originVerify!.function;
      const roleId = stacks[name].api.getLogicalId(fn.role!.node.defaultChild as never);
      const statements = resourcesOf(api(), 'AWS::IAM::Policy')
        .filter(([, p]) => (p.Properties.Roles as Json[]).some((r) => r.Ref === roleId))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
      const secretReads = statements.filter((st) => asArray(st.Action).some((a) => a.startsWith('secretsmanager:')));
      expect(secretReads).toHaveLength(1);
      expect(secretReads[0].Action).toBe('secretsmanager:GetSecretValue');
      expect(JSON.stringify(secretReads[0].Resource)).toContain('OriginVerifySecret');
      const decrypt = statements.filter((st) => asArray(st.Action).includes('kms:Decrypt'));
      expect(decrypt).toHaveLength(1);
      expect(conditionValue(decrypt[0].Condition, 'kms:ViaService')).toEqual([`secretsmanager.${region.aws.region}.amazonaws.com`]);
    });
  });

  describe('retry budgets', () => {
    it("every event source mapping on an SQS queue has a visibility timeout of at least 6 times its function's timeout (today there is none: stream sources only)", () => {
      const t = api();
      const mappings = resourcesOf(t, 'AWS::Lambda::EventSourceMapping');
      expect(mappings.length).toBeGreaterThan(0);
      for (const [id, m] of mappings) {
        const sourceId = refId(m.Properties.EventSourceArn);
        const source = sourceId ? t.Resources[sourceId] : undefined;
        if (source?.Type !== 'AWS::SQS::Queue') {
          // A table stream (an import of the stateful stack's table stream ARN).
          expect(JSON.stringify(m.Properties.EventSourceArn), id).toMatch(/StreamArn|ImportValue/);
          continue;
        }
        const fnTimeout = t.Resources[m.Properties.FunctionName.Ref].Properties.Timeout as number;
        expect(source.Properties.VisibilityTimeout ?? 30, id).toBeGreaterThanOrEqual(6 * fnTimeout);
      }
    });

    it("every function runs the AWS clients' profile whose worst-case call (timeouts, attempts, backoff) ends inside its deployed timeout", () => {
      for (const fn of Object.keys(FUNCTIONS) as FunctionName[]) {
        const id = stacks[name].api.getLogicalId(stacks[name].api.functions[fn].node.defaultChild as never);
        const props = api().Resources[id].Properties as Json;
        const profile = props.Environment.Variables.AWS_CLIENTS_PROFILE as string;
        expect(['api', 'background'], fn).toContain(profile);
        expect(worstCaseCallMs(processProfile({ AWS_CLIENTS_PROFILE: profile })), fn).toBeLessThan((props.Timeout as number) * 1000);
        // A function an API answer waits on retries as briefly as the API profile allows.
        if (ROUTES.some((r) => r.fn === fn)) expect(profile, fn).toBe('api');
      }
    });

    it("every API route's integration times out at 29 s at most, after its function", () => {
      const integrations = resourcesOf(api(), 'AWS::ApiGatewayV2::Integration');
      expect(integrations.length).toBe(ROUTES.length);
      const fnTimeouts = new Map(resourcesOf(api(), 'AWS::Lambda::Function').map(([id, f]) => [id, f.Properties.Timeout as number]));
      for (const [id, integration] of integrations) {
        expect(integration.Properties.TimeoutInMillis, id).toBe(API_INTEGRATION_TIMEOUT.toMilliseconds());
        expect(integration.Properties.TimeoutInMillis, id).toBeLessThanOrEqual(29_000);
        const fnId = refId(integration.Properties.IntegrationUri);
        expect(fnTimeouts.get(fnId!), `${id}: ${fnId}`).toBeLessThan(integration.Properties.TimeoutInMillis / 1000);
      }
    });
  });
});

describe("outbound mail where SES does not send (China): the bank's SMTP relay", () => {
  const RELAY_SECRET = `arn:aws-cn:secretsmanager:cn-north-1:${ACCOUNT}:secret:smtp-relay-AbCdEf`;
  /** The example settings, cn's relay with a secret, or (none) cn without any outbound mail: SES-less and relay-less. */
  const settingsWith = (outbound: 'relay' | 'none') => {
    const settings = structuredClone(exampleSettings(ACCOUNT));
    const cn = settings.regions.cn.mail;
    cn.outbound =
      outbound === 'relay'
        ? { transport: 'smtp-relay', host: 'smtp-relay.bank.example.cn', port: 587, tls: 'starttls', secretArn: RELAY_SECRET }
        : { transport: 'smtp-relay', host: 'smtp-relay.bank.example.cn', port: 465, tls: 'implicit' };
    return settings;
  };
  let withRelay: Json;
  let withoutRelay: Json;
  const deliver = (t: Json) =>
    (Object.values(t.Resources as Json).find(
      (r: Json) =>
        r.Type === 'AWS::Lambda::Function' &&
        r.Properties.Environment?.Variables?.AWS_CLIENTS_PROFILE &&
        JSON.stringify(r.Metadata ?? {}).includes('DeliverMessages'),
    ) as Json) ??
    (Object.entries(t.Resources as Json).find(([id, r]) => (r as Json).Type === 'AWS::Lambda::Function' && id.startsWith('DeliverMessages'))![1] as Json);
  const statementsOf = (t: Json, fnResource: Json): Statement[] => {
    const roleId = refId(fnResource.Properties.Role);
    return Object.values(t.Resources as Json)
      .filter((r: Json) => r.Type === 'AWS::IAM::Policy' && (r.Properties.Roles as Json[]).some((x) => x.Ref === roleId))
      .flatMap((p: Json) => p.Properties.PolicyDocument.Statement as Statement[]);
  };

  beforeAll(() => {
    const synth = (settings: ReturnType<typeof settingsWith>) => {
      const app = new App({ context: TEST_CONTEXT });
      const built = buildComplaintApp(app, { settings, regions: ['cn'] });
      return app.synth().getStackArtifact(built.cn.api.artifactId).template as Json;
    };
    withRelay = synth(settingsWith('relay'));
    withoutRelay = synth(settingsWith('none'));
  });

  it('DeliverMessages gets the relay (TLS required), may read only its secret, and has no SES permission', () => {
    const fn = deliver(withRelay);
    expect(fn.Properties.Environment.Variables).toMatchObject({
      SMTP_RELAY_HOST: 'smtp-relay.bank.example.cn',
      SMTP_RELAY_PORT: '587',
      SMTP_RELAY_TLS: 'starttls',
      SMTP_RELAY_SECRET_ARN: RELAY_SECRET,
      MAIL_TRANSPORT: 'smtp-relay',
    });
    const statements = statementsOf(withRelay, fn);
    const secretReads = statements.filter((st) => asArray(st.Action).includes('secretsmanager:GetSecretValue'));
    expect(secretReads.map((st) => st.Resource)).toEqual([RELAY_SECRET]);
    expect(statements.flatMap((st) => asArray(st.Action)).filter((a) => a.startsWith('ses:'))).toEqual([]);
  });

  it('a relay without credentials: implicit TLS on 465, and no grant on any secret', () => {
    const fn = deliver(withoutRelay);
    expect(fn.Properties.Environment.Variables).toMatchObject({ SMTP_RELAY_PORT: '465', SMTP_RELAY_TLS: 'implicit' });
    expect(fn.Properties.Environment.Variables.SMTP_RELAY_SECRET_ARN).toBeUndefined();
    expect(
      statementsOf(withoutRelay, fn)
        .flatMap((st) => asArray(st.Action))
        .filter((a) => a.startsWith('ses:') || a.startsWith('secretsmanager:')),
    ).toEqual([]);
  });
});
