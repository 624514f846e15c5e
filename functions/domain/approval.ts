/**
 * Who may approve a reply or an extension (issue 19, ADR 0014). Pure: the caller passes the
 * staff directory's candidates and the parts of the complaint that matter.
 *
 * Tiers, lowest first: `manager` (the manager of the complaint's team, or the manager the
 * complaint is assigned to) and `senior` (the senior tier: a senior manager or the head of the
 * complaints function - each region profile names it, `approvalTiers`). A senior may approve at
 * either tier; a manager only at the manager tier, in scope.
 *
 * What needs which tier:
 *  - a reply to a major or escalated complaint: the manager tier;
 *  - an extension: what the region profile says of that extension (CN: to 30 days the manager
 *    tier, to 60 days the senior tier; 'none': no approval).
 *
 * Approval always has a path: an approval goes to the lowest tier, from the one required, with
 * at least one eligible approver who is not its author - the department's only manager who
 * wrote the reply herself sends it to the senior tier, never to nobody. Nobody at any tier is
 * only possible when the directory breaks `seniorTierProblems` (the local seed and the
 * property test in test/unit/approval.test.ts keep it).
 */
import { namesActor } from './authorization.ts';
import type { StaffIdentity } from './staff-identity.ts';

export const APPROVAL_TIERS = ['manager', 'senior'] as const;
export type ApprovalTier = (typeof APPROVAL_TIERS)[number];

/** What an extension of the region profile needs ('none': granted at once). */
export type ExtensionApproval = 'none' | ApprovalTier;

/** A staff member as the directory knows them. */
export interface ApprovalCandidate extends StaffIdentity {
  roles: readonly string[];
  department: string;
  disabled?: boolean;
}

/** The approval being asked for: its author and the complaint's team, manager and named staff member. */
export interface ApprovalSubject {
  author: string;
  team: string;
  manager?: string;
  target?: { staffMember?: string };
}

export type ApprovalDecision = { allowed: true } | { allowed: false; reason: string };

const rank = (t: ApprovalTier) => APPROVAL_TIERS.indexOf(t);
const sameId = (a: string | undefined, b: string | undefined) => !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();

/** The roles that may write a reply or ask for an extension (and so be an approval's author). */
export const AUTHOR_ROLES: readonly string[] = ['handler', 'manager'];

/** The tier a reply needs: the manager tier on a major or escalated complaint, none otherwise. */
export function replyApprovalTier(c: { routing?: { major?: boolean }; escalated?: boolean }): ApprovalTier | undefined {
  return c.routing?.major || c.escalated ? 'manager' : undefined;
}

/** A manager of the complaint's team, or the manager the complaint is assigned to. */
function managesIt(person: ApprovalCandidate, subject: ApprovalSubject): boolean {
  return person.roles.includes('manager') && (sameId(person.department, subject.team) || sameId(person.id, subject.manager));
}

/** Whether `person` holds `tier` for this subject (authorship and conflicts aside): a senior holds both tiers. */
function holdsTier(person: ApprovalCandidate, tier: ApprovalTier, subject: ApprovalSubject): boolean {
  return person.roles.includes('senior') || (tier === 'manager' && managesIt(person, subject));
}

/** Whether `person` may approve at `tier`: holds it (a senior holds both), is not the author, is not named by the complaint. */
export function mayApprove(person: ApprovalCandidate, tier: ApprovalTier, subject: ApprovalSubject): ApprovalDecision {
  if (person.disabled) return { allowed: false, reason: 'a disabled staff member approves nothing' };
  if (sameId(person.id, subject.author)) return { allowed: false, reason: 'approved by someone other than its author' };
  if (namesActor(person, subject)) return { allowed: false, reason: 'conflict of interest: the complaint names you' };
  if (holdsTier(person, tier, subject)) return { allowed: true };
  return tier === 'senior'
    ? { allowed: false, reason: 'this needs the senior tier (a senior manager or the head of the complaints function)' }
    : { allowed: false, reason: `this needs a manager of the ${subject.team} department or the complaint's manager` };
}

/** Who may approve at exactly `tier` (seniors count at the senior tier only: they are the next tier). */
function eligibleAt(tier: ApprovalTier, subject: ApprovalSubject, directory: readonly ApprovalCandidate[]): string[] {
  return directory
    .filter((p) => (tier === 'senior' ? p.roles.includes('senior') : managesIt(p, subject)))
    .filter((p) => mayApprove(p, tier, subject).allowed)
    .map((p) => p.id);
}

export interface ApprovalRoute {
  /** The tier the approval waits at. */
  tier: ApprovalTier;
  /** Who may approve it there (never its author); empty only when the directory breaks `seniorTierProblems`. */
  approvers: string[];
  /** It went above the required tier: nobody but the author held that one. */
  escalated: boolean;
}

/** Where an approval goes: the lowest tier from `required` with someone eligible other than its author. */
export function routeApproval(required: ApprovalTier, subject: ApprovalSubject, directory: readonly ApprovalCandidate[]): ApprovalRoute {
  for (const tier of APPROVAL_TIERS.slice(rank(required))) {
    const approvers = eligibleAt(tier, subject, directory);
    if (approvers.length) return { tier, approvers, escalated: tier !== required };
  }
  return { tier: 'senior', approvers: [], escalated: required !== 'senior' };
}

/**
 * What keeps the senior tier from being a dead end: at least one active senior who writes no
 * replies (no handler or manager role), or two active seniors (one approves what the other wrote).
 * Empty when the directory is fine.
 */
export function seniorTierProblems(directory: readonly ApprovalCandidate[]): string[] {
  const seniors = directory.filter((p) => !p.disabled && p.roles.includes('senior'));
  if (seniors.length >= 2 || seniors.some((p) => !p.roles.some((r) => AUTHOR_ROLES.includes(r)))) return [];
  return seniors.length === 0
    ? ['the staff directory has no active member of the senior approval tier (role senior)']
    : [`the only senior approver (${seniors[0].id}) also writes replies: add a second senior, or one without the handler and manager roles`];
}
