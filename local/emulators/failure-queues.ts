/**
 * The stream consumers' failure queues (on AWS: the on-failure destinations of the event source
 * mappings, infra/constructs/stream-consumers.ts): a real SQS API (fauxqs, persisted in the data
 * directory) with one queue per consumer, `<Function>-failures`. When the local event source
 * mapping gives up on a record it sends what Lambda sends on AWS - the invocation's context and
 * the batch's shard and sequence numbers, never the record itself - so that `npm run replay`
 * reads the local queues exactly as it reads AWS's, by configuration only (AWS_ENDPOINT_URL_SQS).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { CreateQueueCommand, GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';

export interface StreamBatchFailure {
  /** The consumer's function ARN (Lambda's requestContext.functionArn). */
  functionArn: string;
  streamArn: string;
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
  batchSize: number;
  attempts: number;
  arrivedAt: string;
}

/** Lambda's on-failure record for a stream batch (the shape AWS puts on the destination queue). */
export function onFailureMessage(f: StreamBatchFailure, now: Date): Record<string, unknown> {
  return {
    requestContext: { requestId: randomUUID(), functionArn: f.functionArn, condition: 'RetryAttemptsExhausted', approximateInvokeCount: f.attempts },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    version: '1.0',
    timestamp: now.toISOString(),
    DDBStreamBatchInfo: {
      shardId: f.shardId,
      startSequenceNumber: f.startSequenceNumber,
      endSequenceNumber: f.endSequenceNumber,
      approximateArrivalOfFirstRecord: f.arrivedAt,
      approximateArrivalOfLastRecord: f.arrivedAt,
      batchSize: f.batchSize,
      streamArn: f.streamArn,
    },
  };
}

export const failureQueueName = (fn: string) => `${fn}-failures`;

export interface FailureQueues {
  endpoint: string;
  send(fn: string, failure: StreamBatchFailure): Promise<void>;
  stop(): Promise<void>;
}

export async function startFailureQueues(o: { dataDir: string; region: string; consumers: string[]; now: () => Date }): Promise<FailureQueues> {
  mkdirSync(o.dataDir, { recursive: true });
  const server = await startFauxqs({ port: 0, logger: false, host: '127.0.0.1', defaultRegion: o.region, dataDir: o.dataDir });
  const sqs = new SQSClient({ endpoint: server.address, region: o.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  for (const fn of o.consumers)
    await sqs.send(new CreateQueueCommand({ QueueName: failureQueueName(fn), Attributes: { MessageRetentionPeriod: String(14 * 86_400) } }));
  return {
    endpoint: server.address,
    async send(fn, failure) {
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: failureQueueName(fn) }));
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(onFailureMessage(failure, o.now())) }));
    },
    async stop() {
      sqs.destroy();
      await server.stop();
    },
  };
}
