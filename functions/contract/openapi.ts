/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate requests: each
 * given built (`.unwrap()` of a schema built on first use, schemas/common.schema.ts).
 */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z, type ZodType } from 'zod';
import { ROUTES } from '../functions.ts';
import type { StaffOperation } from '../domain/authorization.ts';
import { STAFF_OPERATION_CONTRACT, type StaffOperationContract } from './staff-operations.ts';
import { ReferenceParams } from './staff.schema.ts';
import { ErrorResponse } from './common.schema.ts';
import { ComplaintStatusParams, ComplaintStatusResponse } from './complaint-status.schema.ts';
import { SubmitComplaintRequest, SubmitComplaintResponse } from './submit-complaint.schema.ts';
import { AttachmentUploadRequest, AttachmentUploadResponse } from './attachment.schema.ts';
import { CustomerCallbackRequest, RepeatConfirmationRequest } from './complaint-status.schema.ts';

const built = (schema: ZodType): ZodType => (schema instanceof z.ZodLazy ? (schema.unwrap() as ZodType) : schema);
const err = (description: string) => ({ description, content: { 'application/json': { schema: ErrorResponse.unwrap() } } });

export function buildOpenApiDocument() {
  const registry = new OpenAPIRegistry();
  const paths: Record<string, Parameters<OpenAPIRegistry['registerPath']>[0]> = {
    submitComplaint: {
      method: 'post',
      path: '/api/complaints',
      summary: 'Submit a complaint (hosted form)',
      tags: ['customer'],
      request: {
        headers: z.object({
          'Idempotency-Key': z.string().min(8).max(128).optional().meta({ description: 'Send the same key on a retry: one complaint, the same answer' }),
        }),
        body: { content: { 'application/json': { schema: SubmitComplaintRequest.unwrap() } }, required: true },
      },
      responses: {
        201: {
          description: 'Registered; the acknowledgement with reference, access code and deadline',
          content: { 'application/json': { schema: SubmitComplaintResponse.unwrap() } },
        },
        400: err('A field is invalid; one message per field'),
        413: err('Body too large'),
        415: err('Body is not JSON'),
        422: err('Idempotency-Key reused with another body'),
      },
    },
    getComplaintStatus: {
      method: 'get',
      path: '/api/complaints/{reference}',
      summary: 'Follow a complaint',
      tags: ['customer'],
      request: {
        params: ComplaintStatusParams.unwrap(),
        headers: z.object({ 'X-Access-Code': z.string().meta({ description: 'The access code given at submission' }) }),
      },
      responses: {
        200: { description: 'Status, stage, deadlines and history', content: { 'application/json': { schema: ComplaintStatusResponse.unwrap() } } },
        404: err('Unknown reference, or wrong or missing access code (indistinguishable by design)'),
        429: err('Too many wrong access codes from this source (client address): refused for a while (Retry-After, in seconds); never for the reference'),
      },
    },
    createAttachmentUpload: {
      method: 'post',
      path: '/api/attachments',
      summary: 'Get a presigned upload for an attachment (image or PDF)',
      tags: ['customer'],
      request: { body: { content: { 'application/json': { schema: AttachmentUploadRequest.unwrap() } }, required: true } },
      responses: {
        201: {
          description: 'Upload the file with the returned method, URL and headers, then refer to its key',
          content: { 'application/json': { schema: AttachmentUploadResponse.unwrap() } },
        },
        400: err('Type not allowed or file too large'),
      },
    },
    submitCustomerCallback: {
      method: 'post',
      path: '/api/complaints/{reference}/callback',
      summary: 'Answer the satisfaction callback (1-5 and a comment)',
      tags: ['customer'],
      request: {
        params: ComplaintStatusParams.unwrap(),
        headers: z.object({ 'X-Access-Code': z.string() }),
        body: { content: { 'application/json': { schema: CustomerCallbackRequest.unwrap() } }, required: true },
      },
      responses: {
        200: { description: 'Recorded' },
        404: err('Unknown reference or wrong access code'),
        409: err('No callback is due'),
        429: err('Too many wrong access codes from this source (Retry-After)'),
      },
    },
    confirmRepeat: {
      method: 'post',
      path: '/api/complaints/{reference}/repeat-confirmation',
      summary: 'Confirm a complaint as a repeat of an earlier one with the one-time code mailed to the email on file: the two are merged',
      tags: ['customer'],
      request: {
        params: ComplaintStatusParams.unwrap(),
        headers: z.object({ 'X-Access-Code': z.string() }),
        body: { content: { 'application/json': { schema: RepeatConfirmationRequest.unwrap() } }, required: true },
      },
      responses: {
        200: { description: 'Merged into the earlier complaint (named), which this access code now opens too' },
        404: err('Unknown reference, wrong access code, or no valid confirmation code - one answer for all'),
        429: err('Too many wrong access codes from this source (Retry-After)'),
      },
    },
    getOpenApiDocument: {
      method: 'get',
      path: '/api/openapi.json',
      summary: 'This document',
      tags: ['meta'],
      responses: { 200: { description: 'OpenAPI 3.1 document' } },
    },
  };
  const bearer = registry.registerComponent('securitySchemes', 'staffJwt', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'ID token of the staff user pool (Cognito on AWS; the local issuer locally)',
  });
  for (const route of ROUTES) {
    if (route.auth === 'staff') {
      const spec: StaffOperationContract | undefined = STAFF_OPERATION_CONTRACT[route.operationId as StaffOperation];
      if (!spec) throw new Error(`Staff route ${route.operationId} has no operation`);
      registry.registerPath({
        method: route.method.toLowerCase() as 'get',
        path: route.path,
        operationId: route.operationId,
        summary: spec.summary,
        tags: ['staff'],
        security: [{ [bearer.name]: [] }],
        request: {
          ...(route.path.includes('{reference}') ? { params: ReferenceParams.unwrap() } : {}),
          ...(spec.query ? { query: built(spec.query) as never } : {}),
          ...(spec.body ? { body: { content: { 'application/json': { schema: built(spec.body) } }, required: true } } : {}),
        },
        responses: {
          [spec.successStatus ?? 200]: { description: 'Done' },
          400: err('A field is invalid'),
          401: err('No valid token'),
          403: err('Role, department or conflict of interest forbids it'),
          404: err('No such complaint'),
          409: err('Not possible in the current state, or someone else did it first'),
        },
      });
      continue;
    }
    const p = paths[route.operationId];
    if (!p) throw new Error(`Route ${route.operationId} has no OpenAPI description`);
    registry.registerPath({ ...p, operationId: route.operationId });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'Complaint pipeline API', version: '0.1.0', description: 'Customer and staff operations of the complaint pipeline' },
  });
}
