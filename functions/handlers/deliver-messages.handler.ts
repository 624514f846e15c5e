import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { OutboundMessage } from '../domain/model.ts';
import { deps } from '../wiring/container.ts';
import { outboundMailer } from '../wiring/email.ts';
import { logger } from '../shared/logger.ts';
import { handleStreamBatch, streamSchemas } from '../shared/stream-records.ts';
import { deliverMessage } from '../use-cases/messages/deliver-messages.ts';

/** Complaints whose messages are delivered at once within a batch (each complaint's own in order). */
const PARALLEL_COMPLAINTS = 8;

/**
 * Stream reader of its own (INSERT of MSG# items; ADR 0009: the customer's acknowledgement waits
 * for no other consumer). Every record is validated first (shared/stream-records.ts: a malformed
 * one is a batch item failure). A batch's messages go out complaint by complaint in order, up to
 * PARALLEL_COMPLAINTS complaints at a time: one slow send does not hold up a surge's
 * acknowledgements behind it. Partial batch failures: only failed records are retried (Lambda
 * restarts at the first; delivery is idempotent, so those after it are not sent twice).
 */
export const handler = middy<DynamoDBStreamEvent>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event, context) => {
    const d = deps();
    const { MessageRecord } = await streamSchemas();
    return handleStreamBatch(
      event,
      MessageRecord,
      async ({ valid }) => {
        const mailer = await outboundMailer();
        const failed = new Set<string>();
        const byComplaint = new Map<string, { seq: string; m: OutboundMessage }[]>();
        for (const { sequenceNumber, parsed } of valid) {
          const m = parsed.dynamodb.NewImage as OutboundMessage;
          const list = byComplaint.get(m.reference) ?? [];
          list.push({ seq: sequenceNumber, m });
          byComplaint.set(m.reference, list);
        }
        const queue = [...byComplaint.values()];
        const worker = async () => {
          for (let list = queue.shift(); list; list = queue.shift()) {
            for (const { seq, m } of list) {
              try {
                const outcome = await deliverMessage(m, { repo: d.repo, mailer, sender: d.mail.sender, now: () => d.clock.now(), drills: d.drills });
                logger.info('Message delivery', { reference: m.reference, kind: m.kind, outcome });
              } catch (e) {
                logger.warn('Message delivery failed', { reference: m.reference, kind: m.kind, errorName: (e as Error).name });
                failed.add(seq);
              }
            }
          }
        };
        await Promise.all(Array.from({ length: Math.min(PARALLEL_COMPLAINTS, queue.length) }, worker));
        return failed;
      },
      context,
    );
  });
