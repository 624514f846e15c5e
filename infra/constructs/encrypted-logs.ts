/**
 * Log groups of one stack, encrypted with one customer-managed key. Function logs, workflow
 * history and API access logs carry complaint references and caller IPs, so they get the same
 * protection as the table: a key the bank controls, rotated yearly, and a fixed retention.
 */
import { ArnFormat, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { logsServicePrincipal } from '../platform.ts';

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
    // regional service principal in, as the partition names it (infra/platform.ts
    // logsServicePrincipal: logs.cn-north-1.amazonaws.com.cn in aws-cn); the encryption-context
    // condition limits it to log groups of this account and region.
    if (Token.isUnresolved(stack.region)) throw new Error(`${this.node.path}: encrypted log groups need an explicit region on the stack`);
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(logsServicePrincipal(stack.region))],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
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
