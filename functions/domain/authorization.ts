/**
 * Who may do what to which complaint (S1, S4 §3, S3 §2.3). Pure: the caller passes the
 * actor and, for operations on a complaint, the complaint itself.
 *
 * Main steps of `authorize`:
 *  1. each of the actor's roles decides on its own (capability, then department scope,
 *     then "must be the assignee or the complaint's manager" for acting operations);
 *  2. conflict of interest: when the complaint names the actor, only a read by a quality,
 *     admin or manager role survives;
 *  3. allowed if any role still allows; otherwise the most useful reason is returned.
 */

import { namesPerson, type StaffIdentity } from './staff-identity.ts';

export const ROLES = ['specialist', 'handler', 'manager', 'senior', 'quality', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * The signed-in staff member. `email` and `aliases` (name variants: another script, a maiden
 * name) come from the staff directory: a complaint naming any of them names this person.
 */
export interface Actor {
  id: string;
  name: string;
  roles: Role[];
  department: string;
  email?: string;
  aliases?: string[];
}

export const STAFF_OPERATIONS = [
  'listMyTasks',
  'listTeamQueue',
  'getComplaint',
  'createStaffComplaint',
  'claimTask',
  'correctClassification',
  'completeInvestigation',
  'submitHandlingPlan',
  'getReplyDraft',
  'submitReply',
  'approveReply',
  'withdrawReply',
  'requestExtension',
  'decideExtension',
  'pauseClock',
  'resumeClock',
  'recordCallback',
  'recordCall',
  'reassign',
  'getDashboard',
  'exportDashboardCsv',
  'searchAudit',
  'restrictCustomer',
  'openTaskLink',
  'readArchivedComplaint',
  'eraseCustomerData',
  'mergeComplaint',
  'linkComplaint',
  'unlinkComplaint',
  'getRegulatoryClass',
  'setRegulatoryClass',
  'getRegulatoryReturn',
  'exportRegulatoryReturn',
  'listReturnComplaints',
  'recordOutcome',
  'addRedress',
  'recordReferral',
  'recordReferralOutcome',
  'setVulnerability',
  'createCorrectiveAction',
  'updateCorrectiveAction',
  'listCorrectiveActions',
  'startDrill',
  'listDrills',
  'getDrillReport',
  'closeDrill',
  'disposeDrill',
  'generatePeriodicReview',
  'getPeriodicReview',
  'getTrainingRecords',
  'getCalendars',
  'putCalendarYear',
  'recordLiveEvaluation',
] as const;
export type StaffOperation = (typeof STAFF_OPERATIONS)[number];

/** The parts of a complaint authorization looks at. */
export interface ComplaintAccess {
  assignment?: { team: string; assignee?: string; manager?: string };
  target?: { staffMember?: string };
  routing?: { departments: string[] };
}

export type Decision = { allowed: true } | { allowed: false; reason: string };

/** Human wording of each operation, for reasons. */
export const OPERATION_LABEL: Record<StaffOperation, string> = {
  listMyTasks: 'list your tasks',
  listTeamQueue: 'list a team queue',
  getComplaint: 'read a complaint',
  createStaffComplaint: 'register a complaint for a customer',
  claimTask: 'claim a task',
  correctClassification: 'correct a classification',
  completeInvestigation: 'complete an investigation',
  submitHandlingPlan: 'submit a handling plan',
  getReplyDraft: 'get a reply draft',
  submitReply: 'submit a reply',
  approveReply: 'approve a reply',
  withdrawReply: 'withdraw a reply waiting for approval',
  requestExtension: 'request an extension',
  decideExtension: 'decide on an extension',
  pauseClock: 'pause the clock',
  resumeClock: 'resume the clock',
  recordCallback: 'record a callback',
  recordCall: 'record a call to the customer',
  getDashboard: 'read the dashboard',
  exportDashboardCsv: 'export the dashboard',
  searchAudit: 'search the audit record',
  restrictCustomer: 'restrict a customer',
  openTaskLink: 'open a link from a notification',
  reassign: 'reassign a complaint',
  readArchivedComplaint: 'open an archived complaint',
  eraseCustomerData: "erase a customer's personal data",
  mergeComplaint: 'merge a complaint into an earlier one',
  linkComplaint: 'link to another complaint',
  unlinkComplaint: 'remove the link to an earlier complaint',
  getRegulatoryClass: 'read the regulatory class',
  setRegulatoryClass: 'classify a complaint for the regulatory returns',
  getRegulatoryReturn: 'read the regulatory returns',
  exportRegulatoryReturn: 'export the regulatory returns',
  listReturnComplaints: 'list the complaints behind a regulatory return',
  recordOutcome: 'record the outcome of a complaint',
  addRedress: 'add to the redress ledger',
  recordReferral: 'record a referral to an ombudsman or regulator',
  recordReferralOutcome: "record a referral's outcome",
  setVulnerability: "record a customer's vulnerability",
  createCorrectiveAction: 'create a corrective action',
  updateCorrectiveAction: 'update a corrective action',
  listCorrectiveActions: 'list corrective actions',
  startDrill: 'start a drill',
  listDrills: 'list the drills',
  getDrillReport: "read a drill's report",
  closeDrill: 'close a drill with its review',
  disposeDrill: "dispose of a closed drill's complaints",
  generatePeriodicReview: 'generate a periodic review',
  getPeriodicReview: 'read a periodic review',
  getTrainingRecords: 'read training records',
  getCalendars: 'read the business calendars',
  putCalendarYear: "add or correct a year's business calendar",
  recordLiveEvaluation: 'record a live evaluation of a major complaint',
};

/** Operations that need no complaint. */
const WITHOUT_COMPLAINT: ReadonlySet<StaffOperation> = new Set([
  'listMyTasks',
  'listTeamQueue',
  'createStaffComplaint',
  'getDashboard',
  'exportDashboardCsv',
  'searchAudit',
  'openTaskLink',
  'readArchivedComplaint',
  'eraseCustomerData',
  'getRegulatoryReturn',
  'exportRegulatoryReturn',
  'listReturnComplaints',
  'updateCorrectiveAction',
  'listCorrectiveActions',
  'startDrill',
  'listDrills',
  'getDrillReport',
  'closeDrill',
  'disposeDrill',
  'generatePeriodicReview',
  'getPeriodicReview',
  'getTrainingRecords',
  'getCalendars',
  'putCalendarYear',
]);

/**
 * Operations the staff member investigating the complaint (its assignee) may not do on it,
 * unless they also lead it (its manager): a live evaluation of a major complaint is the lead's
 * or the complaints function's, not the investigator's own (issue 20, ADR 0023).
 */
const NOT_BY_INVESTIGATOR: ReadonlySet<StaffOperation> = new Set(['recordLiveEvaluation']);
export const INVESTIGATOR_REASON = 'the staff member investigating the complaint does not evaluate it: its lead or the complaints function does';

/** Operations that change the handling of a complaint: only its assignee or manager may do them. */
export const ACTING_OPERATIONS: ReadonlySet<StaffOperation> = new Set([
  'completeInvestigation',
  'submitReply',
  'requestExtension',
  'pauseClock',
  'resumeClock',
  'recordOutcome',
  'addRedress',
]);

const SPECIALIST_OPS: ReadonlySet<StaffOperation> = new Set([
  'getCalendars',
  'listMyTasks',
  'listTeamQueue',
  'getComplaint',
  'createStaffComplaint',
  'claimTask',
  'correctClassification',
  'recordCallback',
  'recordCall',
  'openTaskLink',
  // The complaints desk triages what came in: possible repeats and mail naming another complaint.
  'mergeComplaint',
  'linkComplaint',
  'unlinkComplaint',
  // The complaints desk classifies for the regulatory returns, as it corrects the classification.
  'getRegulatoryClass',
  'setRegulatoryClass',
  // Referrals reach the complaints desk; vulnerability is often declared when a complaint is keyed in.
  'recordReferral',
  'recordReferralOutcome',
  'setVulnerability',
  // The complaints function runs drills (issue 20) and sees their reports.
  'startDrill',
  'listDrills',
  'getDrillReport',
  'closeDrill',
  'disposeDrill',
  'getTrainingRecords',
]);
const HANDLER_OPS: ReadonlySet<StaffOperation> = new Set([
  'getCalendars',
  'listMyTasks',
  'listTeamQueue',
  'getComplaint',
  'claimTask',
  'completeInvestigation',
  'submitHandlingPlan',
  'getReplyDraft',
  'submitReply',
  // Its author only (checked by the use case): a reply waiting for approval goes back to draft.
  'withdrawReply',
  'requestExtension',
  'pauseClock',
  'resumeClock',
  'recordCallback',
  'recordCall',
  'openTaskLink',
  // Classified at investigation by whoever investigates (department scope).
  'getRegulatoryClass',
  'setRegulatoryClass',
  'recordOutcome',
  'addRedress',
  'recordReferral',
  'recordReferralOutcome',
  'setVulnerability',
  'createCorrectiveAction',
  // Only an action the handler owns (use-cases/staff/redress.ts).
  'updateCorrectiveAction',
  // Their own training records only (authorizeTrainingRecords).
  'getTrainingRecords',
]);
const MANAGER_OPS: ReadonlySet<StaffOperation> = new Set([
  ...HANDLER_OPS,
  'approveReply',
  'decideExtension',
  'reassign',
  'getDashboard',
  'exportDashboardCsv',
  'restrictCustomer',
  'mergeComplaint',
  'linkComplaint',
  'unlinkComplaint',
  // The returns: read by managers and the complaints function's quality staff, who file them.
  'getRegulatoryReturn',
  'exportRegulatoryReturn',
  'listReturnComplaints',
  'listCorrectiveActions',
  // Managers run drills (issue 20) and the periodic review.
  'startDrill',
  'listDrills',
  'getDrillReport',
  'closeDrill',
  'disposeDrill',
  'generatePeriodicReview',
  'getPeriodicReview',
  // The lead of a major complaint evaluates it live (department scope, or the complaint it manages).
  'recordLiveEvaluation',
]);
// The senior approval tier (a senior manager, the head of the complaints function): approves
// across departments what a manager may not (domain/approval.ts decides the tier), reads and
// watches; handles nothing itself.
const SENIOR_OPS: ReadonlySet<StaffOperation> = new Set([
  'listMyTasks',
  'listTeamQueue',
  'getComplaint',
  'approveReply',
  'decideExtension',
  'getDashboard',
  'exportDashboardCsv',
  'getRegulatoryReturn',
  'exportRegulatoryReturn',
  'listReturnComplaints',
  'listCorrectiveActions',
  'openTaskLink',
  // The head of the complaints function runs drills and the periodic review, and reads training records of their staff.
  'startDrill',
  'listDrills',
  'getDrillReport',
  'closeDrill',
  'disposeDrill',
  'generatePeriodicReview',
  'getPeriodicReview',
  'getTrainingRecords',
  'getCalendars',
  // The head of the complaints function evaluates major complaints live.
  'recordLiveEvaluation',
]);
const QUALITY_OPS: ReadonlySet<StaffOperation> = new Set([
  'getCalendars',
  'listTeamQueue',
  'getComplaint',
  'getDashboard',
  'exportDashboardCsv',
  'getRegulatoryClass',
  'getRegulatoryReturn',
  'exportRegulatoryReturn',
  'listReturnComplaints',
  'searchAudit',
  'openTaskLink',
  'readArchivedComplaint',
  'listCorrectiveActions',
  'listDrills',
  'getDrillReport',
  'generatePeriodicReview',
  'getPeriodicReview',
  // The complaints function's quality staff evaluate major complaints live (S2 ch.8 §2 3.2).
  'recordLiveEvaluation',
]);
// Erasure requests are the data-protection function's: the admin role. So are the business
// calendars' corrections (issue 22): every staff member reads them (the console's banner).
const ADMIN_OPS: ReadonlySet<StaffOperation> = new Set(['getComplaint', 'reassign', 'openTaskLink', 'eraseCustomerData', 'getCalendars', 'putCalendarYear']);

/** What each role may do at all, before department scope and conflict of interest. */
export const ROLE_OPERATIONS: Record<Role, ReadonlySet<StaffOperation>> = {
  specialist: SPECIALIST_OPS,
  handler: HANDLER_OPS,
  manager: MANAGER_OPS,
  senior: SENIOR_OPS,
  quality: QUALITY_OPS,
  admin: ADMIN_OPS,
};

/** Roles whose read of a complaint survives a conflict of interest (oversight, not handling). */
const READ_DESPITE_CONFLICT: ReadonlySet<Role> = new Set(['quality', 'admin', 'manager', 'senior']);

export const CONFLICT_REASON = 'conflict of interest: the complaint names you';

function same(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const x = a.trim().toLowerCase();
  return x.length > 0 && x === b.trim().toLowerCase();
}

/**
 * Whether the complaint's target staff member is this person: by identity (name, name variants,
 * employee id, email), whatever the spacing, case, width, punctuation or invisible characters
 * (domain/staff-identity.ts).
 */
export function namesActor(actor: StaffIdentity, complaint: ComplaintAccess | undefined): boolean {
  return namesPerson(complaint?.target?.staffMember, actor);
}

/** A staff member the complaint is about may never handle it. */
export function canBeAssigned(actorLike: StaffIdentity, complaint: ComplaintAccess): boolean {
  return !namesActor(actorLike, complaint);
}

/** Teams whose queue the actor may list: all of them for specialists (intake desk) and quality. */
export function teamQueueScope(actor: Actor): { all: true } | { all: false; teams: string[] } {
  if (actor.roles.some((r) => r === 'quality' || r === 'specialist' || r === 'senior')) return { all: true };
  if (actor.roles.some((r) => r === 'handler' || r === 'manager')) return { all: false, teams: [actor.department] };
  return { all: false, teams: [] };
}

function deny(reason: string): Decision {
  return { allowed: false, reason };
}
const ALLOW: Decision = { allowed: true };

/** Handler and manager scope: their department's queue (or, to read, any department involved). */
function departmentScoped(role: 'handler' | 'manager', actor: Actor, op: StaffOperation, c: ComplaintAccess): Decision {
  const isComplaintManager = role === 'manager' && same(c.assignment?.manager, actor.id);
  if (isComplaintManager) return ALLOW; // a manager leads the complaints they manage, whatever the team
  const team = c.assignment?.team;
  const inTeam = same(team, actor.department);
  const involved = !!c.routing?.departments.some((d) => same(d, actor.department));
  if (op === 'getComplaint') {
    return inTeam || involved ? ALLOW : deny(`the complaint does not involve your department (${actor.department})`);
  }
  if (!team) return deny('the complaint has not been assigned to a team yet');
  if (!inTeam) return deny(`the complaint is in the ${team} queue, not in your department's (${actor.department})`);
  if (ACTING_OPERATIONS.has(op) && !same(c.assignment?.assignee, actor.id) && !same(c.assignment?.manager, actor.id)) {
    return deny("only the complaint's assignee or its manager may do this");
  }
  return ALLOW;
}

function roleDecision(role: Role, actor: Actor, op: StaffOperation, c: ComplaintAccess | undefined): Decision {
  if (!ROLE_OPERATIONS[role].has(op)) return deny(`${role === 'admin' ? 'an' : 'a'} ${role} may not ${OPERATION_LABEL[op]}`);
  if (WITHOUT_COMPLAINT.has(op)) return ALLOW;
  if (!c) return deny(`to ${OPERATION_LABEL[op]} the complaint is needed to check your access`);
  if (NOT_BY_INVESTIGATOR.has(op) && same(c.assignment?.assignee, actor.id) && !same(c.assignment?.manager, actor.id)) return deny(INVESTIGATOR_REASON);
  if (role === 'handler' || role === 'manager') return departmentScoped(role, actor, op, c);
  return ALLOW; // specialist, senior, quality and admin are not scoped to a department
}

export function authorize(actor: Actor, operation: StaffOperation, complaint?: ComplaintAccess): Decision {
  if (!(STAFF_OPERATIONS as readonly string[]).includes(operation)) return deny(`unknown operation "${String(operation)}"`);
  const roles = [...new Set(actor.roles)].filter((r) => (ROLES as readonly string[]).includes(r));
  if (roles.length === 0) return deny('you have no staff role');

  const conflict = namesActor(actor, complaint);
  const excused = (role: Role) => (operation === 'getComplaint' || operation === 'readArchivedComplaint') && READ_DESPITE_CONFLICT.has(role);
  const decisions = roles.map((role) => {
    const d = roleDecision(role, actor, operation, complaint);
    const capable = ROLE_OPERATIONS[role].has(operation);
    return { role, capable, decision: d.allowed && conflict && !excused(role) ? deny(CONFLICT_REASON) : d };
  });

  if (decisions.some((d) => d.decision.allowed)) return ALLOW;
  // Named in the complaint: say so whenever a role could otherwise have done it.
  if (conflict && decisions.some((d) => d.capable && !excused(d.role))) return deny(CONFLICT_REASON);
  // Otherwise the reason of a role that could do it in principle: it says what is missing.
  const capable = decisions.find((d) => d.capable);
  if (capable) return capable.decision;
  if (roles.length === 1) return decisions[0].decision;
  return deny(`your roles (${roles.join(', ')}) may not ${OPERATION_LABEL[operation]}`);
}

/**
 * Training records (S2 chapter 9) are personal: only the participant and their manager (the
 * manager of the participant's team in the staff directory) may read them - not quality, not the
 * complaints desk, not another manager. `subject.managerId`: the id of that manager, if any.
 */
export function authorizeTrainingRecords(actor: Actor, subject: { id: string; managerId?: string }): Decision {
  const capability = authorize(actor, 'getTrainingRecords');
  if (!capability.allowed) return capability;
  if (same(actor.id, subject.id)) return ALLOW;
  if (actor.roles.includes('manager') && same(actor.id, subject.managerId)) return ALLOW;
  return deny('training records are visible to the participant and their manager only');
}
