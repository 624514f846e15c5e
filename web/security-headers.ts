/**
 * The security headers every customer and staff page is served with: by CloudFront on AWS
 * (infra/constructs/pages-distribution.ts maps each to its response-headers policy, plus HSTS)
 * and by the local runtime (local/host/static.ts). One module both read, so the two cannot drift;
 * it lives beside the pages it protects, outside local/ and infra/, which must not import each other.
 */
export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};
