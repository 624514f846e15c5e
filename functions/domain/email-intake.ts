/**
 * Inbound email (SES receipt rule on AWS, the local SMTP intake on one machine): the pure
 * decisions, over plain data only - no MIME parser, no AWS, no clock.
 *
 *  - screenEmail: which messages are never a complaint (virus, bounce, auto-reply), and
 *    which cannot be one (no sender address, empty message);
 *  - referenceCandidates: the complaint a customer's email belongs to (subject, or the
 *    In-Reply-To / References of a reply to one of our messages);
 *  - guessLanguage, composeBody, buildDescription: what the new complaint says;
 *  - planAttachments: which attachments are kept (images and PDF, checked by content).
 *
 * The use case (use-cases/intake/receive-email.ts) turns the parsed MIME message into EmailFacts.
 */
import { DESCRIPTION_MAX_CHARS } from './complaint.ts';
import { holdsMarkup } from './file-content.ts';
import type { Language } from './complaint.ts';
import { CONTROL_CHARACTERS, hasVisibleText, LONE_SURROGATES } from './text.ts';

export interface Mailbox {
  address: string;
  name: string;
}

/** One attachment (top-level or from a forwarded message), with its bytes. */
export interface EmailAttachment {
  filename?: string;
  contentType: string;
  size: number;
  content: Uint8Array;
}

/**
 * A message/rfc822 part (forwarded or nested message). Its text is made part of the
 * description rather than kept as an attachment: a forwarded message is usually what the
 * complaint is about, staff must read it with the complaint, and .eml is not an accepted
 * attachment type (images and PDF only), so as an attachment it would be dropped.
 */
export interface ForwardedMessage {
  subject: string;
  from: string;
  date?: string;
  text: string;
}

export interface EmailFacts {
  /** Decoded subject ('' when missing). */
  subject: string;
  /** The first From mailbox; address '' when the header has none. */
  from?: Mailbox;
  /** Header fields by lower-case name, raw (unfolded, not decoded) value of the first occurrence. */
  headers: Record<string, string>;
  /** Top-level content type, lower case (e.g. multipart/report), and its report-type parameter. */
  contentType: string;
  reportType?: string;
  /** Content types of every MIME part (e.g. message/delivery-status). */
  partTypes: string[];
  /** The body text of the message itself (HTML converted to text). */
  text: string;
  forwarded: ForwardedMessage[];
  attachments: EmailAttachment[];
  /** SMTP envelope sender (SES mail.source): '' or '<>' is the null sender of bounces and auto-replies. */
  envelopeFrom?: string;
  /** SES receipt verdict. */
  virusVerdict?: string;
  /** The d= of every DKIM-Signature field (headers keeps the first field only). */
  dkimDomains?: string[];
}

// ---------------------------------------------------------------------------------------
// Screening

export type RejectReason = 'virus detected' | 'bounce' | 'auto-reply' | 'no sender address' | 'empty message';
export type Screening = { accept: true } | { accept: false; reason: RejectReason /** Which rule fired (header name, never content). */; signal?: string };

/**
 * A typical subject: the phrase at the start, in brackets or followed by a separator or the
 * end ("Automatic reply: ...", "【自动回复】...", "Out of Office"). Anchored on purpose: a
 * complaint *about* an auto-reply ("Your automatic reply system never answers") is a complaint.
 */
function subjectPattern(phrases: string[]): RegExp {
  const p = `(?:${phrases.join('|')})`;
  return new RegExp(String.raw`^\s*(?:[\[【(（]\s*${p}\s*[\]】)）]|${p}(?:\s*[:：(（\-]|\s*$))`, 'i');
}
const BOUNCE_SUBJECT = subjectPattern([
  'undeliverable',
  'undelivered mail(?: returned to sender)?',
  'delivery status notification',
  'mail delivery (?:failed|failure|system|subsystem)',
  'delivery (?:has )?failed',
  'delivery failure',
  'failure notice',
  'returned mail',
  'non-delivery report',
  '系统退信',
  '退信',
  '邮件退回',
  '退回的邮件',
  '投递失败',
  '无法投递',
  '未能送达',
  '未送达',
  '發送失敗',
  '無法傳遞',
]);
const AUTO_SUBJECT = subjectPattern([
  'out of (?:the )?office',
  'automatic reply',
  'automatic response',
  'auto[- ]?reply',
  'auto[- ]?response',
  'autoreply',
  'vacation (?:reply|response|notice)',
  'away from (?:the )?office',
  '自动回复',
  '自動回覆',
  '自动答复',
  '自動答覆',
  '自動回復',
  '自动应答',
  '自動応答',
  '休假中',
  '不在办公室',
  '外出通知',
]);

