/** Small helpers shared by the lifecycle use cases. */
import { bidiFields } from '../domain/display-text.ts';
import { maskName, type Complaint, type HistoryEntry } from '../domain/complaint.ts';
import type { OutboundMessage, TaskItem } from '../domain/model.ts';
import { NotFoundError } from '../shared/errors.ts';
import { signTaskLink } from '../domain/task-links.ts';
import { effectivePriority, isVulnerable } from '../domain/vulnerability.ts';
import type { Complaints } from '../domain/ports.ts';

export function entry(
  reference: string,
  at: string,
  actor: string,
  action: string,
  summary: string,
  visibleToCustomer = false,
  before?: Record<string, unknown>,
  after?: Record<string, unknown>,
): HistoryEntry {
  return { reference, at, actor, action, summary, visibleToCustomer, ...(before ? { before } : {}), ...(after ? { after } : {}) };
}

export { ESCALATING, openDeadlines } from '../domain/deadlines.ts';
import { openDeadlines } from '../domain/deadlines.ts';

export function nextDue(c: Complaint): { name: string; dueAt: string } {
  const open = openDeadlines(c).sort(([, a], [, b]) => a.dueAt.localeCompare(b.dueAt));
  if (open.length) return { name: open[0][0], dueAt: open[0][1].dueAt };
  return { name: 'none', dueAt: '9999-12-31T23:59:59.999Z' };
}

export function markMet(c: Complaint, names: string[], at: string): string[] {
  const met: string[] = [];
  for (const n of names) {
    const d = c.deadlines[n];
    if (d && !d.metAt) {
      d.metAt = at;
      met.push(n);
    }
  }
  return met;
}

/** The queue summary kept on the task item, refreshed from the complaint on every change. */
/** The change of a complaint's task that a commit carries: the open task refreshed (only if its token is still the same), nothing for a completed or absent one. */
export function openTaskUpdate(task: TaskItem | undefined, c: Complaint): { put: TaskItem; ifToken: string } | undefined {
  return task && task.status !== 'completed' ? { put: refreshTask(task, c), ifToken: task.taskToken } : undefined;
}

export function refreshTask(task: TaskItem, c: Complaint): TaskItem {
  const due = nextDue(c);
  return {
    ...task,
    team: c.assignment?.team ?? task.team,
    assignee: c.assignment?.assignee,
    manager: c.assignment?.manager,
    nextDueAt: due.dueAt,
    nextDueName: due.name,
    priority: effectivePriority(c.classification?.priority ?? 'P3', isVulnerable(c)),
    major: c.routing?.major ?? false,
    channel: c.channel,
    customer: maskName(c.complainant),
    riskLevel: c.classification?.riskLevel,
    crossDepartment: c.routing?.crossDepartment ?? false,
    anonymous: c.complainant.anonymous,
    flags: [
      // A drill's complaint (issue 20): marked in every staff view.
      ...(c.drill ? ['drill'] : []),
      ...(c.repeats ? ['repeat'] : []),
      ...(c.restricted ? ['restricted'] : []),
      ...(c.escalated ? ['escalated'] : []),
      ...(isVulnerable(c) ? ['vulnerable'] : []),
      // Text that could be made to look like something else (an RTL override in a name): staff are warned.
      ...(bidiFields(c).length ? ['bidi-controls'] : []),
    ],
  };
}

export async function load(repo: Pick<Complaints, 'get'>, reference: string): Promise<Complaint> {
  const c = await repo.get(reference);
  if (!c) throw new NotFoundError(`Complaint ${reference} not found`);
  return c;
}

/** Where a message to the customer goes: the channel they used (DISP / S2 ch.6). */
export function customerChannel(c: Complaint): Pick<OutboundMessage, 'channel' | 'to' | 'status'> {
  const email = c.complainant.contact?.email;
  switch (c.channel) {
    case 'email':
    case 'web':
      return email ? { channel: 'email', to: email, status: 'queued' } : { channel: 'status-page', status: 'recorded' };
    case 'letter':
      return { channel: 'letter', to: c.complainant.contact?.address, status: 'queued' };
    default:
      return { channel: 'call-task', to: c.complainant.contact?.phone, status: 'recorded' };
  }
}

export interface LinkSigner {
  base: string;
  key: Buffer;
  ttlSeconds: number;
  nonce: () => string;
}

/** A notification to a staff member, with a signed, expiring link straight to the task. */
export function staffMessage(
  c: Complaint,
  at: string,
  to: { id: string } | { team: string },
  kind: OutboundMessage['kind'],
  subject: string,
  body: string,
  signer?: LinkSigner,
): OutboundMessage {
  let link = '';
  if (signer && 'id' in to && signer.base) {
    const expiresAt = Math.floor(new Date(at).getTime() / 1000) + signer.ttlSeconds;
    link = `\nOpen the task (sign-in required; the link works once, until ${new Date(expiresAt * 1000).toISOString()}):\n${signTaskLink(signer.base, { reference: c.reference, staffId: to.id, expiresAt, nonce: signer.nonce() }, signer.key)}`;
  }
  return {
    reference: c.reference,
    at,
    kind,
    audience: 'staff',
    channel: 'email',
    to: 'id' in to ? to.id : `team:${to.team}`,
    language: 'en',
    subject,
    text: `${subject}\n${body}${link}`,
    status: 'queued',
  };
}
