/**
 * Inbound mail over IMAP (issue 18) on the real local runtime: the region (cn) polls the bank's
 * complaints mailbox, here a real Dovecot (local/emulators/imap-server.ts). Messages are appended over IMAP
 * (imapflow), the MailboxPoller function is run as its schedule runs it (POST /__local/poll-mailbox),
 * and each message goes through the same EmailIntake use case as SES mail. Faults come from the
 * runtime's fault injection (/__local/faults), as in faults.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ImapFlow } from 'imapflow';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FaultRule } from '../../local/host/faults.ts';
import { intakeIdOf, type PollReport } from '../../functions/use-cases/intake/poll-mailbox.ts';
import { clients, countComplaints, eventually } from '../support/clients.ts';
import { connectMailbox } from '../support/imap.ts';
import { OWN_FIXTURES } from '../support/shared.ts';

const imap = inject('imap');
const apiUrl = inject('apiUrl');
const table = inject('tableName');
const { ddb } = clients({ dynamoEndpoint: inject('dynamoEndpoint'), sfnEndpoint: inject('sfnEndpoint'), awsRegion: inject('awsRegion') });
const FIXTURE = readFileSync(join(OWN_FIXTURES, 'imap', 'card-annual-fee.eml'), 'utf8');
const BROKEN = readFileSync(join(OWN_FIXTURES, 'imap', 'broken-no-sender.eml'));

async function local(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${apiUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}
const poll = () => local('POST', '/__local/poll-mailbox') as Promise<PollReport>;
const injectFaults = (rules: FaultRule[]) => local('POST', '/__local/faults', { rules, seed: 18 });

/** The fixture as a new message: its own Message-ID and sender, so that each test's mail is new. */
function message(tag: string): { raw: string; messageId: string; from: string } {
  const messageId = `<${tag}-${randomUUID()}@example.net>`;
  const from = `imap-${tag}-${randomUUID().slice(0, 8)}@example.net`;
  return {
    raw: FIXTURE.replace(/^Message-ID: .*$/m, `Message-ID: ${messageId}`)
      .replace(/^From: .*$/m, `From: Hannah Price <${from}>`)
      .replace(/\r?\n/g, '\r\n'),
    messageId,
    from,
  };
}

let client: ImapFlow;
async function folder(path: string): Promise<number[]> {
  const lock = await client.getMailboxLock(path);
  // The poller's moves happen in its own session: NOOP brings this session's view up to date.
  try {
    await client.noop();
    // biome-ignore lint/complexity/useOptionalChain: client.mailbox is false (not undefined) when none is open
    return client.mailbox && client.mailbox.exists ? (await client.fetchAll('1:*', { uid: true })).map((m) => m.uid) : [];
  } finally {
    lock.release();
  }
}
const append = (raw: string | Buffer) => client.append('INBOX', raw);
const inbound = async (id: string) =>
  (await ddb.send(new GetCommand({ TableName: table, Key: { PK: `INBOUND#${id}`, SK: 'INBOUND' }, ConsistentRead: true }))).Item;
const byEmail = (from: string) => countComplaints(ddb, table, (c) => (c.complainant as { contact?: { email?: string } } | undefined)?.contact?.email === from);

