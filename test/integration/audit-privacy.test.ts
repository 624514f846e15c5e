/** Oversight: the audit record of reads and changes, masked lists, restricted customers. */
import { describe, expect, inject, it } from 'vitest';
import { clients, validComplaint } from '../support/clients.ts';
import { Journey } from '../support/journey.ts';

const { ddb, sfn } = clients({ dynamoEndpoint: inject('dynamoEndpoint'), sfnEndpoint: inject('sfnEndpoint'), awsRegion: inject('awsRegion') });
const j = new Journey(inject('apiUrl'), ddb, sfn, inject('tableName'), inject('stateMachineArn'));
const DAY = '2027-05-03';

describe('audit and privacy', () => {
  it('records every read of personal data, every change and every refusal; quality can search it', async () => {
    await j.setClock(`${DAY}T01:00:00.000Z`);
    const { reference: ref } = await j.submit(
      validComplaint({ businessLine: 'cards', complainant: { name: 'Audit Person', contact: { email: `audit-${Date.now()}@example.com` } } }),
    );
    await j.waitForStage(ref, 'INVESTIGATION');
    await j.as('hana', 'GET', `/complaints/${ref}`);
    await j.act('hana', ref, 'claim');
    expect((await j.as('leo', 'GET', `/complaints/${ref}`)).status).toBe(403);
    await j.as('hana', 'GET', '/tasks/team');

    const found = await j.as('quinn', 'GET', `/audit?day=${DAY}&reference=${ref}`);
    expect(found.status).toBe(200);
    const lines = found.body.entries.map((e: any) => `${e.actor}:${e.operation}:${e.outcome}`);
    expect(lines).toEqual(expect.arrayContaining(['hana:getComplaint:ok', 'hana:claimTask:ok', 'leo:getComplaint:denied']));
    expect(found.body.entries.find((e: any) => e.operation === 'getComplaint' && e.actor === 'hana').detail).toBe('read personal data');
    // Lists are masked and not audited; no personal data in the audit record.
    expect(lines.some((l: string) => l.includes('listTeamQueue'))).toBe(false);
    expect(JSON.stringify(found.body)).not.toContain('Audit Person');
    // Only quality searches it.
    expect((await j.as('hana', 'GET', `/audit?day=${DAY}`)).status).toBe(403);
    expect((await j.as('quinn', 'GET', `/audit?day=not-a-day`)).body.fields[0].field).toBe('day');
    await j.setClock('2026-03-02T01:00:00.000Z');
  });

  it('a refusal for a malformed path is audited too: a malformed reference answers 400 and is on the record (issue 16 #6)', async () => {
    await j.setClock(`${DAY}T03:00:00.000Z`);
    for (const path of ['/complaints/CN-2026-00001%27%20OR%201=1', '/complaints/..%2F..%2Fetc', '/complaints/not-a-reference/claim']) {
      const method = path.endsWith('/claim') ? 'POST' : 'GET';
      expect((await j.as('leo', method, path)).status).toBe(400);
    }
    const entries = (await j.as('quinn', 'GET', `/audit?day=${DAY}&actor=leo`)).body.entries as {
      operation: string;
      outcome: string;
      reference?: string;
      detail?: string;
    }[];
    const rejected = entries.filter((e) => e.outcome === 'rejected');
    expect(rejected.map((e) => e.operation).sort()).toEqual(['claimTask', 'getComplaint', 'getComplaint']);
    // What the path held is not copied into the record (it may be anything): only that it was malformed.
    for (const e of rejected) {
      expect(e.reference).toBeUndefined();
      expect(e.detail).toMatch(/reference/);
      expect(JSON.stringify(e)).not.toMatch(/OR 1=1|etc|not-a-reference/);
    }
    await j.setClock('2026-03-02T01:00:00.000Z');
  });

  it('masks personal data in queues and shows it in full only in the detail view', async () => {
    await j.setClock(`${DAY}T02:00:00.000Z`);
    const { reference: ref } = await j.submit(
      validComplaint({
        businessLine: 'cards',
        complainant: { name: 'Maria Lopez', contact: { email: `mask-${Date.now()}@example.com`, phone: '+86 138 5555 6666' } },
      }),
    );
    await j.waitForStage(ref, 'INVESTIGATION');
    const row = (await j.as('hana', 'GET', '/tasks/team')).body.find((t: any) => t.reference === ref);
    expect(row.customer).toBe('M**** L****');
    expect(JSON.stringify(row)).not.toMatch(/Maria|Lopez|5555|mask-/);
    const detail = await j.complaint('hana', ref);
    expect(detail.complaint.complainant.name).toBe('Maria Lopez');
    await j.setClock('2026-03-02T01:00:00.000Z');
  });

  it('lets a manager restrict an abusive customer with a reason; their next complaint is still registered, flagged', async () => {
    await j.setClock(`${DAY}T03:00:00.000Z`);
    const email = `abusive-${Date.now()}@example.com`;
    const { reference: ref } = await j.submit(validComplaint({ businessLine: 'cards', complainant: { name: 'Abusive Caller', contact: { email } } }));
    await j.waitForStage(ref, 'INVESTIGATION');
    expect((await j.act('hana', ref, 'restriction', { reason: 'Threatening language towards staff' })).status).toBe(403);
    const r = await j.act('mia', ref, 'restriction', { reason: 'Threatening language towards staff', until: '2027-12-31' });
    expect(r.status).toBe(200);
    const next = await j.submit(
      validComplaint({
        businessLine: 'loans',
        complainant: { name: 'Abusive Caller', contact: { email } },
        matter: { description: 'Another matter entirely about my mortgage rate' },
      }),
    );
    expect(next.reference).not.toBe(ref);
    await j.waitForStage(next.reference, 'INVESTIGATION');
    const c = await j.complaint('max', next.reference);
    expect(c.complaint.restricted).toMatchObject({ reason: 'Threatening language towards staff', by: 'mia' });
    expect((await j.as('max', 'GET', '/tasks/team')).body.find((t: any) => t.reference === next.reference).flags).toContain('restricted');
    expect((await j.complaint('mia', ref)).history.map((h: any) => h.action)).toContain('customer-restricted');
    await j.setClock('2026-03-02T01:00:00.000Z');
  });
});