/** An auto-reply or a bounce: never a complaint, whatever else it carries. */
export function detectAutomatic(
  f: Pick<EmailFacts, 'headers' | 'contentType' | 'reportType' | 'partTypes' | 'from' | 'subject' | 'envelopeFrom'>,
): { kind: 'bounce' | 'auto-reply'; signal: string } | undefined {
  const h = (name: string) => f.headers[name]?.trim().toLowerCase();
  // Bounces (delivery status notifications).
  if (f.contentType === 'multipart/report' && f.reportType?.toLowerCase() === 'delivery-status')
    return { kind: 'bounce', signal: 'multipart/report delivery-status' };
  if (f.partTypes.includes('message/delivery-status') || f.partTypes.includes('message/global-delivery-status'))
    return { kind: 'bounce', signal: 'message/delivery-status part' };
  if (h('x-failed-recipients')) return { kind: 'bounce', signal: 'X-Failed-Recipients' };
  const local = f.from?.address.split('@')[0]?.toLowerCase();
  if (local === 'mailer-daemon' || local === 'postmaster') return { kind: 'bounce', signal: 'sender mailer-daemon/postmaster' };
  // Auto-replies (RFC 3834 and the de-facto headers), read receipts, bulk mail.
  const auto = h('auto-submitted');
  if (auto && !/^no\b/.test(auto)) return { kind: 'auto-reply', signal: `Auto-Submitted: ${auto.split(';')[0]}` };
  for (const name of ['x-autoreply', 'x-autorespond', 'x-autoresponder']) {
    const v = h(name);
    if (v !== undefined && v !== 'no' && v !== 'false') return { kind: 'auto-reply', signal: name };
  }
  if (h('x-autogenerated') === 'reply') return { kind: 'auto-reply', signal: 'X-Autogenerated: reply' };
  const precedence = h('precedence');
  if (precedence && ['bulk', 'junk', 'auto_reply', 'auto-reply'].includes(precedence)) return { kind: 'auto-reply', signal: `Precedence: ${precedence}` };
  if (f.contentType === 'multipart/report') return { kind: 'auto-reply', signal: `multipart/report ${f.reportType ?? ''}`.trim() };
  // Typical subjects, English and Chinese.
  if (BOUNCE_SUBJECT.test(f.subject)) return { kind: 'bounce', signal: 'subject' };
  if (AUTO_SUBJECT.test(f.subject)) return { kind: 'auto-reply', signal: 'subject' };
  // The null envelope sender is used only by bounces and auto-responses.
  const envelope = f.envelopeFrom?.trim();
  const returnPath = f.headers['return-path']?.trim();
  if (envelope === '' || envelope === '<>' || returnPath === '<>') return { kind: 'bounce', signal: 'null sender' };
  return undefined;
}

/** A From address we can answer: local@domain (the schema checks it strictly later). */
export function usableAddress(m: Mailbox | undefined): boolean {
  return !!m && /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/.test(m.address.trim());
}

export function hasText(f: Pick<EmailFacts, 'text' | 'forwarded'>): boolean {
  return hasVisibleText(cleanText(f.text)) || f.forwarded.some((m) => hasVisibleText(cleanText(m.text)) || hasVisibleText(cleanText(m.subject)));
}

