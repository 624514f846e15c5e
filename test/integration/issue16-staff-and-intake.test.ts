/**
 * Issue 16, findings 4-9, on the real local runtime (DynamoDB Local, the staff directory seeded
 * from local/emulators/identity.ts): teams from the directory, uploads owned by one complaint, long
 * descriptions, what the status page shows.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { itemSize } from '../../bench/dynamo-units.ts';
import { clients, validComplaint } from '../support/clients.ts';
import { Journey } from '../support/journey.ts';
import { concat, HTML, minimalPdf, PNG } from '../support/files.ts';

const { ddb, sfn } = clients({ dynamoEndpoint: inject('dynamoEndpoint'), sfnEndpoint: inject('sfnEndpoint'), awsRegion: inject('awsRegion') });
const j = new Journey(inject('apiUrl'), ddb, sfn, inject('tableName'), inject('stateMachineArn'));

describe('teams come from the staff directory (finding 5)', () => {
  it('"Customer Experience" goes to the complaints desk with the customer\'s words; a reassignment to a ghost team is a 400 naming the field', async () => {
    const { reference } = await j.submit(validComplaint({ target: { department: 'Customer Experience' }, businessLine: undefined, amount: undefined }));
    const task = await j.waitForStage(reference, 'INVESTIGATION');
    expect((task as { team?: string }).team).toBe('complaints');
    const { complaint } = await j.complaint('sam', reference);
    expect(complaint.target.department).toBe('Customer Experience');
    expect(complaint.routing).toMatchObject({ departments: ['complaints'], unstaffed: ['customer-experience'] });
    expect((await j.as('sam', 'GET', '/tasks/team?team=complaints')).body.map((t: any) => t.reference)).toContain(reference);

    // The complaints desk has no manager: an admin reassigns it.
    const ghost = await j.as('ada', 'POST', `/complaints/${reference}/assignment`, { team: 'ghost-team;=1+1' });
    expect(ghost.status).toBe(400);
    expect(ghost.body.fields).toEqual([{ field: 'team', message: 'must be a team in the staff directory' }]);
    const moved = await j.as('ada', 'POST', `/complaints/${reference}/assignment`, { team: 'Cards Department' });
    expect(moved.status).toBe(200);
    expect(moved.body.assignment.team).toBe('cards');
  });
});

describe('uploads (finding 7)', () => {
  const uploadFile = async (name: string, contentType: string, bytes: Uint8Array) => {
    const u = (await j.request('POST', '/api/attachments', { name, contentType, size: bytes.length })).body;
    expect((await fetch(u.upload.url, { method: 'PUT', headers: u.upload.headers, body: bytes })).status).toBe(200);
    return { key: u.key, name: u.name, contentType: u.contentType, size: u.size };
  };

  it('a PNG+HTML polyglot is refused; a real PNG is kept', async () => {
    const polyglot = await uploadFile('photo.png', 'image/png', concat(PNG, HTML));
    const refused = await j.request('POST', '/api/complaints', validComplaint({ attachments: [polyglot] }));
    expect(refused.status).toBe(400);
    expect(refused.body.fields).toEqual([{ field: 'attachments.0.contentType', message: "does not match the file's content" }]);
    const photo = await uploadFile('photo.png', 'image/png', PNG);
    expect((await j.request('POST', '/api/complaints', validComplaint({ attachments: [photo] }))).status).toBe(201);
  });

  it('one upload belongs to one complaint: a key accepted by one complaint is refused for another', async () => {
    const file = await uploadFile('statement.pdf', 'application/pdf', minimalPdf());
    const first = await j.submit(validComplaint({ attachments: [file] }));
    const second = await j.request(
      'POST',
      '/api/complaints',
      validComplaint({ businessLine: 'loans', matter: { description: 'My mortgage payment went missing' }, attachments: [file] }),
    );
    expect(second.status).toBe(400);
    expect(second.body.fields).toEqual([{ field: 'attachments.0.key', message: 'belongs to another complaint' }]);
    const staffKeyed = await j.as('sam', 'POST', '/complaints', { channel: 'phone', complaint: validComplaint({ attachments: [file] }) });
    expect(staffKeyed.status).toBe(400);
    await j.waitForStage(first.reference, 'INVESTIGATION');
    expect((await j.complaint('quinn', first.reference)).complaint.attachments.map((a: any) => a.key)).toEqual([file.key]);
  });
});

describe('a real complaint is never refused for its length; the status page shows what was submitted (finding 9)', () => {
  it('a 50,000-character Chinese description is accepted, stored whole (a complaint item well within 400 KB) and shown back to the customer with the attachment names', async () => {
    const description = '我的信用卡被重复扣款，银行没有回复我的多次投诉。'.repeat(3_000).slice(0, 50_000);
    expect(description.length).toBe(50_000);
    const file = await (async () => {
      const bytes = minimalPdf();
      const u = (await j.request('POST', '/api/attachments', { name: '账单 March.pdf', contentType: 'application/pdf', size: bytes.length })).body;
      await fetch(u.upload.url, { method: 'PUT', headers: u.upload.headers, body: bytes });
      return { key: u.key, name: u.name, contentType: u.contentType, size: u.size };
    })();
    const { reference, accessCode } = await j.submit(
      validComplaint({ language: 'zh-CN', matter: { description, demand: '退还重复扣款' }, attachments: [file] }),
    );
    const item = (await ddb.send(new GetCommand({ TableName: inject('tableName'), Key: { PK: `COMPLAINT#${reference}`, SK: 'META' } }))).Item!;
    expect(item.matter.description).toBe(description);
    expect(itemSize(marshall(item, { removeUndefinedValues: true }) as never)).toBeLessThan(200 * 1024);

    const status = await j.status(reference, accessCode);
    expect(status.status).toBe(200);
    expect(status.body.submitted).toEqual({
      description,
      demand: '退还重复扣款',
      attachments: [{ name: '账单 March.pdf', contentType: 'application/pdf', size: file.size }],
    });
    // Staff read it whole too.
    await j.waitForStage(reference, 'INVESTIGATION');
    expect((await j.complaint('hana', reference)).complaint.matter.description).toBe(description);
  });

  it('longer than the limit: a 400 naming the field, that says the limit', async () => {
    const r = await j.request('POST', '/api/complaints', validComplaint({ matter: { description: 'x'.repeat(50_001) } }));
    expect(r.status).toBe(400);
    expect(r.body.fields).toEqual([{ field: 'matter.description', message: expect.stringContaining('50000') }]);
  });
});
