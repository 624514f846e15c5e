/**
 * Errors of AWS services as the functions see them: an Error whose `name` is the service's error
 * code (ConditionalCheckFailedException, TransactionCanceledException, NoSuchKey, NotFound,
 * ExecutionAlreadyExists, ThrottlingException, ...) - as the AWS SDK v3 named them, so that the
 * adapters' error handling reads the same - with the HTTP status in `$metadata.httpStatusCode`
 * and the error's other fields (e.g. DynamoDB's `CancellationReasons`) on the error itself.
 */
import type { IncomingHttpHeaders } from 'node:http';

export interface AwsErrorMetadata { httpStatusCode: number; requestId?: string; attempts?: number }

export class AwsError extends Error {
  readonly $metadata: AwsErrorMetadata;
  readonly $fault: 'client' | 'server';
  [field: string]: unknown;

  constructor(code: string, message: string, metadata: AwsErrorMetadata, fields: Record<string, unknown> = {}) {
    super(message);
    Object.assign(this, fields);
    this.name = code;
    this.$metadata = metadata;
    this.$fault = metadata.httpStatusCode >= 500 ? 'server' : 'client';
  }
}

/** Whether `e` is an AWS error (with one of these codes, when given). By shape, not class: a module loaded twice still answers. */
export function isAwsError(e: unknown, ...codes: string[]): e is AwsError {
  return e instanceof Error && typeof (e as { $metadata?: unknown }).$metadata === 'object' && (!codes.length || codes.includes(e.name));
}

/** What an S3 error without a body (HEAD) is named after: the SDK's names. */
const BY_STATUS: Record<number, string> = { 301: 'MovedPermanently', 304: 'NotModified', 400: 'BadRequest', 403: 'Forbidden', 404: 'NotFound', 412: 'PreconditionFailed' };

/** `com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException` or `TooManyRequestsException:http://...` -> the code. */
export function sanitizeCode(raw: string): string {
  return raw.split(':')[0].split('#').pop()!.trim();
}

/** The JSON protocols' error (DynamoDB, Step Functions: AWS JSON 1.0; SES v2: REST JSON). */
export function jsonError(status: number, headers: IncomingHttpHeaders, body: Buffer): AwsError {
  let parsed: Record<string, unknown> = {};
  try {
    if (body.length) parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch { /* not JSON (a proxy's page): named by the status */ }
  const { __type, code, Code, message, Message, ...fields } = parsed;
  const raw = headerOf(headers, 'x-amzn-errortype') ?? __type ?? code ?? Code;
  const name = typeof raw === 'string' && raw ? sanitizeCode(raw) : BY_STATUS[status] ?? 'UnknownError';
  return new AwsError(name, String(message ?? Message ?? name), metadataOf(status, headers), fields);
}

/** S3's error (REST XML): `<Error><Code>NoSuchKey</Code><Message>...</Message></Error>`, or none for HEAD. */
export function xmlError(status: number, headers: IncomingHttpHeaders, body: Buffer): AwsError {
  const xml = body.toString('utf8');
  const code = /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(xml)?.[1];
  const name = code || BY_STATUS[status] || 'UnknownError';
  return new AwsError(name, message ? decodeXml(message) : name, metadataOf(status, headers));
}

function headerOf(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function metadataOf(status: number, headers: IncomingHttpHeaders): AwsErrorMetadata {
  const requestId = headerOf(headers, 'x-amzn-requestid') ?? headerOf(headers, 'x-amz-request-id');
  return { httpStatusCode: status, ...(requestId ? { requestId } : {}) };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
/** XML text content: the five named entities and numeric references. */
export function decodeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : ENTITIES[e]);
}
