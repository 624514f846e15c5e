/**
 * The attack surface on AWS, as far as the templates decide it: no CORS grant on the HTTP
 * API (pages and API share one origin), refused tokens recorded by reason in the access log,
 * and the pages' security headers with HSTS (asserted in full in stacks.test.ts). Only the
 * constructs concerned are synthesized (no handler bundling), so this stays fast.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REGIONS } from '../../functions/domain/regions.ts';
import { FUNCTIONS, ROUTES, type FunctionName } from '../../functions/functions.ts';
import { EncryptedLogs } from '../../infra/constructs/encrypted-logs.ts';
import { IntakeApi } from '../../infra/constructs/intake-api.ts';
import { exampleSettings } from '../../infra/settings/load.ts';
import { regionPlatform } from '../../infra/platform.ts';
import { StatefulStack } from '../../infra/stacks/stateful-stack.ts';

const CDK_CONTEXT = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<string, unknown>;
const ACCOUNT = '111111111111';
type Resource = { Type: string; Properties: Record<string, any> };
const resources = (t: Template, type: string) => Object.values(t.findResources(type)) as Resource[];

describe('CORS: the API grants no other origin', () => {
  const app = new App({ context: { ...CDK_CONTEXT, '@aws-cdk/core:appMode': 'inmemory' } });
  const stacks = Object.values(REGIONS).map((region) => ({
    region,
    stack: new StatefulStack(app, `Attack-${region.name}-Stateful`, {
      env: { account: ACCOUNT, region: region.aws.region },
      region,
      platform: regionPlatform(app, region, ACCOUNT, exampleSettings().regions[region.name]),
    }),
  }));

  it.each(stacks.map((s) => [s.region.name, s] as const))(
    '%s: the HTTP API has no CORS configuration (pages call it on their own origin)',
    (_name, { stack }) => {
      const [api] = resources(Template.fromStack(stack), 'AWS::ApiGatewayV2::Api');
      expect(api.Properties.ProtocolType).toBe('HTTP');
      expect(api.Properties).not.toHaveProperty('CorsConfiguration');
    },
  );

  it('where CloudFront serves the pages, /api/* is a behaviour of the same distribution: one origin for pages and API', () => {
    const served = stacks.filter((s) => s.stack.pages);
    expect(served.length).toBeGreaterThan(0);
    for (const { stack } of served) {
      const [distribution] = resources(Template.fromStack(stack), 'AWS::CloudFront::Distribution');
      const config = distribution.Properties.DistributionConfig;
      expect(config.CacheBehaviors.map((b: { PathPattern: string }) => b.PathPattern)).toContain('/api/*');
      // HSTS on every answer of that origin.
      const [policy] = resources(Template.fromStack(stack), 'AWS::CloudFront::ResponseHeadersPolicy');
      expect(policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.StrictTransportSecurity).toMatchObject({
        IncludeSubdomains: true,
        Override: true,
      });
    }
  });
});

describe('the API stage', () => {
  const stack = new Stack(new App(), 'AttackApi', { env: { account: ACCOUNT, region: 'eu-west-2' } });
  const fn = new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
  });
  new IntakeApi(stack, 'Api', {
    routes: ROUTES,
    functions: Object.fromEntries(Object.keys(FUNCTIONS).map((name) => [name, fn])) as unknown as Record<FunctionName, lambda.IFunction>,
    logs: new EncryptedLogs(stack, 'Logs', { retention: logs.RetentionDays.ONE_WEEK }),
    throttle: { rateLimit: 50, burstLimit: 100 },
    staffAuthorizer: new HttpJwtAuthorizer('Staff', 'https://issuer.example', { jwtAudience: ['complaints-console'] }),
  });
  const template = Template.fromStack(stack);

  it('logs why the JWT authorizer refused a token, and never headers, bodies or claims', () => {
    const [stage] = resources(template, 'AWS::ApiGatewayV2::Stage');
    const format = JSON.parse(stage.Properties.AccessLogSettings.Format) as Record<string, string>;
    expect(format).toMatchObject({
      authorizerError: '$context.authorizer.error',
      status: '$context.status',
      routeKey: '$context.routeKey',
      sourceIp: '$context.identity.sourceIp',
    });
    expect(Object.values(format).filter((v) => /\$(context\.authorizer\.claims|input|request\.header|context\.requestOverride)/.test(v))).toEqual([]);
  });

  it("throttles every client at the stage (the per-client limit on AWS is AWS WAF's rate rule where the pages run behind CloudFront)", () => {
    const [stage] = resources(template, 'AWS::ApiGatewayV2::Stage');
    expect(stage.Properties.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 });
  });

  it('an API it creates itself has no CORS configuration either', () => {
    const [api] = resources(template, 'AWS::ApiGatewayV2::Api');
    expect(api.Properties).not.toHaveProperty('CorsConfiguration');
  });
});
