/**
 * The approval tiers (functions/domain/approval.ts) to the exact refusal reason and route
 * (issue 23, mutation testing: these cases kill the mutants that the examples and properties of
 * approval.test.ts let survive): ids compared trimmed and case-blind but never empty, the
 * complaint's own manager from another department, the route when nobody may approve, and the
 * senior tier's health check.
 */
import { describe, expect, it } from 'vitest';
import {
  APPROVAL_TIERS,
  type ApprovalCandidate,
  AUTHOR_ROLES,
  mayApprove,
  replyApprovalTier,
  routeApproval,
  seniorTierProblems,
} from '../../functions/domain/approval.ts';

const person = (id: string, roles: string[], department: string, over: Partial<ApprovalCandidate> = {}): ApprovalCandidate => ({
  id,
  name: `${id} person`,
  roles,
  department,
  ...over,
});

const mia = person('mia', ['manager'], 'cards');
const hana = person('hana', ['handler'], 'cards');
const max = person('max', ['manager'], 'loans');
const sara = person('sara', ['senior'], 'complaints');

const DISABLED = 'a disabled staff member approves nothing';
const AUTHOR = 'approved by someone other than its author';
const CONFLICT = 'conflict of interest: the complaint names you';
const SENIOR_TIER = 'this needs the senior tier (a senior manager or the head of the complaints function)';
const managerOf = (team: string) => `this needs a manager of the ${team} department or the complaint's manager`;

describe('the tiers and the roles that write replies', () => {
  it('two tiers, lowest first; handlers and managers author', () => {
    expect(APPROVAL_TIERS).toEqual(['manager', 'senior']);
    expect(AUTHOR_ROLES).toEqual(['handler', 'manager']);
  });
});

describe('mayApprove: each refusal with its reason, in order', () => {
  const subject = { author: 'hana', team: 'cards' };

  it('a disabled staff member, even a senior, even their own reply', () => {
    expect(mayApprove({ ...sara, disabled: true }, 'senior', subject)).toEqual({ allowed: false, reason: DISABLED });
    expect(mayApprove({ ...mia, disabled: true }, 'manager', { author: 'mia', team: 'cards' })).toEqual({ allowed: false, reason: DISABLED });
  });

  it('the author, recognised trimmed and in any case, even when a senior', () => {
    expect(mayApprove(sara, 'senior', { author: '  SARA ', team: 'cards' })).toEqual({ allowed: false, reason: AUTHOR });
    expect(mayApprove(person(' Mia ', ['manager'], 'cards'), 'manager', { author: 'mia', team: 'cards' })).toEqual({ allowed: false, reason: AUTHOR });
  });

  it('named by the complaint, even a senior', () => {
    expect(mayApprove(sara, 'senior', { ...subject, target: { staffMember: 'sara person' } })).toEqual({ allowed: false, reason: CONFLICT });
    expect(mayApprove(mia, 'manager', { ...subject, target: { staffMember: 'MIA' } })).toEqual({ allowed: false, reason: CONFLICT });
  });

  it('not of the tier: the senior tier, or the manager of the team named in the reason', () => {
    expect(mayApprove(mia, 'senior', subject)).toEqual({ allowed: false, reason: SENIOR_TIER });
    expect(mayApprove(max, 'manager', subject)).toEqual({ allowed: false, reason: managerOf('cards') });
    expect(mayApprove(hana, 'manager', { author: 'mia', team: 'cards' })).toEqual({ allowed: false, reason: managerOf('cards') });
    // A handler of the team who is named as the complaint's manager is still no manager.
    expect(mayApprove(hana, 'manager', { author: 'mia', team: 'cards', manager: 'hana' })).toEqual({ allowed: false, reason: managerOf('cards') });
  });

  it("the complaint's manager from another department holds the manager tier (id trimmed, any case)", () => {
    expect(mayApprove(max, 'manager', { ...subject, manager: 'max' })).toEqual({ allowed: true });
    expect(mayApprove(max, 'manager', { ...subject, manager: ' MAX ' })).toEqual({ allowed: true });
    expect(mayApprove(max, 'senior', { ...subject, manager: 'max' })).toEqual({ allowed: false, reason: SENIOR_TIER });
  });

  it('the team is compared with the department trimmed and in any case', () => {
    expect(mayApprove(mia, 'manager', { author: 'hana', team: ' CARDS ' })).toEqual({ allowed: true });
    expect(mayApprove(person('mo', ['manager'], ' Cards '), 'manager', subject)).toEqual({ allowed: true });
  });

  it('an empty team or manager id matches nobody', () => {
    const noDepartment = person('nd', ['manager'], '');
    expect(mayApprove(noDepartment, 'manager', { author: 'hana', team: '' })).toEqual({ allowed: false, reason: managerOf('') });
    expect(mayApprove(noDepartment, 'manager', { author: 'hana', team: '  ' })).toEqual({ allowed: false, reason: managerOf('  ') });
    expect(mayApprove(person('', ['manager'], 'loans'), 'manager', { author: 'hana', team: 'cards', manager: '' })).toEqual({
      allowed: false,
      reason: managerOf('cards'),
    });
  });

  it('a senior holds both tiers', () => {
    expect(mayApprove(sara, 'manager', subject)).toEqual({ allowed: true });
    expect(mayApprove(sara, 'senior', subject)).toEqual({ allowed: true });
  });
});

