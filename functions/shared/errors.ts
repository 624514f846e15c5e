/**
 * Named errors of the product. Use cases throw these; exactly one place
 * (`http/http-handler.ts`, `errorToResponse`) turns them into HTTP answers.
 */
export class AppError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
    readonly code: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export interface FieldIssue {
  field: string;
  message: string;
}

export class ValidationError extends AppError {
  constructor(
    readonly issues: FieldIssue[],
    message = 'The request is not valid',
  ) {
    super(message, 400, 'validation_failed');
  }
}
export class PayloadTooLargeError extends AppError {
  constructor(limit: number) {
    super(`The request body is larger than ${limit} bytes`, 413, 'payload_too_large');
  }
}
export class UnsupportedMediaTypeError extends AppError {
  constructor() {
    super('The request body must be JSON (Content-Type: application/json)', 415, 'unsupported_media_type');
  }
}
export class NotFoundError extends AppError {
  constructor(message = 'Not found') {
    super(message, 404, 'not_found');
  }
}
export class ConflictError extends AppError {
  constructor(message: string) {
    super(message, 409, 'conflict');
  }
}
export class IdempotencyMismatchError extends AppError {
  constructor() {
    super('This Idempotency-Key was already used with a different request body', 422, 'idempotency_key_reused');
  }
}
export class UnauthorizedError extends AppError {
  constructor(message = 'Sign-in required') {
    super(message, 401, 'unauthorized');
  }
}
export class ForbiddenError extends AppError {
  constructor(message = 'Not allowed') {
    super(message, 403, 'forbidden');
  }
}
/** Too many attempts (access-code guessing): refused until `retryAfterSeconds` have passed. */
export class TooManyRequestsError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message, 429, 'too_many_attempts');
  }
}
