/**
 * An email reached the complaints address (SES receipt rule on AWS, the SMTP intake locally):
 *  1. A message seen before (SES may deliver twice) answers its recorded outcome; nothing changes.
 *  2. Parse the MIME message (charsets, HTML-only mail, attachments, forwarded messages).
 *  3. Never a complaint: virus, bounces and auto-replies; cannot be one: no sender address,
 *     an empty message. Recorded as rejected with the reason.
 *  4. Mail claiming the bank's own domains (deps.mail: domain, ownDomains) without an
 *     aligned DKIM pass is quarantined: recorded, kept in the mail bucket, never acknowledged.
 *  5. A reply about a complaint we know (reference in In-Reply-To / References or in the
 *     subject) joins that complaint only when the sender IS its contact (normalised address)
 *     and the receiving server authenticated it (SES verdicts: DMARC pass, or SPF pass aligned
 *     with the From domain): a `customer-email` history entry, in one transaction guarded by
 *     the complaint's version. Anyone else naming a reference: step 6, linked "possibly related"
 *     for staff (issue 16 finding 2), never shown on that complaint's status page.
 *  6. Otherwise a new complaint through `submitComplaint` (channel email, idempotency key
 *     `email:<messageId>`), validated by the API's own schema first: an invalid request is
 *     recorded as rejected with its field messages, never thrown.
 * Every message ends with exactly one INBOUND record; only infrastructure errors throw
 * (the caller retries: SES / Lambda retries, the SMTP intake answers 451).
 */
import PostalMime, { type Address, type Email, type PostalMimeOptions } from 'postal-mime';
import * as z from 'zod';
import type { Complaint, HistoryEntry } from '../../domain/complaint.ts';
import {
  buildDescription,
  claimedOwnDomain,
  cleanText,
  dkimDomain,
  composeBody,
  DESCRIPTION_MAX,
  guessLanguage,
  htmlToText,
  normaliseAddress,
  ownDomainSigned,
  planAttachments,
  referenceCandidates,
  screenEmail,
  senderAuthenticated,
  truncate,
  type AttachmentPlan,
  type MailAuthentication,
  type EmailAttachment,
  type EmailFacts,
  type ForwardedMessage,
  type InboundRecord,
  type Mailbox,
} from '../../domain/email-intake.ts';
import type { InboundRepository } from '../../domain/ports.ts';
import type { AuditLog } from '../../domain/ports.ts';
import type { AttachmentRef } from '../../domain/model.ts';
import { hasVisibleText } from '../../domain/text.ts';
import { AttachmentType, MAX_ATTACHMENTS, ATTACHMENT_TYPES, SubmitComplaintRequest } from '../../contract/submit-complaint.schema.ts';
import { onFirstUse } from '../../contract/common.schema.ts';
import { ConflictError, IdempotencyMismatchError, ValidationError } from '../../shared/errors.ts';
import { entry } from '../common.ts';
import { submitComplaint, type SubmitDeps } from './submit-complaint.ts';
import { drillClaimOf, drillMark } from '../drills/drill-intake.ts';

export interface ReceiveEmailDeps extends Omit<SubmitDeps, 'attachments' | 'attachmentMaxBytes'> {
  inbound: InboundRepository;
  /** Staff triage (quality searches it): quarantined mail, and mail naming a complaint from a sender not proven to be its complainant. */
  audit?: AuditLog;
  attachments: NonNullable<SubmitDeps['attachments']>;
  attachmentMaxBytes: number;
  /** The bank's mail domains (deploy settings, MAIL_DOMAIN and MAIL_OWN_DOMAINS). */
  mail: { domain: string; ownDomains: readonly string[] };
}

/** One received message: the raw bytes SES stored, with what the SES event says about it. */
export interface InboundMail {
  /** SES messageId: the idempotency key of the whole intake. */
  messageId: string;
  raw: Uint8Array;
  /** SES mail.timestamp. */
  receivedAt?: string;
  /** SES mail.source (the SMTP envelope sender). */
  source?: string;
  virusVerdict?: string;
  /** SES receipt spfVerdict / dkimVerdict / dmarcVerdict (locally: the SMTP intake's). None: not authenticated. */
  authentication?: MailAuthentication;
}