describe.skipIf(!imap)('MailboxPoller: the complaints mailbox over IMAP (real Dovecot)', () => {
  beforeAll(async () => {
    client = await connectMailbox(imap!);
    // Whatever an earlier test left: the poller starts from an empty INBOX here.
    await poll();
  });
  afterEach(() => local('DELETE', '/__local/faults'));
  afterAll(async () => {
    await client?.logout();
  });

  it('takes a message in as SES mail is (complaint, acknowledgement), moves it to Processed; a second poll creates nothing', async () => {
    const m = message('new');
    const processedBefore = (await folder('Processed').catch(() => [])).length;
    await append(m.raw);
    const report = await poll();
    expect(report).toMatchObject({ seen: 1, moved: 1, failed: 0, replayed: 0, outcomes: { registered: 1 } });
    const record = await inbound(intakeIdOf(m.messageId));
    expect(record).toMatchObject({ outcome: 'registered' });
    // Safe metadata only.
    expect(JSON.stringify(record)).not.toContain(m.from);
    const complaint = (await ddb.send(new GetCommand({ TableName: table, Key: { PK: `COMPLAINT#${record!.reference}`, SK: 'META' }, ConsistentRead: true })))
      .Item;
    expect(complaint).toMatchObject({ channel: 'email', complainant: { contact: { email: m.from } }, consent: { personalData: true } });
    // The acknowledgement goes out as for any email complaint (DeliverMessages, cn: the SMTP relay).
    await eventually(
      async () => {
        const msgs =
          (
            await ddb.send(
              new QueryCommand({
                TableName: table,
                ConsistentRead: true,
                KeyConditionExpression: 'PK = :pk AND begins_with(SK, :m)',
                ExpressionAttributeValues: { ':pk': `COMPLAINT#${record!.reference}`, ':m': 'MSG#' },
              }),
            )
          ).Items ?? [];
        return msgs.some((x) => x.kind === 'acknowledgement' && x.to === m.from && x.status === 'sent');
      },
      120_000,
      'the acknowledgement sent',
    );
    expect(await folder('INBOX')).toEqual([]);
    expect(await folder('Processed')).toHaveLength(processedBefore + 1);

    const again = await poll();
    expect(again).toMatchObject({ seen: 0, moved: 0, failed: 0 });
    expect(await byEmail(m.from)).toBe(1);
  });

  it('a broken message is recorded as rejected and a failing intake is counted: neither blocks the others; the failing one goes to Failed after its last attempt', async () => {
    const good = message('good');
    const failing = message('failing');
    await append(BROKEN);
    await append(failing.raw);
    await append(good.raw);
    // The failing message's intake cannot read the table (every attempt): an infrastructure error.
    await injectFaults([{ target: 'dynamodb', operations: ['GetItem'], errors: ['InternalServerError'], contains: intakeIdOf(failing.messageId) }]);
    const first = await poll();
    expect(first).toMatchObject({ seen: 3, failed: 1, movedToFailed: 0, moved: 2, outcomes: { registered: 1, rejected: 1 } });
    expect(await inbound(intakeIdOf(undefined, Buffer.from(BROKEN.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1')))).toMatchObject({
      outcome: 'rejected',
    });
    expect(await byEmail(good.from)).toBe(1);
    expect(await folder('INBOX')).toHaveLength(1);
    // Attempts 2 and 3: then it is moved to the failure folder for a person.
    expect(await poll()).toMatchObject({ seen: 1, failed: 1, movedToFailed: 0 });
    expect(await poll()).toMatchObject({ seen: 1, failed: 1, movedToFailed: 1 });
    expect(await folder('INBOX')).toEqual([]);
    expect(await folder('Failed')).toHaveLength(1);
    expect(await byEmail(failing.from)).toBe(0);
  }, 240_000);

  it('a crash after the intake and before the move does not duplicate the complaint', async () => {
    const m = message('crash');
    await append(m.raw);
    // The poll ends between the intake and the move: its marker write fails (and so does the one recording the failure).
    await injectFaults([{ target: 'dynamodb', operations: ['PutItem'], errors: ['InternalServerError'], contains: 'MAILBOX#' }]);
    const crashed = await poll();
    expect(crashed).toMatchObject({ seen: 1, failed: 1, moved: 0, outcomes: { registered: 1 } });
    expect(await byEmail(m.from)).toBe(1);
    expect(await folder('INBOX')).toHaveLength(1);
    await local('DELETE', '/__local/faults');
    const next = await poll();
    expect(next).toMatchObject({ seen: 1, moved: 1, replayed: 1, failed: 0 });
    expect(await byEmail(m.from)).toBe(1);
    expect(await folder('INBOX')).toEqual([]);
  }, 240_000);

  it('a UIDVALIDITY change (the server rebuilt the mailbox) neither duplicates nor loses messages', async () => {
    const taken = message('uidv-taken');
    const waiting = message('uidv-waiting');
    await append(taken.raw);
    await injectFaults([{ target: 'dynamodb', operations: ['PutItem'], errors: ['InternalServerError'], contains: 'MAILBOX#' }]);
    const before = await poll();
    expect(before).toMatchObject({ seen: 1, failed: 1, outcomes: { registered: 1 } });
    await local('DELETE', '/__local/faults');
    await append(waiting.raw);
    // Dovecot's UID list and indexes of the INBOX removed: the next session gets a new UIDVALIDITY and new UIDs.
    const maildir = join(imap!.dir, 'mail', imap!.user);
    await client.logout();
    for (const f of readdirSync(maildir))
      if (f.startsWith('dovecot-uidlist') || f.startsWith('dovecot-uidvalidity') || f.startsWith('dovecot.index')) rmSync(join(maildir, f), { force: true });
    client = await connectMailbox(imap!);
    const after = await poll();
    expect(after.uidValidity).not.toBe(before.uidValidity);
    expect(after).toMatchObject({ seen: 2, moved: 2, replayed: 1, failed: 0 });
    expect(await byEmail(taken.from)).toBe(1);
    expect(await byEmail(waiting.from)).toBe(1);
    expect(await folder('INBOX')).toEqual([]);
  }, 240_000);
});
