/**
 * Staff sign-in for the console. The ID token lives in sessionStorage only (gone with the
 * tab, never in localStorage); its claims are decoded for display and for showing the
 * actions the role may do - the API verifies the token and decides.
 *
 * Locally: a username/password form posting to /__local/identity/token. On AWS: the Cognito
 * hosted UI with the authorization code flow and PKCE (RFC 7636): the code_verifier and the
 * state are kept in sessionStorage across the redirect, the code is exchanged at tokenUrl.
 */
import { ROLES, type Actor, type Role } from '../../../functions/domain/authorization.ts';

export type AuthConfig =
  | { kind: 'local' }
  | { kind: 'oidc'; authorizeUrl: string; tokenUrl: string; clientId: string; redirectUri: string; logoutUrl?: string; scope?: string };

export interface Session {
  token: string;
  claims: Record<string, unknown>;
  actor: Actor;
  email?: string;
  /** Expiry from the token (display only: the API decides whether it is still valid). */
  expiresAt?: Date;
}

const TOKEN_KEY = 'console.idToken';
const VERIFIER_KEY = 'console.pkce.verifier';
const STATE_KEY = 'console.pkce.state';
const RETURN_KEY = 'console.returnTo';

function storage(): Storage | undefined {
  try { return window.sessionStorage; } catch { return undefined; }
}

/** The `auth` object of /config.json; anything unusable falls back to local sign-in. */
export function parseAuthConfig(raw: unknown): AuthConfig {
  if (!raw || typeof raw !== 'object') return { kind: 'local' };
  const r = raw as Record<string, unknown>;
  if (r.kind !== 'oidc') return { kind: 'local' };
  const str = (k: string) => (typeof r[k] === 'string' && (r[k] as string).length > 0 ? (r[k] as string) : undefined);
  const authorizeUrl = str('authorizeUrl'); const tokenUrl = str('tokenUrl'); const clientId = str('clientId'); const redirectUri = str('redirectUri');
  if (!authorizeUrl || !tokenUrl || !clientId || !redirectUri) return { kind: 'local' };
  return { kind: 'oidc', authorizeUrl, tokenUrl, clientId, redirectUri, logoutUrl: str('logoutUrl'), scope: str('scope') };
}

