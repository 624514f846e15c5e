/**
 * What a region must never lose, kept apart from the functions so that those can be replaced,
 * or their stack deleted, without touching it:
 * - data, retained on delete with its keys: the complaint table, the attachments, mail and
 *   pages buckets (and their access-log bucket), the staff user pool, the sending identity;
 * - the public names that customers, staff and DNS hold on to: the HTTP API (its id is the
 *   `/api/*` origin and a replaced API would get a new one), the CloudFront distribution (its
 *   domain is in every link the product mails out and is the attachments bucket's only CORS
 *   origin), the hosted-UI domain.
 * The stateless stack adds routes, stage and authorizer to the API and deploys the pages.
 */
import { CfnOutput, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { RegionConfig } from '../../functions/domain/regions.ts';
import { ComplaintTable } from '../constructs/complaint-table.ts';
import { KeyGuard } from '../constructs/key-guard.ts';
import { ORIGIN_VERIFY_HEADER, OriginVerifySecret } from '../constructs/origin-verify.ts';
import { MailDomain, receiptRuleNames } from '../constructs/mail.ts';
import { ObjectStores } from '../constructs/object-stores.ts';
import { PagesDistribution } from '../constructs/pages-distribution.ts';
import { StaffIdentity } from '../constructs/staff-identity.ts';
import type { RegionPlatform } from '../platform.ts';

/** Path of the staff console under the pages' origin (its OAuth redirect and sign-out target). */
/** The staff console page (web/public/console.html): the Cognito client's callback and sign-out URL. */
export const STAFF_CONSOLE_PATH = '/console.html';

export interface StatefulStackProps extends StackProps {
  region: RegionConfig;
  platform: RegionPlatform;
  /** CloudFront-scope web ACL of the pages (from the region's edge stack in us-east-1). */
  webAclArn?: string;
}

export class StatefulStack extends Stack {
  readonly table: dynamodb.TableV2;
  readonly stores: ObjectStores;
  /** The secret CloudFront sends to the API, where CloudFront fronts it. */
  readonly originVerify?: OriginVerifySecret;
  /** The break-glass role of the table and archive keys, and their Deny. */
  readonly keyGuard: KeyGuard;
  /** The API resource only: routes, stage and authorizer belong to the stateless stack. */
  readonly httpApi: apigwv2.HttpApi;
  readonly pages?: PagesDistribution;
  readonly identity: StaffIdentity;
  /** Where SES is offered (infra/platform.ts). */
  readonly mail?: MailDomain;
  /** China: the regional custom domain of the API on the ICP-recorded domain. */
  readonly apiDomain?: apigwv2.DomainName;
  /** Origin of the customer pages (`https://host`), when they are served: PUBLIC_BASE_URL. */
  readonly publicBaseUrl?: string;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { region, platform } = props;
    const staffIdentity = platform.staffIdentity;

    const complaintTable = new ComplaintTable(this, 'ComplaintTable', { region });
    this.table = complaintTable.table;

    this.stores = new ObjectStores(this, 'Objects', { region, cloudFrontLogs: platform.pages.cloudFront });

    // Only the break-glass role may disable or schedule the deletion of the keys of the retained
    // evidence (the table, its backups, the locked archive): infra/README.md "KMS break-glass".
    // An existing role of the bank: settings `kmsBreakGlassRoleArn`.
    this.keyGuard = new KeyGuard(this, 'KeyGuard', { region, existingRoleArn: platform.kmsBreakGlassRoleArn });
    this.keyGuard.guard(complaintTable.key);
    this.keyGuard.guard(this.stores.archive.key);

    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      apiName: `complaints-${region.name}`,
      description: `Complaint API of region ${region.name}`,
      // The stateless stack creates the $default stage (throttled, access-logged).
      createDefaultStage: false,
    });

    if (platform.pages.cloudFront) {
      // The API's public routes answer only requests that came through CloudFront (and its WAF).
      this.originVerify = new OriginVerifySecret(this, 'OriginVerify', { region });
      this.pages = new PagesDistribution(this, 'Pages', {
        apiOriginHeaders: { [ORIGIN_VERIFY_HEADER]: this.originVerify.headerValue() },
        pagesBucket: this.stores.pages.bucket,
        httpApi: this.httpApi,
        // The pages connect to the attachments bucket (presigned uploads) and, for the staff
        // console's sign-in (discovery, PKCE code exchange), to the identity provider.
        uploadOrigins: [...s3Origins(this.stores.attachments.name, this.region), ...StaffIdentity.consoleOrigins(staffIdentity, region, this.account)],
        logBucket: this.stores.logs,
        webAclArn: props.webAclArn,
        customDomain: platform.pages.customDomain,
      });
      this.publicBaseUrl = this.pages.url;
      // S3BucketOrigin gives CloudFront kms:Decrypt on the pages key for any distribution of this
      // account (a key policy naming this one would make key -> distribution -> bucket -> key a cycle).
      Validations.of(this.stores).acknowledge({
        id: 'Annotation::@aws-cdk/aws-cloudfront-origins:wildcardKeyPolicyForOac',
        reason:
          'The pages key protects public pages only; the condition still limits it to CloudFront distributions of this account, and the bucket policy lets only this distribution read the objects.',
      });
    } else {
      // China: the pages bucket is filled, but serving it is the bank's ICP-registered site
      // (settings pages.externalBaseUrl), not CloudFront.
      this.publicBaseUrl = platform.pages.externalBaseUrl;
    }
    if (platform.apiCustomDomain) {
      // China: the public routes on the ICP-recorded domain (infra/platform.ts CHINA_RULES.icpCustomDomain):
      // a regional custom domain, TLS 1.2, with the ACM certificate imported in the region.
      const { domainName, certificateArn } = platform.apiCustomDomain;
      this.apiDomain = new apigwv2.DomainName(this, 'ApiDomain', {
        domainName,
        certificate: acm.Certificate.fromCertificateArn(this, 'ApiCertificate', certificateArn),
        securityPolicy: apigwv2.SecurityPolicy.TLS_1_2,
      });
      // Mapped to the $default stage by the stateless stack, which owns the stage.
      new CfnOutput(this, 'ApiCustomDomainTarget', {
        description: `CNAME ${domainName} to this (the ICP-recorded domain of the public routes)`,
        value: this.apiDomain.regionalDomainName,
      });
    }
    // Browsers upload attachments only from where the pages are served.
    const pageOrigins = [
      ...new Set([this.pages && `https://${this.pages.distribution.distributionDomainName}`, this.publicBaseUrl].filter((o): o is string => Boolean(o))),
    ];
    this.stores.allowUploadsFrom(pageOrigins);

    this.identity = new StaffIdentity(this, 'StaffIdentity', {
      region,
      settings: staffIdentity,
      // Where the pages are not served (no CloudFront, no publicBaseUrl) a Cognito client would
      // get an unusable localhost redirect; today that combination exists only in China, which
      // uses the bank's OIDC provider and no client here.
      consoleUrls: [`${this.publicBaseUrl ?? 'https://localhost'}${STAFF_CONSOLE_PATH}`],
    });

    if (platform.email.sending) this.mail = new MailDomain(this, 'MailDomain', { domain: platform.mail.domain });
    if (platform.email.receiving) {
      const names = receiptRuleNames(region);
      this.stores.allowSesReceipt(names.ruleSetName, names.ruleName);
    }

    // What ops teams look up (infra/README.md "Stack outputs").
    new CfnOutput(this, 'ApiEndpoint', { value: this.httpApi.apiEndpoint });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'TableStreamArn', { value: this.table.tableStreamArn ?? '' });
    new CfnOutput(this, 'TableKeyArn', { value: complaintTable.key.keyArn });
    for (const [label, store] of Object.entries({
      Attachments: this.stores.attachments,
      Mail: this.stores.mail,
      Pages: this.stores.pages,
      Archive: this.stores.archive,
    })) {
      new CfnOutput(this, `${label}Bucket`, { value: store.name });
      new CfnOutput(this, `${label}KeyArn`, { value: store.key.keyArn });
    }
    new CfnOutput(this, 'AccessLogBucket', { value: this.stores.logs.bucketName });
    new CfnOutput(this, 'KmsBreakGlassRoleArn', { value: this.keyGuard.roleArn });
    if (this.identity.userPool) new CfnOutput(this, 'StaffUserPoolId', { value: this.identity.userPool.userPoolId });
    if (this.publicBaseUrl) new CfnOutput(this, 'PublicBaseUrl', { value: this.publicBaseUrl });
    new CfnOutput(this, 'StaffIssuer', { value: this.identity.issuer });
    new CfnOutput(this, 'StaffAudience', { value: this.identity.audience });
    if (this.identity.domain) new CfnOutput(this, 'StaffSignInBaseUrl', { value: this.identity.domain.baseUrl() });
  }
}

/**
 * The HTTPS origins of a bucket the browser may be sent to by a presigned URL: the regional
 * virtual-hosted name (what the SDK signs), and the legacy global one that us-east-1 may use.
 */
function s3Origins(bucketName: string, region: string): string[] {
  const suffix = RegionInfo.get(region).domainSuffix ?? 'amazonaws.com';
  return [...new Set([`https://${bucketName}.s3.${region}.${suffix}`, ...(region === 'us-east-1' ? [`https://${bucketName}.s3.${suffix}`] : [])])];
}
