/**
 * The local identity provider: the stand-in for the Cognito user pool. Seeded users sign in
 * with a password and get an ES256-signed ID token with the claims Cognito would put in it
 * (cognito:username, cognito:groups as roles, custom:department). The local API Gateway
 * verifies these tokens the way the HTTP API's JWT authorizer does (issuer, audience,
 * signature, expiry) and passes the claims in the same event fields.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';

export const LOCAL_ISSUER = 'urn:complaints:local-issuer';
export const LOCAL_AUDIENCE = 'complaints-console';

export interface SeedUser { username: string; password: string; name: string; email: string; roles: string[]; department: string }

/** Local only - documented in the README. */
export const SEED_USERS: SeedUser[] = [
  { username: 'sam', password: 'sam-specialist', name: 'Sam Specialist', email: 'sam@bank.example', roles: ['specialist'], department: 'complaints' },
  { username: 'hana', password: 'hana-handler', name: 'Hana Handler', email: 'hana@bank.example', roles: ['handler'], department: 'cards' },
  { username: 'leo', password: 'leo-handler', name: 'Leo Handler', email: 'leo@bank.example', roles: ['handler'], department: 'loans' },
  { username: 'rita', password: 'rita-handler', name: 'Rita Handler', email: 'rita@bank.example', roles: ['handler'], department: 'retail' },
  { username: 'wendy', password: 'wendy-handler', name: 'Wendy Handler', email: 'wendy@bank.example', roles: ['handler'], department: 'wealth' },
  { username: 'mia', password: 'mia-manager', name: 'Mia Manager', email: 'mia@bank.example', roles: ['manager'], department: 'cards' },
  { username: 'max', password: 'max-manager', name: 'Max Manager', email: 'max@bank.example', roles: ['manager'], department: 'loans' },
  { username: 'rob', password: 'rob-manager', name: 'Rob Manager', email: 'rob@bank.example', roles: ['manager'], department: 'retail' },
  { username: 'walt', password: 'walt-manager', name: 'Walt Manager', email: 'walt@bank.example', roles: ['manager'], department: 'wealth' },
  { username: 'quinn', password: 'quinn-quality', name: 'Quinn Quality', email: 'quinn@bank.example', roles: ['quality'], department: 'quality' },
  { username: 'ada', password: 'ada-admin', name: 'Ada Admin', email: 'ada@bank.example', roles: ['admin'], department: 'it' },
];

export class LocalIssuer {
  private constructor(private readonly privateKey: CryptoKey, private readonly publicKey: CryptoKey, readonly jwks: { keys: JWK[] }) {}

  /** Loads the signing key from `keyFile` (so tokens survive a restart) or creates it. */
  static async open(keyFile: string): Promise<LocalIssuer> {
    let jwk: JWK;
    if (existsSync(keyFile)) jwk = JSON.parse(readFileSync(keyFile, 'utf8'));
    else {
      const { privateKey } = await generateKeyPair('ES256', { extractable: true });
      jwk = { ...(await exportJWK(privateKey)), kid: `local-${Date.now()}`, alg: 'ES256' };
      mkdirSync(dirname(keyFile), { recursive: true });
      writeFileSync(keyFile, JSON.stringify(jwk), { mode: 0o600 });
    }
    const { d, ...pub } = jwk;
    return new LocalIssuer(await importJWK(jwk, 'ES256') as CryptoKey, await importJWK(pub, 'ES256') as CryptoKey, { keys: [{ ...pub, use: 'sig' }] });
  }

  async signIn(username: string, password: string, ttlSeconds = 8 * 3600): Promise<string | undefined> {
    const u = SEED_USERS.find((s) => s.username === username && s.password === password);
    if (!u) return undefined;
    return new SignJWT({
      'cognito:username': u.username, 'cognito:groups': u.roles, 'custom:department': u.department, name: u.name, email: u.email, token_use: 'id',
    })
      .setProtectedHeader({ alg: 'ES256', kid: this.jwks.keys[0].kid })
      .setSubject(`local-${u.username}`).setIssuer(LOCAL_ISSUER).setAudience(LOCAL_AUDIENCE).setIssuedAt().setExpirationTime(`${ttlSeconds}s`)
      .sign(this.privateKey);
  }

  /**
   * The checks of the HTTP API JWT authorizer; undefined when the token is not acceptable.
   * `refused` hears why (jose's error code and the claim at fault, never the token or its
   * claims' values), as API Gateway's access log records $context.authorizer.error.
   */
  async verify(token: string, refused?: (reason: string) => void): Promise<JWTPayload | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.publicKey, { issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, algorithms: ['ES256'] });
      return payload;
    } catch (e) {
      const { code, claim } = e as { code?: string; claim?: string };
      refused?.(`${code ?? 'ERR_JWT_INVALID'}${claim ? ` (${claim})` : ''}`);
      return undefined;
    }
  }
}

/** Claims as API Gateway hands them to Lambda: strings, arrays as "[a b]". */
export function gatewayClaims(payload: JWTPayload): Record<string, string> {
  return Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, Array.isArray(v) ? `[${v.join(' ')}]` : String(v)]));
}
