import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { AuditLog } from '../../functions/domain/ports.ts';
import type { AuditEntry } from '../../functions/domain/model.ts';
import { authenticateStaff } from '../../functions/http/staff-auth.ts';
import { authorize, CONFLICT_REASON } from '../../functions/domain/authorization.ts';
import { ManualClock } from '../../functions/shared/clock.ts';
import { FakeRepository } from '../support/fakes.ts';

const event = (claims: Record<string, unknown>) => ({ requestContext: { authorizer: { jwt: { claims } } } }) as unknown as APIGatewayProxyEventV2;
const hana = { 'cognito:username': 'hana', name: 'Hana Handler', email: 'hana@bank.example', 'cognito:groups': '[handler]', 'custom:department': 'cards' };

function setup(staffDirectory: 'strict' | 'provision') {
  const repo = new FakeRepository();
  const entries: AuditEntry[] = [];
  const audit: AuditLog = {
    record: async (e) => {
      entries.push(e);
    },
    search: async () => entries,
    has: async () => false,
  };
  return { repo, entries, deps: { repo, audit, clock: new ManualClock(new Date('2026-03-02T01:00:00Z')), config: { staffDirectory } } };
}

describe('staff directory', () => {
  it('strict: a verified token of someone the directory does not know is refused and audited', async () => {
    const { deps, entries } = setup('strict');
    await expect(authenticateStaff(event(hana), 'listMyTasks', deps)).rejects.toMatchObject({ statusCode: 401 });
    expect(entries).toMatchObject([{ actor: 'hana', outcome: 'denied', detail: 'signed-in token of someone not in the staff directory' }]);
  });

  it('provision: the first sign-in enters the caller from the token, audited; later ones change nothing', async () => {
    const { deps, repo, entries } = setup('provision');
    expect(await authenticateStaff(event(hana), 'listMyTasks', deps)).toMatchObject({ id: 'hana', roles: ['handler'], department: 'cards' });
    expect(await repo.getStaff('hana')).toEqual({ id: 'hana', name: 'Hana Handler', email: 'hana@bank.example', roles: ['handler'], department: 'cards' });
    await authenticateStaff(event(hana), 'listMyTasks', deps);
    expect(entries.map((e) => e.detail)).toEqual(['staff profile created from the signed-in token']);
  });

  it('provision: a changed group or department is taken over; a disabled profile is refused whatever the token says', async () => {
    const { deps, repo, entries } = setup('provision');
    await repo.putStaff({ id: 'hana', name: 'Hana Handler', email: 'hana@bank.example', roles: ['handler'], department: 'loans' });
    await authenticateStaff(event(hana), 'listMyTasks', deps);
    expect((await repo.getStaff('hana'))?.department).toBe('cards');
    expect(entries.at(-1)?.detail).toBe('staff profile updated from the signed-in token');
    await repo.putStaff({ id: 'hana', name: 'Hana Handler', email: 'hana@bank.example', roles: ['handler'], department: 'cards', disabled: true });
    await expect(authenticateStaff(event(hana), 'listMyTasks', deps)).rejects.toMatchObject({ statusCode: 401 });
    expect((await repo.getStaff('hana'))?.disabled).toBe(true);
    expect(entries.at(-1)).toMatchObject({ outcome: 'denied', detail: 'signed-in token of a disabled staff member' });
  });

  it("the actor carries the directory's identities (email, name variants): a complaint naming any of them is a conflict (issue 16 #4)", async () => {
    const { deps, repo } = setup('strict');
    await repo.putStaff({ id: 'hana', name: 'Hana Handler', email: 'hana@bank.example', roles: ['handler'], department: 'cards', aliases: ['韩娜'] });
    const actor = await authenticateStaff(event({ ...hana, email: undefined }), 'claimTask', deps);
    expect(actor).toMatchObject({ id: 'hana', email: 'hana@bank.example', aliases: ['韩娜'] });
    for (const staffMember of ['韩 娜', 'HANA@bank.example', 'Ha\u200bna  Handler.']) {
      expect(authorize(actor, 'claimTask', { assignment: { team: 'cards' }, target: { staffMember } })).toEqual({ allowed: false, reason: CONFLICT_REASON });
    }
  });
});