export interface ReceiveResult extends InboundRecord {
  replayed: boolean;
}

/**
 * postal-mime options. Forwarded and nested messages (message/rfc822) stay parts: they are
 * parsed below, each into a ForwardedMessage, rather than merged into the body text by the
 * parser. Delivery-status parts are parts too (bounce detection). The parser's limits: past
 * 256 levels of MIME nesting or 2 MB of header fields (all parts together) it gives up, and
 * the message is recorded as rejected (unparseable). The message itself is at most what SES
 * accepts (40 MB); its attachments are kept up to the configured size each.
 */
export const PARSE_OPTIONS = {
  forceRfc822Attachments: true,
  attachmentEncoding: 'arraybuffer',
  maxNestingDepth: 256,
  maxHeadersSize: 2 * 1024 * 1024,
} as const satisfies PostalMimeOptions;
/** Forwarded messages inside forwarded messages are read this deep; deeper ones stay attachments (and are not kept: not an accepted type). */
const MAX_NESTING = 5;
const COMMIT_ATTEMPTS = 5;

/**
 * Email attachments are stored by the intake itself (never uploaded by a client), under
 * `email/<messageId>/<n>`: the request schema is the API's, with only the key pattern widened.
 */
export const EMAIL_ATTACHMENT_KEY = /^email\/[A-Za-z0-9._-]{1,200}\/\d{1,3}$/;
export const EmailComplaintRequest = /* @__PURE__ */ onFirstUse(() =>
  SubmitComplaintRequest.unwrap().safeExtend({
    attachments: z
      .array(
        z
          .object({
            key: z.string().regex(EMAIL_ATTACHMENT_KEY),
            name: z.string().trim().min(1).max(200),
            contentType: AttachmentType.unwrap(),
            size: z.number().int().positive(),
          })
          .strict(),
      )
      .max(MAX_ATTACHMENTS)
      .optional(),
  }),
);

/** The mailboxes of an address header, groups flattened (From: may be a group). */
function mailboxes(a: Address | Address[] | undefined): Mailbox[] {
  const flat = (xs: Address[]): Address[] => xs.flatMap((x) => (x.group ? flat(x.group) : [x]));
  return flat(Array.isArray(a) ? a : a ? [a] : []).map((m) => ({ address: (m.address ?? '').trim(), name: (m.name ?? '').trim() }));
}

/** Header fields by lower-case name: the raw value of the first occurrence, unfolded. */
export function headerMap(lines: readonly { key: string; line: string }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { key, line } of lines ?? []) {
    if (key in out) continue;
    const i = line.indexOf(':');
    out[key.toLowerCase()] = (i < 0 ? '' : line.slice(i + 1)).replace(/\r?\n[ \t]+/g, ' ').trim();
  }
  return out;
}

/**
 * The top-level Content-Type (postal-mime does not give the root part's): its type, lower
 * case, text/plain when missing (RFC 2045), and its report-type parameter (bounces).
 */
export function contentTypeOf(value: string | undefined): { type: string; reportType?: string } {
  const type = (value ?? '').split(';')[0].trim().toLowerCase() || 'text/plain';
  const reportType = /;\s*report-type\s*=\s*(?:"([^"]*)"|([^\s;"]+))/i.exec(value ?? '');
  return { type, ...(reportType ? { reportType: reportType[1] ?? reportType[2] } : {}) };
}

const bytesOf = (c: ArrayBuffer | Uint8Array | string): Uint8Array =>
  typeof c === 'string' ? new TextEncoder().encode(c) : c instanceof Uint8Array ? c : new Uint8Array(c);

