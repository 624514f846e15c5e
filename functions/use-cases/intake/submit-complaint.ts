/**
 * Register a complaint received from a customer.
 * A suspected repeat is registered as its own complaint, linked for staff (never merged from
 * an unverified submission: issue 16 finding 1); the answer is the same as for any complaint.
 *  1. Replay the stored answer if this Idempotency-Key was seen (same body) or refuse it (other body).
 *  2. Take the next reference, mint the access code, compute the regulatory deadlines.
 *  3. Write complaint, secret, first history entry, acknowledgement and idempotency record in
 *     ONE transaction: a failure leaves nothing half-written; a concurrent retry loses the race
 *     and replays.
 * The workflow is not started here: the complaint's insertion on the table's stream starts it
 * (start-workflows), a durable hand-off that retries through Step Functions throttling and
 * keeps StartExecution off the customer's request; the orphan sweeper is the backstop.
 */
import { createHash, randomBytes } from 'node:crypto';
import { generateAccessCode, hashAccessCode } from '../../domain/access-code.ts';
import { acknowledgementText } from '../../domain/acknowledgement.ts';
import type { BusinessCalendar } from '../../domain/business-calendar.ts';
import type { Channel, Complaint, ComplaintDetails, Language } from '../../domain/complaint.ts';
import { computeDeadlines } from '../../domain/deadlines.ts';
import type { AttachmentStore, Complaints, Customers, DrillStore } from '../../domain/ports.ts';
import { type DrillClaim, drillMark } from '../drills/drill-intake.ts';
import { IdempotencyRace, UploadTaken } from '../../domain/model.ts';
import { safeAttachmentName, verifyAttachments } from './attachments.ts';
import { customerKeys, findRepeat } from '../../domain/repeats.ts';
import { entry } from '../common.ts';
import { formatReference } from '../../domain/reference.ts';
import type { RegionConfig } from '../../domain/regions.ts';
import type { Clock } from '../../shared/clock.ts';
import { IdempotencyMismatchError, ValidationError } from '../../shared/errors.ts';
import type { SubmitComplaintRequest, SubmitComplaintResponse } from '../../contract/submit-complaint.schema.ts';
import { deadlineView } from '../deadline-view.ts';
import { customerChannel } from '../common.ts';
import { formatLocalTime, renderCustomerMessage, statusPageUrl } from '../../domain/reply-templates.ts';

export interface SubmitDeps {
  repo: Complaints & Customers;
  clock: Clock;
  region: RegionConfig;
  calendar: BusinessCalendar;
  /** Where attachments were uploaded; each one is checked before the complaint refers to it. */
  attachments?: () => AttachmentStore;
  attachmentMaxBytes?: number;
  /** Where the pages are, for the status link in the acknowledgement. */
  publicBaseUrl?: string;
  /** The drills, to check a drill's token (issue 20). */
  drills?: Pick<DrillStore, 'getDrill'>;
}

export interface SubmitContext {
  channel: Channel;
  idempotencyKey?: string;
  /** Staff member who keyed it in: the first responder. */
  receivedBy?: string;
  /** Email intake: an existing complaint the message names, from a sender not proven to be its complainant (linked for staff). */
  mentions?: string;
  /** A drill's complaint (its token and scenario step): checked, then marked `drill`. */
  drill?: DrillClaim;
}

export interface SubmitResult {
  statusCode: 201;
  body: SubmitComplaintResponse;
  replayed: boolean;
}

const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

function canonicalHash(value: unknown): string {
  const canonical = JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
  return createHash('sha256').update(canonical).digest('base64url');
}

