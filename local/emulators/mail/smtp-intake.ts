/**
 * The local stand-in for the SES receipt rule: a real SMTP server (loopback, no auth, no
 * TLS) that does what the rule does on AWS - store the raw message at inbound/<messageId>
 * in the mail bucket, then invoke the EmailIntake function with an SES-shaped event.
 * The sender gets 250 only once the intake succeeded, 451 (try again later) if it failed:
 * the sending server retries, nothing is lost. Over the size limit: 552.
 * The SES receipt verdicts (SPF, DKIM, DMARC) are PASS unless the test sets them with the
 * X-Local-Test-Verdicts header (localVerdicts), which only this local intake reads.
 */
import { partitionOf } from '../iam/template.ts';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { SESEvent, SESMailHeader } from 'aws-lambda';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

export interface SmtpIntakeOptions {
  port: number;
  host?: string;
  /** Stores the raw message (locally: PutObject to the local S3 store, bucket MAIL_BUCKET). */
  store: (key: string, raw: Buffer) => Promise<void>;
  /** Invokes the EmailIntake function with the SES event. */
  invoke: (event: unknown) => Promise<unknown>;
  /** Largest message accepted, in bytes (default 10 MB). */
  maxBytes?: number;
  /** AWS region and account for the ARNs in the event. */
  region?: string;
  log?: (line: string) => void;
}

export interface SmtpIntake {
  server: SMTPServer;
  port: number;
  stop(): Promise<void>;
}

const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

/** SES message ids are opaque lower-case alphanumerics; ours are fresh for every message, as SES's are. */
export function newSesMessageId(): string {
  return randomBytes(20).toString('hex');
}

function smtpError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}

/** The raw header block, as SES lists it in mail.headers (names as written, values unfolded, not decoded). */
function rawHeaders(raw: Buffer): { block: Buffer; headers: SESMailHeader[] } {
  const text = raw.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const blockText = end < 0 ? text : text.slice(0, end);
  const headers: SESMailHeader[] = [];
  for (const line of blockText.split(/\r?\n(?![ \t])/)) {
    const i = line.indexOf(':');
    // Split on the bytes (latin1), give the values as UTF-8 (8-bit headers of SMTPUTF8 mail).
    if (i > 0)
      headers.push({
        name: line.slice(0, i).trim(),
        value: Buffer.from(
          line
            .slice(i + 1)
            .replace(/\r?\n[ \t]+/g, ' ')
            .trim(),
          'latin1',
        ).toString('utf8'),
      });
  }
  return { block: Buffer.from(`${blockText}\r\n\r\n`, 'latin1'), headers };
}

const addressTexts = (a: AddressObject | AddressObject[] | undefined): string[] | undefined =>
  a ? (Array.isArray(a) ? a : [a]).map((o) => o.text) : undefined;

type Verdict = { status: 'PASS' | 'FAIL' | 'GRAY' | 'PROCESSING_FAILED' };
const VERDICT = /^(PASS|FAIL|GRAY|PROCESSING_FAILED)$/;

/** Local only: the header with which tests set the SES authentication verdicts of a message. */
export const LOCAL_VERDICTS_HEADER = 'X-Local-Test-Verdicts';

/**
 * The SPF, DKIM and DMARC verdicts SES would give. Mail reaching this loopback intake comes
 * from the tests on this machine, treated as a correctly authenticated sender: PASS, unless
 * the message says otherwise in X-Local-Test-Verdicts (e.g. "spf=FAIL; dkim=PASS;
 * dmarc=GRAY"; unnamed ones stay PASS). Only this local intake reads that header: on AWS the
 * verdicts are SES's own, computed on receipt, and the handler never looks at the header.
 */
export function localVerdicts(headers: SESMailHeader[]): { spf: Verdict; dkim: Verdict; dmarc: Verdict } {
  const out = { spf: { status: 'PASS' } as Verdict, dkim: { status: 'PASS' } as Verdict, dmarc: { status: 'PASS' } as Verdict };
  const value = headers.find((h) => h.name.toLowerCase() === LOCAL_VERDICTS_HEADER.toLowerCase())?.value ?? '';
  for (const part of value.split(/[;,]/)) {
    const [k, v] = part.split('=').map((x) => x.trim());
    const key = k?.toLowerCase();
    const status = v?.toUpperCase();
    if ((key === 'spf' || key === 'dkim' || key === 'dmarc') && status && VERDICT.test(status)) out[key] = { status: status as Verdict['status'] };
  }
  return out;
}

