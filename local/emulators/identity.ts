/**
 * The local identity provider: a real OpenID Connect provider from npm (oauth2-mock-server),
 * configured like a bank's own IdP - the cn entry of infra/settings.example.json: ID tokens
 * with `preferred_username`, the bank's group names in `groups` (mapped to roles by
 * `groupRoles`) and `department`, never Cognito's claim names - so that what the tests exercise
 * is the generic claim mapping (functions/domain/staff-claims.ts) every region uses.
 *
 * oauth2-mock-server signs RS256 tokens, serves discovery, JWKS, the authorization code grant
 * with PKCE and the password grant, but has no users and no login page. This module adds them,
 * local only: the seeded staff (SEED_USERS, the same people the staff directory is seeded
 * with), a login form in front of its authorize endpoint, and hooks that put the signed-in
 * user's claims into the tokens and refuse a grant without a known user:
 * - GET  <issuer>/authorize           the login form (the discovery document's authorization_endpoint);
 * - POST <issuer>/authorize/login     checks the password, then continues to the mock's own
 *                                     authorize endpoint with a one-time login ticket;
 * - POST <issuer>/token               code (+ PKCE verifier, required) or, for scripts, the password grant.
 * The gateway side (`gatewayAuthorizer`) checks tokens as the HTTP API's JWT authorizer does:
 * the keys from the discovery document's jwks_uri, issuer, audience, expiry.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { Events, OAuth2Server } from 'oauth2-mock-server';
import type { Role } from '../../functions/domain/authorization.ts';
import type { StaffClaimMapping } from '../../functions/domain/staff-claims.ts';
import { loadSettings } from '../../infra/settings/load.ts';

export interface SeedUser {
  username: string;
  password: string;
  name: string;
  email: string;
  roles: Role[];
  department: string;
}

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
  // The senior approval tier (head of the complaints function): approves what no other manager may (ADR 0014).
  { username: 'sara', password: 'sara-senior', name: 'Sara Senior', email: 'sara@bank.example', roles: ['senior'], department: 'complaints' },
  { username: 'quinn', password: 'quinn-quality', name: 'Quinn Quality', email: 'quinn@bank.example', roles: ['quality'], department: 'quality' },
  { username: 'ada', password: 'ada-admin', name: 'Ada Admin', email: 'ada@bank.example', roles: ['admin'], department: 'it' },
];

/** The bank IdP the local provider plays: the example settings' cn entry (client id, audience, claim names, group -> role). */
export function localIdpSettings(): { clientId: string; audience: string; mapping: StaffClaimMapping } {
  const s = loadSettings().regions.cn.staffIdentity;
  if (s.kind !== 'oidc' || !s.groupRoles)
    throw new Error('infra/settings.example.json: regions.cn.staffIdentity must be an OIDC provider with groupRoles (the local IdP plays it)');
  return { clientId: s.clientId, audience: s.audience, mapping: { ...s.claims, groupRoles: s.groupRoles } };
}

/** The IdP group names of a user's roles (the inverse of groupRoles), plus a group every employee has. */
export function groupsOf(user: SeedUser, mapping: StaffClaimMapping): string[] {
  const groups = Object.entries(mapping.groupRoles ?? {})
    .filter(([, role]) => user.roles.includes(role))
    .map(([g]) => g);
  return ['All-Staff', ...groups];
}

/** The claims the bank's IdP puts in a user's tokens, under the configured names. */
export function claimsOf(user: SeedUser, mapping: StaffClaimMapping): Record<string, unknown> {
  return {
    sub: `local-${user.username}`,
    [mapping.username]: user.username,
    [mapping.roles]: groupsOf(user, mapping),
    [mapping.department]: user.department,
    name: user.name,
    email: user.email,
  };
}

