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
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TABLE } from '../../functions/adapters/table-schema.ts';
import { REGIONS, type RegionConfig } from '../../functions/domain/regions.ts';
import { FUNCTIONS, ROUTES, WORKFLOW_FUNCTIONS, type FunctionName } from '../../functions/functions.ts';
import { buildComplaintApp, type RegionStacks } from '../../infra/complaint-app.ts';
import { EncryptedLogs } from '../../infra/constructs/encrypted-logs.ts';
import { IntakeApi } from '../../infra/constructs/intake-api.ts';
import { enableNagChecks } from '../../infra/nag.ts';

const CDK_CONTEXT = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<string, unknown>;
const ASL = JSON.parse(readFileSync(new URL('../../workflows/complaint.asl.json', import.meta.url), 'utf8')) as Asl;
const ACCOUNT = '111111111111';
// In-memory mode: a failed validation throws with the full report (the CLI prints it instead).
const TEST_CONTEXT = { ...CDK_CONTEXT, '@aws-cdk/core:appMode': 'inmemory' };

interface Asl { States: Record<string, { Branches?: Asl[]; Iterator?: Asl; ItemProcessor?: Asl; Resource?: string }> }
type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

function stateNames(asl: Asl): string[] {
  return Object.entries(asl.States).flatMap(([name, s]) => [
    name, ...[...(s.Branches ?? []), s.Iterator, s.ItemProcessor].flatMap((n) => (n ? stateNames(n) : [])),
  ]);
}
const asArray = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

let app: App;
let stacks: Record<string, RegionStacks>;
let assembly: CloudAssembly;

beforeAll(() => {
  app = new App({ context: TEST_CONTEXT });
  stacks = buildComplaintApp(app, { account: ACCOUNT });
  assembly = app.synth();
});

const templateOf = (stack: Stack) => Template.fromJSON(assembly.getStackArtifact(stack.artifactId).template);

