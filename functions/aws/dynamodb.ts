/**
 * DynamoDB for the functions, document-style: items, keys and expression values are plain
 * JavaScript values, marshalled by @aws-sdk/util-dynamodb as the SDK's document client did
 * (`removeUndefinedValues`, `convertClassInstanceToMap`; numbers read back as numbers). Only
 * the operations the adapters use: GetItem, PutItem, UpdateItem, Query, TransactWriteItems,
 * BatchWriteItem (AWS JSON 1.0).
 *
 * A transaction carries a ClientRequestToken, the same on each retry of one call (the SDK's
 * idempotency token): when DynamoDB applied it and the answer was lost, the retry succeeds
 * without applying it twice.
 */
import { randomUUID } from 'node:crypto';
import { marshall, unmarshall, type NativeAttributeValue } from '@aws-sdk/util-dynamodb';
import { AwsClient, type ClientOptions } from './signed-request.ts';
import { isAwsError, jsonError, type AwsError } from './errors.ts';

/** DynamoDB's wire form of a value ({ S: 'x' }, { N: '1' }, { M: {...} }, ...): stream records carry it. */
export type AttributeValue = Record<string, unknown>;
export type Item = Record<string, NativeAttributeValue>;

interface Expressions {
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Item;
}
type ReturnConsumedCapacity = 'INDEXES' | 'TOTAL' | 'NONE';
export interface ConsumedCapacity { TableName?: string; CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number }

export interface GetInput { TableName: string; Key: Item; ConsistentRead?: boolean; ProjectionExpression?: string; ExpressionAttributeNames?: Record<string, string> }
export interface PutInput extends Expressions { TableName: string; Item: Item; ReturnValues?: 'NONE' | 'ALL_OLD' }
export interface UpdateInput extends Expressions { TableName: string; Key: Item; UpdateExpression: string; ReturnValues?: 'NONE' | 'ALL_OLD' | 'UPDATED_OLD' | 'ALL_NEW' | 'UPDATED_NEW' }
export interface DeleteInput extends Expressions { TableName: string; Key: Item }
export interface QueryInput {
  TableName: string;
  IndexName?: string;
  KeyConditionExpression: string;
  FilterExpression?: string;
  ProjectionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Item;
  ExclusiveStartKey?: Item;
  Limit?: number;
  ScanIndexForward?: boolean;
  ConsistentRead?: boolean;
  ReturnConsumedCapacity?: ReturnConsumedCapacity;
}
export interface TransactWriteItem {
  Put?: Omit<PutInput, 'ReturnValues'>;
  Update?: Omit<UpdateInput, 'ReturnValues'>;
  Delete?: DeleteInput;
  ConditionCheck?: Expressions & { TableName: string; Key: Item; ConditionExpression: string };
}
export interface TransactWriteInput { TransactItems: TransactWriteItem[]; ClientRequestToken?: string }
export interface WriteRequest { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }
export interface BatchWriteInput { RequestItems: Record<string, WriteRequest[]> }

/** Why each item of a cancelled transaction failed, in the order of TransactItems. */
export interface CancellationReason { Code?: string; Message?: string; Item?: Record<string, AttributeValue> }

/** The transaction was cancelled: `CancellationReasons` says which item's condition (or conflict) did it. */
export function isTransactionCanceled(e: unknown): e is AwsError & { CancellationReasons?: CancellationReason[] } {
  return isAwsError(e, 'TransactionCanceledException');
}

const MARSHALL = { removeUndefinedValues: true, convertClassInstanceToMap: true } as const;
/** Members holding one item or key, or a map of expression values: marshalled going out, unmarshalled coming back. */
const ITEM_MEMBERS = new Set(['Item', 'Key', 'ExpressionAttributeValues', 'ExclusiveStartKey', 'Attributes', 'LastEvaluatedKey']);

/** Marshals (or unmarshalls) every item member of a request (or answer), at any depth (TransactItems, RequestItems). */
function convert(value: unknown, direction: 'out' | 'in'): unknown {
  if (Array.isArray(value)) return value.map((v) => convert(v, direction));
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if (ITEM_MEMBERS.has(k)) out[k] = direction === 'out' ? marshall(v as Item, MARSHALL) : unmarshall(v as never);
    else if (k === 'Items' && direction === 'in') out[k] = (v as never[]).map((i) => unmarshall(i));
    else out[k] = convert(v, direction);
  }
  return out;
}

export class DocumentClient {
  private readonly client: AwsClient;

  constructor(options: ClientOptions = {}) {
    this.client = new AwsClient({ signingName: 'dynamodb', endpointPrefix: 'dynamodb', envId: 'DYNAMODB' }, (r) => jsonError(r.status, r.headers, r.body), options);
  }

  private async call<T>(operation: string, input: object): Promise<T> {
    const out = await this.client.json<unknown>(`DynamoDB_20120810.${operation}`, convert(input, 'out'));
    return convert(out, 'in') as T;
  }

  get(input: GetInput): Promise<{ Item?: Item }> {
    return this.call('GetItem', input);
  }

  put(input: PutInput): Promise<{ Attributes?: Item }> {
    return this.call('PutItem', input);
  }

  update(input: UpdateInput): Promise<{ Attributes?: Item }> {
    return this.call('UpdateItem', input);
  }

  query(input: QueryInput): Promise<{ Items?: Item[]; Count?: number; LastEvaluatedKey?: Item; ConsumedCapacity?: ConsumedCapacity }> {
    return this.call('Query', input);
  }

  transactWrite(input: TransactWriteInput): Promise<Record<string, never>> {
    return this.call('TransactWriteItems', { ...input, ClientRequestToken: input.ClientRequestToken ?? randomUUID() });
  }

  batchWrite(input: BatchWriteInput): Promise<{ UnprocessedItems?: Record<string, WriteRequest[]> }> {
    return this.call('BatchWriteItem', input);
  }
}