/** Whether the message can become (or join) a complaint, and if not, why. */
export function screenEmail(f: EmailFacts): Screening {
  if (f.virusVerdict?.toUpperCase() === 'FAIL') return { accept: false, reason: 'virus detected', signal: 'virusVerdict' };
  const automatic = detectAutomatic(f);
  if (automatic) return { accept: false, reason: automatic.kind, signal: automatic.signal };
  if (!usableAddress(f.from)) return { accept: false, reason: 'no sender address' };
  if (!hasText(f) && f.attachments.length === 0) return { accept: false, reason: 'empty message' };
  return { accept: true };
}

// ---------------------------------------------------------------------------------------
// References

const SUBJECT_REFERENCE = /(?<![A-Za-z0-9])([A-Z]{2}-\d{4}-\d{6,})(?![0-9])/g;
/** Our outbound Message-IDs: <CN-2026-000123.<anything>@<domain>>. */
const MESSAGE_ID_REFERENCE = /<([A-Z]{2}-\d{4}-\d{6,})\.[^<>\s@]*@[^<>\s]+>/g;

export function extractReferences(i: { subject: string; inReplyTo?: string; references?: string }): { fromHeaders: string[]; fromSubject: string[] } {
  const ids = (s: string | undefined) => [...(s ?? '').matchAll(MESSAGE_ID_REFERENCE)].map((m) => m[1]);
  // In-Reply-To first, then References from the most recent (last) to the oldest.
  const fromHeaders = unique([...ids(i.inReplyTo), ...ids(i.references).reverse()]);
  const fromSubject = unique([...i.subject.matchAll(SUBJECT_REFERENCE)].map((m) => m[1]));
  return { fromHeaders, fromSubject };
}

/** References to look up, most reliable first; an unknown one means a new complaint. */
export function referenceCandidates(f: Pick<EmailFacts, 'subject' | 'headers'>): string[] {
  const r = extractReferences({ subject: f.subject, inReplyTo: f.headers['in-reply-to'], references: f.headers.references });
  return unique([...r.fromHeaders, ...r.fromSubject]);
}

// ---------------------------------------------------------------------------------------
// Sender: who may write into a complaint (issue 16 finding 2)

/** SES receipt verdicts (receipt.spfVerdict / dkimVerdict / dmarcVerdict .status): PASS, FAIL, GRAY, PROCESSING_FAILED. */
export interface MailAuthentication {
  spf?: string;
  dkim?: string;
  dmarc?: string;
}

/**
 * An address as compared with a complaint's contact: trimmed, angle brackets dropped, lower
 * case (the local part too: no provider we answer treats case as a different mailbox), a
 * trailing dot of the domain dropped. Nothing else: "+tags" and dots are other mailboxes.
 */
export function normaliseAddress(address: string | undefined): string {
  return (address ?? '').trim().replace(/^<|>$/g, '').trim().toLowerCase().replace(/\.$/, '');
}

export function domainOf(address: string | undefined): string {
  const a = normaliseAddress(address);
  const at = a.lastIndexOf('@');
  return at < 0 ? '' : a.slice(at + 1);
}

/** Relaxed alignment (DMARC's): the same domain, or one a subdomain of the other. */
export function aligned(a: string, b: string): boolean {
  if (!a || !b) return false;
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
}

const passed = (v: string | undefined) => v?.toUpperCase() === 'PASS';

/**
 * Whether the receiving server's checks prove the From address's domain: DMARC pass; or, where
 * the domain publishes no DMARC policy (not FAIL), SPF pass for an envelope sender aligned with
 * the From domain. DKIM alone is not enough here: SES's verdict does not say which domain signed.
 */
export function senderAuthenticated(from: string | undefined, envelopeFrom: string | undefined, auth: MailAuthentication | undefined): boolean {
  if (!auth) return false;
  if (passed(auth.dmarc)) return true;
  if (auth.dmarc?.toUpperCase() === 'FAIL') return false;
  return passed(auth.spf) && aligned(domainOf(envelopeFrom), domainOf(from));
}

/** The signing domain (d=) of one DKIM-Signature field's value. */
export function dkimDomain(value: string): string | undefined {
  const m = /(?:^|;)\s*d\s*=\s*([^;\s]+)/i.exec(value);
  return m ? m[1].toLowerCase().replace(/\.$/, '') : undefined;
}

