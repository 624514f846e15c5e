/**
 * Validation at the boundary: a value checked against its zod schema, every problem reported as
 * one message per field, named by its path (a ValidationError: 400 with the fields, mapped in
 * http/http-handler.ts errorToResponse). Used by the HTTP layer, the workflow's task inputs and
 * the use cases that read a query.
 */
import type { ZodType } from 'zod';
import { ValidationError, type FieldIssue } from '../shared/errors.ts';

/** A key as the message names it: quoted when it has nothing visible (`{"": 1}` names `""`). */
const keyName = (k: PropertyKey): string => (/\S/.test(String(k)) ? String(k) : JSON.stringify(String(k)));

/** zod issues -> one message per field, named by its path. */
export function fieldIssues(issues: readonly { path: PropertyKey[]; message: string; code: string; keys?: string[] }[]): FieldIssue[] {
  return issues.flatMap((i) => {
    const field = i.path.map(keyName).join('.') || '(body)';
    if (i.code === 'unrecognized_keys' && i.keys) {
      return i.keys.map((k) => ({ field: field === '(body)' ? keyName(k) : `${field}.${keyName(k)}`, message: 'is not a known field' }));
    }
    const message = /received undefined/.test(i.message) ? 'is required' : i.message;
    return [{ field, message }];
  });
}

export function parseOrThrow<T>(schema: ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new ValidationError(fieldIssues(r.error.issues as never));
  return r.data;
}
