/**
 * The access code a customer uses with their reference to follow a complaint. Only a
 * salted HMAC of it is stored; comparison is constant-time.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// Crockford base32 without I, L, O, U: nothing to misread on the phone.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function generateAccessCode(bytes: (n: number) => Buffer = randomBytes): string {
  const raw = bytes(10);
  let code = '';
  for (let i = 0; i < 10; i++) code += ALPHABET[raw[i] % 32];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

export function normaliseAccessCode(code: string): string {
  return code
    .toUpperCase()
    .replace(/[^0-9A-Z]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
}

export function hashAccessCode(code: string, salt: string): string {
  return createHmac('sha256', salt).update(normaliseAccessCode(code)).digest('base64url');
}

export function verifyAccessCode(code: string | undefined, salt: string, expectedHash: string): boolean {
  if (!code) return false;
  const a = Buffer.from(hashAccessCode(code, salt));
  const b = Buffer.from(expectedHash);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Checks a code against a complaint's codes (the first one and any given for repeats). */
export function verifySecret(code: string | undefined, secret: { salt: string; hash: string; others?: { salt: string; hash: string }[] }): boolean {
  return [secret, ...(secret.others ?? [])].some((s) => verifyAccessCode(code, s.salt, s.hash));
}
