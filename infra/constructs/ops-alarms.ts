/**
 * Where the region's alarms go: one SNS topic, encrypted with its own key and reachable over
 * TLS only, with the region's ops mailboxes (deploy settings `alarmEmails`) subscribed. Each mailbox
 * must confirm the subscription once after the first deploy.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { RegionConfig } from '../../functions/domain/regions.ts';

export class OpsAlarms extends Construct {
  readonly topic: sns.Topic;
  private readonly action: cloudwatch.IAlarmAction;

  constructor(scope: Construct, id: string, props: { region: RegionConfig; emails: readonly string[] }) {
    super(scope, id);
    const stack = Stack.of(this);
    // Only alarms of this account and region may use the topic and its key (confused deputy):
    // CloudWatch sends the alarm's ARN and account with each publish and each key use.
    const fromOurAlarms = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
    };
    const cloudwatchService = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    const key = new kms.Key(this, 'Key', { description: `Ops alarm topic (${props.region.name})`, enableKeyRotation: true });
    // CloudWatch publishes alarm notifications into the encrypted topic with this key.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [cloudwatchService],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: fromOurAlarms,
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: `Complaints ${props.region.name} alarms`,
      masterKey: key,
      // enforceSSL writes a topic policy, which replaces SNS's default one: without the statement
      // below nothing would let CloudWatch publish, and every alarm notification would be dropped.
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [cloudwatchService],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromOurAlarms,
      }),
    );
    for (const email of props.emails) this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    this.action = new cwActions.SnsAction(this.topic);
  }

  /** Notifies the ops mailbox when the alarm fires and when it clears. */
  notify(alarm: cloudwatch.Alarm): void {
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
  }
}
