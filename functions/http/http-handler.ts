/**
 * The one middy chain for HTTP API (payload v2.0) handlers: headers normalised, body
 * size-checked, parsed and validated against the operation's zod schema, and every error
 * turned into a JSON answer in exactly one place (`errorToResponse`). Never a stack trace.
 */
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ZodType } from 'zod';
import { parseOrThrow } from '../contract/validation.ts';
import { AppError, NotFoundError, PayloadTooLargeError, TooManyRequestsError, UnsupportedMediaTypeError, ValidationError } from '../shared/errors.ts';
import { logger } from '../shared/logger.ts';
import { BASE_HEADERS } from './headers.ts';

export interface HttpRequest<B> {
  body: B;
  headers: Record<string, string | undefined>;
  pathParameters: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  requestId: string;
  event: APIGatewayProxyEventV2;
}
export interface HttpAnswer {
  statusCode: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A non-JSON answer (e.g. a CSV export, a PDF): sent as it is, with its content type (bytes base64-encoded). */
export class RawBody {
  constructor(
    readonly contentType: string,
    /** The body: text (base64 of the bytes when `base64`, e.g. an XLSX export), or bytes, sent base64-encoded (a PDF). */
    readonly text: string | Uint8Array,
    readonly filename?: string,
    readonly base64?: boolean,
  ) {}
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { ...BASE_HEADERS, ...headers }, body: JSON.stringify(body) };
}

export function errorToResponse(error: unknown, requestId?: string): APIGatewayProxyStructuredResultV2 {
  if (error instanceof AppError) {
    const body: Record<string, unknown> = { error: error.code, message: error.message };
    if (error instanceof ValidationError) body.fields = error.issues;
    if (error instanceof TooManyRequestsError) return json(error.statusCode, body, { 'retry-after': String(error.retryAfterSeconds) });
    return json(error.statusCode, body);
  }
  // Unknown errors: logged by name and stack only (no request data), answered without detail.
  logger.error('Unhandled error', { errorName: (error as Error)?.name, stack: (error as Error)?.stack, requestId });
  return json(500, { error: 'internal_error', message: 'Something went wrong on our side; nothing was lost. Please try again.' });
}

export function readBody(event: APIGatewayProxyEventV2, maxBytes: number): unknown {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (raw.length > maxBytes) throw new PayloadTooLargeError(maxBytes);
  const type = event.headers?.['content-type'] ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) throw new UnsupportedMediaTypeError();
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ValidationError([{ field: '(body)', message: 'is not valid JSON' }], 'The request body is not valid JSON');
  }
}

export function httpHandler<B = undefined>(options: { body?: ZodType<B>; maxBodyBytes?: () => number }, fn: (req: HttpRequest<B>) => Promise<HttpAnswer>) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(httpHeaderNormalizer())
    .use({
      onError: async (request) => {
        request.response = errorToResponse(request.error, request.event?.requestContext?.requestId);
      },
    })
    .handler(async (event) => {
      const max = options.maxBodyBytes?.() ?? 64 * 1024;
      const body = options.body ? parseOrThrow(options.body, readBody(event, max) ?? {}) : (undefined as B);
      const answer = await fn({
        body,
        headers: event.headers ?? {},
        pathParameters: event.pathParameters ?? {},
        query: event.queryStringParameters ?? {},
        requestId: event.requestContext?.requestId ?? '',
        event,
      });
      if (answer.body instanceof RawBody) {
        const raw = answer.body;
        return {
          statusCode: answer.statusCode,
          headers: {
            ...BASE_HEADERS,
            'content-type': raw.contentType,
            ...(raw.filename ? { 'content-disposition': `attachment; filename="${raw.filename}"` } : {}),
            ...answer.headers,
          },
          ...(typeof raw.text === 'string'
            ? { body: raw.text, ...(raw.base64 ? { isBase64Encoded: true } : {}) }
            : { body: Buffer.from(raw.text).toString('base64'), isBase64Encoded: true }),
        };
      }
      return json(answer.statusCode, answer.body, answer.headers);
    });
}

/**
 * The complaint reference of a customer route. A malformed reference is answered exactly
 * like an unknown one: the API never tells which references exist.
 */
export function customerReference(pathParameters: Record<string, string | undefined>, schema: ZodType<{ reference: string }>): string {
  const r = schema.safeParse(pathParameters);
  if (!r.success) throw new NotFoundError('No complaint matches this reference and access code');
  return r.data.reference;
}
