/**
 * Staff sign-in for the console: OpenID Connect authorization code flow with PKCE (RFC 7636)
 * against the region's identity provider - the bank's own IdP, Cognito's hosted UI, or locally
 * the runtime's OIDC provider - all alike: the issuer and client id come from /config.json,
 * the endpoints from the issuer's discovery document (`<issuer>/.well-known/openid-configuration`).
 * The protocol work is oauth4webapi's (discovery, PKCE S256, state and nonce checks, the code
 * exchange and the ID token's iss/aud/exp/nonce checks).
 *
 * The ID token lives in sessionStorage only (gone with the tab, never in localStorage); so do
 * the verifier, state and nonce across the redirect. Its claims are read for display and for
 * showing the actions the role may do, with the same claim mapping as the API
 * (functions/domain/staff-claims.ts) - the API verifies the token and decides.
 */
import * as oauth from 'oauth4webapi';
import type { Actor } from '../../../functions/domain/authorization.ts';
import { actorFromClaims, COGNITO_CLAIMS, parseClaimMapping, type StaffClaimMapping } from '../../../functions/domain/staff-claims.ts';

export type AuthConfig =
  | { kind: 'none' }
  | {
      kind: 'oidc';
      issuer: string;
      clientId: string;
      claims: StaffClaimMapping;
      /** Default: this page's own URL (without query or hash). */
      redirectUri?: string;
      scope?: string;
      /** Cognito's hosted UI has no end_session_endpoint in discovery: its /logout URL. */
      logoutUrl?: string;
    };
type OidcConfig = Extract<AuthConfig, { kind: 'oidc' }>;

export interface Session {
  token: string;
  claims: Record<string, unknown>;
  actor: Actor;
  email?: string;
  /** Expiry from the token (display only: the API decides whether it is still valid). */
  expiresAt?: Date;
}

const TOKEN_KEY = 'console.idToken';
const FLOW_KEY = 'console.oidc.flow';
const RETURN_KEY = 'console.returnTo';
const SIGNED_OUT_KEY = 'console.signedOut';

function storage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

/** The `auth` object of /config.json; anything unusable means no sign-in is configured. */
export function parseAuthConfig(raw: unknown): AuthConfig {
  if (!raw || typeof raw !== 'object') return { kind: 'none' };
  const r = raw as Record<string, unknown>;
  const str = (k: string) => (typeof r[k] === 'string' && (r[k] as string).length > 0 ? (r[k] as string) : undefined);
  const issuer = str('issuer');
  const clientId = str('clientId');
  if (r.kind !== 'oidc' || !issuer || !clientId || !URL.canParse(issuer)) return { kind: 'none' };
  const claims = r.claims === undefined ? COGNITO_CLAIMS : parseClaimMapping(r.claims).data;
  if (!claims) return { kind: 'none' };
  return { kind: 'oidc', issuer, clientId, claims, redirectUri: str('redirectUri'), scope: str('scope'), logoutUrl: str('logoutUrl') };
}

function base64UrlDecode(part: string): string {
  const b64 = part
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(part.length / 4) * 4, '=');
  const binary = atob(b64);
  const bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
  return new TextDecoder().decode(bytes);
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

export function sessionFromToken(token: string, mapping: StaffClaimMapping): Session | undefined {
  const claims = decodeJwt(token);
  if (!claims) return undefined;
  const actor = actorFromClaims(claims, mapping);
  if (!actor) return undefined;
  const exp = typeof claims.exp === 'number' ? new Date(claims.exp * 1000) : undefined;
  return { token, claims, actor, email: typeof claims.email === 'string' ? claims.email : undefined, expiresAt: exp };
}

/** The stored session, if the stored token can be read at all. A garbage token is removed. */
export function loadSession(cfg: AuthConfig): Session | undefined {
  const token = storage()?.getItem(TOKEN_KEY);
  if (!token) return undefined;
  const session = cfg.kind === 'oidc' ? sessionFromToken(token, cfg.claims) : undefined;
  if (!session) storage()?.removeItem(TOKEN_KEY);
  return session;
}

export function clearSession(): void {
  const s = storage();
  s?.removeItem(TOKEN_KEY);
  s?.removeItem(FLOW_KEY);
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

/** True once after a sign-out that went through the identity provider's own sign-out. */
export function takeSignedOut(): boolean {
  const s = storage();
  const v = s?.getItem(SIGNED_OUT_KEY) === 'true';
  s?.removeItem(SIGNED_OUT_KEY);
  return v;
}

/** Plain http only for a provider on this machine (the local runtime's); https everywhere else. */
function insecureOk(issuer: URL): boolean {
  return issuer.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
}

/** The provider's metadata, from its discovery document (checked to name the configured issuer). */
async function discover(cfg: OidcConfig): Promise<{ as: oauth.AuthorizationServer; options: { [oauth.allowInsecureRequests]?: boolean } }> {
  const issuer = new URL(cfg.issuer);
  const options = insecureOk(issuer) ? { [oauth.allowInsecureRequests]: true } : {};
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...options }));
  return { as, options };
}