/** Parses a raw message (MIME, RFC 5322) into plain data for the pure decisions; forwarded messages are parsed too. Throws when the parser gives up (see PARSE_OPTIONS). */
export async function parseEmail(raw: Uint8Array | string, extra: { envelopeFrom?: string; virusVerdict?: string } = {}, depth = 0): Promise<EmailFacts> {
  return toEmailFacts(await PostalMime.parse(raw, PARSE_OPTIONS), extra, depth);
}

async function toEmailFacts(parsed: Email, extra: { envelopeFrom?: string; virusVerdict?: string }, depth: number): Promise<EmailFacts> {
  const contentType = contentTypeOf(parsed.headers.find((h) => h.key === 'content-type')?.value);
  const forwarded: ForwardedMessage[] = [];
  const attachments: EmailAttachment[] = [];
  const nestedAttachments: EmailAttachment[] = [];
  for (const a of parsed.attachments) {
    const type = (a.mimeType || 'application/octet-stream').toLowerCase();
    const content = bytesOf(a.content);
    if (type === 'message/rfc822' && depth < MAX_NESTING) {
      const inner = await parseEmail(content, {}, depth + 1);
      const innerFrom = inner.from?.address || inner.from?.name ? inner.from : undefined;
      forwarded.push(
        {
          subject: inner.subject,
          from: innerFrom ? (innerFrom.name ? `${innerFrom.name} <${innerFrom.address}>` : innerFrom.address) : '',
          date: inner.headers.date,
          text: inner.text,
        },
        ...inner.forwarded,
      );
      nestedAttachments.push(...inner.attachments);
    } else {
      attachments.push({ ...(a.filename ? { filename: a.filename } : {}), contentType: type, size: content.byteLength, content });
    }
  }
  // HTML-only mail: postal-mime gives no text (mailparser made some); what it shows, by htmlToText.
  const text = parsed.text?.trim() ? parsed.text : typeof parsed.html === 'string' ? htmlToText(parsed.html) : '';
  return {
    subject: parsed.subject ?? '',
    from: mailboxes(parsed.from)[0],
    headers: headerMap(parsed.headerLines),
    dkimDomains: (parsed.headerLines ?? [])
      .filter((h) => h.key.toLowerCase() === 'dkim-signature')
      .map((h) => dkimDomain(h.line.slice(h.line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ')))
      .filter((d): d is string => !!d),
    contentType: contentType.type,
    reportType: contentType.reportType,
    partTypes: parsed.attachments.map((a) => (a.mimeType ?? '').toLowerCase()),
    text,
    forwarded,
    attachments: [...attachments, ...nestedAttachments],
    envelopeFrom: extra.envelopeFrom,
    virusVerdict: extra.virusVerdict,
  };
}

export async function receiveEmail(mail: InboundMail, deps: ReceiveEmailDeps): Promise<ReceiveResult> {
  const seen = await deps.inbound.get(mail.messageId);
  if (seen) return { ...seen, replayed: true };

  const now = deps.clock.now().toISOString();
  const base = { messageId: mail.messageId, receivedAt: mail.receivedAt ?? now, recordedAt: now, sizeBytes: mail.raw.byteLength };
  const record = async (r: Omit<InboundRecord, keyof typeof base>): Promise<ReceiveResult> => {
    const { record: stored, created } = await deps.inbound.record({ ...base, ...r });
    return { ...stored, replayed: !created };
  };

  let facts: EmailFacts;
  try {
    facts = await parseEmail(mail.raw, { envelopeFrom: mail.source, virusVerdict: mail.virusVerdict });
  } catch {
    return record({ outcome: 'rejected', reason: 'unparseable message' });
  }

  const screening = screenEmail(facts);
  if (!screening.accept) return record({ outcome: 'rejected', reason: screening.reason, ...(screening.signal ? { signal: screening.signal } : {}) });

  const plan = planAttachments(facts.attachments, { allowedTypes: ATTACHMENT_TYPES, maxBytes: deps.attachmentMaxBytes, maxCount: MAX_ATTACHMENTS });
  const refs: AttachmentRef[] = plan.keep.map((k, n) => ({ key: `email/${mail.messageId}/${n + 1}`, name: k.name, contentType: k.contentType, size: k.size }));
  const counts = { kept: refs.length, skipped: plan.skipped.length };
  const store = () => Promise.all(plan.keep.map((k, n) => deps.attachments().put(refs[n].key, facts.attachments[k.index].content, k.contentType)));
  const from = facts.from!; // screened: a usable address
  const body = composeBody(facts.text, facts.forwarded);

  // Mail claiming the bank's own domain must be signed by it (DKIM, aligned): otherwise it is
  // quarantined for staff (the raw message stays in the mail bucket), never registered nor
  // acknowledged - an acknowledgement would go to the staff member it impersonates.
  const own = claimedOwnDomain(from.address, [deps.mail.domain, ...deps.mail.ownDomains].filter(Boolean));
  if (own && !ownDomainSigned(from.address, facts.dkimDomains ?? [], mail.authentication)) {
    const reason = `claims the bank's own domain (${own}) without DKIM alignment`;
    const r = await record({ outcome: 'quarantined', reason, attachments: counts });
    if (!r.replayed)
      await triage(
        deps,
        now,
        undefined,
        `email ${mail.messageId} quarantined: ${reason}; the raw message is kept at inbound/${mail.messageId} in the mail bucket`,
      );
    return r;
  }

  // A reply about a complaint we know joins it - only from that complaint's contact, proven by
  // the receiving server's checks. Anyone else naming the reference (in the subject, or in a
  // forged In-Reply-To / References) writes a complaint of their own, linked for staff.
  const authenticated = senderAuthenticated(from.address, mail.source, mail.authentication);
  let relatedTo: string | undefined;
  for (const reference of referenceCandidates(facts)) {
    const complaint = await deps.repo.get(reference);
    if (!complaint) continue;
    const contact = complaint.complainant.contact?.email;
    if (!(authenticated && contact && normaliseAddress(from.address) === normaliseAddress(contact))) {
      relatedTo ??= reference;
      continue;
    }
    await store();
    await appendOnce(deps, reference, 'customer-email', mail.messageId, (_c, at) =>
      entry(reference, at, 'customer', 'customer-email', 'We received your email', true, undefined, {
        messageId: mail.messageId,
        from: from.address,
        ...(from.name ? { fromName: truncate(cleanText(from.name), 200) } : {}),
        senderMatchesComplainant: true,
        subject: truncate(cleanText(facts.subject), 1_000),
        text: truncate(body, DESCRIPTION_MAX, '\n[... truncated]'),
        attachments: refs,
        skippedAttachments: plan.skipped,
      }),
    );
    return record({ outcome: 'threaded', reference, attachments: counts });
  }

  // A new complaint, validated by the API's schema.
  // A display name of invisible characters only is no name (the schema would refuse the whole complaint for it).
  const name = truncate(cleanText(from.name), 200);
  const usableName = hasVisibleText(name) && name.toLowerCase() !== from.address.toLowerCase();
  const request = {
    language: guessLanguage(`${facts.subject}\n${body}`),
    complainant: {
      ...(usableName ? { name } : {}),
      contact: { email: from.address },
    },
    matter: { description: buildDescription(facts.subject, body) },
    // Legal basis (an assumption, to be confirmed by the data protection officer): the
    // customer wrote to our complaints address to complain, so processing the personal data
    // in their email to handle that complaint is recorded as consented.
    consent: { personalData: true },
    ...(refs.length ? { attachments: refs } : {}),
  };
  const valid = EmailComplaintRequest.safeParse(request);
  if (!valid.success) {
    const fields = valid.error.issues.map((i) => `${i.path.map(String).join('.') || '(request)'}: ${i.message}`);
    return record({ outcome: 'rejected', reason: `invalid request: ${fields.join('; ')}`, attachments: counts });
  }

  // A drill's mail (issue 20) carries the drill's token: checked as the web form's is; a token that
  // is not the running drill's is refused (a real customer's mail never carries one).
  const drillClaim = drillClaimOf(facts.headers);
  if (drillClaim) {
    try {
      await drillMark(drillClaim, deps.drills);
    } catch (e) {
      if (e instanceof ValidationError)
        return record({ outcome: 'rejected', reason: `drill: ${e.issues.map((i) => `${i.field} ${i.message}`).join('; ')}`, attachments: counts });
      throw e;
    }
  }
  await store();
  const idempotencyKey = `email:${mail.messageId}`;
  let reference: string | undefined;
  for (let attempt = 1; !reference; attempt++) {
    try {
      const result = await submitComplaint(
        valid.data as SubmitComplaintRequest,
        { channel: 'email', idempotencyKey, ...(relatedTo ? { mentions: relatedTo } : {}), ...(drillClaim ? { drill: drillClaim } : {}) },
        deps,
      );
      reference = result.body.reference;
    } catch (e) {
      // Registered by an earlier delivery: built differently (e.g. before a deploy), or concurrently
      // (a redelivery racing the first one loses on the idempotency record).
      const earlier = e instanceof IdempotencyMismatchError || e instanceof ConflictError ? await deps.repo.getIdempotent(idempotencyKey) : undefined;
      reference = (earlier?.body as { reference?: string } | undefined)?.reference;
      // A write that met a concurrent change: tried again, not handed back as a failure. (Repeats
      // are no longer merged here - issue 16: linked for staff - but a retry costs nothing.)
      if (!reference && !(e instanceof ConflictError && attempt < COMMIT_ATTEMPTS)) throw e;
    }
  }
  if (plan.skipped.length) await recordSkipped(deps, reference, mail.messageId, plan);
  const registered = await record({ outcome: 'registered', reference, attachments: counts });
  if (relatedTo && !registered.replayed) {
    await triage(
      deps,
      now,
      relatedTo,
      `email ${mail.messageId} names this complaint but its sender is not proven to be its complainant: not attached; registered as ${reference}, linked for staff`,
    );
  }
  return registered;
}

/** An entry for staff triage on the audit record (no personal data: ids, references, reasons). */
function triage(deps: ReceiveEmailDeps, at: string, reference: string | undefined, detail: string): Promise<void> {
  return deps.audit
    ? deps.audit.record({ at, actor: 'email-intake', roles: [], operation: 'receiveEmail', ...(reference ? { reference } : {}), outcome: 'denied', detail })
    : Promise.resolve();
}

/** Attachments not kept, by name and type, for staff (internal history entry). */
function recordSkipped(deps: ReceiveEmailDeps, reference: string, messageId: string, plan: AttachmentPlan): Promise<void> {
  const reasons = [...new Set(plan.skipped.map((s) => s.reason))].join(', ');
  return appendOnce(deps, reference, 'email-attachments-skipped', messageId, (_c, at) =>
    entry(reference, at, 'system', 'email-attachments-skipped', `${plan.skipped.length} email attachment(s) not accepted (${reasons})`, false, undefined, {
      messageId,
      skipped: plan.skipped,
    }),
  );
}

/**
 * Appends one history entry for this message, once: a retry (or a redelivery racing the
 * first one) finds it and adds nothing. The complaint's version guards the transaction; a
 * concurrent change (the workflow's registration as the investigation opens, a staff action) is retried on the new version.
 */
async function appendOnce(
  deps: ReceiveEmailDeps,
  reference: string,
  action: string,
  messageId: string,
  make: (c: Complaint, at: string) => HistoryEntry,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const history = await deps.repo.history(reference);
    if (history.some((h) => h.action === action && h.after?.messageId === messageId)) return;
    const c = await deps.repo.get(reference);
    if (!c) throw new Error(`Complaint ${reference} disappeared while an email was attached to it`);
    const at = deps.clock.now().toISOString();
    try {
      await deps.repo.commit({ complaint: { ...c, version: c.version + 1, updatedAt: at }, expectedVersion: c.version, history: [make(c, at)] });
      return;
    } catch (e) {
      if (!(e instanceof ConflictError) || attempt >= COMMIT_ATTEMPTS) throw e;
    }
  }
}
