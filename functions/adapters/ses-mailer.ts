/** Mailer on SES (API v2). Locally the same client talks to the local SES endpoint. */
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { Mailer } from '../domain/ports.ts';

export class SesMailer implements Mailer {
  constructor(private readonly ses: Pick<SESv2Client, 'send'>) {}
  async send(m: Parameters<Mailer['send']>[0]): Promise<string> {
    const out = await this.ses.send(
      new SendEmailCommand({
        FromEmailAddress: m.from,
        Destination: { ToAddresses: [m.to] },
        ReplyToAddresses: m.replyTo ? [m.replyTo] : undefined,
        Content: {
          Simple: {
            Subject: { Data: m.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: m.text, Charset: 'UTF-8' }, ...(m.html ? { Html: { Data: m.html, Charset: 'UTF-8' } } : {}) },
            // The reference travels in a header too, so replies and bounces can be matched.
            Headers: [{ Name: 'X-Complaint-Reference', Value: m.reference }],
          },
        },
      }),
    );
    return out.MessageId ?? '';
  }
}
