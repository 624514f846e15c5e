/**
 * The public HTTP API: one route per entry of ROUTES, each with its own Lambda integration,
 * behind a default stage that throttles and writes JSON access logs to an encrypted log group.
 *
 * Staff routes (auth: 'staff') need an authorizer. Until one is passed (`staffAuthorizer`),
 * they are left out of the API - never deployed public - and synth says so with a warning.
 */
import { Annotations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { FunctionName, RouteSpec } from '../../functions/functions.ts';
import { acknowledge } from '../nag.ts';
import type { EncryptedLogs } from './encrypted-logs.ts';

export interface IntakeApiProps {
  routes: readonly RouteSpec[];
  functions: Record<FunctionName, lambda.IFunction>;
  logs: EncryptedLogs;
  /** Stage-wide steady rate (requests/s) and burst: a cap on cost and on abuse of the public form. */
  throttle: { rateLimit: number; burstLimit: number };
  /**
   * Authorizer for routes with auth 'staff'.
   * TODO(staff-auth): pass an HttpJwtAuthorizer (aws-cdk-lib/aws-apigatewayv2-authorizers) for
   * the bank's identity provider - issuer and audience belong in RegionConfig - once the first
   * staff route lands in ROUTES.
   */
  staffAuthorizer?: apigwv2.IHttpRouteAuthorizer;
}

export class IntakeApi extends Construct {
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;

  constructor(scope: Construct, id: string, props: IntakeApiProps) {
    super(scope, id);

    // The default stage is created below, with throttling and access logs, rather than by HttpApi.
    this.api = new apigwv2.HttpApi(this, 'HttpApi', { createDefaultStage: false });

    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(props.logs.logGroup(this, 'AccessLogs')),
        // JSON, one object per request; no headers or bodies (they may carry personal data).
        format: AccessLogFormat.custom(JSON.stringify({
          requestId: '$context.requestId',
          requestTime: '$context.requestTime',
          sourceIp: '$context.identity.sourceIp',
          userAgent: '$context.identity.userAgent',
          routeKey: '$context.routeKey',
          status: '$context.status',
          protocol: '$context.protocol',
          responseLength: '$context.responseLength',
          responseLatency: '$context.responseLatency',
          integrationLatency: '$context.integrationLatency',
          integrationError: '$context.integrationErrorMessage',
        })),
      },
    });

    const withheld = props.staffAuthorizer ? [] : props.routes.filter((r) => r.auth === 'staff');
    if (withheld.length) {
      Annotations.of(this).addWarningV2('complaints:staff-routes-withheld',
        `${withheld.length} staff route(s) not deployed: no staffAuthorizer (TODO(staff-auth)): ${withheld.map((r) => `${r.method} ${r.path}`).join(', ')}`);
    }

    for (const route of props.routes) {
      if (withheld.includes(route)) continue;
      const [routeResource] = this.api.addRoutes({
        path: route.path,
        methods: [apigwv2.HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${route.operationId}Integration`, props.functions[route.fn]),
        authorizer: route.auth === 'staff' ? props.staffAuthorizer : undefined,
      });
      if (route.auth === 'public') {
        acknowledge(routeResource, 'AwsSolutions-APIG4',
          `${route.method} ${route.path} is public by design: customers file and follow complaints without an account; a status read needs the reference plus its access code, checked in the handler, and the stage is throttled.`);
      }
    }
  }

  /** The URL of the default stage. */
  get url(): string {
    return this.stage.url;
  }
}
