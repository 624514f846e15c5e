/**
 * Approval always has a path (issue 19, ADR 0014): the tier rule of functions/domain/approval.ts,
 * by example and as properties over generated departments, roles and authors.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ApprovalCandidate,
  type ApprovalTier,
  mayApprove,
  replyApprovalTier,
  routeApproval,
  seniorTierProblems,
} from '../../functions/domain/approval.ts';
import { REGIONS } from '../../functions/domain/regions.ts';
import { SEED_USERS } from '../../local/emulators/identity.ts';

const person = (id: string, roles: string[], department: string, over: Partial<ApprovalCandidate> = {}): ApprovalCandidate => ({
  id,
  name: `${id} person`,
  roles,
  department,
  ...over,
});

// The seeded shape of the issue: every department has one manager; one head of complaints.
const mia = person('mia', ['manager'], 'cards');
const hana = person('hana', ['handler'], 'cards');
const max = person('max', ['manager'], 'loans');
const sara = person('sara', ['senior'], 'complaints');
const DIRECTORY = [mia, hana, max, sara];

describe('routeApproval and mayApprove, by example', () => {
  it("the department's only manager wrote the reply: it goes to the senior tier, where only the senior may approve", () => {
    const subject = { author: 'mia', team: 'cards', manager: 'mia' };
    const route = routeApproval('manager', subject, DIRECTORY);
    expect(route).toEqual({ tier: 'senior', approvers: ['sara'], escalated: true });
    expect(mayApprove(mia, route.tier, subject)).toEqual({ allowed: false, reason: 'approved by someone other than its author' });
    expect(mayApprove(max, route.tier, subject).allowed).toBe(false); // a manager of another department
    expect(mayApprove(hana, route.tier, subject).allowed).toBe(false);
    expect(mayApprove(sara, route.tier, subject)).toEqual({ allowed: true });
  });

  it("a handler's reply stays at the manager tier; a senior may approve there too, a manager of another department not", () => {
    const subject = { author: 'hana', team: 'cards', manager: 'mia' };
    expect(routeApproval('manager', subject, DIRECTORY)).toEqual({ tier: 'manager', approvers: ['mia'], escalated: false });
    expect(mayApprove(mia, 'manager', subject).allowed).toBe(true);
    expect(mayApprove(sara, 'manager', subject).allowed).toBe(true);
    expect(mayApprove(max, 'manager', subject)).toEqual({ allowed: false, reason: "this needs a manager of the cards department or the complaint's manager" });
  });

  it('the senior tier when the profile requires it: a manager may not approve, whoever asked', () => {
    const subject = { author: 'hana', team: 'cards' };
    expect(routeApproval('senior', subject, DIRECTORY)).toEqual({ tier: 'senior', approvers: ['sara'], escalated: false });
    expect(mayApprove(mia, 'senior', subject)).toEqual({ allowed: false, reason: expect.stringMatching(/senior tier/) });
  });

  it('nobody is never the answer while the directory is sound; a directory without a senior is reported', () => {
    expect(seniorTierProblems(DIRECTORY)).toEqual([]);
    expect(seniorTierProblems([mia, hana])).toEqual(['the staff directory has no active member of the senior approval tier (role senior)']);
    expect(seniorTierProblems([person('s', ['senior', 'manager'], 'cards')])[0]).toMatch(/only senior approver \(s\) also writes replies/);
    expect(routeApproval('manager', { author: 'mia', team: 'cards' }, [mia, hana]).approvers).toEqual([]);
  });

  it('a complaint naming the only other manager sends the reply up; disabled staff approve nothing', () => {
    const rob = person('rob', ['manager'], 'cards', { name: 'Rob Banks' });
    expect(routeApproval('manager', { author: 'hana', team: 'cards', target: { staffMember: 'Rob Banks' } }, [hana, rob, sara]).tier).toBe('senior');
    expect(mayApprove({ ...sara, disabled: true }, 'senior', { author: 'hana', team: 'cards' }).allowed).toBe(false);
  });

  it('replies need the manager tier on major and escalated complaints only', () => {
    expect(replyApprovalTier({ routing: { major: true } })).toBe('manager');
    expect(replyApprovalTier({ escalated: true })).toBe('manager');
    expect(replyApprovalTier({ routing: { major: false } })).toBeUndefined();
  });

  it('the seeded local directory keeps a path: every department with handlers has a manager, and the senior tier is staffed', () => {
    const seeded = SEED_USERS.map((u) => person(u.username, u.roles, u.department));
    expect(seniorTierProblems(seeded)).toEqual([]);
    for (const d of new Set(seeded.filter((p) => p.roles.includes('handler')).map((p) => p.department)))
      expect(
        seeded.some((p) => p.department === d && p.roles.includes('manager')),
        d,
      ).toBe(true);
  });
});

// ---- properties over generated directories -------------------------------------------------

const DEPARTMENTS = ['cards', 'loans', 'retail', 'wealth'];
const ROLE_SETS: string[][] = [['handler'], ['manager'], ['handler', 'manager'], ['specialist'], ['quality'], ['admin'], ['senior'], ['senior', 'manager']];

/** A directory: staff with generated roles and departments (some disabled), whose senior tier is sound. */
const directory = fc
  .array(
    fc.record({
      roles: fc.constantFrom(...ROLE_SETS),
      department: fc.constantFrom(...DEPARTMENTS, 'complaints'),
      disabled: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
    }),
    { minLength: 1, maxLength: 14 },
  )
  .map((rows) => rows.map((r, i) => person(`u${i}`, r.roles, r.department, r.disabled ? { disabled: true } : {})))
  .filter((d) => seniorTierProblems(d).length === 0);

