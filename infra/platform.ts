/**
 * What the AWS platform of a region offers the product, decided once per region in infra (the
 * functions never see it), from the region's partition and AWS region and the bank's deploy
 * settings (infra/settings/schema.ts): how staff sign in, whether the pages are served by
 * CloudFront behind AWS WAF, whether SES sends and receives mail, X-Ray, tags, service
 * principals and custom domains. Every China rule below names its source; a setting the
 * platform cannot honour fails synth with a message naming the settings field.
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
 *   (settings `pages.externalBaseUrl`).
 * - SES email receiving: the registry lists AWS::SES::ReceiptRule in almost every commercial
 *   region (eu-west-2 included), so it does not tell where SES actually accepts mail. The AWS
 *   General Reference table "Email receiving endpoints" (Amazon SES endpoints and quotas) lists
 *   us-east-1, us-west-2 and eu-west-1 and names Europe (London) among the regions without
 *   receiving: SES_RECEIVING_REGIONS. Elsewhere the complaints mailbox is polled over IMAP
 *   (settings `mail.inbound.kind` 'imap').
 */
import { RegionInfo } from 'aws-cdk-lib/region-info';
import type { Construct } from 'constructs';
import type { RegionConfig } from '../functions/domain/regions.ts';
import { exampleValues } from './settings/load.ts';
import type { RegionSettings, StaffIdentitySettings } from './settings/schema.ts';

/** Regions where SES receives mail (inbound-smtp.<region>.amazonaws.com exists). */
export const SES_RECEIVING_REGIONS: ReadonlySet<string> = new Set(['us-east-1', 'us-west-2', 'eu-west-1']);

/** CloudFront-scope AWS WAF web ACLs (and CloudFront certificates) live in this region only. */
export const CLOUDFRONT_REGION = 'us-east-1';

/**
 * The China rules, each with its source (Getting Started with Amazon Web Services in China,
 * docs.amazonaws.cn/en_us/aws/latest/userguide/, one page per service). Exported for the tests.
 */
export const CHINA_RULES = {
  /**
   * lambda.html, "Feature Availability and Implementation Differences": "Amazon X-Ray
   * integration with Lambda functions is not available in the China Regions." Off for every
   * function and both state machines there (their traces would have nowhere to go), and so no
   * xray:* grant on any role.
   */
  noXRay: 'X-Ray integration with Lambda is not available in the China Regions (docs.amazonaws.cn/en_us/aws/latest/userguide/lambda.html)',
  /**
   * lambda.html, same list: "Event source mapping (ESM) tags are not available in the China
   * Regions." The app-wide tags (infra/complaint-app.ts) skip AWS::Lambda::EventSourceMapping there.
   */
  noEventSourceMappingTags: 'Event source mapping tags are not available in the China Regions (docs.amazonaws.cn/en_us/aws/latest/userguide/lambda.html)',
  /**
   * api-gateway.html: "API Gateway processes unauthenticated API requests only if the API owner's
   * account is associated with a valid ICP license", "All custom domain names require an ICP
   * license", "Edge-optimized APIs and edge-optimized custom domain names are not supported".
   * So the public routes are served on a regional custom domain (the ICP-recorded domain of the
   * settings), whose certificate is an ACM certificate in the API's own region (regional custom
   * domains take ACM only: apigateway developer guide, "Set up a Regional custom domain name";
   * ACM is offered in Beijing and Ningxia with no differences, acm.html, and takes imported
   * certificates). IAM server certificates are for CloudFront, which this infra does not use in aws-cn.
   */
  icpCustomDomain:
    'Unauthenticated API Gateway requests and every custom domain need an ICP recordal in the China Regions; edge-optimized domains are not offered (docs.amazonaws.cn/en_us/aws/latest/userguide/api-gateway.html)',
  /**
   * CloudWatch Logs uses a log group's KMS key as the regional service principal of the
   * partition, with its DNS suffix: logs.cn-north-1.amazonaws.com.cn in aws-cn (the form the
   * China edition of the CloudWatch Logs guide, docs.amazonaws.cn/en_us/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html,
   * gives, and what Terraform's aws_service_principal data source computes for cn-north-1).
   * CDK's region-info has no such fact: its domainSuffix is amazonaws.com.cn, and its
   * (deprecated) servicePrincipal('logs.amazonaws.com') answers the regionless logs.amazonaws.com.
   */
  logsPrincipal: 'CloudWatch Logs signs as logs.<region>.amazonaws.com.cn in aws-cn',
} as const;

