import { describe, it, expect } from 'vitest';
import {
  authorize,
  authorizeTrainingRecords,
  canBeAssigned,
  CONFLICT_REASON,
  INVESTIGATOR_REASON,
  OPERATION_LABEL,
  ROLES,
  STAFF_OPERATIONS,
  teamQueueScope,
  type Actor,
  type ComplaintAccess,
  type Role,
  type StaffOperation,
} from '../../functions/domain/authorization.ts';

const actor = (roles: Role[], over: Partial<Actor> = {}): Actor => ({
  id: 'u-17',
  name: 'Wang Wei',
  roles,
  department: 'cards',
  ...over,
});

const LIST: StaffOperation[] = ['listMyTasks', 'listTeamQueue'];
/** Issue 19 B: the complaints desk, handlers and managers record referrals and vulnerability (department-scoped for handlers and managers). */
const REFERRAL_AND_VULNERABILITY: StaffOperation[] = ['recordReferral', 'recordReferralOutcome', 'setVulnerability'];
const SPECIALIST: StaffOperation[] = [
  ...LIST,
  'getComplaint',
  'createStaffComplaint',
  'claimTask',
  'correctClassification',
  'recordCallback',
  'recordCall',
  'mergeComplaint',
  'linkComplaint',
  'unlinkComplaint',
  'getRegulatoryClass',
  'setRegulatoryClass',
  ...REFERRAL_AND_VULNERABILITY,
];
const HANDLER_TEAM: StaffOperation[] = [
  ...LIST,
  'getComplaint',
  'claimTask',
  'submitHandlingPlan',
  'getReplyDraft',
  'withdrawReply',
  'recordCallback',
  'recordCall',
  'getRegulatoryClass',
  'setRegulatoryClass',
  ...REFERRAL_AND_VULNERABILITY,
  'createCorrectiveAction',
];
const ACTING: StaffOperation[] = ['completeInvestigation', 'submitReply', 'requestExtension', 'pauseClock', 'resumeClock', 'recordOutcome', 'addRedress'];
const MANAGER_ONLY: StaffOperation[] = [
  'approveReply',
  'decideExtension',
  'reassign',
  'restrictCustomer',
  'mergeComplaint',
  'linkComplaint',
  'unlinkComplaint',
];
/** Oversight operations that need no complaint: allowed wherever the role may list queues. */
const DASHBOARD: StaffOperation[] = ['getDashboard', 'exportDashboardCsv', 'getRegulatoryReturn', 'exportRegulatoryReturn', 'listReturnComplaints'];
const QUALITY: StaffOperation[] = ['listTeamQueue', 'getComplaint', 'getRegulatoryClass'];
/** The senior approval tier: approves in any department (domain/approval.ts says at which tier), reads. */
const SENIOR: StaffOperation[] = [...LIST, 'getComplaint', 'approveReply', 'decideExtension'];
/** Drills (issue 20): the complaints function and managers run them; quality reads their reports; reviews are oversight's. */
const DRILLS_RUN: StaffOperation[] = ['startDrill', 'listDrills', 'getDrillReport', 'closeDrill', 'disposeDrill'];
const REVIEWS: StaffOperation[] = ['generatePeriodicReview', 'getPeriodicReview'];
const ADMIN: StaffOperation[] = ['getComplaint', 'reassign'];
/** Live evaluation of a major complaint (issue 20, ADR 0023): its lead (a manager) and the complaints function (senior, quality), never its investigator. */
const LIVE: StaffOperation[] = ['recordLiveEvaluation'];
const LIVE_ROLES: Role[] = ['manager', 'senior', 'quality'];

/**
 * The whole matrix: for each situation, the operations each role may do. Every other
 * (role, operation) pair must be denied.
 */
const LOANS_QUEUE = "the complaint is in the loans queue, not in your department's (cards)";
const NOT_INVOLVED = 'the complaint does not involve your department (cards)';
/**
 * `scope`: why a role that may do an operation in principle (first scenario) is refused it in
 * this situation (issue 23: the reason is asserted, not only the refusal).
 */