/** An approval on a complaint of `team` (its manager maybe of another team), by a generated author who may write replies. */
const scenario = directory.chain((d) => {
  const authors = d.filter((p) => !p.disabled && p.roles.some((r) => r === 'handler' || r === 'manager'));
  return fc.record({
    directory: fc.constant(d),
    author: authors.length ? fc.constantFrom(...authors.map((p) => p.id)) : fc.constant('someone-else'),
    team: fc.constantFrom(...DEPARTMENTS),
    manager: fc.option(fc.constantFrom(...d.filter((p) => p.roles.includes('manager')).map((p) => p.id), 'nobody'), { nil: undefined }),
    // A complaint may name a staff member who is not a senior (conflict of interest).
    named: fc.option(fc.constantFrom(...d.filter((p) => !p.roles.includes('senior')).map((p) => p.id), 'a stranger'), { nil: undefined }),
    required: fc.constantFrom<ApprovalTier>('manager', 'senior'),
  });
});

describe('properties: no approval deadlocks', () => {
  it('every pending approval has at least one eligible approver who is not its author, and each may approve at its tier', () => {
    fc.assert(
      fc.property(scenario, ({ directory: d, author, team, manager, named, required }) => {
        const subject = { author, team, manager, ...(named ? { target: { staffMember: named } } : {}) };
        const route = routeApproval(required, subject, d);
        expect(route.approvers.length).toBeGreaterThan(0);
        expect(route.approvers).not.toContain(author);
        for (const id of route.approvers) expect(mayApprove(d.find((p) => p.id === id)!, route.tier, subject).allowed).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('the senior tier is required exactly where the profile says it, or where nobody but the author holds the manager tier', () => {
    const cn = REGIONS.cn.profile.clocks.extensions.map((e) => e.approval);
    expect(cn).toEqual(['manager', 'senior']); // CN: to 30 days a manager, to 60 days the senior tier
    fc.assert(
      fc.property(scenario, fc.constantFrom(...cn.keys()), ({ directory: d, author, team, manager }, i) => {
        const required = cn[i] as ApprovalTier;
        const subject = { author, team, manager };
        const route = routeApproval(required, subject, d);
        const otherManager = d.some((p) => p.id !== author && !p.disabled && p.roles.includes('manager') && (p.department === team || p.id === manager));
        expect(route.tier).toBe(required === 'senior' || !otherManager ? 'senior' : 'manager');
        expect(route.escalated).toBe(required === 'manager' && !otherManager);
        // Never lower than required: at the senior tier, a manager who is not a senior may not approve.
        if (route.tier === 'senior') for (const p of d.filter((x) => !x.roles.includes('senior'))) expect(mayApprove(p, 'senior', subject).allowed).toBe(false);
      }),
      { numRuns: 400 },
    );
  });
});
