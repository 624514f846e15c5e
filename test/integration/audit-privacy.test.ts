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
    const { reference: ref } = await j.submit(validComplaint({ businessLine: 'cards', complainant: { name: 'Audit Person', contact: { email: `audit-${Date.now()}@example.com` } } }));
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

  it('masks personal data in queues and shows it in full only in the detail view', async () => {
    await j.setClock(`${DAY}T02:00:00.000Z`);
    const { reference: ref } = await j.submit(validComplaint({ businessLine: 'cards', complainant: { name: 'Maria Lopez', contact: { email: `mask-${Date.now()}@example.com`, phone: '+86 138 5555 6666' } } }));
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
    const next = await j.submit(validComplaint({ businessLine: 'loans', complainant: { name: 'Abusive Caller', contact: { email } }, matter: { description: 'Another matter entirely about my mortgage rate' } }));
    expect(next.reference).not.toBe(ref);
    await j.waitForStage(next.reference, 'INVESTIGATION');
    const c = await j.complaint('max', next.reference);
    expect(c.complaint.restricted).toMatchObject({ reason: 'Threatening language towards staff', by: 'mia' });
    expect((await j.as('max', 'GET', '/tasks/team')).body.find((t: any) => t.reference === next.reference).flags).toContain('restricted');
    expect((await j.complaint('mia', ref)).history.map((h: any) => h.action)).toContain('customer-restricted');
    await j.setClock('2026-03-02T01:00:00.000Z');
  });
});
