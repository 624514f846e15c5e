import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { DynamoMailboxMarkers } from '../adapters/dynamo-mailbox-markers.ts';
import { openImapMailbox } from '../adapters/imap-mailbox.ts';
import { freshDeps } from '../wiring/container.ts';
import { logger, metrics } from '../shared/logger.ts';
import { attachments } from '../wiring/object-storage.ts';
import { mailCredentials } from '../adapters/smtp-credentials.ts';
import { DEFAULT_POLL_LIMITS, pollMailbox, type PollReport } from '../use-cases/intake/poll-mailbox.ts';
import { receiveEmail } from '../use-cases/intake/receive-email.ts';
import { inboundRecords } from '../wiring/inbound-mail.ts';
import type { InboundRepository } from '../domain/ports.ts';

/** The mailbox, as infra/constructs/mailbox-poller.ts (or the local runtime) sets it. No IMAP_HOST: this region has no mailbox to poll. */
export const MailboxEnv = z.object({
  IMAP_HOST: z.string().regex(/^[A-Za-z0-9.-]+$/, 'a host name'),
  IMAP_PORT: z.coerce.number().int().min(1).max(65535).default(993),
  IMAP_TLS: z.enum(['implicit', 'starttls', 'none']).optional(),
  IMAP_SECRET_ARN: z.string().regex(/^arn:aws[a-z-]*:secretsmanager:/, 'a Secrets Manager secret ARN'),
  IMAP_MAILBOX: z.string().min(1).default('INBOX'),
  IMAP_PROCESSED_FOLDER: z.string().min(1).default('Processed'),
  IMAP_FAILED_FOLDER: z.string().min(1).default('Failed'),
  IMAP_MAX_MESSAGES: z.coerce.number().int().min(1).max(1000).default(DEFAULT_POLL_LIMITS.maxMessages),
});

export function mailboxSettings(env: NodeJS.ProcessEnv = process.env): z.infer<typeof MailboxEnv> | undefined {
  if (!env.IMAP_HOST) return undefined;
  const r = MailboxEnv.safeParse(env);
  if (!r.success) throw new Error(`Invalid configuration: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

/** Time kept back from the Lambda timeout for the last message's intake and move, and the metrics. */
const RESERVE_MS = 20_000;

let inbound: InboundRepository | undefined;
let markers: DynamoMailboxMarkers | undefined;

/**
 * Scheduled (EventBridge, every `everyMinutes`): polls the complaints mailbox and hands every
 * message to the email intake (functions/use-cases/intake/poll-mailbox.ts). A poll that cannot reach or
 * log in to the mailbox throws (the Errors metric) after counting it; failed intakes are
 * counted in MailboxPollFailures, which the mailbox alarm watches. Logs: counts, UIDs, ids.
 */
export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (_event: unknown, context: Context): Promise<PollReport | { configured: false }> => {
    const settings = mailboxSettings();
    if (!settings) {
      logger.info('No mailbox to poll in this region (IMAP_HOST is not set)');
      return { configured: false };
    }
    const d = await freshDeps();
    inbound ??= inboundRecords();
    markers ??= DynamoMailboxMarkers.create(d.config.tableName);
    let report: PollReport | undefined;
    try {
      const { user, pass } = await mailCredentials(settings.IMAP_SECRET_ARN, 'complaints mailbox');
      const session = await openImapMailbox({
        host: settings.IMAP_HOST,
        port: settings.IMAP_PORT,
        tls: settings.IMAP_TLS ?? (settings.IMAP_PORT === 993 ? 'implicit' : 'starttls'),
        user,
        pass,
        mailbox: settings.IMAP_MAILBOX,
      });
      try {
        const remaining =
          typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() - RESERVE_MS : DEFAULT_POLL_LIMITS.budgetMs;
        report = await pollMailbox({
          session,
          markers,
          receive: (mail) =>
            receiveEmail(mail, {
              ...d,
              inbound: inbound!,
              attachments,
              attachmentMaxBytes: d.config.attachmentMaxBytes,
              publicBaseUrl: d.config.publicBaseUrl,
            }),
          clock: d.clock,
          folders: { mailbox: settings.IMAP_MAILBOX, processed: settings.IMAP_PROCESSED_FOLDER, failed: settings.IMAP_FAILED_FOLDER },
          limits: { maxMessages: settings.IMAP_MAX_MESSAGES, budgetMs: Math.max(1_000, Math.min(DEFAULT_POLL_LIMITS.budgetMs, remaining)) },
          log: (message, fields) => logger.info(message, fields),
        });
      } finally {
        await session.close();
      }
    } catch (e) {
      logger.error('Mailbox poll failed', { errorName: (e as Error)?.name });
      metrics.addMetric('MailboxPollFailures', MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
      throw e;
    }
    logger.info('Mailbox poll', {
      seen: report.seen,
      moved: report.moved,
      replayed: report.replayed,
      failed: report.failed,
      movedToFailed: report.movedToFailed,
      truncated: report.truncated,
      outcomes: report.outcomes,
    });
    metrics.addMetric('MailboxPollFailures', MetricUnit.Count, report.failed);
    metrics.addMetric('MailboxMessagesTaken', MetricUnit.Count, report.moved);
    metrics.publishStoredMetrics();
    return report;
  });
