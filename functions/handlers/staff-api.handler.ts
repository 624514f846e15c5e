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
import { auditedCall } from '../http/audited-changes.ts';
import { NotFoundError } from '../shared/errors.ts';
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
  let body: unknown;
  const result = await auditedCall(
    d,
    // Masked lists are not audited when answered; refused, they are (a denial is always on the record).
    {
      actor,
      operation,
      notAuditedWhenOk: NOT_AUDITED.has(operation),
      okDetail: () => (operation === 'getComplaint' ? 'read personal data' : spec.auditDetail?.(body)),
    },
    async (repo, onReference) => {
      // A malformed path (a reference that is not one) is a refusal like any other: on the record,
      // without what the path held (it may be anything) - the detail names the field only.
      reference = req.pathParameters.reference !== undefined ? parseOrThrow(ReferenceParams, req.pathParameters).reference : '';
      onReference(reference);
      body = spec.body ? parseOrThrow(spec.body, readBody(req.event, Math.max(d.config.maxBodyBytes, spec.maxBodyBytes ?? 0)) ?? {}) : undefined;
      // Every change the use case commits carries this request's audit entry, in its own transaction.
      return spec.run(
        { ...d, repo },
        {
          actor,
          reference,
          body,
          query: req.query,
          params: req.pathParameters,
          headers: req.headers,
          idempotencyKey: req.headers['idempotency-key'],
        },
      );
    },
  );
  logger.info('Staff action', { operation, reference, actor: actor.id });
  return { statusCode: spec.successStatus ?? 200, body: result };
});