export async function submitComplaint(req: SubmitComplaintRequest, ctx: SubmitContext, deps: SubmitDeps): Promise<SubmitResult> {
  const { repo, clock, region, calendar } = deps;
  const requestHash = canonicalHash({ req, channel: ctx.channel, receivedBy: ctx.receivedBy });

  const replay = async (): Promise<SubmitResult | undefined> => {
    if (!ctx.idempotencyKey) return undefined;
    const stored = await repo.getIdempotent(ctx.idempotencyKey);
    if (!stored) return undefined;
    if (stored.requestHash !== requestHash) throw new IdempotencyMismatchError();
    return { statusCode: 201, body: stored.body as SubmitComplaintResponse, replayed: true };
  };
  const now = clock.now();
  const receivedAt = now.toISOString();
  const contactKeys = req.complainant.anonymous ? [] : customerKeys(req.complainant.contact);
  // The independent reads at once: a stored answer, the customer's open matters and
  // restrictions (one read of the customer's partition), attachments.
  const [previous, { repeat, restrictions }] = await Promise.all([
    replay(),
    (contactKeys.length ? repo.customerRecord(contactKeys) : Promise.resolve({ references: [], restrictions: [] })).then(async (customer) => ({
      restrictions: customer.restrictions,
      repeat: await findOpenRepeat(req, customer.references, repo),
    })),
    req.attachments?.length
      ? deps.attachments
        ? verifyAttachments(req.attachments, deps.attachments(), deps.attachmentMaxBytes ?? 10 * 1024 * 1024)
        : Promise.reject(new Error('No attachment store configured'))
      : Promise.resolve(),
  ]);
  if (previous) return previous;
  const drill = ctx.drill ? await drillMark(ctx.drill, deps.drills) : undefined;
  // A suspected repeat of the same customer's open complaint is NOT merged here: nothing in
  // this request proves it comes from that customer (the contact is never verified). It
  // becomes a complaint of its own, answered exactly like any other, and is linked to the
  // earlier one for staff, who merge after checking (use-cases/staff/complaint-links.ts).
  const reference = formatReference(region.referencePrefix, now.getUTCFullYear(), await repo.nextSequence(region.referencePrefix, now.getUTCFullYear()));
  const accessCode = generateAccessCode();
  const salt = randomBytes(16).toString('base64url');
  const language: Language = req.language ?? region.languages[0];
  const deadlines = computeDeadlines(region.profile, calendar, now);

  const details: ComplaintDetails = {
    complainant: req.complainant,
    target: req.target,
    matter: req.matter,
    occurredAt: req.occurredAt,
    place: req.place,
    businessLine: req.businessLine,
    amount: req.amount,
    consent: { personalData: req.consent?.personalData ?? false },
    // Display names only (keys are ours), kept as plain file names.
    attachments: req.attachments?.map((a) => ({ ...a, name: safeAttachmentName(a.name) })),
  };
  // A suspected repeat: a one-time code to the earlier complaint's email on file (the only proof
  // of the contact we accept), mailed in the same transaction; its hash on the link.
  const confirmCode = repeat?.contactEmail ? generateAccessCode() : undefined;
  const confirmSalt = randomBytes(16).toString('base64url');
  const confirmUntil = new Date(now.getTime() + REPEAT_CONFIRMATION_HOURS * 3600_000).toISOString();
  // A restricted customer's complaint is still registered (a regulatory duty), and flagged.
  const restricted = restrictions.find((r) => !r.until || r.until >= receivedAt.slice(0, 10));
  const complaint: Complaint = {
    ...details,
    ...(restricted ? { restricted } : {}),
    // Self-declared vulnerability (domain/vulnerability.ts): priority in the queue.
    ...(req.vulnerability
      ? {
          vulnerability: {
            source: 'customer' as const,
            kinds: [...new Set(req.vulnerability.kinds)],
            adjustments: req.vulnerability.adjustments ?? [],
            at: receivedAt,
          },
        }
      : {}),
    ...(repeat
      ? {
          relatedTo: {
            reference: repeat.reference,
            reason: 'possible-repeat' as const,
            score: Number(repeat.score.toFixed(2)),
            newFacts: repeat.newFacts,
            at: receivedAt,
            ...(confirmCode
              ? { confirmation: { salt: confirmSalt, hash: hashAccessCode(confirmCode, confirmSalt), expiresAt: confirmUntil, attempts: 0 } }
              : {}),
          },
        }
      : ctx.mentions
        ? { relatedTo: { reference: ctx.mentions, reason: 'mail-names-reference' as const, at: receivedAt } }
        : {}),
    reference,
    region: region.name,
    channel: ctx.channel,
    language,
    status: 'OPEN',
    stage: 'RECEIVED',
    receivedAt,
    receivedBy: ctx.receivedBy,
    ...(drill ? { drill } : {}),
    deadlines,
    executionName: reference,
    resumeCount: 0,
    updatedAt: receivedAt,
    version: 1,
  };

  const final = deadlines.finalResponse;
  const ack = acknowledgementText(language, reference, final.dueAt, region.calendar.timeZone);
  const body: SubmitComplaintResponse = {
    reference,
    accessCode,
    acknowledgement: {
      receivedAt,
      message: ack.message,
      nextSteps: ack.nextSteps,
      responseDeadline: deadlineView(final, now, receivedAt, region.profile.reminderAtRemainingFraction),
      followUp: ack.followUp,
    },
  };

  // The acknowledgement goes out through the channel used, in the same transaction.
  const ackMessage = renderCustomerMessage('acknowledgement', language, {
    reference,
    dueAt: formatLocalTime(new Date(final.dueAt), region.calendar.timeZone, language),
    ...(deps.publicBaseUrl ? { statusUrl: statusPageUrl(deps.publicBaseUrl, reference)! } : {}),
  });
  try {
    await repo.create({
      customerKeys: contactKeys,
      // One upload, one complaint: recorded as this one's in the same transaction.
      uploads: req.attachments?.map((a) => a.key),
      messages: [
        {
          reference,
          at: receivedAt,
          kind: 'acknowledgement',
          audience: 'customer',
          language,
          ...customerChannel(complaint),
          subject: ackMessage.subject,
          text: ackMessage.text,
        },
        ...(confirmCode && repeat?.contactEmail
          ? [
              {
                reference,
                at: receivedAt,
                kind: 'progress' as const,
                audience: 'customer' as const,
                language,
                channel: 'email' as const,
                to: repeat.contactEmail,
                status: 'queued' as const,
                ...repeatConfirmationMessage(language, reference, confirmCode, formatLocalTime(new Date(confirmUntil), region.calendar.timeZone, language)),
              },
            ]
          : []),
      ],
      complaint,
      secret: { salt, hash: hashAccessCode(accessCode, salt) },
      history: [
        {
          reference,
          at: receivedAt,
          actor: ctx.receivedBy ?? 'customer',
          action: 'received',
          visibleToCustomer: true,
          summary: `Complaint received through the ${ctx.channel} channel; acknowledgement sent`,
        },
        ...(repeat
          ? [
              entry(
                reference,
                receivedAt,
                'system',
                'repeat-suspected',
                `Same customer contact and business line: possibly a repeat of ${repeat.reference} (similarity ${repeat.score.toFixed(2)}${repeat.newFacts ? ', with new facts' : ''}). Not merged: check, then merge or unlink`,
                false,
                undefined,
                { relatedTo: repeat.reference },
              ),
            ]
          : []),
        ...(ctx.mentions
          ? [
              entry(
                reference,
                receivedAt,
                'system',
                'mail-possibly-related',
                `The email names ${ctx.mentions}, but its sender is not proven to be that complaint's complainant: possibly related to ${ctx.mentions}. Not attached to it: check, then merge or unlink`,
                false,
                undefined,
                { mentions: ctx.mentions },
              ),
            ]
          : []),
      ],
      idempotency: ctx.idempotencyKey
        ? { key: ctx.idempotencyKey, answer: { requestHash, statusCode: 201, body }, expiresAt: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS }
        : undefined,
    });
  } catch (e) {
    if (e instanceof IdempotencyRace) {
      const winner = await replay();
      if (winner) return winner;
    }
    if (e instanceof UploadTaken) {
      throw new ValidationError(
        (req.attachments ?? []).flatMap((a, i) => (e.keys.includes(a.key) ? [{ field: `attachments.${i}.key`, message: 'belongs to another complaint' }] : [])),
      );
    }
    throw e;
  }

  return { statusCode: 201, body, replayed: false };
}

