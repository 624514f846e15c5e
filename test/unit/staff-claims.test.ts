/** Reading the staff member from an ID token's claims, by configuration (functions/domain/staff-claims.ts). */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  actorFromClaims,
  claimList,
  claimMappingEnv,
  claimMappingFromEnv,
  COGNITO_CLAIMS,
  rolesFromClaims,
  type StaffClaimMapping,
} from '../../functions/domain/staff-claims.ts';
import { actorFrom } from '../../functions/http/staff-auth.ts';
import { loadSettings } from '../../infra/settings/load.ts';

/** The bank IdP of the example settings' cn entry (and of the local provider). */
const cn = loadSettings().regions.cn.staffIdentity;
if (cn.kind !== 'oidc') throw new Error('the example cn entry is an OIDC provider');
const BANK: StaffClaimMapping = { ...cn.claims, groupRoles: cn.groupRoles };

describe('claim lists', () => {
  it('reads arrays and API Gateway\'s "[a b]" string form alike', () => {
    expect(claimList(['CMP-Managers', 'Staff'])).toEqual(['CMP-Managers', 'Staff']);
    expect(claimList('[CMP-Managers Staff]')).toEqual(['CMP-Managers', 'Staff']);
    expect(claimList('handler')).toEqual(['handler']);
    expect(claimList(undefined)).toEqual([]);
    expect(claimList(42)).toEqual([]);
  });
});

describe('roles from claims', () => {
  it("maps the IdP's group names through groupRoles and ignores groups it does not list", () => {
    expect(rolesFromClaims({ groups: ['All-Staff', 'CMP-Managers', 'VPN-Users'] }, BANK)).toEqual(['manager']);
    expect(rolesFromClaims({ groups: '[CMP-Handlers CMP-Quality Printers]' }, BANK)).toEqual(['handler', 'quality']);
  });

  it('with groupRoles, a group named like a role grants nothing (only the mapping does)', () => {
    expect(rolesFromClaims({ groups: ['admin', 'manager'] }, BANK)).toEqual([]);
    // Not through the prototype either.
    expect(rolesFromClaims({ groups: ['constructor', 'toString'] }, BANK)).toEqual([]);
  });

  it('without groupRoles, the values are role names and unknown ones are ignored', () => {
    expect(rolesFromClaims({ 'cognito:groups': ['manager', 'CMP-Managers', 'root'] }, COGNITO_CLAIMS)).toEqual(['manager']);
    expect(rolesFromClaims({ 'cognito:groups': '[handler quality]' }, COGNITO_CLAIMS)).toEqual(['handler', 'quality']);
  });

  it('two groups mapped to one role give it once', () => {
    expect(rolesFromClaims({ r: ['A', 'B'] }, { username: 'u', roles: 'r', department: 'd', groupRoles: { A: 'handler', B: 'handler' } })).toEqual(['handler']);
  });
});

describe('actor from claims', () => {
  it('a bank IdP token: preferred_username, mapped groups, department', () => {
    expect(actorFromClaims({ sub: 'x1', preferred_username: 'mia', name: 'Mia Manager', groups: ['CMP-Managers'], department: 'cards' }, BANK)).toEqual({
      id: 'mia',
      name: 'Mia Manager',
      roles: ['manager'],
      department: 'cards',
    });
  });

  it('Cognito is one configuration of the same path', () => {
    expect(actorFromClaims({ 'cognito:username': 'hana', 'cognito:groups': '[handler]', 'custom:department': 'cards' }, COGNITO_CLAIMS)).toEqual({
      id: 'hana',
      name: 'hana',
      roles: ['handler'],
      department: 'cards',
    });
    // Cognito's claim names mean nothing to the bank's configuration.
    expect(actorFromClaims({ 'cognito:username': 'hana', 'cognito:groups': ['admin'] }, BANK)).toBeUndefined();
  });

  it('no id in the configured claim: nobody', () => {
    expect(actorFromClaims({ sub: 'x1', groups: ['CMP-Managers'] }, BANK)).toBeUndefined();
    expect(actorFromClaims({ preferred_username: ['mia'] }, BANK)).toBeUndefined();
  });

  it('the staff API refuses an event without a usable id with 401', () => {
    const event = { requestContext: { authorizer: { jwt: { claims: { sub: 'x1' } } } } } as unknown as APIGatewayProxyEventV2;
    expect(() => actorFrom(event, BANK)).toThrow(expect.objectContaining({ statusCode: 401 }));
  });
});