const SCENARIOS: {
  name: string;
  complaint: ComplaintAccess | undefined;
  allowed: Record<Role, StaffOperation[]>;
  scope?: (op: StaffOperation) => string | undefined;
}[] = [
  {
    name: 'own department, the actor is the assignee',
    complaint: { assignment: { team: 'cards', assignee: 'u-17', manager: 'm-1' }, routing: { departments: ['cards'] } },
    scope: (op) => (op === 'recordLiveEvaluation' ? INVESTIGATOR_REASON : undefined),
    allowed: {
      specialist: SPECIALIST,
      handler: [...HANDLER_TEAM, ...ACTING],
      manager: [...HANDLER_TEAM, ...ACTING, ...MANAGER_ONLY],
      senior: SENIOR,
      quality: QUALITY,
      admin: ADMIN,
    },
  },
  {
    name: 'own department, someone else is the assignee',
    complaint: { assignment: { team: 'cards', assignee: 'u-99', manager: 'm-1' }, routing: { departments: ['cards'] } },
    scope: () => "only the complaint's assignee or its manager may do this",
    allowed: {
      specialist: SPECIALIST,
      handler: HANDLER_TEAM,
      manager: [...HANDLER_TEAM, ...MANAGER_ONLY, ...LIVE],
      senior: [...SENIOR, ...LIVE],
      quality: [...QUALITY, ...LIVE],
      admin: ADMIN,
    },
  },
  {
    name: "own department, the actor is the complaint's manager (not the assignee)",
    complaint: { assignment: { team: 'cards', assignee: 'u-99', manager: 'u-17' } },
    allowed: {
      specialist: SPECIALIST,
      handler: [...HANDLER_TEAM, ...ACTING],
      manager: [...HANDLER_TEAM, ...ACTING, ...MANAGER_ONLY, ...LIVE],
      senior: [...SENIOR, ...LIVE],
      quality: [...QUALITY, ...LIVE],
      admin: ADMIN,
    },
  },
  {
    name: "another department's queue, but the actor's department is involved",
    complaint: { assignment: { team: 'loans', assignee: 'u-99', manager: 'm-2' }, routing: { departments: ['loans', 'cards'] } },
    scope: () => LOANS_QUEUE,
    allowed: {
      specialist: SPECIALIST,
      handler: [...LIST, 'getComplaint'],
      manager: [...LIST, 'getComplaint'],
      senior: [...SENIOR, ...LIVE],
      quality: [...QUALITY, ...LIVE],
      admin: ADMIN,
    },
  },
  {
    name: 'another department, not involved',
    complaint: { assignment: { team: 'loans', assignee: 'u-99', manager: 'm-2' }, routing: { departments: ['loans'] } },
    scope: (op) => (op === 'getComplaint' ? NOT_INVOLVED : LOANS_QUEUE),
    allowed: {
      specialist: SPECIALIST,
      handler: LIST,
      manager: LIST,
      senior: [...SENIOR, ...LIVE],
      quality: [...QUALITY, ...LIVE],
      admin: ADMIN,
    },
  },
  {
    name: 'another department, the actor manages this complaint (e.g. a major one)',
    complaint: { assignment: { team: 'loans', assignee: 'u-99', manager: 'u-17' }, routing: { departments: ['loans'] } },
    scope: (op) => (op === 'getComplaint' ? NOT_INVOLVED : LOANS_QUEUE),
    allowed: {
      specialist: SPECIALIST,
      handler: LIST, // only the manager role leads across departments
      manager: [...HANDLER_TEAM, ...ACTING, ...MANAGER_ONLY, ...LIVE],
      senior: [...SENIOR, ...LIVE],
      quality: [...QUALITY, ...LIVE],
      admin: ADMIN,
    },
  },
  {
    name: 'not yet assigned to a team',
    complaint: { routing: { departments: ['cards'] } },
    scope: () => 'the complaint has not been assigned to a team yet',
    allowed: {
      specialist: SPECIALIST,
      handler: [...LIST, 'getComplaint'],
      manager: [...LIST, 'getComplaint'],
      senior: [...SENIOR, ...LIVE],
      quality: [...QUALITY, ...LIVE],
      admin: ADMIN,
    },
  },
  {
    name: 'conflict of interest: the complaint names the actor (by name, other case and spaces)',
    complaint: { assignment: { team: 'cards', assignee: 'u-17', manager: 'u-17' }, target: { staffMember: '  wang WEI ' } },
    scope: () => CONFLICT_REASON,
    allowed: { specialist: [], handler: [], manager: ['getComplaint'], senior: ['getComplaint'], quality: ['getComplaint'], admin: ['getComplaint'] },
  },
  {
    name: 'conflict of interest: the complaint names the actor by id',
    complaint: { assignment: { team: 'cards', assignee: 'u-17' }, target: { staffMember: 'U-17' }, routing: { departments: ['cards'] } },
    scope: () => CONFLICT_REASON,
    allowed: { specialist: [], handler: [], manager: ['getComplaint'], senior: ['getComplaint'], quality: ['getComplaint'], admin: ['getComplaint'] },
  },
  {
    name: 'no complaint given: only operations that need none',
    complaint: undefined,
    scope: (op) => `to ${OPERATION_LABEL[op]} the complaint is needed to check your access`,
    allowed: {
      specialist: [...LIST, 'createStaffComplaint'],
      handler: LIST,
      manager: LIST,
      senior: LIST,
      quality: ['listTeamQueue'],
      admin: [],
    },
  },
];

