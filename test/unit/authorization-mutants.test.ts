/**
 * The refusal reasons of functions/domain/authorization.ts, asserted exactly (issue 23, mutation
 * testing: these cases kill the mutants that the matrix of authorization.test.ts lets survive,
 * where it builds its expected reasons from the module's own labels and conflict reason). Every
 * refusal here asserts its reason, not only the refusal.
 */
import { describe, expect, it } from 'vitest';
import {
  type Actor,
  authorize,
  authorizeTrainingRecords,
  CONFLICT_REASON,
  OPERATION_LABEL,
  type Role,
  STAFF_OPERATIONS,
  type StaffOperation,
  teamQueueScope,
} from '../../functions/domain/authorization.ts';

const actor = (roles: string[], over: Partial<Actor> = {}): Actor => ({
  id: 'u-17',
  name: 'Wang Wei',
  roles: roles as Role[],
  department: 'cards',
  ...over,
});
const refused = (reason: string) => ({ allowed: false, reason });
const ALLOWED = { allowed: true };

/** Every staff operation, in the module's order, with the words a refusal uses for it. */
const LABELS: [StaffOperation, string][] = [
  ['listMyTasks', 'list your tasks'],
  ['listTeamQueue', 'list a team queue'],
  ['getComplaint', 'read a complaint'],
  ['createStaffComplaint', 'register a complaint for a customer'],
  ['claimTask', 'claim a task'],
  ['correctClassification', 'correct a classification'],
  ['completeInvestigation', 'complete an investigation'],
  ['submitHandlingPlan', 'submit a handling plan'],
  ['getReplyDraft', 'get a reply draft'],
  ['submitReply', 'submit a reply'],
  ['approveReply', 'approve a reply'],
  ['withdrawReply', 'withdraw a reply waiting for approval'],
  ['requestExtension', 'request an extension'],
  ['decideExtension', 'decide on an extension'],
  ['pauseClock', 'pause the clock'],
  ['resumeClock', 'resume the clock'],
  ['recordCallback', 'record a callback'],
  ['recordCall', 'record a call to the customer'],
  ['reassign', 'reassign a complaint'],
  ['getDashboard', 'read the dashboard'],
  ['exportDashboardCsv', 'export the dashboard'],
  ['searchAudit', 'search the audit record'],
  ['restrictCustomer', 'restrict a customer'],
  ['openTaskLink', 'open a link from a notification'],
  ['readArchivedComplaint', 'open an archived complaint'],
  ['eraseCustomerData', "erase a customer's personal data"],
  ['mergeComplaint', 'merge a complaint into an earlier one'],
  ['linkComplaint', 'link to another complaint'],
  ['unlinkComplaint', 'remove the link to an earlier complaint'],
  ['getRegulatoryClass', 'read the regulatory class'],
  ['setRegulatoryClass', 'classify a complaint for the regulatory returns'],
  ['getRegulatoryReturn', 'read the regulatory returns'],
  ['exportRegulatoryReturn', 'export the regulatory returns'],
  ['listReturnComplaints', 'list the complaints behind a regulatory return'],
  ['recordOutcome', 'record the outcome of a complaint'],
  ['addRedress', 'add to the redress ledger'],
  ['recordReferral', 'record a referral to an ombudsman or regulator'],
  ['recordReferralOutcome', "record a referral's outcome"],
  ['setVulnerability', "record a customer's vulnerability"],
  ['createCorrectiveAction', 'create a corrective action'],
  ['updateCorrectiveAction', 'update a corrective action'],
  ['listCorrectiveActions', 'list corrective actions'],
  ['startDrill', 'start a drill'],
  ['listDrills', 'list the drills'],
  ['getDrillReport', "read a drill's report"],
  ['closeDrill', 'close a drill with its review'],
  ['disposeDrill', "dispose of a closed drill's complaints"],
  ['generatePeriodicReview', 'generate a periodic review'],
  ['getPeriodicReview', 'read a periodic review'],
  ['getTrainingRecords', 'read training records'],
  ['getCalendars', 'read the business calendars'],
  ['putCalendarYear', "add or correct a year's business calendar"],
  ['recordLiveEvaluation', 'record a live evaluation of a major complaint'],
];