/** The bank's own domain the From address claims (its mail domains or a subdomain), if any. */
export function claimedOwnDomain(from: string | undefined, ownDomains: readonly string[]): string | undefined {
  const d = domainOf(from);
  return d ? ownDomains.map((o) => o.toLowerCase()).find((o) => d === o || d.endsWith(`.${o}`)) : undefined;
}

/**
 * Mail from the bank's own domain is believed only when DKIM passed with a signature aligned
 * with that domain AND DMARC passed: SES's dkimVerdict is PASS when any signature verifies,
 * so a forged d=<bank> signature next to a valid one of the sender's own domain would pass
 * the first two checks; DMARC, computed by SES on aligned identifiers, does not.
 */
export function ownDomainSigned(from: string | undefined, dkimDomains: readonly string[], auth: MailAuthentication | undefined): boolean {
  return passed(auth?.dkim) && passed(auth?.dmarc) && dkimDomains.some((d) => aligned(d, domainOf(from)));
}

// ---------------------------------------------------------------------------------------
// Language and text

/**
 * Chinese when the text is written in Han characters (a Chinese name or term quoted in an
 * English message does not make it Chinese: one character weighs about one English word).
 * Japanese mail (kanji) is answered in Chinese; Korean (Hangul only) and the rest in English.
 */
export function guessLanguage(text: string): Language {
  const han = text.match(/\p{Script=Han}/gu)?.length ?? 0;
  if (!han) return 'en';
  const latin = text.match(/[A-Za-z]/g)?.length ?? 0;
  return han * 5 >= latin ? 'zh-CN' : 'en';
}

/**
 * Normalised text: LF line ends, no control or object-replacement characters, no unpaired
 * surrogates (an HTML entity such as &#xD800; makes one), at most one blank line in a row.
 */