// Managers read the dashboard wherever they may list; quality also searches the audit record.
// Everyone may open a notification link (it is checked against the signed-in person) - unless
// the complaint in hand names them.
for (const s of SCENARIOS) {
  if (!s.name.startsWith('conflict')) for (const role of ROLES) s.allowed[role] = [...s.allowed[role], 'openTaskLink'];
  if (s.allowed.manager.includes('listMyTasks')) s.allowed.manager = [...s.allowed.manager, ...DASHBOARD, 'listCorrectiveActions', 'updateCorrectiveAction'];
  if (s.allowed.quality.includes('listTeamQueue')) s.allowed.quality = [...s.allowed.quality, ...DASHBOARD, 'searchAudit', 'listCorrectiveActions'];
  // Corrective actions need no complaint: a handler updates one they own (checked by the use case).
  if (s.allowed.handler.includes('listMyTasks')) s.allowed.handler = [...s.allowed.handler, 'updateCorrectiveAction'];
  if (s.allowed.senior.includes('listMyTasks')) s.allowed.senior = [...s.allowed.senior, ...DASHBOARD, 'listCorrectiveActions'];
  // Drills, reviews and training records need no complaint (the records' own rule: authorizeTrainingRecords).
  if (s.allowed.specialist.includes('listMyTasks')) s.allowed.specialist = [...s.allowed.specialist, ...DRILLS_RUN, 'getTrainingRecords'];
  if (s.allowed.handler.includes('listMyTasks')) s.allowed.handler = [...s.allowed.handler, 'getTrainingRecords'];
  if (s.allowed.manager.includes('listMyTasks')) s.allowed.manager = [...s.allowed.manager, ...DRILLS_RUN, ...REVIEWS, 'getTrainingRecords'];
  if (s.allowed.senior.includes('listMyTasks')) s.allowed.senior = [...s.allowed.senior, ...DRILLS_RUN, ...REVIEWS, 'getTrainingRecords'];
  if (s.allowed.quality.includes('listTeamQueue')) s.allowed.quality = [...s.allowed.quality, 'listDrills', 'getDrillReport', ...REVIEWS];
  // Archived complaints: quality reads them (a read, even when named); admin erases personal
  // data on request (the data-protection function) - unless the complaint names them.
  s.allowed.quality = [...s.allowed.quality, 'readArchivedComplaint'];
  if (!s.name.startsWith('conflict')) s.allowed.admin = [...s.allowed.admin, 'eraseCustomerData'];
  // Business calendars (issue 22): every role reads them (the console's banner); only admin corrects a year.
  if (!s.name.startsWith('conflict')) {
    for (const role of ROLES) s.allowed[role] = [...s.allowed[role], 'getCalendars'];
    s.allowed.admin = [...s.allowed.admin, 'putCalendarYear'];
  }
}

const MATRIX = SCENARIOS.flatMap((s) =>
  ROLES.flatMap((role) =>
    STAFF_OPERATIONS.map((op) => ({
      scenario: s.name,
      complaint: s.complaint,
      scope: s.scope,
      role,
      op,
      expected: s.allowed[role].includes(op),
    })),
  ),
);

