/**
 * What the AWS platform of a region offers the product, decided once per region in infra (the
 * functions never see it): how staff sign in, whether the pages are served by CloudFront behind
 * AWS WAF, and whether SES sends and receives mail there. The defaults follow the partition and
 * region; facts that cannot be known offline come from CDK context
 * (`cdk synth -c complaints:cn:oidcIssuer=https://...`), read in one place: here.
 *
 * Evidence, checked when this was written. CDK's region facts (aws-cdk-lib/region-info) say
 * nothing about Cognito, CloudFront or SES; the CloudFormation resource registry bundled with
 * aws-cdk-lib (the schemas of @aws/cloudformation-validate, run by every synth) does, per region:
 * - cn-north-1 has no AWS::Cognito::UserPool* types ("Amazon Cognito User Pools are not
 *   currently available in the Beijing Region", Getting Started with Amazon Web Services in
 *   China, docs.amazonaws.cn). China signs staff in with the bank's own OpenID Connect
 *   provider; the HTTP API's JWT authorizer checks its tokens exactly as it checks Cognito's.
 * - cn-north-1 has no AWS::SES::* types at all: no sending identity, no receipt rules.
 * - cn-north-1 has CloudFront but not AWS::CloudFront::OriginAccessControl, and CloudFront in
 *   aws-cn serves only ICP-registered domains (no *.cloudfront.net certificate): CloudFront is
 *   off there; the pages bucket is filled and served by the bank's ICP-registered site
 *   (`complaints:cn:publicBaseUrl`).
 * - SES email receiving: the registry lists AWS::SES::ReceiptRule in almost every commercial
 *   region (eu-west-2 included), so it does not tell where SES actually accepts mail. The AWS
 *   General Reference table "Email receiving endpoints" (Amazon SES endpoints and quotas) lists
 *   us-east-1, us-west-2 and eu-west-1 and names Europe (London) among the regions without
 *   receiving. That list is the default; `complaints:<region>:sesReceiving=true|false` overrides
 *   it once AWS confirms a region.
 */
import { Token } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { RegionConfig } from '../functions/domain/regions.ts';

/** Regions where SES receives mail (inbound-smtp.<region>.amazonaws.com exists). */
export const SES_RECEIVING_REGIONS: ReadonlySet<string> = new Set(['us-east-1', 'us-west-2', 'eu-west-1']);

/** CloudFront-scope AWS WAF web ACLs (and CloudFront certificates) live in this region only. */
export const CLOUDFRONT_REGION = 'us-east-1';

/** Placeholders of the external issuer: synth works, and says they must be replaced before a deploy. */
export const PLACEHOLDER_OIDC = { issuer: 'https://sso.bank.example.cn/oidc', audience: 'complaints-console' } as const;

export type StaffIdentity =
  /** A Cognito user pool in the region (hosted UI under `domainPrefix`). */
  | { kind: 'cognito'; domainPrefix: string }
  /** The bank's OpenID Connect provider: ID tokens of `issuer` for `audience` (the console's client id). */
  | { kind: 'oidc'; issuer: string; audience: string; placeholder: boolean };

/** The bank's SMTP relay where SES does not send (China): host, port (587 STARTTLS, 465 implicit TLS), its credentials' secret. */
export interface SmtpRelay { host: string; port: number; secretArn?: string }

export interface RegionPlatform {
  identity: StaffIdentity;
  pages: {
    /** CloudFront in front of the pages bucket and the API (`/api/*`). */
    cloudFront: boolean;
    /** AWS WAF web ACL on the distribution (CloudFront scope, created in us-east-1). */
    waf: boolean;
    /** Custom domain of the pages, with its ACM certificate (in us-east-1): TLS 1.2+ for viewers. */
    customDomain?: { domainName: string; certificateArn: string };
    /**
     * Where the pages are served when CloudFront is off (e.g. the bank's ICP-registered site in
     * China): PUBLIC_BASE_URL and the attachments bucket's CORS origin. Unset: neither is set.
     */
    externalBaseUrl?: string;
  };
  email: {
    /** SES in the region: the domain identity, and ses:SendEmail for the functions with sendEmail access. */
    sending: boolean;
    /** SES receives the complaints mailbox in the region (receipt rule -> mail bucket -> EmailIntake). */
    receiving: boolean;
    /**
     * Where SES does not send (`mail.transport` 'smtp-relay'): the bank's SMTP relay, from the
     * context keys `smtpRelayHost`, `smtpRelayPort` (587, STARTTLS required; 465: implicit TLS) and
     * `smtpRelaySecretArn` (a Secrets Manager secret {"username","password"}, when the relay asks).
     */
    smtpRelay?: SmtpRelay;
  };
}

/**
 * The platform of a region: defaults from its partition and region, overridden by context
 * keys `complaints:<region>:<option>`.
 */
