/**
 * Mailer over SMTP, for regions where SES is not offered (China: MAIL_TRANSPORT 'smtp-relay'
 * from the deploy settings): the bank's mail gateway relays the message. TLS as configured
 * (implicit on 465, STARTTLS required otherwise; 'none' only where the deploy says so), the
 * gateway's credentials read once per process from Secrets Manager when a secret is configured,
 * and timeouts that end inside the delivery function's.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type { Mailer } from '../domain/ports.ts';

export interface SmtpRelay {
  host: string;
  port: number;
  /** implicit: TLS from the first byte (465); starttls: upgrade required; none: plain (a loopback relay). */
  tls: 'implicit' | 'starttls' | 'none';
  /** The gateway's user name and password, when it asks for them. */
  credentials?: () => Promise<{ user: string; pass: string }>;
}

/** Connect, greeting and socket timeouts: a relay that hangs fails the send (the stream retries it). */
export const SMTP_TIMEOUTS_MS = { connection: 5_000, greeting: 5_000, socket: 15_000 } as const;

export class SmtpMailer implements Mailer {
  private transport?: Promise<Transporter>;

  constructor(
    private readonly relay: SmtpRelay,
    private readonly domain: string,
  ) {}

  private transporter(): Promise<Transporter> {
    this.transport ??= (async () =>
      nodemailer.createTransport({
        host: this.relay.host,
        port: this.relay.port,
        secure: this.relay.tls === 'implicit',
        requireTLS: this.relay.tls === 'starttls',
        ignoreTLS: this.relay.tls === 'none',
        auth: this.relay.credentials ? await this.relay.credentials() : undefined,
        connectionTimeout: SMTP_TIMEOUTS_MS.connection,
        greetingTimeout: SMTP_TIMEOUTS_MS.greeting,
        socketTimeout: SMTP_TIMEOUTS_MS.socket,
      }))();
    // A failed credential read is tried again on the next send.
    this.transport.catch(() => {
      this.transport = undefined;
    });
    return this.transport;
  }

  async send(m: Parameters<Mailer['send']>[0]): Promise<string> {
    const info = await (await this.transporter()).sendMail({
      from: m.from,
      to: m.to,
      replyTo: m.replyTo,
      subject: m.subject,
      text: m.text,
      html: m.html,
      // The reference travels in a header too, so replies and bounces can be matched (as with SES).
      headers: { 'X-Complaint-Reference': m.reference },
      messageId: `<${crypto.randomUUID()}@${this.domain}>`,
    });
    return info.messageId;
  }
}