/**
 * The service principal CloudWatch Logs uses a log group's KMS key as, in `awsRegion`
 * (CHINA_RULES.logsPrincipal): logs.<region>.amazonaws.com, or with the partition's DNS suffix in aws-cn.
 */
export function logsServicePrincipal(awsRegion: string): string {
  return RegionInfo.get(awsRegion).partition === 'aws-cn' ? `logs.${awsRegion}.amazonaws.com.cn` : `logs.${awsRegion}.amazonaws.com`;
}

export type StaffIdentity =
  /** A Cognito user pool in the region (hosted UI under `domainPrefix`). */
  | { kind: 'cognito'; domainPrefix: string }
  /** The bank's OpenID Connect provider: ID tokens of `issuer` for `audience` (the console's client id). */
  | { kind: 'oidc'; issuer: string; audience: string; placeholder: boolean };

/** The bank's SMTP relay where SES does not send (China): host, port (587 STARTTLS, 465 implicit TLS), its credentials' secret. */
export interface SmtpRelay {
  host: string;
  port: number;
  tls?: 'starttls' | 'implicit';
  secretArn?: string;
}

/** A custom domain and its certificate (ACM ARN; CloudFront's must be in us-east-1). */
export interface CustomDomain {
  domainName: string;
  certificateArn: string;
}

export interface RegionPlatform {
  identity: StaffIdentity;
  /** The settings' staff identity as given (claims, group mapping): for the staff-identity construct and the console. */
  staffIdentity: StaffIdentitySettings;
  /** X-Ray active tracing of the functions and state machines (off in China: CHINA_RULES.noXRay). */
  tracing: boolean;
  /** Tags on Lambda event source mappings (off in China: CHINA_RULES.noEventSourceMappingTags). */
  eventSourceMappingTags: boolean;
  /** The service principal CloudWatch Logs uses a log group's KMS key as (CHINA_RULES.logsPrincipal). */
  logsServicePrincipal: string;
  /** Subscribed to the region's alarm topic. */
  alarmEmails: string[];
  /** An existing KMS break-glass role; unset: the stateful stack creates one. */
  kmsBreakGlassRoleArn?: string;
  /** The installation's mail: what infra/stacks/api-stack.ts gives the functions as MAIL_* variables. */
  mail: { transport: 'ses' | 'smtp-relay'; sender: string; domain: string; ownDomains: string[] };
  pages: {
    /** CloudFront in front of the pages bucket and the API (`/api/*`). */
    cloudFront: boolean;
    /** AWS WAF web ACL on the distribution (CloudFront scope, created in us-east-1; its logs in the region: infra/stacks/waf-logs-stack.ts). */
    waf: boolean;
    /** Custom domain of the distribution, with its ACM certificate (in us-east-1): TLS 1.2 (TLSv1.2_2021) for viewers. */
    customDomain?: CustomDomain;
    /**
     * Where the pages are served when CloudFront is off (e.g. the bank's ICP-registered site in
     * China): PUBLIC_BASE_URL and the attachments bucket's CORS origin. Unset: neither is set.
     */
    externalBaseUrl?: string;
    /** China: the ICP filing number the pages show in their footer (config.json `icpFilingNumber`). */
    icpFilingNumber?: string;
  };
  /** Where CloudFront is off: the API's public routes on a regional custom domain (China: the ICP-recorded domain). */
  apiCustomDomain?: CustomDomain;
  email: {
    /** SES in the region: the domain identity, and ses:SendEmail for the functions with sendEmail access. */
    sending: boolean;
    /** SES receives the complaints mailbox in the region (receipt rule -> mail bucket -> EmailIntake). */
    receiving: boolean;
    /** Make the receipt rule set the account's active one (settings `mail.inbound.activateRuleSet`; default off). */
    activateReceiptRuleSet: boolean;
    /** Where mail goes out through the bank's relay (settings `mail.outbound` 'smtp-relay'). */
    smtpRelay?: SmtpRelay;
    /** Where the complaints mailbox is polled over IMAP (settings `mail.inbound` 'imap'; ADR 0006): MailboxPoller on a schedule. */
    imap?: Extract<RegionSettings['mail']['inbound'], { kind: 'imap' }>;
  };
}

/** Thrown for a setting this region's platform cannot honour: names the settings field. */
function refuse(region: RegionConfig, field: string, why: string): never {
  throw new Error(`Deploy settings regions.${region.name}.${field}: ${why}`);
}

/**
 * The platform of a region: what its partition and region offer, and what the bank's settings
 * for it ask for.
 */