describe('notification links', () => {
  const linkOf = (text: string) => new URL(/(http:\/\/\S+#\/link\?\S+)/.exec(text)![1]).hash.replace(/^#\/link\?/, '');

  it('emails the assignee a signed link that opens the task once, only for them, only before it expires', async () => {
    await j.setClock(`${DAY}T04:00:00.000Z`);
    const { reference: ref } = await j.submit(validComplaint({ businessLine: 'cards', amount: { value: 900_000, currency: 'CNY' } }));
    await j.waitForStage(ref, 'INVESTIGATION');
    // Major: the manager was told at once, with a link.
    const toMia = (await j.complaint('mia', ref)).messages.find((m: any) => m.audience === 'staff' && m.to === 'mia');
    expect(toMia.text).toMatch(/major complaint/i);
    expect((await j.as('mia', 'GET', `/links?${linkOf(toMia.text)}`)).body).toEqual({ reference: ref });

    expect((await j.act('mia', ref, 'assignment', { assignee: 'hana' })).status).toBe(200);
    const toHana = (await j.complaint('mia', ref)).messages.find((m: any) => m.audience === 'staff' && m.to === 'hana');
    expect(toHana.subject).toBe(`${ref}: assigned to you`);
    const q = linkOf(toHana.text);
    // Someone else signed in cannot use it; a tampered link is refused.
    expect((await j.as('leo', 'GET', `/links?${q}`)).status).toBe(403);
    const tampered = q.replace(/ref=[^&]+/, 'ref=CN-2026-000001');
    expect((await j.as('hana', 'GET', `/links?${tampered}`)).body.message).toMatch(/not valid/);
    // Without signing in: 401.
    expect((await j.request('GET', `/api/staff/links?${q}`)).status).toBe(401);
    const opened = await j.as('hana', 'GET', `/links?${q}`);
    expect(opened.status).toBe(200);
    expect(opened.body).toEqual({ reference: ref });
    // Replayed: refused (and audited).
    const again = await j.as('hana', 'GET', `/links?${q}`);
    expect(again.status).toBe(403);
    expect(again.body.message).toMatch(/already used/);
    const audit = await j.as('quinn', 'GET', `/audit?day=${DAY}&actor=hana`);
    expect(audit.body.entries.filter((e: any) => e.operation === 'openTaskLink').map((e: any) => e.outcome)).toEqual(expect.arrayContaining(['ok', 'denied']));

    // Expired: a fresh link used after its 72 hours.
    await j.act('mia', ref, 'assignment', { assignee: 'mia' });
    await j.act('mia', ref, 'assignment', { assignee: 'hana' });
    const fresh = (await j.complaint('mia', ref)).messages.filter((m: any) => m.audience === 'staff' && m.to === 'hana').at(-1);
    await j.advance(73 * 3600_000);
    expect((await j.as('hana', 'GET', `/links?${linkOf(fresh.text)}`)).body.message).toMatch(/expired/);
    await j.setClock('2026-03-02T01:00:00.000Z');
  });
});
