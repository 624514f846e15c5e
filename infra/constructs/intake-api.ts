/**
 * The public HTTP API: one route per entry of ROUTES, each with its own Lambda integration,
 * behind a default stage that throttles and writes JSON access logs to an encrypted log group.
 * Staff routes (auth: 'staff') are all behind the staff authorizer (a JWT authorizer for the
 * region's identity provider); public routes have none, by design.
 *
 * The API resource itself may come from elsewhere (`httpApi`): the region's stateful stack owns
 * it, so its URL - the CloudFront origin of `/api/*` - outlives this stack. Routes, integrations,
 * authorizer and stage are created here.
 *
 * CORS: none, on purpose. The pages call the API on their own origin (`apiBase: ''` in
 * config.json: CloudFront serves `/api/*` from this API, and where CloudFront is off the
 * bank's site proxies it), so browsers need no cross-origin grant; without a CORS
 * configuration API Gateway answers no preflight with an Access-Control-Allow-Origin, and no
 * handler sets one, so a page of any other origin cannot read an answer
 * (test/infra/attack-surface.test.ts, test/integration/attacks.test.ts).
 */
import { Duration } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { FunctionName, RouteSpec } from '../../functions/functions.ts';
import { acknowledge } from '../nag.ts';
import type { EncryptedLogs } from './encrypted-logs.ts';

/**
 * How long API Gateway waits for a function: explicit, at the 29 s every API Gateway integration
 * has had as its documented limit (HTTP APIs allow 30 s; 29 s also holds behind CloudFront's
 * default 30 s origin response timeout). Every route's function must time out before it.
 */
export const API_INTEGRATION_TIMEOUT = Duration.seconds(29);

export interface IntakeApiProps {
  routes: readonly RouteSpec[];
  functions: Record<FunctionName, lambda.IFunction>;
  logs: EncryptedLogs;
  /** Stage-wide steady rate (requests/s) and burst: a cap on cost and on abuse of the public form. */
  throttle: { rateLimit: number; burstLimit: number };
  /** Authorizer of every route with auth 'staff' (HttpJwtAuthorizer for the staff identity provider). */
  staffAuthorizer: apigwv2.IHttpRouteAuthorizer;
  /**
   * Authorizer of every route with auth 'public' (the CloudFront origin check,
   * infra/constructs/origin-verify.ts). @default none: public routes are open
   */
  publicAuthorizer?: apigwv2.IHttpRouteAuthorizer;
  /**
   * The API to add the routes and the stage to; it must have no default stage.
   * @default a new HttpApi in this construct
   */
  httpApi?: apigwv2.IHttpApi;
}

export class IntakeApi extends Construct {
  readonly api: apigwv2.IHttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly routes: apigwv2.HttpRoute[] = [];

  constructor(scope: Construct, id: string, props: IntakeApiProps) {
    super(scope, id);

    // An API of another stack is used through a reference in this one, so that what binds to it
    // (the authorizer, integrations) is created here, not in the API's own stack.
    this.api = props.httpApi
      ? apigwv2.HttpApi.fromHttpApiAttributes(this, 'HttpApi', { httpApiId: props.httpApi.apiId, apiEndpoint: props.httpApi.apiEndpoint })
      : // The default stage is created below, with throttling and access logs, rather than by HttpApi.
        new apigwv2.HttpApi(this, 'HttpApi', { createDefaultStage: false });

    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(props.logs.logGroup(this, 'AccessLogs')),
        // JSON, one object per request; no headers or bodies (they may carry personal data).
        format: AccessLogFormat.custom(
          JSON.stringify({
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
            // Why the JWT authorizer refused a token (expired, bad signature, issuer, audience): never the token.
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });

    for (const route of props.routes) {
      // The function must answer (or fail with its own error) before API Gateway gives up on it:
      // its timeout - the budget of its SDK retries - stays below the integration's.
      const fn = props.functions[route.fn];
      const fnTimeout = (fn as Partial<lambda.Function>).timeout?.toSeconds() ?? 3;
      if (fnTimeout >= API_INTEGRATION_TIMEOUT.toSeconds()) {
        throw new Error(
          `${route.method} ${route.path}: ${route.fn} times out after ${fnTimeout} s, not within the HTTP API integration's ${API_INTEGRATION_TIMEOUT.toSeconds()} s`,
        );
      }
      const routeResource = new apigwv2.HttpRoute(this, `${route.method}${route.path}`, {
        httpApi: this.api,
        routeKey: apigwv2.HttpRouteKey.with(route.path, apigwv2.HttpMethod[route.method]),
        integration: new HttpLambdaIntegration(`${route.operationId}Integration`, fn, { timeout: API_INTEGRATION_TIMEOUT }),
        // Explicit for public routes too: never an API-wide default authorizer by accident.
        authorizer: route.auth === 'staff' ? props.staffAuthorizer : (props.publicAuthorizer ?? new apigwv2.HttpNoneAuthorizer()),
      });
      this.routes.push(routeResource);
      if (route.auth === 'public') {
        acknowledge(
          routeResource,
          'AwsSolutions-APIG4',
          `${route.method} ${route.path} is public by design: customers file and follow complaints without an account; a status read needs the reference plus its access code, checked in the handler, and the stage is throttled.`,
        );
      }
    }
  }

  /** The URL of the default stage. */
  get url(): string {
    return this.stage.url;
  }
}