export function regionPlatform(_scope: Construct, region: RegionConfig, account: string, settings: RegionSettings): RegionPlatform {
  const china = region.aws.partition === 'aws-cn';
  const awsRegion = region.aws.region;

  // Staff identity: Cognito user pools everywhere but China (see above).
  const s = settings.staffIdentity;
  let identity: StaffIdentity;
  if (s.kind === 'cognito') {
    if (china) refuse(region, 'staffIdentity.kind', `Cognito user pools are not available in ${awsRegion}: use 'oidc' with the bank's OpenID Connect provider`);
    // Hosted-UI prefixes are global per region: the account keeps them unique, and they may not
    // contain "aws", "amazon" or "cognito".
    identity = { kind: 'cognito', domainPrefix: s.domainPrefix ?? `complaints-${region.name}-${account}` };
  } else {
    identity = { kind: 'oidc', issuer: s.issuer, audience: s.audience, placeholder: exampleValues(s).length > 0 };
  }

  // Pages: CloudFront with Origin Access Control, not in aws-cn (see above).
  const cloudFront = !china;
  const domain = settings.pages.customDomain;
  let customDomain: CustomDomain | undefined;
  let apiCustomDomain: CustomDomain | undefined;
  if (domain) {
    if (!('acmArn' in domain.certificate)) {
      // CloudFront could take an IAM server certificate, but this infra uses CloudFront only
      // outside aws-cn, where ACM in us-east-1 is offered; a regional API domain takes ACM only.
      refuse(
        region,
        'pages.customDomain.certificate',
        `use an ACM certificate (acmArn): ${cloudFront ? `CloudFront's in ${CLOUDFRONT_REGION}` : `imported into ACM in ${awsRegion} for the API's regional custom domain`}`,
      );
    }
    const arn = domain.certificate.acmArn;
    const certRegion = arn.split(':')[3];
    const wanted = cloudFront ? CLOUDFRONT_REGION : awsRegion;
    if (certRegion !== wanted) refuse(region, 'pages.customDomain.certificate.acmArn', `the certificate must be in ${wanted}, got ${certRegion}`);
    if (cloudFront) customDomain = { domainName: domain.domainName, certificateArn: arn };
    else apiCustomDomain = { domainName: domain.domainName, certificateArn: arn };
  }
  if (china && !settings.pages.icpFilingNumber) refuse(region, 'pages.icpFilingNumber', 'public websites in China must show their ICP filing number');

  // Mail out.
  const outbound = settings.mail.outbound;
  if (china && outbound.transport === 'ses') refuse(region, 'mail.outbound.transport', `SES is not offered in ${awsRegion}: use 'smtp-relay'`);
  const smtpRelay: SmtpRelay | undefined =
    outbound.transport === 'smtp-relay'
      ? { host: outbound.host, port: outbound.port, tls: outbound.tls, ...(outbound.secretArn ? { secretArn: outbound.secretArn } : {}) }
      : undefined;

  // Mail in.
  const inbound = settings.mail.inbound;
  if (inbound.kind === 'ses' && (china || !SES_RECEIVING_REGIONS.has(awsRegion))) {
    refuse(
      region,
      'mail.inbound.kind',
      `SES does not receive email in ${awsRegion} (receiving regions: ${[...SES_RECEIVING_REGIONS].join(', ')}): use 'imap' with the bank's mailbox`,
    );
  }

  return {
    identity,
    staffIdentity: s,
    tracing: !china,
    eventSourceMappingTags: !china,
    logsServicePrincipal: logsServicePrincipal(awsRegion),
    alarmEmails: [...settings.alarmEmails],
    kmsBreakGlassRoleArn: settings.kmsBreakGlassRoleArn,
    mail: { transport: outbound.transport, sender: settings.mail.sender, domain: settings.mail.domain, ownDomains: [...settings.mail.ownDomains] },
    pages: {
      cloudFront,
      // With CloudFront, always behind AWS WAF (CloudFront scope, us-east-1).
      waf: cloudFront,
      customDomain,
      externalBaseUrl: settings.pages.externalBaseUrl,
      icpFilingNumber: settings.pages.icpFilingNumber,
    },
    apiCustomDomain,
    email: {
      sending: outbound.transport === 'ses',
      receiving: inbound.kind === 'ses',
      activateReceiptRuleSet: inbound.kind === 'ses' && inbound.activateRuleSet,
      smtpRelay,
      imap: inbound.kind === 'imap' ? inbound : undefined,
    },
  };
}
