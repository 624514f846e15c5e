/**
 * Where AWS WAF writes the request log of a region's CloudFront-scope web ACL: an S3 bucket in
 * the region itself, so that UK logs (client IPs, URIs with complaint references) stay in
 * eu-west-2. The web ACL lives in us-east-1 (infra/stacks/edge-stack.ts) and its logging
 * configuration names this bucket; this stack is deployed first.
 *
 * Why S3 (AWS WAF Developer Guide, "Logging destinations"): a CloudWatch Logs log group or an
 * Amazon Data Firehose stream that receives a CloudFront web ACL's logs must be in us-east-1;
 * an S3 bucket must only be in the web ACL's account and named `aws-waf-logs-*` (logging-s3.html,
 * no Region requirement). WAF delivers through CloudWatch Logs' vended-log delivery
 * (`delivery.logs.amazonaws.com`, from us-east-1): what crosses the Region is the delivery, the
 * stored log is in this bucket only. The name is fixed (WAF's prefix); infra/README.md has the
 * recovery step for a failed first deploy.
 */
import { Arn, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { RegionConfig } from '../../functions/domain/regions.ts';
import { acknowledge } from '../nag.ts';
import { CLOUDFRONT_REGION } from '../platform.ts';

/** Days the WAF log is kept (as the log group it replaces). */
export const WAF_LOG_DAYS = 365;

export const wafLogBucketName = (account: string, awsRegion: string): string => `aws-waf-logs-complaints-${account}-${awsRegion}`;

export interface WafLogsStackProps extends StackProps {
  region: RegionConfig;
}

export class WafLogsStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly key: kms.Key;
  /** Formatted from the fixed name: the edge stack (another region) names it without a reference. */
  readonly bucketArn: string;

  constructor(scope: Construct, id: string, props: WafLogsStackProps) {
    super(scope, id, props);
    const name = wafLogBucketName(this.account, this.region);
    // WAF's log delivery runs in us-east-1 (the web ACL's region) for this account only.
    const fromOurDelivery = {
      StringEquals: { 'aws:SourceAccount': this.account },
      ArnLike: { 'aws:SourceArn': Arn.format({ service: 'logs', region: CLOUDFRONT_REGION, resource: '*' }, this) },
    };
    const delivery = new iam.ServicePrincipal('delivery.logs.amazonaws.com');

    this.key = new kms.Key(this, 'Key', {
      description: `AWS WAF logs of the complaint pages (${props.region.name})`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowWafLogDelivery',
        principals: [delivery],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromOurDelivery,
      }),
    );

    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: name,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      lifecycleRules: [
        { expiration: Duration.days(WAF_LOG_DAYS), noncurrentVersionExpiration: Duration.days(1), abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // What WAF itself would write when logging is enabled (vended-log delivery), written here so
    // the first delivery needs no s3:PutBucketPolicy by the deployer, and pinned to this account.
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AWSLogDeliveryWrite',
        principals: [delivery],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`AWSLogs/${this.account}/*`)],
        conditions: { ...fromOurDelivery, StringEquals: { ...fromOurDelivery.StringEquals, 's3:x-amz-acl': 'bucket-owner-full-control' } },
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AWSLogDeliveryAclCheck',
        principals: [delivery],
        actions: ['s3:GetBucketAcl'],
        resources: [this.bucket.bucketArn],
        conditions: fromOurDelivery,
      }),
    );
    this.bucketArn = Arn.format({ service: 's3', region: '', account: '', resource: name }, this);

    acknowledge(
      this.bucket,
      'AwsSolutions-S1',
      "The bucket holds AWS WAF's request log and is written only by the log delivery service (bucket policy); the region's access-log bucket is in the stateful stack, deployed after this one, and the web ACL's log is itself the access record.",
    );
    acknowledge(
      this.bucket,
      'NIST.800.53.R5-S3BucketLoggingEnabled',
      "The bucket holds AWS WAF's request log and is written only by the log delivery service (bucket policy); the region's access-log bucket is in the stateful stack, deployed after this one, and the web ACL's log is itself the access record.",
    );

    new CfnOutput(this, 'WafLogBucket', { value: name, description: 'AWS WAF request logs of the pages (S3, this region)' });
    new CfnOutput(this, 'WafLogKeyArn', { value: this.key.keyArn });
  }
}