describe('authorize: every role x every operation', () => {
  it('the matrix covers all 6 roles x 53 operations (merge, link and unlink: issue 16; senior tier, withdrawal, regulatory returns, outcome to corrective actions: issue 19; drills, their disposal, reviews, training: issue 20; calendars: issue 22; live evaluation: issue 20) in each situation', () => {
    expect(ROLES).toHaveLength(6);
    expect(STAFF_OPERATIONS).toHaveLength(53);
    expect(MATRIX).toHaveLength(SCENARIOS.length * 6 * 53);
  });

  it.each(MATRIX)('$scenario: $role $op -> $expected', ({ complaint, scope, role, op, expected }) => {
    const d = authorize(actor([role]), op, complaint);
    if (expected) {
      expect(d).toEqual({ allowed: true });
      return;
    }
    // What the role could do at best (first scenario): beyond that, the role is the reason;
    // within it, the situation is (the conflict, the queue, the department, no complaint).
    const capable = SCENARIOS[0].allowed[role].includes(op) || (LIVE.includes(op) && LIVE_ROLES.includes(role));
    const reason = capable ? scope?.(op) : `${role === 'admin' ? 'an' : 'a'} ${role} may not ${OPERATION_LABEL[op]}`;
    expect(reason, 'the matrix names a reason for this refusal').toBeDefined();
    expect(d).toEqual({ allowed: false, reason });
  });
});

describe('authorize: reasons', () => {
  const own = { assignment: { team: 'cards', assignee: 'u-99' } };
  it.each([
    ['quality', 'submitReply', own, 'a quality may not submit a reply'],
    ['handler', 'approveReply', own, 'a handler may not approve a reply'],
    ['admin', 'listTeamQueue', undefined, 'an admin may not list a team queue'],
    ['handler', 'submitReply', own, "only the complaint's assignee or its manager may do this"],
    ['handler', 'claimTask', { assignment: { team: 'loans' } }, "the complaint is in the loans queue, not in your department's (cards)"],
    ['handler', 'getComplaint', { assignment: { team: 'loans' } }, 'the complaint does not involve your department (cards)'],
    ['handler', 'claimTask', {}, 'the complaint has not been assigned to a team yet'],
    ['specialist', 'getComplaint', undefined, 'to read a complaint the complaint is needed to check your access'],
    ['specialist', 'claimTask', { target: { staffMember: 'Wang Wei' } }, CONFLICT_REASON],
    ['admin', 'reassign', { target: { staffMember: 'u-17' } }, CONFLICT_REASON],
  ] as const)('%s %s -> "%s"', (role, op, complaint, reason) => {
    expect(authorize(actor([role]), op, complaint)).toEqual({ allowed: false, reason });
  });

  it('says so when the actor has no role', () => {
    expect(authorize(actor([]), 'listMyTasks')).toEqual({ allowed: false, reason: 'you have no staff role' });
  });

  it('refuses an unknown operation coming from outside the type system', () => {
    const d = authorize(actor(['admin']), 'dropTable' as StaffOperation, {});
    expect(d).toEqual({ allowed: false, reason: 'unknown operation "dropTable"' });
  });

  it('ignores unknown roles', () => {
    expect(authorize(actor(['superuser' as Role]), 'getComplaint', {}).allowed).toBe(false);
  });

  it('a Chinese name in the complaint is matched too', () => {
    const a = actor(['specialist'], { name: '王伟' });
    expect(authorize(a, 'recordCallback', { target: { staffMember: ' 王伟 ' } })).toEqual({ allowed: false, reason: CONFLICT_REASON });
    expect(authorize(a, 'recordCallback', { target: { staffMember: '王伟伟' } })).toEqual({ allowed: true });
    // Spaces between the characters, and a title beside the name, still name them (issue 16 #4).
    expect(authorize(a, 'recordCallback', { target: { staffMember: '王 伟' } })).toEqual({ allowed: false, reason: CONFLICT_REASON });
    expect(authorize(a, 'recordCallback', { target: { staffMember: '王伟（柜员）' } })).toEqual({ allowed: false, reason: CONFLICT_REASON });
  });

  it('department ids are compared case-insensitively', () => {
    expect(authorize(actor(['handler'], { department: 'Cards' }), 'claimTask', { assignment: { team: 'cards' } }).allowed).toBe(true);
  });
});

