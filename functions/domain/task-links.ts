/**
 * Links in staff notifications that open a task directly. Signed (HMAC-SHA256), for one
 * staff member, expiring, used once - and opening one still requires signing in as that
 * staff member. Pure: key, time and nonce are arguments.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface TaskLink {
  reference: string;
  staffId: string;
  expiresAt: number;
  nonce: string;
}

function mac(l: TaskLink, key: Buffer): string {
  return createHmac('sha256', key).update(`${l.reference}|${l.staffId}|${l.expiresAt}|${l.nonce}`).digest('base64url');
}

export function signTaskLink(base: string, l: TaskLink, key: Buffer): string {
  const q = new URLSearchParams({ ref: l.reference, u: l.staffId, exp: String(l.expiresAt), n: l.nonce, sig: mac(l, key) });
  return `${base}/console.html#/link?${q.toString()}`;
}

export type LinkCheck = { ok: true; link: TaskLink } | { ok: false; reason: string };

export function verifyTaskLink(q: Record<string, string | undefined>, key: Buffer, now: Date, staffId: string): LinkCheck {
  const { ref, u, exp, n, sig } = q;
  if (!ref || !u || !exp || !n || !sig) return { ok: false, reason: 'the link is incomplete' };
  const link: TaskLink = { reference: ref, staffId: u, expiresAt: Number(exp), nonce: n };
  const expected = Buffer.from(mac(link, key));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'the link is not valid' };
  if (!Number.isFinite(link.expiresAt) || now.getTime() / 1000 > link.expiresAt)
    return { ok: false, reason: 'the link has expired; open the task from your queue' };
  if (link.staffId !== staffId) return { ok: false, reason: 'the link was sent to someone else' };
  return { ok: true, link };
}