describe('the words of the reasons', () => {
  it('every operation has its label, word for word', () => {
    expect(STAFF_OPERATIONS).toEqual(LABELS.map(([op]) => op));
    expect(OPERATION_LABEL).toStrictEqual(Object.fromEntries(LABELS));
  });

  it('the conflict of interest, word for word', () => {
    expect(CONFLICT_REASON).toBe('conflict of interest: the complaint names you');
    expect(authorize(actor(['handler']), 'claimTask', { assignment: { team: 'cards' }, target: { staffMember: 'Wang Wei' } })).toEqual(
      refused('conflict of interest: the complaint names you'),
    );
  });

  it('a role that may not: "a"/"an" and the label', () => {
    expect(authorize(actor(['admin']), 'getDashboard')).toEqual(refused('an admin may not read the dashboard'));
    expect(authorize(actor(['quality']), 'putCalendarYear')).toEqual(refused("a quality may not add or correct a year's business calendar"));
    expect(authorize(actor(['senior']), 'eraseCustomerData')).toEqual(refused("a senior may not erase a customer's personal data"));
    expect(authorize(actor(['specialist']), 'getDashboard')).toEqual(refused('a specialist may not read the dashboard'));
  });
});

describe('the roles counted', () => {
  it('unknown roles are dropped: none left is "no staff role"; one left speaks for itself', () => {
    expect(authorize(actor(['superuser']), 'getComplaint', {})).toEqual(refused('you have no staff role'));
    expect(authorize(actor(['superuser', 'quality']), 'submitReply', {})).toEqual(refused('a quality may not submit a reply'));
    expect(authorize(actor(['superuser', 'quality']), 'getComplaint', {})).toEqual(ALLOWED);
  });

  it('a role given twice counts once', () => {
    expect(authorize(actor(['specialist', 'specialist']), 'approveReply', {})).toEqual(refused('a specialist may not approve a reply'));
    expect(authorize(actor(['quality', 'admin', 'quality']), 'approveReply', {})).toEqual(refused('your roles (quality, admin) may not approve a reply'));
  });

  it('an unknown operation is named, whatever the roles', () => {
    expect(authorize(actor([]), 'dropTable' as StaffOperation)).toEqual(refused('unknown operation "dropTable"'));
  });
});

describe('ids and departments compared trimmed and case-blind, never empty', () => {
  it("the complaint's team, assignee and manager with spaces and capitals still match", () => {
    expect(authorize(actor(['handler']), 'submitReply', { assignment: { team: ' CARDS ', assignee: ' U-17 ' } })).toEqual(ALLOWED);
    expect(authorize(actor(['handler']), 'submitReply', { assignment: { team: 'cards', assignee: 'u-99', manager: ' U-17 ' } })).toEqual(ALLOWED);
    expect(authorize(actor(['manager']), 'approveReply', { assignment: { team: 'loans', manager: ' U-17 ' } })).toEqual(ALLOWED);
    expect(authorize(actor(['handler']), 'getComplaint', { assignment: { team: 'loans' }, routing: { departments: ['loans', ' Cards '] } })).toEqual(ALLOWED);
  });

  it("the actor's id and department with spaces and capitals still match", () => {
    const a = actor(['manager'], { id: ' U-17 ', department: ' Cards ' });
    expect(authorize(a, 'claimTask', { assignment: { team: 'cards' } })).toEqual(ALLOWED);
    expect(authorize(a, 'decideExtension', { assignment: { team: 'loans', manager: 'u-17' } })).toEqual(ALLOWED);
    expect(authorize(a, 'submitReply', { assignment: { team: 'cards', assignee: 'u-17' } })).toEqual(ALLOWED);
  });

  it('an empty department, team or id matches nothing', () => {
    const nowhere = actor(['manager'], { id: '', department: '' });
    expect(authorize(nowhere, 'getComplaint', { assignment: { team: '' }, routing: { departments: [''] } })).toEqual(
      refused('the complaint does not involve your department ()'),
    );
    expect(authorize(nowhere, 'approveReply', { assignment: { team: 'loans', manager: '' } })).toEqual(
      refused("the complaint is in the loans queue, not in your department's ()"),
    );
    expect(authorize(actor(['handler'], { id: '' }), 'submitReply', { assignment: { team: 'cards', assignee: '', manager: ' ' } })).toEqual(
      refused("only the complaint's assignee or its manager may do this"),
    );
  });
});