function base64UrlDecode(part: string): string {
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
  const binary = atob(b64);
  const bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

function base64UrlEncode(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The payload of a JWT, for display only (the signature is the API's business). */
export function decodeJwt(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const payload = JSON.parse(base64UrlDecode(parts[1])) as unknown;
    return payload && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function list(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.map(String);
  if (typeof claim !== 'string') return [];
  return claim.replace(/^\[|\]$/g, '').split(/[\s,]+/).filter(Boolean);
}

/** The same reading of the claims as the API's (functions/http/staff-auth.ts). */
export function actorFromClaims(claims: Record<string, unknown>): Actor | undefined {
  const id = claims['cognito:username'] ?? claims.username ?? claims.sub;
  if (typeof id !== 'string' || !id) return undefined;
  const roles = list(claims['cognito:groups']).filter((g): g is Role => (ROLES as readonly string[]).includes(g));
  return { id, name: String(claims.name ?? id), roles, department: String(claims['custom:department'] ?? '') };
}

export function sessionFromToken(token: string): Session | undefined {
  const claims = decodeJwt(token);
  if (!claims) return undefined;
  const actor = actorFromClaims(claims);
  if (!actor) return undefined;
  const exp = typeof claims.exp === 'number' ? new Date(claims.exp * 1000) : undefined;
  return { token, claims, actor, email: typeof claims.email === 'string' ? claims.email : undefined, expiresAt: exp };
}

/** The stored session, if the stored token can be read at all. A garbage token is removed. */
export function loadSession(): Session | undefined {
  const token = storage()?.getItem(TOKEN_KEY);
  if (!token) return undefined;
  const session = sessionFromToken(token);
  if (!session) storage()?.removeItem(TOKEN_KEY);
  return session;
}

export function storeToken(token: string): Session | undefined {
  const session = sessionFromToken(token);
  if (session) storage()?.setItem(TOKEN_KEY, token);
  return session;
}

export function clearSession(): void {
  const s = storage();
  s?.removeItem(TOKEN_KEY);
  s?.removeItem(VERIFIER_KEY);
  s?.removeItem(STATE_KEY);
}

/** Where to go back to after signing in (a hash route of the console). */
export function rememberReturn(hash: string): void {
  if (hash && hash !== '#' && !hash.startsWith('#/signin')) storage()?.setItem(RETURN_KEY, hash);
}
export function takeReturn(): string | undefined {
  const s = storage();
  const v = s?.getItem(RETURN_KEY) ?? undefined;
  s?.removeItem(RETURN_KEY);
  return v;
}

export type SignInResult = { ok: true; session: Session } | { ok: false; status: number; message?: string };

/** Local identity provider: username and password for an ID token. */
export async function signInLocal(apiBase: string, username: string, password: string): Promise<SignInResult> {
  try {
    const res = await fetch(`${apiBase}/__local/identity/token`, {
      method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ username, password }), credentials: 'omit', cache: 'no-store',
    });
    const body = (await res.json().catch(() => undefined)) as { id_token?: string; message?: string } | undefined;
    if (res.ok && body?.id_token) {
      const session = storeToken(body.id_token);
      return session ? { ok: true, session } : { ok: false, status: 500 };
    }
    return { ok: false, status: res.status, message: body?.message };
  } catch {
    return { ok: false, status: 0 };
  }
}

function randomString(bytes: number): string {
  return base64UrlEncode(crypto.getRandomValues(new Uint8Array(bytes)));
}

export async function pkceChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64UrlEncode(new Uint8Array(digest));
}

/** Starts the hosted UI sign-in: stores verifier and state, then leaves for the authorize URL. */
export async function startOidc(cfg: Extract<AuthConfig, { kind: 'oidc' }>): Promise<void> {
  const verifier = randomString(48); // 64 characters of [A-Za-z0-9_-], within 43..128
  const state = randomString(24);
  storage()?.setItem(VERIFIER_KEY, verifier);
  storage()?.setItem(STATE_KEY, state);
  const url = new URL(cfg.authorizeUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', cfg.clientId);
  url.searchParams.set('redirect_uri', cfg.redirectUri);
  url.searchParams.set('scope', cfg.scope ?? 'openid email profile');
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('code_challenge', await pkceChallenge(verifier));
  window.location.assign(url.toString());
}

export type OidcReturn = { kind: 'none' } | { kind: 'signed-in'; session: Session } | { kind: 'error'; reason: string };

/**
 * Back from the hosted UI with ?code=&state= (or ?error=): checks the state, exchanges the
 * code with the stored verifier, stores the ID token and removes the parameters from the URL.
 */
export async function completeOidc(cfg: Extract<AuthConfig, { kind: 'oidc' }>): Promise<OidcReturn> {
  const params = new URLSearchParams(window.location.search);
  const code = params.get('code');
  const error = params.get('error');
  if (!code && !error) return { kind: 'none' };
  const clean = new URL(window.location.href);
  for (const k of ['code', 'state', 'error', 'error_description']) clean.searchParams.delete(k);
  window.history.replaceState(null, '', clean.toString());
  const s = storage();
  const expectedState = s?.getItem(STATE_KEY);
  const verifier = s?.getItem(VERIFIER_KEY);
  s?.removeItem(STATE_KEY);
  s?.removeItem(VERIFIER_KEY);
  if (error) return { kind: 'error', reason: error };
  if (!expectedState || params.get('state') !== expectedState || !verifier) return { kind: 'error', reason: 'state' };
  try {
    const res = await fetch(cfg.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: cfg.clientId, code: code!, redirect_uri: cfg.redirectUri, code_verifier: verifier }).toString(),
      credentials: 'omit', cache: 'no-store',
    });
    const body = (await res.json().catch(() => undefined)) as { id_token?: string } | undefined;
    const session = res.ok && body?.id_token ? storeToken(body.id_token) : undefined;
    return session ? { kind: 'signed-in', session } : { kind: 'error', reason: `token ${res.status}` };
  } catch {
    return { kind: 'error', reason: 'network' };
  }
}

/** Signs out: the token is forgotten; with the hosted UI, its session is ended too. */
export function signOut(cfg: AuthConfig): void {
  clearSession();
  if (cfg.kind === 'oidc' && cfg.logoutUrl) {
    const url = new URL(cfg.logoutUrl);
    if (!url.searchParams.has('client_id')) url.searchParams.set('client_id', cfg.clientId);
    if (!url.searchParams.has('logout_uri')) url.searchParams.set('logout_uri', cfg.redirectUri);
    window.location.assign(url.toString());
  }
}
