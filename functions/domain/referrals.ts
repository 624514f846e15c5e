/**
 * Referrals of a complaint to an ombudsman, a regulator or a mediation organisation (issue 19 B).
 * Pure: the caller gives the complaint and the instant.
 *
 * Deadlines:
 * - FOS (UK): the customer may refer within six months of the firm's final response (DISP
 *   2.8.2R). From `finalResponse.sentAt` when the approval part recorded one, else from the
 *   reply's `sentAt`. Six calendar months, same instant, clamped to the month's last day
 *   (31 August -> 28/29 February). Without a final response there is no six-month limit yet
 *   (the customer may refer after eight weeks): no deadline.
 * - CFPB (US): the company responds to a complaint sent through the CFPB portal within 15
 *   calendar days of receiving it.
 * - CN 12378 and mediation: the deadline the body sets, given by staff.
 */
import type { Complaint, Referral, ReferralBody } from './complaint.ts';

export const FOS_REFERRAL_MONTHS = 6;
export const CFPB_RESPONSE_DAYS = 15;

/** `months` calendar months after the instant, the day clamped to the target month's length. */
export function addCalendarMonths(iso: string, months: number): string {
  const d = new Date(iso);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const out = new Date(d);
  out.setUTCDate(1);
  out.setUTCFullYear(y + Math.floor(m / 12), ((m % 12) + 12) % 12, Math.min(d.getUTCDate(), last));
  return out.toISOString();
}

/** When the final response went out: the approval part's record, else the reply's. */
export function finalResponseSentAt(c: Pick<Complaint, 'reply'> & { finalResponse?: { sentAt: string } }): string | undefined {
  return c.finalResponse?.sentAt ?? c.reply?.sentAt;
}

export function referralDeadline(
  body: ReferralBody,
  c: Pick<Complaint, 'reply'> & { finalResponse?: { sentAt: string } },
  referredAt: string,
  given?: string,
): { dueAt: string; rule: string } | undefined {
  if (body === 'FOS') {
    const from = finalResponseSentAt(c);
    return from ? { dueAt: addCalendarMonths(from, FOS_REFERRAL_MONTHS), rule: 'FOS: six months from the final response (DISP 2.8.2R)' } : undefined;
  }
  if (body === 'CFPB') {
    return { dueAt: new Date(new Date(referredAt).getTime() + CFPB_RESPONSE_DAYS * 86_400_000).toISOString(), rule: 'CFPB: company response within 15 days' };
  }
  return given ? { dueAt: given, rule: body === 'CN-12378' ? 'NFRA 12378: as set by the regulator' : 'mediation: as set by the organisation' } : undefined;
}

export interface ReferralRequest {
  body: ReferralBody;
  organisation?: string;
  externalReference: string;
  referredAt: string;
  dueAt?: string;
}

/**
 * The referral a request records. FOS: `late` when referred after the six months (the
 * ombudsman may still accept it); CFPB: late never (its deadline is the firm's).
 */
export function newReferral(
  c: Pick<Complaint, 'reply' | 'referrals'> & { finalResponse?: { sentAt: string } },
  r: ReferralRequest,
  by: string,
  at: string,
): { ok: true; referral: Referral } | { ok: false; field: string; message: string } {
  if (r.body === 'mediation' && !r.organisation) return { ok: false, field: 'organisation', message: 'name the mediation organisation' };
  if (r.referredAt > at) return { ok: false, field: 'referredAt', message: 'must not be in the future' };
  if ((c.referrals ?? []).some((x) => x.body === r.body && x.externalReference === r.externalReference))
    return { ok: false, field: 'externalReference', message: `a ${r.body} referral with this reference is already recorded` };
  const deadline = referralDeadline(r.body, c, r.referredAt, r.dueAt);
  const late = r.body === 'FOS' && deadline !== undefined && r.referredAt > deadline.dueAt;
  return {
    ok: true,
    referral: {
      id: `F${(c.referrals?.length ?? 0) + 1}`,
      body: r.body,
      ...(r.organisation ? { organisation: r.organisation } : {}),
      externalReference: r.externalReference,
      referredAt: r.referredAt,
      ...(deadline ? { deadline } : {}),
      ...(late ? { late } : {}),
      by,
      at,
    },
  };
}
