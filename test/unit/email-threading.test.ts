/**
 * Issue 16 finding 2: anyone could attach mail to any complaint. Mail threads into a complaint
 * only when the sender is the complaint's contact (normalised address) AND the message passes
 * authentication (SES verdicts: DMARC pass, or SPF pass aligned with the From domain). Anything
 * else becomes a new complaint linked "possibly related" for staff, never shown on the other
 * complaint's page. Mail claiming the bank's own domains without DKIM alignment is quarantined.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AttachmentStore } from '../../functions/domain/ports.ts';
import { REGIONS } from '../../functions/domain/regions.ts';
import { SubmitComplaintRequest } from '../../functions/contract/submit-complaint.schema.ts';
import { ManualClock } from '../../functions/shared/clock.ts';
import { getComplaintStatus } from '../../functions/use-cases/customer/get-complaint-status.ts';
import { receiveEmail, type InboundMail } from '../../functions/use-cases/intake/receive-email.ts';
import { submitComplaint } from '../../functions/use-cases/intake/submit-complaint.ts';
import { FakeAccessAttempts, FakeAuditLog, FakeInbound, FakeRepository, FakeWorkflow } from '../support/fakes.ts';
import { productionCalendar } from '../support/calendars.ts';

class Objects implements AttachmentStore {
  objects = new Map<string, Uint8Array>();
  async presignUpload(): Promise<never> {
    throw new Error('not used');
  }
  async head(key: string) {
    const o = this.objects.get(key);
    return o && { size: o.length, contentType: 'application/pdf' };
  }
  async put(key: string, body: Uint8Array) {
    this.objects.set(key, body);
  }
  async get(key: string) {
    return this.objects.get(key);
  }
}

const PASS = { spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' };
type Verdicts = { spf?: string; dkim?: string; dmarc?: string };

function setup() {
  const repo = new FakeRepository();
  const inbound = new FakeInbound();
  const clock = new ManualClock(new Date('2026-03-02T02:00:00Z'));
  const region = REGIONS.cn;
  const deps = {
    repo,
    workflow: new FakeWorkflow(),
    clock,
    region,
    mail: { domain: 'bank.example.cn', ownDomains: ['bank.example'] },
    calendar: productionCalendar(region.name),
    inbound,
    attachments: () => new Objects(),
    attachmentMaxBytes: 1024 * 1024,
    audit: new FakeAuditLog(),
    accessAttempts: new FakeAccessAttempts(),
  };
  let n = 0;
  const mail = (raw: string, o: { source?: string; verdicts?: Verdicts } = {}): InboundMail => ({
    messageId: `m-${++n}`,
    raw: Buffer.from(raw),
    receivedAt: '2026-03-02T01:59:00Z',
    source: o.source ?? 'li.wei@example.com',
    authentication: o.verdicts ?? PASS,
  });
  const victim = async () =>
    (
      await submitComplaint(
        SubmitComplaintRequest.parse({
          complainant: { name: 'Li Wei', contact: { email: 'Li.Wei@Example.com' } },
          matter: { description: 'Double charge on my card in February' },
          consent: { personalData: true },
        }),
        { channel: 'web' },
        deps,
      )
    ).body;
  return { repo, inbound, deps, mail, victim };
}

const eml = (o: { from: string; subject: string; headers?: string[]; body?: string }) =>
  [
    `From: ${o.from}`,
    'To: complaints@bank.example.cn',
    `Subject: ${o.subject}`,
    'Date: Mon, 02 Mar 2026 09:00:00 +0800',
    'Message-ID: <x1@example.net>',
    'MIME-Version: 1.0',
    ...(o.headers ?? []),
    'Content-Type: text/plain; charset=utf-8',
    '',
    o.body ?? 'Please send the refund to my new account 12345678 instead.',
    '',
  ].join('\r\n');

describe('issue 16 finding 2: who may write into a complaint by email', () => {
  it("a stranger's mail naming the reference (subject or forged In-Reply-To) is not attached: a new complaint, linked for staff, never on the victim's page", async () => {
    const { deps, repo, mail, victim } = setup();
    const v = await victim();
    for (const [from, raw] of [
      ['mallory@evil.example', eml({ from: 'mallory@evil.example', subject: `Re: ${v.reference}` })],
      ['trudy@evil.example', eml({ from: 'trudy@evil.example', subject: 'Re: your letter', headers: [`In-Reply-To: <${v.reference}.0f1e@bank.example.cn>`] })],
    ]) {
      const r = await receiveEmail(mail(raw, { source: from }), deps);
      expect(r.outcome).toBe('registered');
      expect(r.reference).not.toBe(v.reference);
      expect(repo.complaints.get(r.reference!)!.relatedTo).toMatchObject({ reference: v.reference, reason: 'mail-names-reference' });
      const own = repo.histories.get(r.reference!)!.find((h) => h.action === 'mail-possibly-related')!;
      expect(own).toMatchObject({ visibleToCustomer: false, summary: expect.stringContaining(`possibly related to ${v.reference}`) });
    }
    const page = await getComplaintStatus(v.reference, v.accessCode, deps);
    expect(page.history.map((h) => h.action)).toEqual(['received']);
    // For staff triage, on the audit record under the complaint named (no address, no text).
    const triage = deps.audit.entries.filter((e) => e.actor === 'email-intake' && e.reference === v.reference);
    expect(triage).toHaveLength(2);
    expect(JSON.stringify(triage)).not.toMatch(/evil|refund/);
    expect(repo.histories.get(v.reference)!.map((h) => h.action)).toEqual(['received']);
  });

  it("mail from the complainant's address that fails authentication is not attached either", async () => {
    const { deps, repo, mail, victim } = setup();
    const v = await victim();
    for (const verdicts of [
      { spf: 'FAIL', dkim: 'FAIL', dmarc: 'FAIL' },
      { spf: 'PASS', dkim: 'PASS', dmarc: 'FAIL' },
      { spf: 'GRAY', dkim: 'GRAY', dmarc: 'GRAY' },
      {},
    ]) {
      const r = await receiveEmail(mail(eml({ from: 'li.wei@example.com', subject: `Re: ${v.reference}` }), { verdicts }), deps);
      expect(r.outcome, JSON.stringify(verdicts)).toBe('registered');
    }
    // SPF passing for another envelope domain is no proof for the From address.
    const spoof = await receiveEmail(
      mail(eml({ from: 'li.wei@example.com', subject: `Re: ${v.reference}` }), {
        source: 'bounce@evil.example',
        verdicts: { spf: 'PASS', dkim: 'GRAY', dmarc: 'GRAY' },
      }),
      deps,
    );
    expect(spoof.outcome).toBe('registered');
    expect(repo.histories.get(v.reference)!.map((h) => h.action)).toEqual(['received']);
  });

  it('property: the complainant, authenticated, is threaded whatever the case of the address; anyone else never is', async () => {
    const { deps, repo, mail, victim } = setup();
    const v = await victim();
    const caseOf = (s: string) =>
      fc
        .array(fc.boolean(), { minLength: s.length, maxLength: s.length })
        .map((up) => [...s].map((c, i) => (up[i] ? c.toUpperCase() : c.toLowerCase())).join(''));
    const sender = fc.oneof(
      caseOf('li.wei@example.com').map((a) => ({ a, owner: true })),
      fc
        .constantFrom('li.wei@example.co', 'li.wei+x@example.com', 'li.wei@example.com.evil.example', 'liwei@example.com', 'li.wei@exampl.com')
        .map((a) => ({ a, owner: false })),
      fc
        .emailAddress()
        .filter((a) => a.toLowerCase() !== 'li.wei@example.com')
        .map((a) => ({ a, owner: false })),
    );
    const header = fc.constantFrom('subject', 'in-reply-to', 'references');
    await fc.assert(
      fc.asyncProperty(sender, header, async ({ a, owner }, where) => {
        const raw = eml({
          from: `"Li Wei" <${a}>`,
          subject: where === 'subject' ? `Re: ${v.reference}` : 'Re: your letter',
          headers:
            where === 'in-reply-to'
              ? [`In-Reply-To: <${v.reference}.ab@bank.example.cn>`]
              : where === 'references'
                ? [`References: <${v.reference}.ab@bank.example.cn>`]
                : [],
        });
        const before = repo.histories.get(v.reference)!.length;
        const r = await receiveEmail(mail(raw, { source: a }), deps);
        if (r.outcome === 'rejected') return; // an address the schema refuses: nothing attached either
        expect(r.outcome === 'threaded' && r.reference === v.reference).toBe(owner);
        expect(repo.histories.get(v.reference)!.length).toBe(owner ? before + 1 : before);
      }),
      { numRuns: 60 },
    );
  });

  it("mail claiming the bank's own domain without DKIM alignment is quarantined: no complaint, no acknowledgement", async () => {
    const { deps, repo, mail } = setup();
    for (const [from, verdicts, headers] of [
      ['ada@bank.example', { spf: 'PASS', dkim: 'PASS', dmarc: 'GRAY' }, []],
      ['complaints@bank.example.cn', { spf: 'FAIL', dkim: 'FAIL', dmarc: 'FAIL' }, []],
      ['ada@bank.example', { spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' }, ['DKIM-Signature: v=1; a=rsa-sha256; d=evil.example; s=s1; b=abc']],
      ['Ada <ADA@Mail.Bank.Example>', { spf: 'PASS', dkim: 'FAIL', dmarc: 'FAIL' }, ['DKIM-Signature: v=1; a=rsa-sha256; d=bank.example; s=s1; b=abc']],
      // A forged d=bank.example signature next to a valid one of the sender's own domain: DKIM "passes", DMARC does not.
      [
        'ada@bank.example',
        { spf: 'PASS', dkim: 'PASS', dmarc: 'FAIL' },
        ['DKIM-Signature: v=1; a=rsa-sha256; d=bank.example; s=s1; b=forged', 'DKIM-Signature: v=1; a=rsa-sha256; d=evil.example; s=s1; b=valid'],
      ],
    ] as const) {
      const r = await receiveEmail(mail(eml({ from, subject: 'Urgent: refund request', headers: [...headers] }), { source: 'x@evil.example', verdicts }), deps);
      expect(r, from).toMatchObject({ outcome: 'quarantined', reason: expect.stringMatching(/own domain/) });
    }
    expect(repo.complaints.size).toBe(0);
    expect([...repo.msgs.values()].flat()).toEqual([]);
    expect(deps.audit.entries.filter((e) => e.actor === 'email-intake' && /quarantined/.test(e.detail ?? ''))).toHaveLength(5);
    // Genuinely signed by the bank (DKIM pass, d= aligned): handled as any mail.
    const ok = await receiveEmail(
      mail(
        eml({
          from: 'ada@bank.example',
          subject: 'A customer asked me to forward this',
          headers: ['DKIM-Signature: v=1; a=rsa-sha256; d=amazonses.com; s=s1; b=abc', 'DKIM-Signature: v=1; a=rsa-sha256;\r\n d=bank.example; s=s1; b=abc'],
        }),
        { source: 'ada@bank.example' },
      ),
      deps,
    );
    expect(ok.outcome).toBe('registered');
  });
});
