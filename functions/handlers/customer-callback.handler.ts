import { accessSignals, customerRequest } from '../http/access-signals.ts';
import { customerReference, httpHandler } from '../http/http-handler.ts';
import { ComplaintStatusParams, CustomerCallbackRequest } from '../http/schemas/complaint-status.schema.ts';
import { deps } from '../shared/container.ts';
// Completes the callback task on every call: Step Functions loaded at start-up.
import { stepFunctions } from '../shared/workflow-client.ts';
import { customerCallback } from '../use-cases/staff-actions.ts';

export const handler = httpHandler({ body: CustomerCallbackRequest }, async (req) => {
  const reference = customerReference(req.pathParameters, ComplaintStatusParams);
  return { statusCode: 200, body: await customerCallback({ ...deps(), workflow: stepFunctions(), accessSignals }, reference, req.headers['x-access-code'], req.body, customerRequest(req.event)) };
});
