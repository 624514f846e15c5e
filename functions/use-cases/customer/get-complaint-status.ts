/**
 * What a customer sees with reference + access code. A wrong or missing code answers
 * exactly like an unknown reference, so the API never confirms that a reference exists;
 * wrong codes are limited per source (never per reference) and every failed attempt is audited
 * (use-cases/customer/customer-access.ts).
 */
import { awaitsCallbackStage } from '../../domain/callback.ts';
import { STAGE_LABEL } from '../../domain/complaint.ts';
import type { Complaints, Outbox, TaskQueue } from '../../domain/ports.ts';
import type { RegionConfig } from '../../domain/regions.ts';
import type { ComplaintStatusResponse } from '../../contract/complaint-status.schema.ts';
import { openAsCustomer, type CustomerAccessDeps, type CustomerRequest } from './customer-access.ts';
import { deadlineView } from '../deadline-view.ts';

export interface StatusDeps extends CustomerAccessDeps {
  repo: Complaints & TaskQueue & Outbox;
  region: RegionConfig;
}

export async function getComplaintStatus(
  reference: string,
  accessCode: string | undefined,
  deps: StatusDeps,
  request: CustomerRequest = {},
): Promise<ComplaintStatusResponse> {
  const complaint = await openAsCustomer(reference, accessCode, 'getComplaintStatus', deps, request);
  const now = deps.clock.now();
  // Our reply asks the satisfaction question: it can be answered while the callback task is
  // open, and as soon as the reply is out - even in the moment before the workflow opens the
  // callback stage. The task is read only around then.
  const [history, task, replyText] = await Promise.all([
    deps.repo.history(reference),
    complaint.stage === 'CALLBACK' || (complaint.stage === 'REPLY' && complaint.reply && !complaint.earlyCallback) ? deps.repo.getTask(reference) : undefined,
    // The reply as sent: its message holds the text.
    complaint.reply ? (complaint.reply.text ?? deps.repo.messages(reference).then((ms) => ms.filter((m) => m.kind === 'reply').at(-1)?.text ?? '')) : undefined,
  ]);
  const fraction = deps.region.profile.reminderAtRemainingFraction;
  return {
    reference,
    status: complaint.status,
    stage: complaint.stage,
    stageLabel: STAGE_LABEL[complaint.stage][complaint.language],
    receivedAt: complaint.receivedAt,
    deadlines: Object.fromEntries(Object.entries(complaint.deadlines).map(([k, d]) => [k, deadlineView(d, now, complaint.receivedAt, fraction)])),
    history: history.filter((h) => h.visibleToCustomer).map((h) => ({ at: h.at, action: h.action, summary: h.summary })),
    ...(complaint.reply ? { reply: { subject: complaint.reply.subject, text: replyText ?? '', sentAt: complaint.reply.sentAt } } : {}),
    callbackDue: (complaint.stage === 'CALLBACK' && task?.status !== 'completed') || awaitsCallbackStage(complaint, task),
    // What they told us, so they can check we have it right: their words and their files' names (never the keys).
    submitted: {
      description: complaint.matter.description,
      ...(complaint.matter.cause ? { cause: complaint.matter.cause } : {}),
      ...(complaint.matter.demand ? { demand: complaint.matter.demand } : {}),
      attachments: (complaint.attachments ?? []).map(({ name, contentType, size }) => ({ name, contentType, size })),
    },
  };
}