export function regionPlatform(scope: Construct, region: RegionConfig, account: string): RegionPlatform {
  const ctx = (option: string): string | undefined => {
    const v: unknown = scope.node.tryGetContext(`complaints:${region.name}:${option}`);
    return v === undefined || v === null || v === '' ? undefined : String(v);
  };
  const flag = (option: string, fallback: boolean): boolean => {
    const v = ctx(option);
    if (v === undefined) return fallback;
    if (v !== 'true' && v !== 'false') throw new Error(`Context complaints:${region.name}:${option} must be true or false, got "${v}"`);
    return v === 'true';
  };

  const china = region.aws.partition === 'aws-cn';

  // Cognito user pools: everywhere but China (see above).
  let identity: StaffIdentity;
  if (china) {
    const issuer = ctx('oidcIssuer') ?? PLACEHOLDER_OIDC.issuer;
    const audience = ctx('oidcAudience') ?? PLACEHOLDER_OIDC.audience;
    if (!/^https:\/\/[^\s/]+/.test(issuer)) throw new Error(`Context complaints:${region.name}:oidcIssuer must be an https URL, got "${issuer}"`);
    identity = { kind: 'oidc', issuer, audience, placeholder: issuer === PLACEHOLDER_OIDC.issuer };
  } else {
    // Hosted-UI prefixes are global per region: the account keeps them unique, and they may not
    // contain "aws", "amazon" or "cognito".
    const domainPrefix = ctx('cognitoDomainPrefix') ?? `complaints-${region.name}-${account}`;
    if (!Token.isUnresolved(domainPrefix) && !/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(domainPrefix)) {
      throw new Error(`Cognito domain prefix "${domainPrefix}" must be lower-case letters, digits and hyphens`);
    }
    identity = { kind: 'cognito', domainPrefix };
  }

  const domainName = ctx('pagesDomain');
  const certificateArn = ctx('pagesCertificateArn');
  if (Boolean(domainName) !== Boolean(certificateArn)) {
    throw new Error(`Context complaints:${region.name}:pagesDomain and pagesCertificateArn go together (the certificate must be in ${CLOUDFRONT_REGION})`);
  }
  const cloudFront = flag('cloudFront', !china);
  if (cloudFront && china) {
    // Not a default to override: this infra serves the bucket through Origin Access Control,
    // which aws-cn lacks, and aws-cn needs an ICP-registered domain (see above).
    throw new Error(`CloudFront for the pages is not supported in ${region.aws.region} by this infra (no Origin Access Control in aws-cn, ICP domain required): `
      + `serve the pages bucket from the bank's ICP-registered site and set complaints:${region.name}:publicBaseUrl instead`);
  }
  const externalBaseUrl = ctx('publicBaseUrl');
  if (externalBaseUrl && !/^https:\/\/[^\s/]+$/.test(externalBaseUrl)) {
    throw new Error(`Context complaints:${region.name}:publicBaseUrl must be an https origin without a path, got "${externalBaseUrl}"`);
  }

  if (china && region.mail.transport === 'ses') throw new Error(`Region ${region.name}: SES is not offered in ${region.aws.region}; set mail.transport to 'smtp-relay' (functions/domain/regions.ts)`);
  const relayHost = ctx('smtpRelayHost');
  const relayPort = Number(ctx('smtpRelayPort') ?? 587);
  if (relayHost && !/^[a-z0-9.-]+$/i.test(relayHost)) throw new Error(`Context complaints:${region.name}:smtpRelayHost must be a host name, got "${relayHost}"`);
  if (!Number.isInteger(relayPort) || relayPort <= 0 || relayPort > 65535) throw new Error(`Context complaints:${region.name}:smtpRelayPort must be a port number`);
  const relaySecret = ctx('smtpRelaySecretArn');
  if (relaySecret && !/^arn:aws[a-z-]*:secretsmanager:/.test(relaySecret)) throw new Error(`Context complaints:${region.name}:smtpRelaySecretArn must be a Secrets Manager secret ARN`);
  const smtpRelay = region.mail.transport === 'smtp-relay' && relayHost ? { host: relayHost, port: relayPort, ...(relaySecret ? { secretArn: relaySecret } : {}) } : undefined;

  return {
    identity,
    pages: {
      cloudFront,
      // With CloudFront, always behind AWS WAF (CloudFront scope, us-east-1).
      waf: cloudFront,
      customDomain: domainName && certificateArn ? { domainName, certificateArn } : undefined,
      externalBaseUrl,
    },
    email: {
      sending: region.mail.transport === 'ses',
      smtpRelay,
      receiving: !china && flag('sesReceiving', SES_RECEIVING_REGIONS.has(region.aws.region)),
    },
  };
}
