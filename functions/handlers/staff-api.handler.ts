/**
 * Every staff route: authenticated by the API's JWT authorizer, authorised per operation by
 * the use case, and audited: every read of a complaint's personal data, every change and
 * every refusal is appended to the audit record (lists show masked data and are not).
 */
import { ROUTES } from '../functions.ts';
import type { StaffOperation } from '../domain/authorization.ts';
import { parseOrThrow } from '../contract/validation.ts';
import { httpHandler, readBody } from '../http/http-handler.ts';
import { authenticateStaff } from '../http/staff-auth.ts';
import { STAFF_OPERATION_SPECS } from '../http/staff-operations.ts';
import { ReferenceParams } from '../contract/staff.schema.ts';
import { freshDeps } from '../wiring/container.ts';
import { AppError, ForbiddenError, NotFoundError, ValidationError } from '../shared/errors.ts';
import { logger } from '../shared/logger.ts';

const BY_ROUTE = new Map(ROUTES.filter((r) => r.fn === 'StaffApi').map((r) => [`${r.method} ${r.path}`, r.operationId as StaffOperation]));
const NOT_AUDITED = new Set<StaffOperation>(['listMyTasks', 'listTeamQueue']);

export const handler = httpHandler({}, async (req) => {
  const operation = BY_ROUTE.get(req.event.routeKey);
  if (!operation) throw new NotFoundError('Not Found');
  const spec = STAFF_OPERATION_SPECS[operation];
  const d = await freshDeps();
  // Verified token (the JWT authorizer) of someone the staff directory still knows as active.
  const actor = await authenticateStaff(req.event, operation, d);
  let reference = '';
  // Masked lists are not audited when answered; refused, they are (a denial is always on the record).
  const audit = (outcome: 'ok' | 'denied' | 'rejected' | 'error', detail?: string) =>
    NOT_AUDITED.has(operation) && outcome === 'ok'
      ? Promise.resolve()
      : d.audit.record({
          at: d.clock.now().toISOString(),
          actor: actor.id,
          roles: actor.roles,
          operation,
          ...(reference ? { reference } : {}),
          outcome,
          ...(detail ? { detail } : {}),
        });
  let result: unknown;
  let body: unknown;
  try {
    // A malformed path (a reference that is not one) is a refusal like any other: on the record,
    // without what the path held (it may be anything) - the detail names the field only.
    reference = req.pathParameters.reference !== undefined ? parseOrThrow(ReferenceParams, req.pathParameters).reference : '';
    body = spec.body ? parseOrThrow(spec.body, readBody(req.event, Math.max(d.config.maxBodyBytes, spec.maxBodyBytes ?? 0)) ?? {}) : undefined;
    result = await spec.run(d, { actor, reference, body, query: req.query, idempotencyKey: req.headers['idempotency-key'] });
  } catch (e) {
    const detail =
      e instanceof ValidationError
        ? `${e.message} (${[...new Set(e.issues.map((i) => i.field))].join(', ')})`.slice(0, 200)
        : e instanceof AppError
          ? e.message
          : (e as Error)?.name;
    await audit(e instanceof ForbiddenError ? 'denied' : e instanceof AppError ? 'rejected' : 'error', detail);
    throw e;
  }
  // A read of personal data is only answered once it is on the record.
  await audit('ok', operation === 'getComplaint' ? 'read personal data' : spec.auditDetail?.(body));
  logger.info('Staff action', { operation, reference, actor: actor.id });
  return { statusCode: spec.successStatus ?? 200, body: result };
});