export interface LocalOidcProvider {
  /** `iss` of its tokens; the discovery document is at `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  audience: string;
  mapping: StaffClaimMapping;
  stop(): Promise<void>;
}

const TOKEN_TTL_SECONDS = 8 * 3600;
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function loginPage(res: ServerResponse, status: number, request: string, error?: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // No form-action: browsers apply it to the whole redirect chain, which ends at the client's redirect URI.
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in - local bank IdP</title>
<style>body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem}label{display:block;margin-top:1rem}input{width:100%;padding:.4rem}button{margin-top:1rem;padding:.5rem 1rem}.error{color:#b00020}</style></head>
<body><h1>Local bank IdP</h1><p>Local only: a seeded staff member (README) signs in here, as at the bank's identity provider.</p>
${error ? `<p class="error" role="alert" id="login-error">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/authorize/login" id="login">
<input type="hidden" name="request" value="${escapeHtml(request)}">
<label for="username">Username</label><input id="username" name="username" autocomplete="username" autocapitalize="none" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" id="login-submit">Sign in</button></form></body></html>`);
}

/**
 * Starts the provider on `port` (0: a free one) of 127.0.0.1, signing with the RSA key kept in
 * `keyFile` (made on first start), so tokens stay valid across a restart on the same port.
 */
export async function startOidcProvider(opts: { keyFile: string; port?: number; log?: (line: string) => void }): Promise<LocalOidcProvider> {
  const { clientId, audience, mapping } = localIdpSettings();
  // The mock's own authorize endpoint moves behind the login form; the form is what discovery names.
  const server = new OAuth2Server(undefined, undefined, { endpoints: { authorize: '/authorize/grant' } });
  if (existsSync(opts.keyFile)) await server.issuer.keys.add(JSON.parse(readFileSync(opts.keyFile, 'utf8')) as Record<string, unknown>);
  else {
    await server.issuer.keys.generate('RS256');
    mkdirSync(dirname(opts.keyFile), { recursive: true });
    writeFileSync(opts.keyFile, JSON.stringify(server.issuer.keys.toJSON(true)[0]), { mode: 0o600 });
  }
  const service = server.service;
  /** One-time login tickets (form -> authorize) and issued codes, each naming the user who signed in. */
  const tickets = new Map<string, SeedUser>();
  const codes = new Map<string, SeedUser>();

  // Discovery names the login form as the authorization endpoint (the mock's own sits behind it).
  service.on(Events.BeforeWellKnownOpenIdConfiguration, (response: { body: Record<string, unknown> }) => {
    response.body.authorization_endpoint = `${server.issuer.url}/authorize`;
    response.body.grant_types_supported = ['authorization_code', 'password'];
  });
  service.addRoute('GET', '/authorize', (req, res) => {
    loginPage(res, 200, new URL(req.url ?? '/', 'http://local').search.replace(/^\?/, ''));
  });
  service.addRoute('POST', '/authorize/login', (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const request = str(body.request) ?? '';
    const params = new URLSearchParams(request);
    // A public client: the code grant only with PKCE (S256), for the console's client id.
    if (
      params.get('client_id') !== clientId ||
      params.get('response_type') !== 'code' ||
      params.get('code_challenge_method') !== 'S256' ||
      !params.get('code_challenge') ||
      !params.get('redirect_uri')
    ) {
      return loginPage(res, 400, request, `Refused: this IdP serves client "${clientId}" with response_type=code and PKCE (S256) only.`);
    }
    const user = SEED_USERS.find((u) => u.username === str(body.username) && u.password === str(body.password));
    if (!user) return loginPage(res, 401, request, 'Wrong username or password.');
    const ticket = randomUUID();
    tickets.set(ticket, user);
    params.set('login_ticket', ticket);
    res.writeHead(303, { location: `/authorize/grant?${params}` });
    res.end();
  });
  service.on(Events.BeforeAuthorizeRedirect, (redirect: { url: URL }, req: IncomingMessage & { query?: Record<string, unknown> }) => {
    const ticket = str(req.query?.login_ticket);
    const user = ticket ? tickets.get(ticket) : undefined;
    if (ticket) tickets.delete(ticket);
    const code = redirect.url.searchParams.get('code');
    redirect.url.searchParams.delete('login_ticket');
    if (!user || !code) {
      redirect.url.searchParams.delete('code');
      redirect.url.searchParams.set('error', 'access_denied');
      redirect.url.searchParams.set('error_description', 'not signed in');
      return;
    }
    codes.set(code, user);
  });
  const userOf = (body: Record<string, unknown>): SeedUser | undefined => {
    if (body.grant_type === 'authorization_code') return str(body.code_verifier) ? codes.get(str(body.code) ?? '') : undefined;
    if (body.grant_type === 'password') return SEED_USERS.find((u) => u.username === str(body.username) && u.password === str(body.password));
    return undefined; // no refresh tokens, client credentials or assertions for staff
  };
  service.on(Events.BeforeTokenSigning, (token: { payload: Record<string, unknown> }, req: IncomingMessage & { body?: Record<string, unknown> }) => {
    const user = userOf(req.body ?? {});
    if (!user) return;
    Object.assign(token.payload, claimsOf(user, mapping));
    token.payload.exp = Number(token.payload.iat) + TOKEN_TTL_SECONDS;
    // As Cognito's and most IdPs' ID tokens: no nbf (iat and exp say it all).
    delete token.payload.nbf;
  });
  service.on(Events.BeforeResponse, (response: { body: unknown; statusCode: number }, req: IncomingMessage & { body?: Record<string, unknown> }) => {
    const body = req.body ?? {};
    const user = userOf(body);
    if (body.grant_type === 'authorization_code') codes.delete(str(body.code) ?? '');
    if (!user) {
      response.statusCode = 400;
      response.body = {
        error: 'invalid_grant',
        error_description: body.grant_type === 'password' ? 'Wrong username or password' : 'Unknown or used code, or no PKCE verifier',
      };
      return;
    }
    const { refresh_token: _unused, ...rest } = response.body as Record<string, unknown>;
    response.body = { ...rest, expires_in: TOKEN_TTL_SECONDS };
  });

  await server.start(opts.port ?? 0, '127.0.0.1');
  // By address, not "localhost": what the gateway and browsers reach without name resolution.
  server.issuer.url = `http://127.0.0.1:${server.address().port}`;
  return { issuer: server.issuer.url, clientId, audience, mapping, stop: () => server.stop() };
}

/**
 * The checks of the HTTP API's JWT authorizer (issuer, audience, signature by the keys of the
 * issuer's discovered jwks_uri, expiry); undefined when the token is not acceptable. `refused`
 * hears why (jose's error code and the claim at fault, never the token or its claims' values),
 * as API Gateway's access log records $context.authorizer.error.
 */
export function gatewayAuthorizer(issuer: string, audience: string) {
  let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  const keys = async () => {
    if (!jwks) {
      const res = await fetch(`${issuer}/.well-known/openid-configuration`);
      if (!res.ok) throw Object.assign(new Error('discovery'), { code: 'ERR_DISCOVERY' });
      jwks = createRemoteJWKSet(new URL(String(((await res.json()) as { jwks_uri?: string }).jwks_uri)));
    }
    return jwks;
  };
  return async (token: string, refused?: (reason: string) => void): Promise<JWTPayload | undefined> => {
    try {
      const { payload } = await jwtVerify(token, await keys(), { issuer, audience, algorithms: ['RS256'] });
      return payload;
    } catch (e) {
      const { code, claim } = e as { code?: string; claim?: string };
      refused?.(`${code ?? 'ERR_JWT_INVALID'}${claim ? ` (${claim})` : ''}`);
      return undefined;
    }
  };
}

/** Claims as API Gateway hands them to Lambda: strings, arrays as "[a b]". */
export function gatewayClaims(payload: JWTPayload): Record<string, string> {
  return Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, Array.isArray(v) ? `[${v.join(' ')}]` : String(v)]));
}

/**
 * A scripted sign-in at the local runtime's provider (`npm run token`, the tests' staff
 * clients): the issuer and client id from the pages' /config.json at `base`, the token endpoint
 * from discovery, then the password grant. Resolves to the ID token, or throws with the
 * provider's answer.
 */
export async function passwordSignIn(base: string, username: string, password: string): Promise<string> {
  const config = (await (await fetch(`${base}/config.json`)).json()) as { auth?: { issuer?: string; clientId?: string } };
  const { issuer, clientId } = config.auth ?? {};
  if (!issuer || !clientId) throw new Error(`${base}/config.json names no OIDC issuer and client id`);
  const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { token_endpoint: string };
  const res = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: clientId, username, password, scope: 'openid profile email' }),
  });
  const body = (await res.json().catch(() => ({}))) as { id_token?: string; error?: string; error_description?: string };
  if (!res.ok || !body.id_token)
    throw Object.assign(new Error(`sign-in of ${username} refused: ${res.status} ${body.error ?? ''} ${body.error_description ?? ''}`.trim()), {
      status: res.status,
    });
  return body.id_token;
}
