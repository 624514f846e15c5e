/**
 * Inbound complaint mail where SES cannot receive (issue 18, docs/adr/0006-imap-inbound-mail.md):
 * the MailboxPoller function polls the bank's complaints mailbox over IMAPS on a schedule
 * (`mail.inbound` of the deploy settings, kind 'imap'). Here: its mailbox settings and read
 * access to the mailbox's credentials secret only (`bindMailbox`, from FUNCTIONS' access
 * `mailbox: 'poll'`), the EventBridge schedule, and the alarm on failed polls and intakes.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { RegionConfig } from '../../functions/domain/regions.ts';
import type { DeploySettings } from '../settings/schema.ts';
import { appMetric } from './observability.ts';
import type { OpsAlarms } from './ops-alarms.ts';
import type { ProductFunction } from './product-function.ts';

export type ImapInbound = Extract<DeploySettings['regions']['cn']['mail']['inbound'], { kind: 'imap' }>;

/** The mailbox's settings and its secret, on the function that polls it. TLS is always on: implicit on 993, STARTTLS required elsewhere. */
export function bindMailbox(fn: ProductFunction, imap: ImapInbound): void {
  fn.addEnvironment('IMAP_HOST', imap.host);
  fn.addEnvironment('IMAP_PORT', String(imap.port));
  fn.addEnvironment('IMAP_TLS', imap.port === 993 ? 'implicit' : 'starttls');
  fn.addEnvironment('IMAP_SECRET_ARN', imap.secretArn);
  fn.addEnvironment('IMAP_MAILBOX', imap.mailbox);
  fn.addEnvironment('IMAP_PROCESSED_FOLDER', imap.processedFolder);
  fn.addEnvironment('IMAP_FAILED_FOLDER', imap.failedFolder);
  // The secret's own key policy lets Secrets Manager decrypt for readers of the secret (kms:ViaService).
  fn.executionRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [imap.secretArn] }));
}

export interface MailboxPollerProps {
  region: RegionConfig;
  imap: ImapInbound;
  poller: lambda.IFunction;
  alarms: OpsAlarms;
}

export class MailboxPoller extends Construct {
  readonly schedule: events.Rule;
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: MailboxPollerProps) {
    super(scope, id);
    const { imap, region } = props;
    this.schedule = new events.Rule(this, 'Schedule', {
      description: `Poll the complaints mailbox ${imap.mailbox} on ${imap.host} over IMAP`,
      schedule: events.Schedule.rate(Duration.minutes(imap.everyMinutes)),
      // A missed run is made up by the next one (the mailbox is the queue).
      targets: [new targets.LambdaFunction(props.poller, { retryAttempts: 2, maxEventAge: Duration.minutes(Math.max(2, imap.everyMinutes)) })],
    });
    // Failed intakes (left in the mailbox, or moved to the failure folder) and polls that could not
    // reach or log in to the mailbox: any one in 15 minutes tells ops.
    this.alarm = new cloudwatch.Alarm(this, 'FailuresAlarm', {
      alarmName: `complaints-${region.name}-mailbox-poll-failures`,
      alarmDescription:
        `Polling the complaints mailbox (${imap.host}, ${imap.mailbox}) failed, or a message could not be taken in, at least once in 15 minutes. ` +
        `First action: the MailboxPoller log group (errorName of each failure). A message given up on is in the folder ${imap.failedFolder}: ` +
        `move it back to ${imap.mailbox} once the cause is fixed. A login failure: the credentials secret (infra/README.md).`,
      metric: appMetric('MailboxPollFailures', Duration.minutes(15)),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    props.alarms.notify(this.alarm);
  }
}
