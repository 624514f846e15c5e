/**
 * Issue 18, done when: the local runtime configured as China (region cn: no Cognito, no SES, no
 * X-Ray) carries a whole complaint end to end with China's own parts - mail in over IMAP from
 * the bank's mailbox (a real Dovecot), staff signed in at the bank's OpenID Connect provider
 * (a real oauth2-mock-server with the bank's claim names, mapped by the functions from
 * configuration), and every customer message out through the bank's SMTP relay (the runtime's
 * SMTP catcher: in cn nothing listens where SES would). The console's browser sign-in with
 * authorization code + PKCE is test/e2e/console.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { ImapFlow } from 'imapflow';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { intakeIdOf, type PollReport } from '../../functions/use-cases/intake/poll-mailbox.ts';
import { clients } from '../support/clients.ts';
import { investigation, Journey, mailsTo } from '../support/journey.ts';
import { connectMailbox } from '../support/imap.ts';
import { OWN_FIXTURES } from '../support/shared.ts';

const imap = inject('imap');
const { ddb, sfn } = clients({ dynamoEndpoint: inject('dynamoEndpoint'), sfnEndpoint: inject('sfnEndpoint'), awsRegion: inject('awsRegion') });
const j = new Journey(inject('apiUrl'), ddb, sfn, inject('tableName'), inject('stateMachineArn'));
const mailDir = inject('mailDir');
const FIXTURE = readFileSync(join(OWN_FIXTURES, 'imap', 'card-annual-fee.eml'), 'utf8');
const MONDAY_9AM_SHANGHAI = '2026-03-02T01:00:00.000Z';

describe.skipIf(!imap)("China end to end: mail in over IMAP, staff through the bank's OIDC provider, mail out through the relay", () => {
  let client: ImapFlow;
  beforeAll(async () => {
    client = await connectMailbox(imap!);
  });
  afterAll(async () => {
    await client?.logout();
  });

  it('an emailed complaint is acknowledged, investigated, answered and closed, each customer message through the relay', async () => {
    expect(inject('awsRegion')).toBe('cn-north-1');
    await j.setClock(MONDAY_9AM_SHANGHAI);
    const messageId = `<china-journey-${randomUUID()}@example.net>`;
    const from = `cn-journey-${randomUUID().slice(0, 8)}@example.net`;
    await client.append(
      'INBOX',
      FIXTURE.replace(/^Message-ID: .*$/m, `Message-ID: ${messageId}`)
        .replace(/^From: .*$/m, `From: Wei Zhang <${from}>`)
        .replace(/\r?\n/g, '\r\n'),
    );

    // The MailboxPoller's scheduled run: the message becomes a complaint through the same intake as SES mail.
    const report = (await j.request('POST', '/__local/poll-mailbox')).body as PollReport;
    expect(report.outcomes.registered).toBeGreaterThanOrEqual(1);
    const record = (
      await ddb.send(new GetCommand({ TableName: j.table, Key: { PK: `INBOUND#${intakeIdOf(messageId)}`, SK: 'INBOUND' }, ConsistentRead: true }))
    ).Item;
    const ref = String(record?.reference);
    expect(ref).toMatch(/^CN-2026-\d{6,}$/);

    // The acknowledgement left through the bank's relay (no SES in cn-north-1), to the sender.
    const acks = await mailsTo(j, mailDir, from);
    expect(acks).toHaveLength(1);
    expect(acks[0].text).toContain(ref);

    // Staff tokens come from the bank's IdP: its claim names, not Cognito's; the API maps them by configuration.
    const claims = decodeJwt(await j.token('rita'));
    expect(claims).toMatchObject({ preferred_username: 'rita', department: 'retail', groups: expect.arrayContaining(['CMP-Handlers']) });
    expect(claims['cognito:groups']).toBeUndefined();

    await j.waitForStage(ref, 'INVESTIGATION');
    expect((await j.act('rita', ref, 'claim')).status).toBe(200);
    expect((await j.act('rita', ref, 'investigation', investigation)).status).toBe(200);
    await j.waitForStage(ref, 'REPLY');
    const draft = await j.as('rita', 'GET', `/complaints/${ref}/reply-draft`);
    expect(draft.status).toBe(200);
    const sent = await j.act('rita', ref, 'reply', {
      outcome: { result: 'upheld' },
      subject: draft.body.subject,
      text: `${draft.body.text}\nChina journey reply.`,
    });
    expect(sent.body.status).toBe('sent');
    await j.waitForStage(ref, 'CALLBACK');

    // The reply went back the way the complaint came: email, through the relay.
    const mails = await mailsTo(j, mailDir, from);
    expect(mails).toHaveLength(2);
    expect(mails.some((m) => m.text?.includes('China journey reply.'))).toBe(true);

    expect((await j.act('sam', ref, 'callback', { satisfaction: 4, comment: 'Resolved' })).status).toBe(200);
    const closed = await j.waitClosed(ref);
    expect(closed.complaint).toMatchObject({ channel: 'email', status: 'CLOSED', closure: 'resolved-satisfied' });
    expect(closed.history.find((h: { action: string }) => h.action === 'claimed')).toMatchObject({ actor: 'rita' });
    expect(
      closed.messages.filter((m: { audience: string }) => m.audience === 'customer').map((m: { kind: string; status: string }) => [m.kind, m.status]),
    ).toEqual([
      ['acknowledgement', 'sent'],
      ['reply', 'sent'],
    ]);
  });
});