describe('authorize: several roles', () => {
  it.each([
    // roles, operation, complaint, allowed, reason when denied
    [['handler', 'quality'], 'getComplaint', { assignment: { team: 'loans' } }, true, undefined], // quality reads anything
    [
      ['handler', 'quality'],
      'completeInvestigation',
      { assignment: { team: 'loans', assignee: 'u-17' } },
      false,
      "the complaint is in the loans queue, not in your department's (cards)",
    ],
    [['specialist', 'admin'], 'reassign', { assignment: { team: 'loans' } }, true, undefined],
    [['specialist', 'admin'], 'claimTask', { assignment: { team: 'loans' } }, true, undefined],
    [['specialist', 'admin'], 'approveReply', {}, false, 'your roles (specialist, admin) may not approve a reply'],
    // Named in the complaint: the quality role still reads it, nothing else passes.
    [['handler', 'quality'], 'getComplaint', { assignment: { team: 'cards', assignee: 'u-17' }, target: { staffMember: 'Wang Wei' } }, true, undefined],
    [['handler', 'quality'], 'submitReply', { assignment: { team: 'cards', assignee: 'u-17' }, target: { staffMember: 'Wang Wei' } }, false, CONFLICT_REASON],
    [['handler', 'specialist'], 'getComplaint', { assignment: { team: 'cards' }, target: { staffMember: 'wang wei' } }, false, CONFLICT_REASON],
    // Named, and the read is excused for a manager, but the department is not involved: the scope is
    // the reason, not the conflict; a handler beside it is not excused, so the conflict is.
    [
      ['manager'],
      'getComplaint',
      { assignment: { team: 'loans' }, routing: { departments: ['loans'] }, target: { staffMember: 'Wang Wei' } },
      false,
      NOT_INVOLVED,
    ],
    [
      ['manager', 'handler'],
      'getComplaint',
      { assignment: { team: 'loans' }, routing: { departments: ['loans'] }, target: { staffMember: 'Wang Wei' } },
      false,
      CONFLICT_REASON,
    ],
    // The conflict reason wins over a scope reason of another role.
    [['manager', 'specialist'], 'reassign', { assignment: { team: 'loans' }, target: { staffMember: 'u-17' } }, false, CONFLICT_REASON],
  ] as const)('%o %s -> %s', (roles, op, complaint, allowed, reason) => {
    const d = authorize(actor([...roles]), op, complaint as ComplaintAccess);
    expect(d).toEqual(allowed ? { allowed: true } : { allowed: false, reason });
  });
});

describe('canBeAssigned', () => {
  it.each([
    [{ target: { staffMember: 'Wang Wei' } }, false],
    [{ target: { staffMember: 'WANG WEI  ' } }, false],
    [{ target: { staffMember: 'u-17' } }, false],
    [{ target: { staffMember: 'Li Na' } }, true],
    [{ target: { staffMember: '' } }, true],
    [{ target: {} }, true],
    [{}, true],
  ])('%o -> %s', (complaint, expected) => {
    expect(canBeAssigned({ id: 'u-17', name: 'Wang Wei' }, complaint)).toBe(expected);
  });
});

describe('teamQueueScope', () => {
  it.each([
    [['quality'], { all: true }],
    [['specialist'], { all: true }],
    [['senior'], { all: true }],
    [['handler'], { all: false, teams: ['cards'] }],
    [['manager'], { all: false, teams: ['cards'] }],
    [['handler', 'quality'], { all: true }],
    [['admin'], { all: false, teams: [] }],
  ] as const)('%o -> %o', (roles, scope) => {
    expect(teamQueueScope(actor([...roles]))).toEqual(scope);
  });
});