/** The event SES gives a Lambda receipt action, built from the message and its SMTP envelope. */
export async function buildSesEvent(
  raw: Buffer,
  o: { messageId: string; mailFrom: string; recipients: string[]; at: Date; region?: string },
): Promise<SESEvent> {
  const { block, headers } = rawHeaders(raw);
  const parsed = await simpleParser(block); // headers only: decoded subject and addresses for commonHeaders
  const timestamp = o.at.toISOString();
  const pass = { status: 'PASS' as const };
  const verdicts = localVerdicts(headers);
  const region = o.region ?? process.env.AWS_REGION ?? 'us-east-1';
  return {
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail: {
            timestamp,
            source: o.mailFrom,
            messageId: o.messageId,
            destination: o.recipients,
            headersTruncated: false,
            headers,
            commonHeaders: {
              returnPath: o.mailFrom,
              from: addressTexts(parsed.from),
              to: addressTexts(parsed.to),
              ...(parsed.cc ? { cc: addressTexts(parsed.cc) } : {}),
              ...(parsed.replyTo ? { replyTo: addressTexts(parsed.replyTo) } : {}),
              date: headers.find((h) => h.name.toLowerCase() === 'date')?.value ?? '',
              messageId: parsed.messageId ?? '',
              ...(parsed.subject !== undefined ? { subject: parsed.subject } : {}),
            },
          },
          receipt: {
            timestamp,
            processingTimeMillis: 0,
            recipients: o.recipients,
            spamVerdict: pass,
            virusVerdict: pass,
            spfVerdict: verdicts.spf,
            dkimVerdict: verdicts.dkim,
            dmarcVerdict: verdicts.dmarc,
            action: { type: 'Lambda', functionArn: `arn:${partitionOf(region)}:lambda:${region}:000000000000:function:EmailIntake`, invocationType: 'Event' },
          },
        },
      },
    ],
  };
}

export async function startSmtpIntake(opts: SmtpIntakeOptions): Promise<SmtpIntake> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const log = opts.log ?? (() => undefined);
  const server = new SMTPServer({
    name: 'complaints-intake.local',
    banner: 'Local complaint intake',
    // Loopback only: no authentication, no TLS.
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: maxBytes,
    logger: false,
    onData(stream, session, reply) {
      let answered = false;
      const callback: typeof reply = (...args) => {
        if (!answered) {
          answered = true;
          reply(...args);
        }
      };
      const chunks: Buffer[] = [];
      let length = 0;
      stream.on('data', (c: Buffer) => {
        length += c.length;
        if (length <= maxBytes) chunks.push(c); // past the limit, read on (the client sends it all) but keep nothing
      });
      stream.on('error', () => callback(smtpError('Error reading the message, try again later', 451)));
      stream.on('end', () => {
        if (stream.sizeExceeded || length > maxBytes) {
          callback(smtpError(`Message exceeds the maximum size of ${maxBytes} bytes`, 552));
          return;
        }
        const raw = Buffer.concat(chunks);
        const messageId = newSesMessageId();
        const mailFrom = session.envelope.mailFrom ? (session.envelope.mailFrom as SMTPServerAddress).address : '';
        const recipients = session.envelope.rcptTo.map((r) => r.address);
        (async () => {
          await opts.store(`inbound/${messageId}`, raw);
          await opts.invoke(await buildSesEvent(raw, { messageId, mailFrom, recipients, at: new Date(), region: opts.region }));
        })().then(
          () => callback(null, `Message accepted as ${messageId}`),
          (e: unknown) => {
            log(`Inbound email ${messageId} failed (${(e as Error)?.name ?? 'Error'}); answered 451`);
            callback(smtpError('Temporary failure, try again later', 451));
          },
        );
      });
    },
  });
  server.on('error', (e) => log(`SMTP intake error: ${e.name}`));
  await new Promise<void>((ok, fail) => {
    server.server.once('error', fail);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
      server.server.off('error', fail);
      ok();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    server,
    port,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}
