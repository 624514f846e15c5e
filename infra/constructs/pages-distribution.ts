/**
 * The customer-facing front door: one CloudFront distribution serving the built pages from
 * their bucket (Origin Access Control, no public bucket) and passing `/api/*` uncached to the
 * HTTP API, so pages and API share one origin (`apiBase: ''` in config.json, CSP 'self').
 *
 * Every response carries the security headers the local runtime serves the pages with
 * (web/security-headers.ts PAGE_SECURITY_HEADERS, read by both, so the two cannot drift) plus HSTS. One
 * deliberate difference: the pages upload attachments straight to the attachments bucket by
 * presigned URL, so CSP connect-src also allows that bucket's HTTPS origin (locally the object
 * store is reached through the same origin).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PAGE_SECURITY_HEADERS } from '../../web/security-headers.ts';
import { acknowledge } from '../nag.ts';

/** HSTS on every response: two years, subdomains included (the pages have no plain-HTTP use). */
export const HSTS_MAX_AGE = Duration.days(730);

export interface PagesDistributionProps {
  pagesBucket: s3.IBucket;
  httpApi: apigwv2.IHttpApi;
  /** HTTPS origins the pages PUT presigned uploads to (the attachments bucket): added to CSP connect-src. */
  uploadOrigins: string[];
  /** Standard logs (prefix `cloudfront/`); the bucket must accept ACL grants. */
  logBucket: s3.IBucket;
  /** CloudFront-scope web ACL (ARN). Without one, synth acknowledges CFR2 with the reason. */
  webAclArn?: string;
  customDomain?: { domainName: string; certificateArn: string };
  /** Headers CloudFront adds to every request to the API (the origin secret: infra/constructs/origin-verify.ts). */
  apiOriginHeaders?: Record<string, string>;
}

export class PagesDistribution extends Construct {
  readonly distribution: cloudfront.Distribution;
  readonly responseHeaders: cloudfront.ResponseHeadersPolicy;
  /** `https://<domain>`: the pages' origin (PUBLIC_BASE_URL, CORS). */
  readonly url: string;

  constructor(scope: Construct, id: string, props: PagesDistributionProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.responseHeaders = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: `Security headers of the complaint pages (${stack.stackName})`,
      ...securityHeadersBehaviour(PAGE_SECURITY_HEADERS, props.uploadOrigins),
    });

    // The API's execute-api host; the $default stage serves at the root, so /api/... maps 1:1.
    const apiOrigin = new origins.HttpOrigin(`${props.httpApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      customHeaders: props.apiOriginHeaders,
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `Complaint pages and API (${stack.stackName})`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        // Grants the distribution (and only it) s3:GetObject, and kms:Decrypt on the pages key.
        origin: origins.S3BucketOrigin.withOriginAccessControl(props.pagesBucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeaders,
        compress: true,
      },
      additionalBehaviors: {
        '/api/*': {
          origin: apiOrigin,
          // Answers are per request (status, staff data): never cached.
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          // Authorization, Idempotency-Key, X-Access-Code, query strings...: everything but Host,
          // which must stay the API's own host name.
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          responseHeadersPolicy: this.responseHeaders,
        },
      },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      // TLS 1.2+ for viewers needs a certificate of our own (the default one is fixed at TLSv1,
      // see CFR4 below).
      ...(props.customDomain
        ? {
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            domainNames: [props.customDomain.domainName],
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.customDomain.certificateArn),
          }
        : {}),
      enableLogging: true,
      logBucket: props.logBucket,
      logFilePrefix: 'cloudfront/',
      webAclId: props.webAclArn,
    });

    this.url = `https://${props.customDomain?.domainName ?? this.distribution.distributionDomainName}`;

    acknowledge(
      this.distribution,
      'AwsSolutions-CFR1',
      'No geo restriction on purpose: the regulators require firms to accept complaints from every customer, including those living or travelling abroad; abuse is limited by the WAF rate rule and the API throttle instead.',
    );
    if (!props.customDomain) {
      acknowledge(
        this.distribution,
        'AwsSolutions-CFR4',
        'Served on the default *.cloudfront.net domain until the bank names a custom domain (deploy settings pages.customDomain, which switches to TLSv1.2_2021); the default certificate cannot be given a minimum protocol version.',
      );
    }
    if (!props.webAclArn) {
      acknowledge(
        this.distribution,
        'AwsSolutions-CFR2',
        'No CloudFront-scope AWS WAF is offered to this region by the platform configuration (infra/platform.ts); the HTTP API stage is throttled instead.',
      );
    }
  }
}

/**
 * CloudFront's typed security headers from the header map the local runtime sends, plus HSTS.
 * A header this function does not know fails synth, so a new local header cannot be silently
 * missing on AWS.
 */
export function securityHeadersBehaviour(
  headers: Record<string, string>,
  extraConnectSources: string[],
): Pick<cloudfront.ResponseHeadersPolicyProps, 'securityHeadersBehavior' | 'customHeadersBehavior'> {
  const security: Mutable<cloudfront.ResponseSecurityHeadersBehavior> = {
    strictTransportSecurity: { accessControlMaxAge: HSTS_MAX_AGE, includeSubdomains: true, override: true },
  };
  const custom: cloudfront.ResponseCustomHeader[] = [];
  for (const [name, value] of Object.entries(headers)) {
    switch (name.toLowerCase()) {
      case 'content-security-policy':
        security.contentSecurityPolicy = { contentSecurityPolicy: withConnectSources(value, extraConnectSources), override: true };
        break;
      case 'x-content-type-options':
        if (value !== 'nosniff') throw new Error(`x-content-type-options: only nosniff exists, got "${value}"`);
        security.contentTypeOptions = { override: true };
        break;
      case 'x-frame-options':
        security.frameOptions = { frameOption: enumValue(cloudfront.HeadersFrameOption, value.toUpperCase(), name), override: true };
        break;
      case 'referrer-policy':
        security.referrerPolicy = { referrerPolicy: enumValue(cloudfront.HeadersReferrerPolicy, value, name), override: true };
        break;
      case 'permissions-policy':
        // Not one of CloudFront's typed security headers: a custom header.
        custom.push({ header: 'Permissions-Policy', value, override: true });
        break;
      default:
        throw new Error(`Security header "${name}" of web/security-headers.ts has no CloudFront mapping in ${import.meta.url}`);
    }
  }
  return { securityHeadersBehavior: security, ...(custom.length ? { customHeadersBehavior: { customHeaders: custom } } : {}) };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function withConnectSources(csp: string, sources: string[]): string {
  if (!sources.length) return csp;
  const directives = csp
    .split(';')
    .map((d) => d.trim())
    .filter(Boolean);
  const i = directives.findIndex((d) => d.split(/\s+/)[0] === 'connect-src');
  if (i < 0) directives.push(`connect-src 'self' ${sources.join(' ')}`);
  else directives[i] = `${directives[i]} ${sources.join(' ')}`;
  return directives.join('; ');
}

function enumValue<T extends Record<string, string>>(values: T, value: string, header: string): T[keyof T] {
  const found = Object.values(values).find((v) => v === value);
  if (!found) throw new Error(`${header}: "${value}" is not a value CloudFront can send`);
  return found as T[keyof T];
}
