/**
 * Who a verified ID token names, by configuration: which claims carry the staff member's id,
 * roles (or the identity provider's group names) and department, and how the provider's
 * groups map to the product's roles. Any OpenID Connect provider fits: Cognito (uk, us) is one
 * configuration of this, `COGNITO_CLAIMS`; a bank's own IdP (cn, and locally) another, from the
 * deploy settings' `staffIdentity` (infra/settings/schema.ts), handed to the functions as
 * environment variables by infra (STAFF_CLAIM_USERNAME, STAFF_CLAIM_ROLES,
 * STAFF_CLAIM_DEPARTMENT, STAFF_GROUP_ROLES) and to the console in its /config.json.
 *
 * Pure: used by the staff API (functions/http/staff-auth.ts) and by the console
 * (web/src/console/auth.ts), so both read a token alike.
 */
import { ROLES, type Actor, type Role } from './authorization.ts';

/**
 * Which claims name the staff member, roles and department. Checked by hand, not with zod:
 * every function reads it from its environment at start-up (functions/shared/config.ts), and
 * zod would load in functions that parse nothing else (test/infra/bundles.test.ts, ADR 0010).
 */
export interface StaffClaimMapping {
  /** Claim with the staff member's id (the directory key). */
  username: string;
  /** Claim with the roles, or the IdP's group names when `groupRoles` is set. */
  roles: string;
  /** Claim with the department. */
  department: string;
  /** IdP group -> product role. Unset: the claim's values are role names themselves. Groups not listed are ignored. */
  groupRoles?: Record<string, Role>;
}

/** `raw` as a claim mapping, or the problems found, each naming its field. */
export function parseClaimMapping(
  raw: unknown,
): { data: StaffClaimMapping; problems?: undefined } | { data?: undefined; problems: { field: string; message: string }[] } {
  const problems: { field: string; message: string }[] = [];
  const o = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  for (const field of ['username', 'roles', 'department'] as const) {
    if (typeof o[field] !== 'string' || !o[field]) problems.push({ field, message: 'must be a non-empty claim name' });
  }
  let groupRoles: Record<string, Role> | undefined;
  if (o.groupRoles !== undefined) {
    if (!o.groupRoles || typeof o.groupRoles !== 'object' || Array.isArray(o.groupRoles))
      problems.push({ field: 'groupRoles', message: 'must be an object of group -> role' });
    else {
      groupRoles = {};
      for (const [group, role] of Object.entries(o.groupRoles)) {
        if ((ROLES as readonly unknown[]).includes(role)) groupRoles[group] = role as Role;
        else problems.push({ field: `groupRoles.${group}`, message: `must be one of ${ROLES.join(', ')}` });
      }
    }
  }
  if (problems.length) return { problems };
  return { data: { username: o.username as string, roles: o.roles as string, department: o.department as string, ...(groupRoles ? { groupRoles } : {}) } };
}

/** Cognito's ID tokens: groups named after the roles (infra/constructs/staff-identity.ts). */
export const COGNITO_CLAIMS: StaffClaimMapping = { username: 'cognito:username', roles: 'cognito:groups', department: 'custom:department' };

/** The values of a list claim: a JSON array, or API Gateway's "[a b]" string form of one. */
export function claimList(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.map(String);
  if (typeof claim !== 'string') return [];
  return claim
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
}

/** The roles a token grants: mapped through `groupRoles` when set, unknown values ignored, each once. */
export function rolesFromClaims(claims: Record<string, unknown>, mapping: StaffClaimMapping): Role[] {
  const values = claimList(claims[mapping.roles]);
  const roles = mapping.groupRoles
    ? values.flatMap((g) => (Object.hasOwn(mapping.groupRoles!, g) ? [mapping.groupRoles![g]] : []))
    : values.filter((r): r is Role => (ROLES as readonly string[]).includes(r));
  return [...new Set(roles)];
}

/** The actor a token names; undefined without a usable id. */
export function actorFromClaims(claims: Record<string, unknown>, mapping: StaffClaimMapping): Actor | undefined {
  const id = claims[mapping.username];
  if (typeof id !== 'string' || !id) return undefined;
  const department = claims[mapping.department];
  return { id, name: String(claims.name ?? id), roles: rolesFromClaims(claims, mapping), department: typeof department === 'string' ? department : '' };
}

/**
 * The mapping from the environment (infra sets all of it; unset: Cognito's names). A bad value
 * fails with the variable's name.
 */
export function claimMappingFromEnv(env: Record<string, string | undefined>): StaffClaimMapping {
  let groupRoles: unknown;
  if (env.STAFF_GROUP_ROLES) {
    try {
      groupRoles = JSON.parse(env.STAFF_GROUP_ROLES);
    } catch {
      throw new Error('Invalid configuration: STAFF_GROUP_ROLES must be a JSON object of group -> role');
    }
  }
  const r = parseClaimMapping({
    username: env.STAFF_CLAIM_USERNAME ?? COGNITO_CLAIMS.username,
    roles: env.STAFF_CLAIM_ROLES ?? COGNITO_CLAIMS.roles,
    department: env.STAFF_CLAIM_DEPARTMENT ?? COGNITO_CLAIMS.department,
    ...(groupRoles !== undefined ? { groupRoles } : {}),
  });
  if (r.problems) {
    const names: Record<string, string> = {
      username: 'STAFF_CLAIM_USERNAME',
      roles: 'STAFF_CLAIM_ROLES',
      department: 'STAFF_CLAIM_DEPARTMENT',
      groupRoles: 'STAFF_GROUP_ROLES',
    };
    throw new Error(
      `Invalid configuration: ${r.problems.map((p) => `${names[p.field.split('.')[0]]}${p.field.includes('.') ? p.field.slice(p.field.indexOf('.')) : ''}: ${p.message}`).join('; ')}`,
    );
  }
  return r.data;
}

/** The environment variables of a mapping (infra and the local runtime set them). */
export function claimMappingEnv(mapping: StaffClaimMapping): Record<string, string> {
  return {
    STAFF_CLAIM_USERNAME: mapping.username,
    STAFF_CLAIM_ROLES: mapping.roles,
    STAFF_CLAIM_DEPARTMENT: mapping.department,
    ...(mapping.groupRoles ? { STAFF_GROUP_ROLES: JSON.stringify(mapping.groupRoles) } : {}),
  };
}
