/**
 * Personal data never reaches the logs: a full journey (web submit, email, staff work, reply
 * by email, callback) with the product's logs at their most verbose, then a scan of every
 * line the runtime and its functions printed for the data that was submitted, in every form
 * it could take there (re-cased, normalised, the phone as the product normalises it:
 * test/support/personal-data-scan.ts, its forms tested in test/unit/personal-data-scan.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import { clients } from '../support/clients.ts';
import { leakedForm } from '../support/personal-data-scan.ts';
import { investigation, Journey } from '../support/journey.ts';
import { startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'complaints-pii-'));
let p: RuntimeProcess | undefined;
afterAll(async () => {
  await p?.stop('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

const PII = {
  name: 'Xiaoming Piitestname',
  email: 'pii.canary.7f3a@example.com',
  phone: '+86 139 8765 4321',
  address: '88 Canary Road, Pudong',
  description: 'Canary-description-9b2e: my card ending 4242 was charged a fee',
  emailSender: 'mail.canary.51c0@example.org',
  emailBody: 'Canary-email-body-d41d',
};

describe('no personal data in logs', () => {
  it('keeps every submitted value out of the logs of a full journey', async () => {
    p = await startRuntimeProcess({
      DATA_DIR: dir,
      COMPLAINT_REGION: 'cn',
      POWERTOOLS_LOG_LEVEL: 'DEBUG',
      POWERTOOLS_METRICS_DISABLED: 'false',
      LOCAL_CLOCK_START: '2026-03-02T01:00:00.000Z',
    });
    const { ddb, sfn } = clients({ ...p, awsRegion: 'cn-north-1' });
    const j = new Journey(p.apiUrl, ddb, sfn, 'complaints-cn', 'arn:aws-cn:states:cn-north-1:000000000000:stateMachine:complaint-lifecycle');
    const { reference: ref, accessCode } = await j.submit({
      language: 'en',
      businessLine: 'cards',
      consent: { personalData: true },
      complainant: { name: PII.name, contact: { email: PII.email, phone: PII.phone, address: PII.address } },
      matter: { description: PII.description },
    });
    // An invalid request with personal data in it, too.
    expect(
      (
        await j.request('POST', '/api/complaints', {
          complainant: { name: PII.name, contact: { email: 'not-an-email' } },
          matter: { description: PII.description },
        })
      ).status,
    ).toBe(400);
    await j.waitForStage(ref, 'INVESTIGATION');
    await j.act('hana', ref, 'claim');
    await j.complaint('hana', ref);
    await j.act('hana', ref, 'investigation', investigation);
    await j.waitForStage(ref, 'REPLY');
    await j.act('hana', ref, 'reply', { outcome: { result: 'upheld' }, subject: `Our answer, ${PII.name}`, text: `Dear ${PII.name}, we refunded the fee.` });
    await j.waitForStage(ref, 'CALLBACK');
    expect(
      (await j.request('POST', `/api/complaints/${ref}/callback`, { satisfaction: 5, comment: `Thanks from ${PII.name}` }, { 'x-access-code': accessCode }))
        .status,
    ).toBe(200);
    // By email, too.
    const smtpPort = Number(/smtp:\/\/127\.0\.0\.1:(\d+)/.exec(p.output())![1]);
    await nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true }).sendMail({
      from: `Canary Sender <${PII.emailSender}>`,
      to: 'complaints@bank.example.cn',
      subject: 'My complaint',
      text: PII.emailBody,
    });
    await j.request('POST', '/__local/streams/drain');
    await j.waitClosed(ref);

    const logs = p.output();
    expect(logs.length).toBeGreaterThan(200); // the functions did log (level DEBUG)
    expect(logs).toMatch(/"level":"INFO"/);
    // Metrics leave as CloudWatch embedded metric format lines (the SLA and volume alarms read them).
    expect(logs).toMatch(/"Namespace":"Complaints".*"Name":"ComplaintsSubmitted"/);
    for (const [field, value] of Object.entries(PII)) {
      expect(leakedForm(logs, value), `${field} appears in the logs`).toBeUndefined();
    }
    // Distinctive parts too (not short hex: request ids and hashes may contain any 4 hex digits).
    for (const fragment of ['Piitestname', 'pii.canary', '8765 4321', 'Canary Road', 'Canary-description', 'mail.canary', 'Canary-email-body', 'Canary Sender'])
      expect(leakedForm(logs, fragment), fragment).toBeUndefined();
  });
});
