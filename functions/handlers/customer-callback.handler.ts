import { accessSignals, customerRequest } from '../http/access-signals.ts';
import { parseOrThrow } from '../contract/validation.ts';
import { customerReference, httpHandler, readBody } from '../http/http-handler.ts';
import { ComplaintStatusParams, CustomerCallbackRequest, RepeatConfirmationRequest } from '../contract/complaint-status.schema.ts';
import { freshDeps } from '../wiring/container.ts';
// Completes the callback task on every call: Step Functions loaded at start-up.
import { stepFunctions } from '../wiring/workflow-client.ts';
import { confirmRepeat } from '../use-cases/staff/complaint-links.ts';
import { customerCallback } from '../use-cases/customer/callback.ts';

/**
 * The customer's writes with reference + access code: the satisfaction answer, and the
 * confirmation of a suspected repeat with the one-time code mailed to the contact on file.
 */
export const handler = httpHandler({}, async (req) => {
  const reference = customerReference(req.pathParameters, ComplaintStatusParams);
  const d = { ...(await freshDeps()), workflow: stepFunctions(), accessSignals };
  const body = readBody(req.event, 64 * 1024) ?? {};
  if (req.event.routeKey?.endsWith('/repeat-confirmation')) {
    const { code } = parseOrThrow(RepeatConfirmationRequest, body);
    return { statusCode: 200, body: await confirmRepeat(d, reference, req.headers['x-access-code'], code, customerRequest(req.event)) };
  }
  return {
    statusCode: 200,
    body: await customerCallback(d, reference, req.headers['x-access-code'], parseOrThrow(CustomerCallbackRequest, body), customerRequest(req.event)),
  };
});