const redirectUriOf = (cfg: OidcConfig) => cfg.redirectUri ?? `${location.origin}${location.pathname}`;

/** Starts the sign-in: keeps verifier, state and nonce for the return, then leaves for the provider. */
export async function startOidc(cfg: OidcConfig): Promise<void> {
  const { as } = await discover(cfg);
  if (!as.authorization_endpoint) throw new Error('The identity provider names no authorization endpoint');
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  storage()?.setItem(FLOW_KEY, JSON.stringify({ verifier, state, nonce }));
  const url = new URL(as.authorization_endpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', cfg.clientId);
  url.searchParams.set('redirect_uri', redirectUriOf(cfg));
  url.searchParams.set('scope', cfg.scope ?? 'openid email profile');
  url.searchParams.set('state', state);
  url.searchParams.set('nonce', nonce);
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
  window.location.assign(url.toString());
}

export type OidcReturn = { kind: 'none' } | { kind: 'signed-in'; session: Session } | { kind: 'error'; reason: string };

/**
 * Back from the provider with ?code=&state= (or ?error=): checks the state, exchanges the code
 * with the stored verifier, checks the ID token (issuer, audience, expiry, nonce), stores it and
 * removes the parameters from the URL.
 */
export async function completeOidc(cfg: OidcConfig): Promise<OidcReturn> {
  const current = new URL(window.location.href);
  if (!current.searchParams.has('code') && !current.searchParams.has('error')) return { kind: 'none' };
  const clean = new URL(current);
  for (const k of ['code', 'state', 'error', 'error_description', 'iss', 'session_state']) clean.searchParams.delete(k);
  window.history.replaceState(null, '', clean.toString());
  const s = storage();
  const stored = s?.getItem(FLOW_KEY);
  s?.removeItem(FLOW_KEY);
  let flow: { verifier?: unknown; state?: unknown; nonce?: unknown } = {};
  try {
    flow = stored ? (JSON.parse(stored) as typeof flow) : {};
  } catch {
    /* garbage: no flow */
  }
  const { verifier, state, nonce } = flow;
  if (current.searchParams.has('error')) return { kind: 'error', reason: current.searchParams.get('error') ?? 'error' };
  if (typeof verifier !== 'string' || typeof state !== 'string' || typeof nonce !== 'string') return { kind: 'error', reason: 'state' };
  try {
    const { as, options } = await discover(cfg);
    const client: oauth.Client = { client_id: cfg.clientId };
    const params = oauth.validateAuthResponse(as, client, current, state);
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUriOf(cfg), verifier, options);
    const result = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce, requireIdToken: true });
    const session = result.id_token ? sessionFromToken(result.id_token, cfg.claims) : undefined;
    if (!session) return { kind: 'error', reason: 'id_token' };
    s?.setItem(TOKEN_KEY, result.id_token!);
    return { kind: 'signed-in', session };
  } catch (e) {
    return { kind: 'error', reason: e instanceof oauth.AuthorizationResponseError ? e.error : ((e as { code?: string }).code ?? 'token') };
  }
}

/**
 * Signs out: the token is forgotten, and the provider's session is ended where it offers that
 * (Cognito's /logout, or the discovery document's end_session_endpoint). True when the page is
 * leaving for the provider (the console shows "signed out" when it comes back).
 */
export async function signOut(cfg: AuthConfig): Promise<boolean> {
  const token = storage()?.getItem(TOKEN_KEY) ?? undefined;
  if (cfg.kind !== 'oidc') {
    clearSession();
    return false;
  }
  let url: URL | undefined;
  if (cfg.logoutUrl) {
    url = new URL(cfg.logoutUrl);
    if (!url.searchParams.has('client_id')) url.searchParams.set('client_id', cfg.clientId);
    if (!url.searchParams.has('logout_uri')) url.searchParams.set('logout_uri', redirectUriOf(cfg));
  } else {
    const endSession = await discover(cfg).then(
      ({ as }) => as.end_session_endpoint,
      () => undefined,
    );
    if (endSession) {
      url = new URL(endSession);
      url.searchParams.set('client_id', cfg.clientId);
      url.searchParams.set('post_logout_redirect_uri', redirectUriOf(cfg));
      if (token) url.searchParams.set('id_token_hint', token);
    }
  }
  clearSession();
  if (!url) return false;
  storage()?.setItem(SIGNED_OUT_KEY, 'true');
  window.location.assign(url.toString());
  return true;
}
