/**
 * Delivers queued messages (inserted with the change that caused them, in the same
 * transaction) through the channel: email by SES. Each message is claimed (queued ->
 * sending) before it is sent, so a redelivered stream record does not send it twice - unless
 * the attempt that claimed it died before marking it sent (then it is sent again).
 * Staff messages (reminders, escalations) go to the staff member's address, or to the
 * team manager's for a team.
 */
import type { DrillStore, Mailer, Outbox, StaffDirectory } from '../../domain/ports.ts';
import type { OutboundMessage } from '../../domain/model.ts';
import { messageHtml } from '../../domain/message-html.ts';
import { drillSafeRecipient } from '../../domain/drill.ts';

export interface DeliverDeps {
  repo: Outbox & StaffDirectory;
  mailer: Mailer;
  sender: string;
  now: () => Date;
  /** A drill's messages (issue 20): the drill (its mailbox, its participants), read when a message is a drill's. */
  drills?: Pick<DrillStore, 'getDrill'>;
}

/** A drill's message goes to the drill's mailbox or a participant only (domain/drill.ts drillSafeRecipient). */
async function drillRecipient(m: OutboundMessage, resolved: string | undefined, deps: DeliverDeps): Promise<string | undefined> {
  if (!m.drill) return resolved;
  const drill = await deps.drills?.getDrill(m.drill);
  const participants = drill ? await Promise.all(drill.participants.map((id) => deps.repo.getStaff(id))) : [];
  return drillSafeRecipient(
    { audience: m.audience, drill: m.drill },
    resolved,
    drill && { mailbox: drill.mailbox, participantAddresses: participants.flatMap((p) => (p?.email ? [p.email] : [])) },
  );
}

async function addressOf(m: OutboundMessage, repo: StaffDirectory): Promise<string | undefined> {
  if (m.audience === 'customer') return m.to;
  if (!m.to) return undefined;
  if (m.to.startsWith('team:')) return (await repo.managerOf(m.to.slice(5)))?.email;
  return (await repo.getStaff(m.to))?.email ?? (m.to.includes('@') ? m.to : undefined);
}

/**
 * A record that comes back while its message is still 'sending' was being sent by an attempt
 * that died mid-send (a crash, a timeout, a lost answer from the table): the records of a
 * shard go to one invocation at a time, so nobody else is sending it now. It is sent again -
 * delivery is at least once: a crash after SES accepted the message and before 'sent' was
 * written sends it twice, which beats never sending it.
 */
async function reclaimAbandoned(m: OutboundMessage, deps: DeliverDeps): Promise<boolean> {
  const current = (await deps.repo.messages(m.reference)).find((x) => x.messageId === m.messageId);
  if (current?.status !== 'sending') return false;
  return deps.repo.transitionMessage(m.reference, m.messageId!, 'sending', 'sending', { reclaimedAt: deps.now().toISOString() });
}

export async function deliverMessage(m: OutboundMessage, deps: DeliverDeps): Promise<'sent' | 'skipped' | 'failed'> {
  if (m.status !== 'queued' || m.channel !== 'email' || !m.messageId) return 'skipped';
  const to = await drillRecipient(m, await addressOf(m, deps.repo), deps);
  if (!to) {
    await deps.repo.transitionMessage(m.reference, m.messageId, 'queued', 'failed', { failure: 'no address' });
    return 'failed';
  }
  if (!(await deps.repo.transitionMessage(m.reference, m.messageId, 'queued', 'sending')) && !(await reclaimAbandoned(m, deps))) return 'skipped';
  try {
    // A customer message's HTML part is made from its text now (it is stored as text only).
    const html = m.html ?? (m.audience === 'customer' ? messageHtml(m.language, m.subject, m.text) : undefined);
    const providerId = await deps.mailer.send({ from: deps.sender, to, replyTo: deps.sender, subject: m.subject, text: m.text, html, reference: m.reference });
    await deps.repo.transitionMessage(m.reference, m.messageId, 'sending', 'sent', { sentAt: deps.now().toISOString(), providerId });
    return 'sent';
  } catch (e) {
    // Back to queued: the stream retries the record.
    await deps.repo.transitionMessage(m.reference, m.messageId, 'sending', 'queued');
    throw e;
  }
}
