import { describe, it, expect } from 'vitest';
import {
  authorize,
  canBeAssigned,
  CONFLICT_REASON,
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
];
const HANDLER_TEAM: StaffOperation[] = [...LIST, 'getComplaint', 'claimTask', 'submitHandlingPlan', 'getReplyDraft', 'recordCallback', 'recordCall'];
const ACTING: StaffOperation[] = ['completeInvestigation', 'submitReply', 'requestExtension', 'pauseClock', 'resumeClock'];
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
const DASHBOARD: StaffOperation[] = ['getDashboard', 'exportDashboardCsv'];
const QUALITY: StaffOperation[] = ['listTeamQueue', 'getComplaint'];
const ADMIN: StaffOperation[] = ['getComplaint', 'reassign'];

/**
 * The whole matrix: for each situation, the operations each role may do. Every other
 * (role, operation) pair must be denied.
 */
const SCENARIOS: { name: string; complaint: ComplaintAccess | undefined; allowed: Record<Role, StaffOperation[]> }[] = [
  {
    name: 'own department, the actor is the assignee',
    complaint: { assignment: { team: 'cards', assignee: 'u-17', manager: 'm-1' }, routing: { departments: ['cards'] } },
    allowed: {
      specialist: SPECIALIST,
      handler: [...HANDLER_TEAM, ...ACTING],
      manager: [...HANDLER_TEAM, ...ACTING, ...MANAGER_ONLY],
      quality: QUALITY,
      admin: ADMIN,
    },
  },
  {
    name: 'own department, someone else is the assignee',
    complaint: { assignment: { team: 'cards', assignee: 'u-99', manager: 'm-1' }, routing: { departments: ['cards'] } },
    allowed: {
      specialist: SPECIALIST,
      handler: HANDLER_TEAM,
      manager: [...HANDLER_TEAM, ...MANAGER_ONLY],
      quality: QUALITY,
      admin: ADMIN,
    },
  },
  {
    name: "own department, the actor is the complaint's manager (not the assignee)",
    complaint: { assignment: { team: 'cards', assignee: 'u-99', manager: 'u-17' } },
    allowed: {
      specialist: SPECIALIST,
      handler: [...HANDLER_TEAM, ...ACTING],
      manager: [...HANDLER_TEAM, ...ACTING, ...MANAGER_ONLY],
      quality: QUALITY,
      admin: ADMIN,
    },
  },
  {
    name: "another department's queue, but the actor's department is involved",
    complaint: { assignment: { team: 'loans', assignee: 'u-99', manager: 'm-2' }, routing: { departments: ['loans', 'cards'] } },
    allowed: {
      specialist: SPECIALIST,
      handler: [...LIST, 'getComplaint'],
      manager: [...LIST, 'getComplaint'],
      quality: QUALITY,
      admin: ADMIN,
    },
  },
  {
    name: 'another department, not involved',
    complaint: { assignment: { team: 'loans', assignee: 'u-99', manager: 'm-2' }, routing: { departments: ['loans'] } },
    allowed: {
      specialist: SPECIALIST,
      handler: LIST,
      manager: LIST,
      quality: QUALITY,
      admin: ADMIN,
    },
  },
  {
    name: 'another department, the actor manages this complaint (e.g. a major one)',
    complaint: { assignment: { team: 'loans', assignee: 'u-99', manager: 'u-17' }, routing: { departments: ['loans'] } },
    allowed: {
      specialist: SPECIALIST,
      handler: LIST, // only the manager role leads across departments
      manager: [...HANDLER_TEAM, ...ACTING, ...MANAGER_ONLY],
      quality: QUALITY,
      admin: ADMIN,
    },
  },
  {
    name: 'not yet assigned to a team',
    complaint: { routing: { departments: ['cards'] } },
    allowed: {
      specialist: SPECIALIST,
      handler: [...LIST, 'getComplaint'],
      manager: [...LIST, 'getComplaint'],
      quality: QUALITY,
      admin: ADMIN,
    },
  },
  {
    name: 'conflict of interest: the complaint names the actor (by name, other case and spaces)',
    complaint: { assignment: { team: 'cards', assignee: 'u-17', manager: 'u-17' }, target: { staffMember: '  wang WEI ' } },
    allowed: { specialist: [], handler: [], manager: ['getComplaint'], quality: ['getComplaint'], admin: ['getComplaint'] },
  },
  {
    name: 'conflict of interest: the complaint names the actor by id',
    complaint: { assignment: { team: 'cards', assignee: 'u-17' }, target: { staffMember: 'U-17' }, routing: { departments: ['cards'] } },
    allowed: { specialist: [], handler: [], manager: ['getComplaint'], quality: ['getComplaint'], admin: ['getComplaint'] },
  },
  {
    name: 'no complaint given: only operations that need none',
    complaint: undefined,
    allowed: {
      specialist: [...LIST, 'createStaffComplaint'],
      handler: LIST,
      manager: LIST,
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
  if (s.allowed.manager.includes('listMyTasks')) s.allowed.manager = [...s.allowed.manager, ...DASHBOARD];
  if (s.allowed.quality.includes('listTeamQueue')) s.allowed.quality = [...s.allowed.quality, ...DASHBOARD, 'searchAudit'];
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
      role,
      op,
      expected: s.allowed[role].includes(op),
    })),
  ),
);

describe('authorize: every role x every operation', () => {
  it('the matrix covers all 5 roles x 30 operations (merge, link and unlink: issue 16) in each situation', () => {
    expect(ROLES).toHaveLength(5);
    expect(STAFF_OPERATIONS).toHaveLength(30);
    expect(MATRIX).toHaveLength(SCENARIOS.length * 5 * 30);
  });

  it.each(MATRIX)('$scenario: $role $op -> $expected', ({ scenario, complaint, role, op, expected }) => {
    const d = authorize(actor([role]), op, complaint);
    expect(d.allowed).toBe(expected);
    if (!d.allowed) {
      // What the role could do at best (first scenario); denied only by the conflict -> that is the reason.
      const capable = SCENARIOS[0].allowed[role].includes(op);
      if (scenario.startsWith('conflict') && capable) expect(d.reason).toBe(CONFLICT_REASON);
      else expect(d.reason).not.toBe(CONFLICT_REASON);
      expect(d.reason.length).toBeGreaterThan(10);
    }
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
    // The conflict reason wins over a scope reason of another role.
    [['manager', 'specialist'], 'reassign', { assignment: { team: 'loans' }, target: { staffMember: 'u-17' } }, false, CONFLICT_REASON],
  ] as const)('%o %s -> %s', (roles, op, complaint, allowed, reason) => {
    const d = authorize(actor([...roles]), op, complaint);
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
    [['handler'], { all: false, teams: ['cards'] }],
    [['manager'], { all: false, teams: ['cards'] }],
    [['handler', 'quality'], { all: true }],
    [['admin'], { all: false, teams: [] }],
  ] as const)('%o -> %o', (roles, scope) => {
    expect(teamQueueScope(actor([...roles]))).toEqual(scope);
  });
});
