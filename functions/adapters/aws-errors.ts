/**
 * AWS errors as the adapters test them: the SDK's service exceptions, named by the service's
 * error code (ConditionalCheckFailedException, TransactionCanceledException, NoSuchKey,
 * NotFound, ExecutionAlreadyExists, ...), the HTTP status in `$metadata.httpStatusCode`.
 * Tested by shape, not class (no client imported here; a module loaded twice still answers).
 */
import type { TransactionCanceledException } from '@aws-sdk/client-dynamodb';

export type AwsError = Error & { $metadata: { httpStatusCode?: number; requestId?: string; attempts?: number }; $fault?: 'client' | 'server' };

/** Whether `e` is an AWS error (with one of these names, when given). */
export function isAwsError(e: unknown, ...names: string[]): e is AwsError {
  return e instanceof Error && typeof (e as { $metadata?: unknown }).$metadata === 'object' && (!names.length || names.includes(e.name));
}

/** The transaction was cancelled: `CancellationReasons` says which item's condition (or conflict) did it, in the order of TransactItems. */
export function isTransactionCanceled(e: unknown): e is TransactionCanceledException {
  return isAwsError(e, 'TransactionCanceledException');
}