describe('mapping from the environment', () => {
  it('round-trips through the variables infra sets', () => {
    expect(claimMappingFromEnv(claimMappingEnv(BANK))).toEqual(BANK);
    expect(claimMappingEnv(BANK)).toMatchObject({
      STAFF_CLAIM_USERNAME: 'preferred_username',
      STAFF_CLAIM_ROLES: 'groups',
      STAFF_CLAIM_DEPARTMENT: 'department',
    });
  });

  it("unset: Cognito's names", () => {
    expect(claimMappingFromEnv({})).toEqual(COGNITO_CLAIMS);
  });

  it('a bad value is refused naming the variable', () => {
    expect(() => claimMappingFromEnv({ STAFF_GROUP_ROLES: '{not json' })).toThrow(/STAFF_GROUP_ROLES/);
    expect(() => claimMappingFromEnv({ STAFF_GROUP_ROLES: '{"CMP-Root":"superuser"}' })).toThrow(/STAFF_GROUP_ROLES\.CMP-Root/);
    expect(() => claimMappingFromEnv({ STAFF_CLAIM_ROLES: '' })).toThrow(/STAFF_CLAIM_ROLES/);
  });
});

/** The console's module (DOM-typed: web/tsconfig.json), loaded by path so that the node-typed project does not compile it. */
const consoleAuth = () =>
  import(String(new URL('../../web/src/console/auth.ts', import.meta.url))) as Promise<{
    parseAuthConfig(raw: unknown): Record<string, unknown>;
    sessionFromToken(token: string, mapping: StaffClaimMapping): { actor: unknown } | undefined;
  }>;

describe("the console's sign-in configuration (web/src/console/auth.ts)", () => {
  it("reads issuer, client and claim mapping from config.json, and the token with the API's mapping", async () => {
    const { parseAuthConfig, sessionFromToken } = await consoleAuth();
    const cfg = parseAuthConfig({ kind: 'oidc', issuer: 'https://sso.bank.example.cn/oidc', clientId: 'complaints-console', claims: BANK });
    expect(cfg).toMatchObject({ kind: 'oidc', issuer: 'https://sso.bank.example.cn/oidc', clientId: 'complaints-console', claims: BANK });
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const token = `${b64({ alg: 'RS256' })}.${b64({ preferred_username: 'mia', name: 'Mia Manager', groups: ['CMP-Managers'], department: 'cards', exp: 2_000_000_000 })}.sig`;
    expect(sessionFromToken(token, BANK)?.actor).toEqual({ id: 'mia', name: 'Mia Manager', roles: ['manager'], department: 'cards' });
    // Without claim names, Cognito's (the hosted UI's configuration).
    expect(parseAuthConfig({ kind: 'oidc', issuer: 'https://cognito-idp.eu-west-2.amazonaws.com/pool', clientId: 'c' })).toMatchObject({
      claims: COGNITO_CLAIMS,
    });
  });

  it('anything unusable is no sign-in at all, never a guess', async () => {
    const { parseAuthConfig } = await consoleAuth();
    for (const raw of [
      undefined,
      'oidc',
      { kind: 'local' },
      { kind: 'oidc', clientId: 'c' },
      { kind: 'oidc', issuer: 'not a url', clientId: 'c' },
      { kind: 'oidc', issuer: 'https://idp', clientId: 'c', claims: { username: 'u' } },
      { kind: 'oidc', issuer: 'https://idp', clientId: 'c', claims: { ...BANK, groupRoles: { G: 'root' } } },
    ]) {
      expect(parseAuthConfig(raw), JSON.stringify(raw)).toEqual({ kind: 'none' });
    }
  });
});
