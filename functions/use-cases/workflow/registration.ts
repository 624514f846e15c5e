/**
 * Registration: a new complaint is classified, assessed and routed as its investigation task
 * opens (./lifecycle.ts openStaffTask), in that task's one commit - or, for executions started
 * before that, as a step of its own (assessComplaint).
 */
import type { BusinessCalendar } from '../../domain/business-calendar.ts';
import { classify, COMPLAINTS_DESK, matterKeyOf, route, staffedRouting } from '../../domain/classification.ts';
import { canBeAssigned } from '../../domain/authorization.ts';
import type { Complaint } from '../../domain/complaint.ts';
import { computeDeadlines } from '../../domain/deadlines.ts';
import type { Complaints, MatterWindow, StaffDirectory } from '../../domain/ports.ts';
import type { RegionConfig } from '../../domain/regions.ts';
import type { Clock } from '../../shared/clock.ts';
import { entry, load, markMet, staffMessage, type LinkSigner } from '../common.ts';

export interface RegistrationDeps {
  repo: Complaints & StaffDirectory & MatterWindow;
  clock: Clock;
  region: RegionConfig;
  calendar: BusinessCalendar;
  links?: LinkSigner;
}

/**
 * Register, classify, assess and route (S2 1.1.14-1.1.24):
 *  1. classify (nature, channel, urgency, risk, priority) by the pure rules;
 *  2. count other complaints on the same matter in the window (group incident);
 *  3. route: major / cross-department / anonymous; departments, lead first;
 *  4. deadlines for the route; registration and quality-control hand-off are met now;
 *  5. assign: the lead department's queue; a major complaint gets its manager.
 * Returns the assessed complaint (same version: the caller commits it with its own change),
 * its history - what the customer is told (`registered`: `customerSummary`) and what staff see
 * (`assessed`: the classification and the route, with the rules' reasons) - and the message to
 * a major complaint's manager. Runs as the first part of opening the investigation task
 * (openStaffTask), in that task's one commit.
 */
export async function assessment(c: Complaint, deps: RegistrationDeps, now: Date, customerSummary: string) {
  const at = now.toISOString();
  const classification = classify({ channel: c.channel, matter: c.matter, businessLine: c.businessLine, amount: c.amount, target: c.target }, deps.region);
  const matterKey = matterKeyOf({ channel: c.channel, matter: c.matter, businessLine: c.businessLine, amount: c.amount, target: c.target }, classification);
  let recentSameMatterCount = 0;
  if (matterKey) {
    const windowMs = deps.region.thresholds.groupIncidentWindowHours * 3600_000;
    recentSameMatterCount = await deps.repo.recordMatter(
      matterKey,
      c.reference,
      c.receivedAt,
      new Date(new Date(c.receivedAt).getTime() - windowMs).toISOString(),
      Math.floor((now.getTime() + windowMs) / 1000) + 86400,
    );
  }
  // Only teams the staff directory staffs; what no team staffs goes to the complaints desk.
  const routing = await staffedRouting(
    route(
      {
        classification,
        complainant: c.complainant,
        amount: c.amount,
        target: c.target,
        businessLine: c.businessLine,
        matterKey,
        recentSameMatterCount,
      },
      deps.region,
    ),
    (team) => deps.repo.isStaffedTeam(team),
  );

  const fresh = computeDeadlines(deps.region.profile, deps.calendar, new Date(c.receivedAt), {
    major: routing.major,
    crossDepartment: routing.crossDepartment,
  });
  const deadlines: Complaint['deadlines'] = { ...fresh };
  for (const [k, d] of Object.entries(c.deadlines)) if (deadlines[k]) Object.assign(deadlines[k], { metAt: d.metAt });
  const team = routing.departments[0];
  // The team's manager leads a major complaint - unless the complaint names them (conflict of interest).
  const teamManager = routing.major ? await deps.repo.managerOf(team) : undefined;
  const conflicted = teamManager !== undefined && !canBeAssigned(teamManager, c);
  const manager = conflicted ? undefined : teamManager;

  const assessed: Complaint = {
    ...c,
    classification,
    routing,
    deadlines,
    assignment: { team, ...(manager ? { manager: manager.id, assignee: manager.id } : {}) },
    updatedAt: at,
  };
  markMet(assessed, ['register', 'qualityControl'], at);
  const history = [
    entry(c.reference, at, 'system', 'registered', customerSummary, true),
    entry(
      c.reference,
      at,
      'system',
      'assessed',
      [
        `Classified: ${classification.nature}, ${classification.urgency}, risk ${classification.riskLevel}, ${classification.priority}`,
        `queue: ${team}`,
        routing.unstaffed
          ? `no team staffs ${routing.unstaffed.join(', ')}: ${team === COMPLAINTS_DESK ? 'complaints desk' : `left to ${routing.departments.join(', ')}`}${c.target?.department ? ' (the customer named a department: see the complaint)' : ''}`
          : '',
        routing.major
          ? `major (${routing.majorReasons.join('; ')}), led by ${manager?.id ?? 'an unassigned manager'}${conflicted ? ` (conflict of interest: the complaint names ${teamManager!.id})` : ''}`
          : '',
        routing.crossDepartment ? `cross-department: ${routing.departments.join(', ')} (lead ${team})` : '',
        routing.anonymous ? 'anonymous: outcome to be published internally' : '',
      ]
        .filter(Boolean)
        .join('; '),
      false,
      undefined,
      { classification, routing, assignment: assessed.assignment },
    ),
  ];
  // The manager who leads a major complaint is told at once, with a link to it.
  const messages = manager
    ? [
        staffMessage(
          assessed,
          at,
          { id: manager.id },
          'escalation',
          `${c.reference}: major complaint assigned to you`,
          `Major complaint (${routing.majorReasons.join('; ')}): emergency handling is due by ${assessed.deadlines.emergencyStart?.dueAt}.`,
          deps.links,
        ),
      ]
    : [];
  return { assessed, history, messages };
}

export const isAssessed = (c: Complaint) => Boolean(c.classification && c.routing);

/**
 * The assessment as a step of its own: what executions started before the Assess state was
 * folded into Investigate still call (WorkflowStep `assess`) - a deployment leaves running
 * executions on the definition they started with. Idempotent: an assessed complaint is left as it is.
 */
export async function assessComplaint(input: { reference: string }, deps: RegistrationDeps) {
  const c = await load(deps.repo, input.reference);
  if (isAssessed(c)) return { reference: c.reference, major: c.routing!.major, crossDepartment: c.routing!.crossDepartment };
  const { assessed, history, messages } = await assessment(c, deps, deps.clock.now(), 'Your complaint is registered and classified');
  await deps.repo.commit({ complaint: { ...assessed, version: c.version + 1 }, expectedVersion: c.version, history, messages });
  return { reference: c.reference, major: assessed.routing!.major, crossDepartment: assessed.routing!.crossDepartment };
}
