/**
 * Issue 16, findings 4-9, on the real local runtime (DynamoDB Local, the staff directory seeded
 * from local/identity.ts): teams from the directory, uploads owned by one complaint, long
 * descriptions, what the status page shows.
 */
import { describe, expect, inject, it } from 'vitest';
import { clients, validComplaint } from '../support/clients.ts';
import { Journey } from '../support/journey.ts';

const { ddb, sfn } = clients({ dynamoEndpoint: inject('dynamoEndpoint'), sfnEndpoint: inject('sfnEndpoint'), awsRegion: inject('awsRegion') });
const j = new Journey(inject('apiUrl'), ddb, sfn, inject('tableName'), inject('stateMachineArn'));

describe('teams come from the staff directory (finding 5)', () => {
  it('"Customer Experience" goes to the complaints desk with the customer\'s words; a reassignment to a ghost team is a 400 naming the field', async () => {
    const { reference } = await j.submit(validComplaint({ target: { department: 'Customer Experience' }, businessLine: undefined, amount: undefined }));
    const task = await j.waitForStage(reference, 'INVESTIGATION');
    expect(task.team).toBe('complaints');
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
