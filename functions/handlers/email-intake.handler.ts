import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import * as z from 'zod';
import { freshDeps } from '../wiring/container.ts';
import { inboundMailbox, inboundRecords } from '../wiring/inbound-mail.ts';
import { attachments } from '../wiring/object-storage.ts';
import { logger } from '../shared/logger.ts';
import { receiveEmail, type ReceiveResult } from '../use-cases/intake/receive-email.ts';

/** What we read of the SES receipt event (the rest - headers, addresses, subject - is not used nor logged). */
const SesEvent = z.object({
  Records: z
    .array(
      z.looseObject({
        ses: z.looseObject({
          mail: z.looseObject({
            messageId: z.string().regex(/^[A-Za-z0-9._-]{1,200}$/),
            timestamp: z.string().optional(),
            source: z.string().optional(),
          }),
          receipt: z
            .looseObject({
              virusVerdict: z.looseObject({ status: z.string() }).optional(),
              // The sender's authentication (issue 16 finding 2): replies thread only when it holds.
              spfVerdict: z.looseObject({ status: z.string() }).optional(),
              dkimVerdict: z.looseObject({ status: z.string() }).optional(),
              dmarcVerdict: z.looseObject({ status: z.string() }).optional(),
            })
            .optional(),
        }),
      }),
    )
    .min(1),
});

/**
 * SES receipt rule: the raw message is in the mail bucket at inbound/<messageId>. Errors of
 * the infrastructure are thrown (Lambda retries the asynchronous invocation; the local SMTP
 * intake answers 451): a message is never dropped. Logs carry messageId, outcome and reason only.
 */
export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event: unknown) => {
    const d = await freshDeps();
    const { Records } = SesEvent.parse(event);
    const results: Pick<ReceiveResult, 'messageId' | 'outcome' | 'reference' | 'reason' | 'replayed'>[] = [];
    for (const { ses } of Records) {
      const { messageId } = ses.mail;
      try {
        const raw = await inboundMailbox().raw(messageId);
        const r = await receiveEmail(
          {
            messageId,
            raw,
            receivedAt: ses.mail.timestamp,
            source: ses.mail.source,
            virusVerdict: ses.receipt?.virusVerdict?.status,
            authentication: { spf: ses.receipt?.spfVerdict?.status, dkim: ses.receipt?.dkimVerdict?.status, dmarc: ses.receipt?.dmarcVerdict?.status },
          },
          {
            ...d,
            inbound: inboundRecords(),
            attachments,
            attachmentMaxBytes: d.config.attachmentMaxBytes,
            publicBaseUrl: d.config.publicBaseUrl,
          },
        );
        logger.info('Inbound email', { messageId, outcome: r.outcome, ...(r.reason ? { reason: r.reason } : {}), replayed: r.replayed });
        results.push({ messageId: r.messageId, outcome: r.outcome, reference: r.reference, reason: r.reason, replayed: r.replayed });
      } catch (e) {
        logger.error('Inbound email failed; it will be retried', { messageId, errorName: (e as Error)?.name });
        throw e;
      }
    }
    // `disposition` is what a synchronous (RequestResponse) SES Lambda action reads.
    return { disposition: 'CONTINUE', results };
  });
