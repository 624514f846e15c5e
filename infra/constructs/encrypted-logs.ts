/**
 * Log groups of one stack, encrypted with one customer-managed key. Function logs, workflow
 * history and API access logs carry complaint references and caller IPs, so they get the same
 * protection as the table: a key the bank controls, rotated yearly, and a fixed retention.
 */
import { ArnFormat, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';

export interface EncryptedLogsProps {
  retention: logs.RetentionDays;
}

export class EncryptedLogs extends Construct {
  readonly key: kms.Key;
  private readonly retention: logs.RetentionDays;

  constructor(scope: Construct, id: string, props: EncryptedLogsProps) {
    super(scope, id);
    this.retention = props.retention;
    const stack = Stack.of(this);

    this.key = new kms.Key(this, 'Key', {
      description: `CloudWatch Logs of ${stack.stackName}`,
      enableKeyRotation: true,
      // Logs encrypted with a deleted key are unreadable: the key outlives the stack, like the logs.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // CloudWatch Logs encrypts with the key itself, so the key policy (not IAM) must let the
    // regional service principal in; the encryption-context condition limits it to log groups
    // of this account and region. Outside China the principal is logs.<region>.amazonaws.com
    // (as CDK writes it). For aws-cn, AWS material shows both that form and one with the
    // partition's suffix (logs.cn-north-1.amazonaws.com.cn); unverified offline, so both are
    // listed there - an unused service principal grants nothing.
    const suffixes = new Set(['amazonaws.com']);
    const domainSuffix = Token.isUnresolved(stack.region) ? undefined : RegionInfo.get(stack.region).domainSuffix;
    if (domainSuffix) suffixes.add(domainSuffix);
    this.key.addToResourcePolicy(new iam.PolicyStatement({
      principals: [...suffixes].map((suffix) => new iam.ServicePrincipal(`logs.${stack.region}.${suffix}`)),
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
            service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      },
    }));
  }

  /** A new log group in `scope`, encrypted with this key. Retained on delete: logs are audit evidence. */
  logGroup(scope: Construct, id: string): logs.LogGroup {
    const group = new logs.LogGroup(scope, id, {
      encryptionKey: this.key,
      retention: this.retention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    return group;
  }
}
