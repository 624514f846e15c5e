/**
 * Table-stream readers (STREAM_CONSUMERS, at most two: ADR 0009): one Lambda event source mapping
 * each, with the reader's filters applied by Lambda (only matching records are read into a batch), partial
 * batch responses, bisection of failing batches, bounded retries and age, and an on-failure
 * destination: an encrypted SQS queue that keeps the metadata of records given up on (shard and
 * sequence numbers, to re-read them from the stream within its 24 h: `npm run replay`) and alarms
 * as soon as it holds one, and again when its oldest has waited half of those 24 h.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TABLE } from '../../functions/adapters/table-schema.ts';
import { MAX_STREAM_READERS, type StreamConsumer, type StreamFilter } from '../../functions/functions.ts';
import { acknowledge } from '../nag.ts';
import type { OpsAlarms } from './ops-alarms.ts';

/** A failure queue's oldest message this old (hours) alarms: half of the 24 h the stream keeps its records. */
export const FAILURE_AGE_ALARM_HOURS = 12;

/** The settings every consumer gets. */
export const STREAM_SETTINGS = {
  startingPosition: lambda.StartingPosition.TRIM_HORIZON,
  batchSize: 25,
  bisectBatchOnError: true,
  reportBatchItemFailures: true,
  retryAttempts: 10,
  maxRecordAge: Duration.days(1),
} as const;

export interface StreamConsumersProps {
  table: dynamodb.ITableV2;
  consumers: readonly StreamConsumer[];
  functions: Record<StreamConsumer['fn'], lambda.Function & { executionRole: iam.Role }>;
  alarms: OpsAlarms;
}

/** The Lambda filter of one of a reader's filters: its event names, and its key prefixes on the record's keys. */
export function streamFilter(f: StreamFilter): Record<string, unknown> {
  const keys: Record<string, unknown> = {};
  if (f.sortKeyPrefix) keys[TABLE.sortKey] = { S: lambda.FilterRule.beginsWith(f.sortKeyPrefix) };
  if (f.partitionKeyPrefix) keys[TABLE.partitionKey] = { S: lambda.FilterRule.beginsWith(f.partitionKeyPrefix) };
  return lambda.FilterCriteria.filter({ eventName: lambda.FilterRule.or(...f.eventNames), dynamodb: { Keys: keys } });
}

/** A filter as the alarm and the docs name it: `INSERT/MODIFY of META*`. */
export const describeFilter = (f: StreamFilter) =>
  `${f.eventNames.join('/')} of ${f.partitionKeyPrefix ?? ''}${f.partitionKeyPrefix && f.sortKeyPrefix ? '/' : ''}${f.sortKeyPrefix}*`;

export class StreamConsumers extends Construct {
  readonly failureQueues: Record<string, sqs.Queue> = {};

  constructor(scope: Construct, id: string, props: StreamConsumersProps) {
    super(scope, id);
    if (!props.consumers.length) return;
    // AWS throttles more than two readers of a shard (ADR 0009).
    if (props.consumers.length > MAX_STREAM_READERS)
      throw new Error(`${props.consumers.length} readers of the table stream: at most ${MAX_STREAM_READERS} (docs/adr/0009-two-stream-readers.md)`);

    const key = new kms.Key(this, 'Key', { description: 'Stream consumer failure queues', enableKeyRotation: true });

    for (const consumer of props.consumers) {
      const fn = props.functions[consumer.fn];
      const queue = new sqs.Queue(this, `${consumer.fn}Failures`, {
        encryption: sqs.QueueEncryption.KMS,
        encryptionMasterKey: key,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      acknowledge(
        queue,
        'AwsSolutions-SQS3',
        'This queue is itself the on-failure destination of a stream event source mapping: it holds pointers to records that could not be processed, read by an operator after the alarm; a queue behind it would have no consumer.',
      );

      fn.addEventSource(
        new DynamoEventSource(props.table, {
          ...STREAM_SETTINGS,
          ...(consumer.batch ? { batchSize: consumer.batch.size, maxBatchingWindow: Duration.seconds(consumer.batch.windowSeconds) } : {}),
          filters: consumer.filters.map(streamFilter),
          onFailure: new EncryptedQueueDestination(queue, key),
        }),
      );
      // The event source grants the stream reads (DescribeStream, GetRecords, GetShardIterator,
      // ListStreams) on the table's stream ARN only.

      const alarm = new cloudwatch.Alarm(this, `${consumer.fn}FailuresAlarm`, {
        alarmDescription: `${consumer.fn} gave up on table-stream records (${consumer.filters.map(describeFilter).join(', ')}): fix the cause, then npm run replay -- --queue <this queue> (infra/README.md, failure queues)`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      props.alarms.notify(alarm);
      // The queue holds pointers: the records themselves stay on the stream for 24 hours only.
      const age = new cloudwatch.Alarm(this, `${consumer.fn}FailuresAgeAlarm`, {
        alarmDescription: `Records ${consumer.fn} gave up on have waited ${FAILURE_AGE_ALARM_HOURS} h of the stream's 24 h: replay them now (npm run replay -- --queue <this queue>); after 24 h the stream no longer has them - restore from PITR (infra/README.md)`,
        metric: queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }),
        threshold: FAILURE_AGE_ALARM_HOURS * 3600,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      props.alarms.notify(age);
      this.failureQueues[consumer.fn] = queue;
    }
  }
}

/**
 * On-failure destination on an SSE-KMS queue. Lambda sends with the function's role, which gets
 * exactly SendMessage on the queue and a data key of the queue's key (instead of CDK's SqsDlq
 * grant, whose KMS part is the whole encrypt-decrypt family with wildcards).
 */
class EncryptedQueueDestination implements lambda.IEventSourceDlq {
  constructor(
    private readonly queue: sqs.IQueue,
    private readonly key: kms.IKey,
  ) {}

  bind(_target: lambda.IEventSourceMapping, targetHandler: lambda.IFunction): lambda.DlqDestinationConfig {
    targetHandler.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queue.queueArn] }));
    targetHandler.addToRolePolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [this.key.keyArn] }));
    return { destination: this.queue.queueArn };
  }
}