describe.each(Object.values(REGIONS).map((r) => [r.name, r] as [string, RegionConfig]))('region %s', (name, region) => {
  const stateful = () => templateOf(stacks[name].stateful);
  const api = () => templateOf(stacks[name].api);
  const resources = (t: Template, type: string) => Object.values(t.findResources(type)) as Resource[];

  it('deploys to the region of its config', () => {
    expect(stacks[name].stateful.region).toBe(region.aws.region);
    expect(stacks[name].api.region).toBe(region.aws.region);
    expect(stacks[name].api.account).toBe(ACCOUNT);
    expect(stacks[name].stateful.stackName).toBe(`Complaints-${name}-Stateful`);
    expect(stacks[name].api.stackName).toBe(`Complaints-${name}-Api`);
  });

  describe('table', () => {
    it('has the keys, indexes, TTL and stream of TABLE, on demand', () => {
      const index = (i: { name: string; partitionKey: string; sortKey: string }) => ({
        IndexName: i.name,
        KeySchema: [{ AttributeName: i.partitionKey, KeyType: 'HASH' }, { AttributeName: i.sortKey, KeyType: 'RANGE' }],
        Projection: { ProjectionType: 'ALL' },
      });
      stateful().resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
      stateful().hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        KeySchema: [{ AttributeName: TABLE.partitionKey, KeyType: 'HASH' }, { AttributeName: TABLE.sortKey, KeyType: 'RANGE' }],
        GlobalSecondaryIndexes: Match.arrayEquals(Object.values(TABLE.indexes).map(index)),
        TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        BillingMode: 'PAY_PER_REQUEST',
      });
    });

    it('has PITR, deletion protection and a customer-managed, rotated key; table and key are retained', () => {
      const [keyId] = Object.keys(stateful().findResources('AWS::KMS::Key', { Properties: { EnableKeyRotation: true } }));
      expect(keyId).toBeDefined();
      stateful().hasResource('AWS::DynamoDB::GlobalTable', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: Match.objectLike({
          SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
          Replicas: [Match.objectLike({
            Region: region.aws.region,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            DeletionProtectionEnabled: true,
            SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
          })],
        }),
      });
      stateful().hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
    });
  });

  describe('workflow', () => {
    const stateMachine = () => {
      const [sm] = resources(api(), 'AWS::StepFunctions::StateMachine');
      const raw = sm.Properties.DefinitionString;
      // A plain string when the partition is a literal (enablePartitionLiterals), else Fn::Join.
      const text = typeof raw === 'string' ? raw : (raw['Fn::Join'][1] as unknown[]).map((p) => (typeof p === 'string' ? p : 'TOKEN')).join('');
      return { sm, text, definition: JSON.parse(text) as Asl };
    };

    it('is one STANDARD state machine with every state of the ASL file', () => {
      api().resourceCountIs('AWS::StepFunctions::StateMachine', 1);
      const { sm, definition } = stateMachine();
      expect(sm.Properties.StateMachineType).toBe('STANDARD');
      expect(stateNames(definition).sort()).toEqual(stateNames(ASL).sort());
    });

    it('substitutes every ${...} placeholder with the ARN of the function WORKFLOW_FUNCTIONS names', () => {
      const { sm, text } = stateMachine();
      const substitutions = sm.Properties.DefinitionSubstitutions as Record<string, unknown>;
      const placeholders = [...text.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]);
      expect(new Set(placeholders)).toEqual(new Set(Object.keys(WORKFLOW_FUNCTIONS)));
      let substituted = text;
      for (const [key, fnName] of Object.entries(WORKFLOW_FUNCTIONS)) {
        const fn = stacks[name].api.functions[fnName as FunctionName];
        expect(substitutions[key]).toEqual({ 'Fn::GetAtt': [stacks[name].api.getLogicalId(fn.node.defaultChild as lambda.CfnFunction), 'Arn'] });
        substituted = substituted.replaceAll(`\${${key}}`, 'arn');
      }
      expect(substituted).not.toContain('${');
    });

    it('calls service integrations in the partition of the region', () => {
      const resourcesInDefinition = Object.values(stateMachine().definition.States).map((s) => s.Resource).filter(Boolean);
      expect(resourcesInDefinition.length).toBeGreaterThan(0);
      for (const r of resourcesInDefinition) expect(r).toMatch(new RegExp(`^arn:${region.aws.partition}:states:::`));
    });

    it('logs ALL to an encrypted log group and traces', () => {
      const { sm } = stateMachine();
      expect(sm.Properties.LoggingConfiguration.Level).toBe('ALL');
      expect(sm.Properties.TracingConfiguration).toEqual({ Enabled: true });
      const [logGroupId] = sm.Properties.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'];
      expect(api().toJSON().Resources[logGroupId].Properties.KmsKeyId).toBeDefined();
    });

    it('may invoke exactly the workflow functions', () => {
      const { sm } = stateMachine();
      const roleId = sm.Properties.RoleArn['Fn::GetAtt'][0];
      const invoke = policyStatementsOf(api(), roleId).filter((s) => asArray(s.Action).includes('lambda:InvokeFunction'));
      const expected = Object.values(WORKFLOW_FUNCTIONS).map((fn) => ({
        'Fn::GetAtt': [stacks[name].api.getLogicalId(stacks[name].api.functions[fn].node.defaultChild as lambda.CfnFunction), 'Arn'],
      }));
      expect(invoke.flatMap((s) => asArray(s.Resource))).toEqual(expect.arrayContaining(expected));
      expect(invoke.flatMap((s) => asArray(s.Resource))).toHaveLength(expected.length);
    });
  });

  describe('functions', () => {
    it('one per FUNCTIONS entry, Node.js 22 on arm64, traced, logging to an encrypted group', () => {
      const fns = resources(api(), 'AWS::Lambda::Function');
      expect(fns).toHaveLength(Object.keys(FUNCTIONS).length);
      for (const fn of fns) {
        expect(fn.Properties.Runtime).toBe('nodejs22.x');
        expect(fn.Properties.Architectures).toEqual(['arm64']);
        expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
        expect(fn.Properties.Handler).toBe('index.handler');
        const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref;
        expect(api().toJSON().Resources[logGroupId].Properties).toMatchObject({ KmsKeyId: expect.anything(), RetentionInDays: expect.any(Number) });
      }
    });

    it('get their configuration and exactly the access FUNCTIONS gives them', () => {
      const template = api();
      for (const [fnName, spec] of Object.entries(FUNCTIONS) as [FunctionName, (typeof FUNCTIONS)[FunctionName]][]) {
        const fn = template.toJSON().Resources[stacks[name].api.getLogicalId(stacks[name].api.functions[fnName].node.defaultChild as lambda.CfnFunction)] as Resource;
        const env = fn.Properties.Environment.Variables;
        expect(env).toMatchObject({ COMPLAINT_REGION: name, POWERTOOLS_SERVICE_NAME: 'complaints', NODE_OPTIONS: '--enable-source-maps' });
        expect(env.STATE_MACHINE_ARN).toBe(`arn:${region.aws.partition}:states:${region.aws.region}:${ACCOUNT}:stateMachine:complaint-lifecycle`);
        expect('TABLE_NAME' in env, fnName).toBe(Boolean(spec.access.table));

        const actions = policyStatementsOf(template, fn.Properties.Role['Fn::GetAtt'][0]).flatMap((s) => asArray(s.Action));
        const dynamo = actions.filter((a) => a.startsWith('dynamodb:'));
        if (!spec.access.table) expect(dynamo, fnName).toEqual([]);
        else if (spec.access.table === 'read') expect(dynamo.filter((a) => /Put|Update|Delete|Write/.test(a)), fnName).toEqual([]);
        else expect(dynamo, fnName).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query']));

        const states = actions.filter((a) => a.startsWith('states:')).sort();
        const expected = (spec.access.workflow ?? []).flatMap((w) => ({
          start: ['states:StartExecution'],
          describe: ['states:DescribeExecution'],
          callback: ['states:SendTaskFailure', 'states:SendTaskHeartbeat', 'states:SendTaskSuccess'],
        })[w]).sort();
        expect(states, fnName).toEqual(expected);
      }
    });

    it('grants no wildcard DynamoDB action and no index wildcard', () => {
      for (const stack of [stacks[name].stateful, stacks[name].api]) {
        for (const policy of resources(templateOf(stack), 'AWS::IAM::Policy')) {
          for (const s of policy.Properties.PolicyDocument.Statement as Statement[]) {
            for (const action of asArray(s.Action)) {
              if (action.startsWith('dynamodb:') || action === '*') expect(action).not.toContain('*');
            }
            expect(JSON.stringify(s.Resource)).not.toContain('/index/*');
          }
        }
      }
    });

    it('ResumeOrphans runs every 15 minutes', () => {
      const fnId = stacks[name].api.getLogicalId(stacks[name].api.functions.ResumeOrphans.node.defaultChild as lambda.CfnFunction);
      api().hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(15 minutes)',
        State: 'ENABLED',
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId, 'Arn'] } })],
      });
    });
  });

  describe('HTTP API', () => {
    it('has a route for every public ROUTES entry, and staff routes only behind an authorizer', () => {
      const routes = resources(api(), 'AWS::ApiGatewayV2::Route');
      const keys = routes.map((r) => r.Properties.RouteKey);
      for (const route of ROUTES.filter((r) => r.auth === 'public')) expect(keys).toContain(`${route.method} ${route.path}`);
      // No authorizer is configured yet: staff routes are withheld, never public.
      expect(routes).toHaveLength(ROUTES.filter((r) => r.auth === 'public').length);
      for (const route of ROUTES.filter((r) => r.auth === 'staff')) expect(keys).not.toContain(`${route.method} ${route.path}`);
    });

    it('routes each path to the function ROUTES names', () => {
      const template = api().toJSON();
      for (const route of ROUTES.filter((r) => r.auth === 'public')) {
        const [apiRoute] = resources(api(), 'AWS::ApiGatewayV2::Route').filter((r) => r.Properties.RouteKey === `${route.method} ${route.path}`);
        const integrationId = apiRoute.Properties.Target['Fn::Join'][1][1].Ref;
        const fnId = stacks[name].api.getLogicalId(stacks[name].api.functions[route.fn].node.defaultChild as lambda.CfnFunction);
        expect(template.Resources[integrationId].Properties.IntegrationUri).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
      }
    });

    it('throttles the default stage and writes JSON access logs to an encrypted group', () => {
      const [stage] = resources(api(), 'AWS::ApiGatewayV2::Stage');
      expect(stage.Properties.StageName).toBe('$default');
      expect(stage.Properties.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: expect.any(Number), ThrottlingBurstLimit: expect.any(Number) });
      expect(() => JSON.parse(stage.Properties.AccessLogSettings.Format)).not.toThrow();
      const logGroupId = stage.Properties.AccessLogSettings.DestinationArn['Fn::GetAtt'][0];
      expect(api().toJSON().Resources[logGroupId].Properties.KmsKeyId).toBeDefined();
    });
  });

  it('uses the partition of the region in every ARN', () => {
    for (const stack of [stacks[name].stateful, stacks[name].api]) {
      const json = JSON.stringify(templateOf(stack).toJSON());
      if (region.aws.partition !== 'aws') expect(json).not.toContain('arn:aws:');
      expect(json).not.toMatch(new RegExp(`arn:(?!${region.aws.partition}:)[a-z-]+:`));
    }
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
    const acks = app.node.findAll().flatMap((c) => c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>)));
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
    expect(() => acknowledged.probeApp.synth()).not.toThrow();
  });
});

describe('IntakeApi staff routes', () => {
  it('are added behind the staff authorizer once one is given', () => {
    const probeApp = new App({ context: TEST_CONTEXT });
    const stack = new Stack(probeApp, 'ApiProbe', { env: { account: ACCOUNT, region: 'eu-west-2' } });
    // Inline functions: this checks the routing, not the bundles.
    const functions = Object.fromEntries(Object.keys(FUNCTIONS).map((fn) => [fn, new lambda.Function(stack, fn, {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})'),
    })])) as unknown as Record<FunctionName, lambda.IFunction>;
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

/** Statements of every AWS::IAM::Policy attached to the role with this logical id. */
function policyStatementsOf(template: Template, roleLogicalId: string): Statement[] {
  return (Object.values(template.findResources('AWS::IAM::Policy')) as Resource[])
    .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleLogicalId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}