async function findOpenRepeat(req: SubmitComplaintRequest, refs: string[], repo: Complaints) {
  if (!refs.length) return undefined;
  const open = (await Promise.all(refs.map((r) => repo.get(r)))).filter((c): c is Complaint => !!c && c.status === 'OPEN' && !c.mergedInto);
  const hit = findRepeat(
    { businessLine: req.businessLine, description: req.matter.description },
    open.map((c) => ({ reference: c.reference, businessLine: c.businessLine, description: c.matter.description })),
  );
  return hit && { ...hit, contactEmail: open.find((c) => c.reference === hit.reference)?.complainant.contact?.email };
}

/** How long the one-time code mailed to the contact on file confirms a repeat. */
export const REPEAT_CONFIRMATION_HOURS = 72;

/**
 * The one-time code that lets the sender of a suspected repeat prove they control the earlier
 * complaint's email on file (and so have the two merged at once). Mailed there only: the
 * answer to the submission never mentions it. It does not name the earlier complaint.
 */
function repeatConfirmationMessage(language: Language, reference: string, code: string, dueAt: string): { subject: string; text: string } {
  return language === 'zh-CN'
    ? {
        subject: `投诉 ${reference}：请确认是否为您本人提交`,
        text: `我们收到了一份使用您的联系方式提交的新投诉 ${reference}，内容与您此前的一份投诉相似。\n\n如果是您本人提交，并希望两份投诉合并处理，请在投诉 ${reference} 的查询页面输入确认码：${code}（${dueAt} 前有效）。\n\n如果不是您提交的，请忽略本邮件：我们的工作人员会核实，不会将其并入您的投诉。`,
      }
    : {
        subject: `Complaint ${reference}: did you send it?`,
        text: `We received a new complaint, ${reference}, giving your contact details, about a matter like one you raised with us before.\n\nIf you sent it and want the two handled together, enter this confirmation code on the status page of complaint ${reference}: ${code} (valid until ${dueAt}).\n\nIf you did not send it, please ignore this email: our staff will check it, and it will not be added to your complaint.`,
      };
}
