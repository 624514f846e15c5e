/**
 * The delivery function's mailer, created once per process: SES v2 where the region sends
 * through SES, else the bank's SMTP relay (MAIL_TRANSPORT, from the deploy settings: ./config.ts),
 * loaded on first use so that SES regions' bundles do not start it.
 */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SesMailer } from '../adapters/ses-mailer.ts';
import type { Mailer } from '../domain/ports.ts';
import { clientConfig, traced } from '../adapters/aws-clients.ts';
import { config } from '../shared/config.ts';

let client: SESv2Client | undefined;
function ses(): SESv2Client {
  client ??= traced(new SESv2Client(clientConfig()));
  return client;
}

let mailer: Promise<Mailer> | undefined;
export function outboundMailer(): Promise<Mailer> {
  mailer ??= (async (): Promise<Mailer> => {
    const cfg = config();
    if (!cfg.mail.sender) throw new Error('Missing configuration: MAIL_SENDER is not set (the From of customer mail)');
    if (cfg.mail.transport === 'ses') return new SesMailer(ses());
    const relay = cfg.smtpRelay;
    if (!relay) throw new Error('Missing configuration: SMTP_RELAY_HOST is not set, and this region sends mail through an SMTP relay');
    const { SmtpMailer } = await import('../adapters/smtp-mailer.ts');
    const secretArn = relay.secretArn;
    const credentials = secretArn
      ? async () => {
          const { smtpCredentials } = await import('../adapters/smtp-credentials.ts');
          return smtpCredentials(secretArn);
        }
      : undefined;
    if (!cfg.mail.domain) throw new Error('Missing configuration: MAIL_DOMAIN is not set (the domain of the Message-IDs the relay path writes)');
    return new SmtpMailer({ host: relay.host, port: relay.port, tls: relay.tls, credentials }, cfg.mail.domain);
  })();
  mailer.catch(() => {
    mailer = undefined;
  });
  return mailer;
}
