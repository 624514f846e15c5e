/**
 * Inbound email end to end on the real local runtime: SMTP -> the local intake stores the raw
 * message in the local S3 store and invokes the EmailIntake handler with an SES event ->
 * DynamoDB Local. Every message of our own (test/fixtures/email) is sent, and every real message
 * of shared/fixtures/email when it is beside the repository; each must end as a complaint or a
 * recorded rejection. Plus the SMTP answers of the intake itself (250 / 451 / 552),
 * on an instance of our own with a fake store and invoke.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { simpleParser } from 'mailparser';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSmtpIntake, type SmtpIntake } from '../../local/emulators/mail/smtp-intake.ts';
import { clients, countComplaints, eventually, getTask } from '../support/clients.ts';
import { OWN_EMAIL_FILES, OWN_FIXTURES, FIXTURES as SHARED_FIXTURES, SHARED_EMAIL_FILES, HAS_SHARED, publicCorpus } from '../support/shared.ts';

/** The public corpus's messages (../shared/fixtures/email): sent only by the public-corpus suites, skipped when it is absent. */
const SHARED_EMAIL = join(SHARED_FIXTURES, 'email');
const OWN = join(OWN_FIXTURES, 'email');
const table = inject('tableName');
const awsRegion = inject('awsRegion');
const { ddb } = clients({ dynamoEndpoint: inject('dynamoEndpoint'), sfnEndpoint: inject('sfnEndpoint'), awsRegion });
const s3 = new S3Client({
  endpoint: inject('s3Endpoint'),
  forcePathStyle: true,
  region: awsRegion,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const MAIL_BUCKET = process.env.MAIL_BUCKET || 'complaints-mail';

const transport = (port: number) => createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
const smtp = transport(inject('smtpPort'));

/** Sends a raw message; the intake answers 250 once the intake has run and names the SES messageId it gave. */
async function send(raw: Buffer | string, t = smtp): Promise<string> {
  const info = await t.sendMail({ envelope: { from: 'customer@example.com', to: 'complaints@bank.example.cn' }, raw });
  const id = /accepted as ([0-9a-f]+)/.exec(info.response)?.[1];
  if (!id) throw new Error(`No messageId in the SMTP answer: ${info.response}`);
  return id;
}

const inbound = async (messageId: string) =>
  (await ddb.send(new GetCommand({ TableName: table, Key: { PK: `INBOUND#${messageId}`, SK: 'INBOUND' }, ConsistentRead: true }))).Item;
const complaint = async (reference: string) =>
  (await ddb.send(new GetCommand({ TableName: table, Key: { PK: `COMPLAINT#${reference}`, SK: 'META' }, ConsistentRead: true }))).Item;
const history = async (reference: string) =>
  (
    await ddb.send(
      new QueryCommand({
        TableName: table,
        ConsistentRead: true,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :h)',
        ExpressionAttributeValues: { ':pk': `COMPLAINT#${reference}`, ':h': 'H#' },
      }),
    )
  ).Items ?? [];

/** The SES receipt event sample of a fixtures folder (ours, or the public corpus's). */
const sesSample = (dir: string) => JSON.parse(readFileSync(join(dir, 'events', 'sesEvent.json'), 'utf8'));

function mail(o: { from: string; subject: string; body: string; headers?: string[] }): string {
  return [
    `From: ${o.from}`,
    'To: complaints@bank.example.cn',
    `Subject: ${o.subject}`,
    'Date: Mon, 02 Mar 2026 09:00:00 +0800',
    `Message-ID: <${randomUUID()}@example.com>`,
    'MIME-Version: 1.0',
    ...(o.headers ?? []),
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    o.body,
    '',
  ].join('\r\n');
}

/** A corpus of messages, and what must become of them. */
interface Corpus {
  dir: string;
  files: string[];
  registered: number;
  /** The outcome of some of them: exactly, or matching. */
  outcomes: Record<string, string | RegExp>;
  /** A message whose accepted attachments are stored, by their names. */
  attachments: { file: string; names: string[] };
}

/** Sends every message of the corpus through SMTP (in beforeAll), then checks what became of each. */
function everyMessageThroughSmtp(c: Corpus) {
  const sent: { file: string; messageId: string; from?: string }[] = [];
  beforeAll(async () => {
    for (const file of c.files) {
      const raw = readFileSync(join(c.dir, file));
      const from = (await simpleParser(raw)).from?.value[0]?.address;
      sent.push({ file, messageId: await send(raw), from });
    }
  }, 240_000);

  it('stores each raw message at inbound/<messageId> in the mail bucket, as the SES receipt rule does', async () => {
    expect(sent).toHaveLength(c.files.length);
    expect(new Set(sent.map((s) => s.messageId)).size).toBe(c.files.length);
    // SMTP carries lines ending in CRLF: the stored message is the file with CRLF line ends.
    const lines = (b: Uint8Array) => Buffer.from(b).toString('latin1').replace(/\r\n/g, '\n').trimEnd();
    for (const s of sent) {
      const object = await s3.send(new GetObjectCommand({ Bucket: MAIL_BUCKET, Key: `inbound/${s.messageId}` }));
      expect(lines(await object.Body!.transformToByteArray()), s.file).toBe(lines(readFileSync(join(c.dir, s.file))));
    }
  });

  it('records every one as registered (with a complaint) or rejected (with a reason); none disappears', async () => {
    const outcomes: Record<string, string> = {};
    for (const s of sent) {
      const rec = await inbound(s.messageId);
      expect(rec, s.file).toBeDefined();
      expect(['registered', 'rejected'], s.file).toContain(rec!.outcome);
      if (rec!.outcome === 'rejected') {
        expect(rec!.reason, s.file).toMatch(/\S/);
        outcomes[s.file] = `rejected: ${rec!.reason}`;
      } else {
        const cp = await complaint(rec!.reference);
        expect(cp, s.file).toMatchObject({ channel: 'email', complainant: { contact: { email: s.from } }, consent: { personalData: true } });
        outcomes[s.file] = 'registered';
      }
      // Safe metadata only: never the sender's address or the subject.
      if (s.from) expect(JSON.stringify(rec)).not.toContain(s.from);
    }
    const registered = Object.values(outcomes).filter((o) => o === 'registered').length;
    const rejected = Object.values(outcomes).filter((o) => o.startsWith('rejected')).length;
    expect(registered + rejected).toBe(c.files.length);
    expect(registered).toBe(c.registered);
    for (const [file, o] of Object.entries(c.outcomes)) {
      if (typeof o === 'string') expect(outcomes[file], file).toBe(o);
      else expect(outcomes[file], file).toMatch(o);
    }
  });

  it('stores accepted attachments in object storage and refers to them from the complaint', async () => {
    const s = sent.find((x) => x.file === c.attachments.file)!;
    const cp = await complaint((await inbound(s.messageId))!.reference);
    expect(cp!.attachments).toEqual(
      c.attachments.names.map((name, i) => ({ key: `email/${s.messageId}/${i + 1}`, name, contentType: 'application/pdf', size: expect.any(Number) })),
    );
    const object = await s3.send(new GetObjectCommand({ Bucket: process.env.ATTACHMENTS_BUCKET || 'complaints-attachments', Key: `email/${s.messageId}/1` }));
    expect(object.ContentType).toBe('application/pdf');
    expect(
      Buffer.from(await object.Body!.transformToByteArray())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  });

  return sent;
}

describe('every message of our own through SMTP (test/fixtures/email)', () => {
  const sent = everyMessageThroughSmtp({
    dir: OWN,
    files: OWN_EMAIL_FILES,
    registered: 14,
    outcomes: {
      'dsn-bounce-acknowledgement.eml': 'rejected: bounce',
      'missing-from-header.eml': 'rejected: no sender address',
      'sender-domain-refused.eml': /^rejected: invalid request: complainant\.contact\.email/,
      'attachments-two-statements.eml': 'registered',
      'gbk-debit-card-double-charge.eml': 'registered',
      'big5-atm-card-retained.eml': 'registered',
      'iso-2022-jp-transfer-fee.eml': 'registered',
      'html-only-mortgage-statement.eml': 'registered',
      'nested-three-forwards.eml': 'registered',
    },
    attachments: { file: 'attachments-two-statements.eml', names: ['statement-january.pdf', 'statement-february.pdf'] },
  });

  it('decodes what it registers: the GBK complaint in Chinese, every forwarded level in the description; the repeat linked, not merged (issue 16)', async () => {
    const reference = async (file: string) => (await inbound(sent.find((s) => s.file === file)!.messageId))!.reference as string;
    const zh = await complaint(await reference('gbk-debit-card-double-charge.eml'));
    expect(zh).toMatchObject({ language: 'zh-CN', complainant: { name: '王磊', contact: { email: 'wang.lei@mail.example.cn' } } });
    expect(zh!.matter.description).toMatch(/^借记卡重复扣款投诉\n\n您好：/);
    const nested = await complaint(await reference('nested-three-forwards.eml'));
    for (const text of ['L3 the approval', 'L2 forwarding', 'L1 forwarding', 'L0 your loan is approved']) expect(nested!.matter.description).toContain(text);
    // The same complaint twice from the same (unverified) sender: two complaints, the later linked to the earlier for staff.
    const pair = [await reference('base64-overdraft-fee-again.eml'), await reference('quoted-printable-overdraft-fee.eml')];
    expect(pair[0]).not.toBe(pair[1]);
    const links = await Promise.all(pair.map(async (r) => (await complaint(r))!.relatedTo as { reference: string; reason: string } | undefined));
    expect(links.filter(Boolean)).toHaveLength(1);
    expect(links.find(Boolean)).toMatchObject({ reason: 'possible-repeat', reference: pair[links.findIndex((l) => !l)] });
  });
});

describe.skipIf(!HAS_SHARED)(publicCorpus('every real message through SMTP'), () => {
  everyMessageThroughSmtp({
    dir: SHARED_EMAIL,
    files: SHARED_EMAIL_FILES,
    registered: 23,
    outcomes: {
      'example_bounce.eml': 'rejected: bounce',
      'missing_from.eml': 'rejected: no sender address',
      'issue-511.eml': /^rejected: invalid request: complainant\.contact\.email/,
      'multiple_html_parts_and_attachments.eml': 'registered',
    },
    attachments: { file: 'multiple_html_parts_and_attachments.eml', names: ['attachment1.pdf', 'attachment2.pdf'] },
  });

  it('is the 32 real messages', () => {
    expect(SHARED_EMAIL_FILES).toHaveLength(32);
  });
});

describe('replies and auto-replies', () => {
  const customer = `li.wei.${randomUUID().slice(0, 8)}@example.com`;
  let reference: string;

  beforeAll(async () => {
    const id = await send(
      mail({
        from: `"Li Wei" <${customer}>`,
        subject: 'Charged twice',
        body: 'My debit card was charged twice for the same purchase on 1 March. Please refund one charge.',
      }),
    );
    const rec = await inbound(id);
    expect(rec).toMatchObject({ outcome: 'registered' });
    reference = rec!.reference;
  });

  it('threads a customer reply with the reference in the subject into that complaint: no new complaint', async () => {
    const before = await countComplaints(ddb, table);
    const id = await send(
      mail({ from: `"Li Wei" <${customer}>`, subject: `Re: Your complaint ${reference}`, body: 'The second charge was on 2 March at 10:15, terminal 4471.' }),
    );
    expect(await inbound(id)).toMatchObject({ outcome: 'threaded', reference });
    expect(await countComplaints(ddb, table)).toBe(before);
    const entry = (await history(reference)).find((h) => h.action === 'customer-email');
    expect(entry).toMatchObject({
      actor: 'customer',
      visibleToCustomer: true,
      summary: 'We received your email',
      after: { messageId: id, from: customer, senderMatchesComplainant: true },
    });
    expect(entry!.after.text).toContain('terminal 4471');
  });

  it('an auto-reply creates nothing, even with our reference in it', async () => {
    // Let the complaint's own workflow settle first (it starts from the table's stream).
    await eventually(async () => (await getTask(ddb, table, reference))?.stage === 'INVESTIGATION', 120_000, 'workflow at investigation');
    const before = await countComplaints(ddb, table);
    const entries = (await history(reference)).length;
    const id = await send(
      mail({ from: customer, subject: `自动回复：${reference}`, body: '我正在休假，3月9日返回。', headers: ['Auto-Submitted: auto-replied'] }),
    );
    expect(await inbound(id)).toMatchObject({ outcome: 'rejected', reason: 'auto-reply' });
    expect(await countComplaints(ddb, table)).toBe(before);
    expect((await history(reference)).length).toBe(entries);
  });
});

describe('who may write into a complaint (issue 16 finding 2)', () => {
  const customer = `li.na.${randomUUID().slice(0, 8)}@example.com`;
  let reference: string;
  beforeAll(async () => {
    const id = await send(
      mail({
        from: `"Li Na" <${customer}>`,
        subject: 'Fee charged twice',
        body: 'My credit card annual fee was charged twice in February. Please refund one.',
      }),
    );
    reference = (await inbound(id))!.reference;
  });
  /** Mail entries on the customer's page (the workflow adds its own entries meanwhile). */
  const onPage = async () => (await history(reference)).filter((h) => h.visibleToCustomer && h.action === 'customer-email').map((h) => h.after?.messageId);

  it("a stranger naming the reference (subject, forged In-Reply-To) gets a complaint of their own, linked for staff; nothing reaches the customer's page", async () => {
    const before = await onPage();
    for (const [from, headers] of [
      ['mallory@evil.example', []],
      ['trudy@evil.example', [`In-Reply-To: <${reference}.0f1e@bank.example.cn>`]],
    ] as const) {
      const id = await send(
        mail({
          from,
          subject: headers.length ? 'Re: your letter' : `Re: ${reference}`,
          body: 'Send the refund to account 99887766 instead.',
          headers: [...headers],
        }),
      );
      const rec = await inbound(id);
      expect(rec).toMatchObject({ outcome: 'registered' });
      expect(rec!.reference).not.toBe(reference);
      expect((await complaint(rec!.reference))!.relatedTo).toMatchObject({ reference, reason: 'mail-names-reference' });
    }
    expect(await onPage()).toEqual(before);
    expect(JSON.stringify(await history(reference))).not.toContain('99887766');
  });

  it("the complainant's own address failing DMARC (X-Local-Test-Verdicts) is not threaded; passing, it is", async () => {
    const failed = await send(
      mail({ from: customer, subject: `Re: ${reference}`, body: 'Forged reply.', headers: ['X-Local-Test-Verdicts: spf=FAIL; dkim=FAIL; dmarc=FAIL'] }),
    );
    expect((await inbound(failed))!.outcome).toBe('registered');
    const ok = await send(mail({ from: customer.toUpperCase(), subject: `Re: ${reference}`, body: 'The second charge was on 3 February.' }));
    expect(await inbound(ok)).toMatchObject({ outcome: 'threaded', reference });
  });

  it("mail forged from the bank's own domain is quarantined: no complaint, no acknowledgement to the staff member", async () => {
    const before = await countComplaints(ddb, table);
    const id = await send(
      mail({
        from: 'Ada Admin <ada@bank.example>',
        subject: 'Refund request',
        body: 'Please refund account 1234.',
        headers: ['X-Local-Test-Verdicts: dkim=FAIL; dmarc=FAIL'],
      }),
    );
    expect(await inbound(id)).toMatchObject({ outcome: 'quarantined', reason: expect.stringMatching(/own domain/) });
    expect(await countComplaints(ddb, table)).toBe(before);
  });
});

describe('the SMTP intake itself', () => {
  const stored: { key: string; raw: Buffer }[] = [];
  const events: any[] = [];
  let failing = false;
  let intake: SmtpIntake;
  beforeAll(async () => {
    intake = await startSmtpIntake({
      port: 0,
      maxBytes: 4096,
      store: async (key, raw) => {
        stored.push({ key, raw });
      },
      invoke: async (event) => {
        if (failing) throw new Error('intake down');
        events.push(event);
        return {};
      },
    });
  });
  afterAll(async () => {
    await intake.stop();
  });

  it('stores the raw message, then invokes with an SES-shaped event built from it, then answers 250', async () => {
    const raw = mail({ from: '"王芳" <wang.fang@example.com>', subject: '=?UTF-8?B?5L+h55So5Y2h?=', body: 'Hello' });
    const id = await send(raw, transport(intake.port));
    expect(stored.at(-1)).toEqual({ key: `inbound/${id}`, raw: Buffer.from(raw) });
    const event = events.at(-1);
    // The shape of our own SES receipt event (test/fixtures/events; the public corpus's: below).
    const sample = sesSample(OWN_FIXTURES);
    expect(Object.keys(event.Records[0].ses.mail).sort()).toEqual(Object.keys(sample.Records[0].ses.mail).sort());
    expect(Object.keys(event.Records[0].ses.receipt).sort()).toEqual(
      Object.keys(sample.Records[0].ses.receipt)
        .filter((k) => k !== 'dmarcPolicy')
        .sort(),
    );
    expect(Object.keys(event.Records[0].ses.mail.commonHeaders).sort()).toEqual(Object.keys(sample.Records[0].ses.mail.commonHeaders).sort());
    expect(Object.keys(event.Records[0]).sort()).toEqual(Object.keys(sample.Records[0]).sort());
    expect(event.Records[0]).toMatchObject({
      eventSource: 'aws:ses',
      ses: {
        mail: {
          messageId: id,
          source: 'customer@example.com',
          destination: ['complaints@bank.example.cn'],
          commonHeaders: { from: ['"王芳" <wang.fang@example.com>'], to: ['complaints@bank.example.cn'], subject: '信用卡' },
        },
        receipt: {
          spamVerdict: { status: 'PASS' },
          virusVerdict: { status: 'PASS' },
          spfVerdict: { status: 'PASS' },
          dkimVerdict: { status: 'PASS' },
          dmarcVerdict: { status: 'PASS' },
        },
      },
    });
    expect(event.Records[0].ses.mail.headers).toContainEqual({ name: 'Subject', value: '=?UTF-8?B?5L+h55So5Y2h?=' });
  });

  it('answers 451 (try again later) when the intake fails, so the sender keeps the message', async () => {
    failing = true;
    try {
      await expect(send(mail({ from: 'a@example.com', subject: 'x', body: 'y' }), transport(intake.port))).rejects.toMatchObject({ responseCode: 451 });
    } finally {
      failing = false;
    }
  });

  it('refuses a message over the size limit with 552', async () => {
    const before = stored.length;
    await expect(send(mail({ from: 'a@example.com', subject: 'big', body: 'x'.repeat(8192) }), transport(intake.port))).rejects.toMatchObject({
      responseCode: 552,
    });
    expect(stored.length).toBe(before);
  });
});

describe.skipIf(!HAS_SHARED)(publicCorpus('the SMTP intake itself'), () => {
  const events: any[] = [];
  let intake: SmtpIntake;
  beforeAll(async () => {
    intake = await startSmtpIntake({
      port: 0,
      maxBytes: 4096,
      store: async () => undefined,
      invoke: async (event) => {
        events.push(event);
        return {};
      },
    });
  });
  afterAll(async () => {
    await intake.stop();
  });

  it("invokes with an event of the shape of the public corpus's SES event", async () => {
    await send(mail({ from: '"王芳" <wang.fang@example.com>', subject: '=?UTF-8?B?5L+h55So5Y2h?=', body: 'Hello' }), transport(intake.port));
    const event = events.at(-1);
    const sample = sesSample(SHARED_FIXTURES);
    expect(Object.keys(event.Records[0].ses.mail).sort()).toEqual(Object.keys(sample.Records[0].ses.mail).sort());
    expect(Object.keys(event.Records[0].ses.receipt).sort()).toEqual(
      Object.keys(sample.Records[0].ses.receipt)
        .filter((k) => k !== 'dmarcPolicy')
        .sort(),
    );
  });
});