describe('training records: the participant and their manager only (issue 20)', () => {
  const subject = { id: 'hana', managerId: 'mia' };
  it('the participant reads their own', () => {
    expect(authorizeTrainingRecords(actor(['handler'], { id: 'hana' }), subject).allowed).toBe(true);
  });
  it("the participant's manager reads them", () => {
    expect(authorizeTrainingRecords(actor(['manager'], { id: 'mia' }), subject).allowed).toBe(true);
  });
  it('another manager, another handler, quality, the complaints desk and admin may not', () => {
    for (const [roles, id] of [
      [['manager'], 'max'],
      [['handler'], 'leo'],
      [['quality'], 'quinn'],
      [['specialist'], 'sam'],
      [['admin'], 'ada'],
    ] as const) {
      const d = authorizeTrainingRecords(actor([...roles], { id }), subject);
      expect(d.allowed, `${roles} ${id}`).toBe(false);
    }
    const d = authorizeTrainingRecords(actor(['manager'], { id: 'max' }), subject);
    expect(!d.allowed && d.reason).toBe('training records are visible to the participant and their manager only');
  });
  it('a manager id given to someone without the manager role grants nothing', () => {
    expect(authorizeTrainingRecords(actor(['handler'], { id: 'mia' }), subject).allowed).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Issue 23, the authorization mutants: where dropping a check (an excused(role), a scope) would
// only change WHY a request is refused, the reason is asserted, not only the refusal.
// (One block: tests for later mutation survivors go in a block of their own.)
// ---------------------------------------------------------------------------------------------
describe('refusal reasons (issue 23)', () => {
  /** A cards complaint that names the actor (actor(): u-17, Wang Wei), assigned to someone else. */
  const named: ComplaintAccess = { assignment: { team: 'cards', assignee: 'u-99' }, routing: { departments: ['cards'] }, target: { staffMember: 'Wang Wei' } };
  const notInvolved: ComplaintAccess = { assignment: { team: 'loans' }, routing: { departments: ['loans'] }, target: { staffMember: 'Wang Wei' } };

  it.each([
    // Excused: reading a complaint that names you is allowed to these roles (oversight, the department's manager).
    [['quality'], 'getComplaint', named, undefined],
    [['admin'], 'getComplaint', named, undefined],
    [['manager'], 'getComplaint', named, undefined],
    [['senior'], 'getComplaint', named, undefined],
    [['quality'], 'readArchivedComplaint', named, undefined],
    // Not excused: the same read by a handler or the complaints desk is the conflict.
    [['handler'], 'getComplaint', named, CONFLICT_REASON],
    [['specialist'], 'getComplaint', named, CONFLICT_REASON],
    // The excuse is for reading only: anything else on a complaint that names you is the conflict.
    [['manager'], 'reassign', named, CONFLICT_REASON],
    [['admin'], 'reassign', named, CONFLICT_REASON],
    [['senior'], 'approveReply', named, CONFLICT_REASON],
    // An excused role refused for its scope keeps the scope as the reason (not the conflict) ...
    [['manager'], 'getComplaint', notInvolved, NOT_INVOLVED],
    // ... and a role that may not do it at all says so, named or not.
    [['handler'], 'readArchivedComplaint', named, 'a handler may not open an archived complaint'],
    // Named, but no role could do it anyway: the roles are the reason, not the conflict.
    [['quality', 'handler'], 'reassign', named, 'your roles (quality, handler) may not reassign a complaint'],
  ] as const)('%o %s on a complaint that names the actor', (roles, op, complaint, reason) => {
    expect(authorize(actor([...roles]), op, complaint)).toEqual(reason === undefined ? { allowed: true } : { allowed: false, reason });
  });

  it('unknown roles are dropped: no staff role is the reason', () => {
    expect(authorize(actor(['superuser' as Role]), 'getComplaint', {})).toEqual({ allowed: false, reason: 'you have no staff role' });
  });

  it('training records: each refusal with its reason', () => {
    const subject = { id: 'hana', managerId: 'mia' };
    const ONLY = 'training records are visible to the participant and their manager only';
    expect(authorizeTrainingRecords(actor(['manager'], { id: 'max' }), subject)).toEqual({ allowed: false, reason: ONLY });
    expect(authorizeTrainingRecords(actor(['handler'], { id: 'leo' }), subject)).toEqual({ allowed: false, reason: ONLY });
    expect(authorizeTrainingRecords(actor(['specialist'], { id: 'sam' }), subject)).toEqual({ allowed: false, reason: ONLY });
    // The manager's id without the manager role: the participant's manager is a manager.
    expect(authorizeTrainingRecords(actor(['handler'], { id: 'mia' }), subject)).toEqual({ allowed: false, reason: ONLY });
    // Roles that may not read training records at all: the role is the reason.
    expect(authorizeTrainingRecords(actor(['quality'], { id: 'quinn' }), subject)).toEqual({
      allowed: false,
      reason: 'a quality may not read training records',
    });
    expect(authorizeTrainingRecords(actor(['admin'], { id: 'ada' }), subject)).toEqual({ allowed: false, reason: 'an admin may not read training records' });
  });
});