describe('teamQueueScope with mixed roles', () => {
  it.each([
    [['admin', 'handler'], { all: false, teams: ['cards'] }],
    [['admin', 'manager'], { all: false, teams: ['cards'] }],
    [['admin', 'senior'], { all: true }],
    [['admin', 'specialist'], { all: true }],
    [['manager', 'quality'], { all: true }],
    [[], { all: false, teams: [] }],
  ])('%j -> %j', (roles, scope) => {
    expect(teamQueueScope(actor(roles))).toEqual(scope);
  });
});

describe('training records: each refusal with its reason', () => {
  const subject = { id: 'hana', managerId: 'mia' };
  const PRIVATE = 'training records are visible to the participant and their manager only';

  it('roles that may not read training records at all say so', () => {
    expect(authorizeTrainingRecords(actor(['quality'], { id: 'quinn' }), subject)).toEqual(refused('a quality may not read training records'));
    expect(authorizeTrainingRecords(actor(['admin'], { id: 'ada' }), subject)).toEqual(refused('an admin may not read training records'));
    expect(authorizeTrainingRecords(actor(['quality'], { id: 'hana' }), subject)).toEqual(refused('a quality may not read training records'));
  });

  it('roles that may read them, but not these: the records are private', () => {
    for (const [roles, id] of [
      [['manager'], 'max'],
      [['handler'], 'leo'],
      [['specialist'], 'sam'],
      [['senior'], 'sara'],
      [['handler'], 'mia'],
    ] as const)
      expect(authorizeTrainingRecords(actor([...roles], { id }), subject), `${roles} ${id}`).toEqual(refused(PRIVATE));
    expect(authorizeTrainingRecords(actor(['manager'], { id: 'mia' }), { id: 'hana' })).toEqual(refused(PRIVATE));
  });

  it('the participant and their manager, ids trimmed and case-blind', () => {
    expect(authorizeTrainingRecords(actor(['senior'], { id: ' HANA ' }), subject)).toEqual(ALLOWED);
    expect(authorizeTrainingRecords(actor(['manager'], { id: 'Mia ' }), subject)).toEqual(ALLOWED);
  });
});

describe('live evaluation: never by the investigator, unless they lead the complaint (issue 20, ADR 0023)', () => {
  const REASON = 'the staff member investigating the complaint does not evaluate it: its lead or the complaints function does';
  it('the assignee is refused with the reason, word for word, in every role that may evaluate', () => {
    for (const role of ['manager', 'senior', 'quality'])
      expect(authorize(actor([role]), 'recordLiveEvaluation', { assignment: { team: 'cards', assignee: ' U-17 ', manager: 'm-1' } })).toEqual(refused(REASON));
  });
  it('the lead who also holds the task evaluates (registration assigns a major complaint to its manager)', () => {
    expect(authorize(actor(['manager']), 'recordLiveEvaluation', { assignment: { team: 'cards', assignee: 'u-17', manager: ' u-17 ' } })).toEqual(ALLOWED);
  });
  it('someone else holding the task, or nobody: the lead, senior and quality evaluate; a handler or the desk may not', () => {
    for (const assignment of [{ team: 'cards', assignee: 'u-99', manager: 'm-1' }, { team: 'cards' }]) {
      for (const role of ['manager', 'senior', 'quality']) expect(authorize(actor([role]), 'recordLiveEvaluation', { assignment })).toEqual(ALLOWED);
      expect(authorize(actor(['handler']), 'recordLiveEvaluation', { assignment })).toEqual(
        refused('a handler may not record a live evaluation of a major complaint'),
      );
      expect(authorize(actor(['specialist']), 'recordLiveEvaluation', { assignment })).toEqual(
        refused('a specialist may not record a live evaluation of a major complaint'),
      );
    }
  });
  it('the rule is for live evaluation only: the assignee still does the rest', () => {
    expect(authorize(actor(['manager']), 'reassign', { assignment: { team: 'cards', assignee: 'u-17', manager: 'm-1' } })).toEqual(ALLOWED);
  });
});