describe('routeApproval: exact routes', () => {
  it('every eligible manager of the team, in directory order; not the author, not a disabled one, not a named one', () => {
    const mo = person('mo', ['manager'], 'cards');
    const off = person('off', ['manager'], 'cards', { disabled: true });
    const named = person('ned', ['manager'], 'cards', { name: 'Ned Stark' });
    const subject = { author: 'mia', team: 'cards', target: { staffMember: 'ned stark' } };
    expect(routeApproval('manager', subject, [mia, mo, off, named, hana, sara, max])).toEqual({ tier: 'manager', approvers: ['mo'], escalated: false });
  });

  it("the complaint's manager from another department is eligible at the manager tier; seniors count at the senior tier only", () => {
    expect(routeApproval('manager', { author: 'hana', team: 'cards', manager: 'max' }, [hana, max, sara])).toEqual({
      tier: 'manager',
      approvers: ['max'],
      escalated: false,
    });
    const sam = person('sam', ['senior', 'manager'], 'cards');
    expect(routeApproval('senior', { author: 'hana', team: 'cards' }, [mia, sara, sam, { ...sara, id: 'old', disabled: true }])).toEqual({
      tier: 'senior',
      approvers: ['sara', 'sam'],
      escalated: false,
    });
  });

  it('nobody eligible anywhere: the senior tier with nobody, escalated only when the manager tier was required', () => {
    expect(routeApproval('manager', { author: 'mia', team: 'cards' }, [mia, hana])).toEqual({ tier: 'senior', approvers: [], escalated: true });
    expect(routeApproval('senior', { author: 'mia', team: 'cards' }, [mia, hana])).toEqual({ tier: 'senior', approvers: [], escalated: false });
  });
});

describe('replyApprovalTier', () => {
  it.each([
    [{}, undefined],
    [{ routing: {} }, undefined],
    [{ routing: { major: false }, escalated: false }, undefined],
    [{ routing: { major: true }, escalated: false }, 'manager'],
    [{ routing: { major: false }, escalated: true }, 'manager'],
    [{ routing: { major: true }, escalated: true }, 'manager'],
  ])('%j -> %s', (c, tier) => {
    expect(replyApprovalTier(c)).toBe(tier);
  });
});

describe('seniorTierProblems: exact findings', () => {
  const NO_SENIOR = 'the staff directory has no active member of the senior approval tier (role senior)';
  const onlyWriter = (id: string) => `the only senior approver (${id}) also writes replies: add a second senior, or one without the handler and manager roles`;

  it('one senior who writes no replies is enough; so are two who write them', () => {
    expect(seniorTierProblems([sara])).toEqual([]);
    expect(seniorTierProblems([person('a', ['senior', 'manager'], 'cards'), person('b', ['senior', 'handler'], 'loans')])).toEqual([]);
  });

  it('the only senior writes replies (as handler or as manager)', () => {
    expect(seniorTierProblems([mia, person('s1', ['senior', 'handler'], 'cards')])).toEqual([onlyWriter('s1')]);
    expect(seniorTierProblems([person('s2', ['manager', 'senior'], 'cards'), hana])).toEqual([onlyWriter('s2')]);
  });

  it('disabled seniors do not count', () => {
    expect(seniorTierProblems([{ ...sara, disabled: true }, mia])).toEqual([NO_SENIOR]);
    expect(seniorTierProblems([{ ...sara, disabled: true }, person('s3', ['senior', 'manager'], 'cards')])).toEqual([onlyWriter('s3')]);
    expect(seniorTierProblems([])).toEqual([NO_SENIOR]);
  });
});