export function cleanText(s: string | undefined): string {
  return (s ?? '')
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL_CHARACTERS, '')
    .replace(LONE_SURROGATES, '')
    .replace(/[\uFFFC\uFFFD]/g, '')
    .replace(/[ \t\u00A0]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** HTML-only mail: the text it shows (html-text.ts). */
export { htmlToText } from './html-text.ts';

/** Cuts to `max` UTF-16 units (what the schema counts) without splitting a surrogate pair. */
export function truncate(s: string, max: number, marker = ''): string {
  if (s.length <= max) return s;
  let cut = s.slice(0, Math.max(0, max - marker.length));
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return cut.trimEnd() + marker;
}

/** The message text followed by every forwarded message (with its subject, sender and date). */
export function composeBody(text: string, forwarded: ForwardedMessage[]): string {
  const parts = [cleanText(text)];
  for (const m of forwarded) {
    const head = ['---------- Forwarded message ----------', m.from && `From: ${m.from}`, m.date && `Date: ${m.date}`, m.subject && `Subject: ${m.subject}`]
      .filter(Boolean)
      .join('\n');
    parts.push(`${head}\n\n${cleanText(m.text)}`.trim());
  }
  return parts.filter(Boolean).join('\n\n');
}

/** The schema's limit (domain/complaint.ts): an emailed complaint is stored whole up to it too. */
export const DESCRIPTION_MAX = DESCRIPTION_MAX_CHARS;
const TRUNCATED = '\n[... truncated: the full message is kept with the original email]';

const visibleOrEmpty = (s: string) => (hasVisibleText(s) ? s : '');

/** matter.description: subject and body, within the schema's limit (never empty when either has text). */
export function buildDescription(subject: string, body: string, max = DESCRIPTION_MAX): string {
  // Invisible-only text (zero-width spaces, bidi marks) counts as none.
  const s = visibleOrEmpty(cleanText(subject));
  const b = visibleOrEmpty(cleanText(body));
  const text = s && b ? `${s}\n\n${b}` : s || b || '(The email had no text; see its attachments.)';
  return truncate(text, max, TRUNCATED);
}

// ---------------------------------------------------------------------------------------
// Attachments

export type SkipReason = 'type not allowed' | 'content does not match its type' | 'too large' | 'too many attachments' | 'empty';
export interface KeptAttachment {
  index: number;
  name: string;
  contentType: string;
  size: number;
}
export interface SkippedAttachment {
  name: string;
  contentType: string;
  reason: SkipReason;
}
export interface AttachmentPlan {
  keep: KeptAttachment[];
  skipped: SkippedAttachment[];
}

const startsWith = (b: Uint8Array, sig: number[], at = 0) => sig.every((v, i) => b[at + i] === v);

/** The real type of an image or PDF, from its first bytes (the declared type can be wrong). */
export function sniffType(b: Uint8Array): string | undefined {
  if (startsWith(b, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf'; // %PDF-
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(b, [0x47, 0x49, 0x46, 0x38])) return 'image/gif'; // GIF8
  if (startsWith(b, [0x52, 0x49, 0x46, 0x46]) && startsWith(b, [0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp'; // RIFF....WEBP
  return undefined;
}

// Looked up with Object.hasOwn: a part declared "constructor" or "__proto__" must not find Object's own.
const TYPE_ALIASES: Record<string, string> = { 'image/jpg': 'image/jpeg', 'image/pjpeg': 'image/jpeg', 'application/x-pdf': 'application/pdf' };
const EXTENSION: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp', 'application/pdf': 'pdf' };
const own = (map: Record<string, string>, key: string): string | undefined => (Object.hasOwn(map, key) ? map[key] : undefined);

export function attachmentName(filename: string | undefined, contentType: string, n: number): string {
  const clean = visibleOrEmpty(
    cleanText(filename)
      .replace(/[\\/\n\t]+/g, '_')
      .trim(),
  );
  const extension = own(EXTENSION, contentType);
  return truncate(clean || `attachment-${n}${extension ? `.${extension}` : ''}`, 200);
}

/**
 * Which attachments are kept: accepted types only, recognised by their content (a PNG sent
 * as image/jpeg is kept as image/png; a "PDF" that is not one is not kept), within the size
 * and count limits. The others are listed, by name and type, for the history.
 */
export function planAttachments(parts: EmailAttachment[], o: { allowedTypes: readonly string[]; maxBytes: number; maxCount: number }): AttachmentPlan {
  const plan: AttachmentPlan = { keep: [], skipped: [] };
  parts.forEach((p, index) => {
    const declared = own(TYPE_ALIASES, p.contentType.toLowerCase()) ?? p.contentType.toLowerCase();
    const sniffed = sniffType(p.content);
    const type = sniffed && o.allowedTypes.includes(sniffed) ? sniffed : undefined;
    const name = attachmentName(p.filename, type ?? declared, index + 1);
    const skip = (reason: SkipReason) => plan.skipped.push({ name, contentType: declared, reason });
    if (p.size === 0 || p.content.length === 0) skip('empty');
    else if (!type) skip(o.allowedTypes.includes(declared) ? 'content does not match its type' : 'type not allowed');
    // A file that is also a web page (a PNG with HTML appended or inside): not kept (issue 16 #7).
    else if (holdsMarkup(p.content)) skip('content does not match its type');
    else if (p.content.length > o.maxBytes) skip('too large');
    else if (plan.keep.length >= o.maxCount) skip('too many attachments');
    else plan.keep.push({ index, name, contentType: type, size: p.content.length });
  });
  return plan;
}

// ---------------------------------------------------------------------------------------
// The inbound record (one per SES messageId): the port its repository implements.

/** quarantined: mail claiming the bank's own domain without DKIM alignment; kept (mail bucket) for staff, never acknowledged. */
export type InboundOutcome = 'registered' | 'threaded' | 'rejected' | 'quarantined';

/** Safe metadata only: no body, no subject, no address (those live with the complaint, if any). */
export interface InboundRecord {
  messageId: string;
  outcome: InboundOutcome;
  /** registered / threaded: the complaint. */
  reference?: string;
  /** rejected: why. */
  reason?: string;
  /** rejected automatic message: the rule that fired (a header name or 'subject'). */
  signal?: string;
  /** When SES received it. */
  receivedAt: string;
  recordedAt: string;
  sizeBytes: number;
  attachments?: { kept: number; skipped: number };
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
