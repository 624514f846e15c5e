/**
 * Who is calling a staff route. On AWS the HTTP API's JWT authorizer (Cognito) has
 * verified the token and put its claims in requestContext.authorizer.jwt.claims; locally
 * the local API Gateway does the same with the local issuer. Array claims arrive as
 * "[a b]" strings from API Gateway, or as arrays.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ROLES, type Actor, type Role } from '../domain/authorization.ts';
import { UnauthorizedError } from '../shared/errors.ts';

function list(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.map(String);
  if (typeof claim !== 'string') return [];
  return claim.replace(/^\[|\]$/g, '').split(/[\s,]+/).filter(Boolean);
}

export function actorFrom(event: APIGatewayProxyEventV2): Actor {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } }).authorizer?.jwt?.claims;
  const id = claims?.['cognito:username'] ?? claims?.username ?? claims?.sub;
  if (!claims || typeof id !== 'string') throw new UnauthorizedError();
  const roles = list(claims['cognito:groups']).filter((g): g is Role => (ROLES as readonly string[]).includes(g));
  return { id, name: String(claims.name ?? id), roles, department: String(claims['custom:department'] ?? '') };
}
