/**
 * DynamoDB for the functions, document-style (AWS SDK v3 DynamoDBDocument): items, keys and
 * expression values are plain JavaScript values, numbers read back as numbers. One client per
 * process, with the settings of ./aws-clients.ts.
 *
 * A transaction carries a ClientRequestToken (the SDK fills it in, an idempotency token, the
 * same on each retry of one call): when DynamoDB applied it and the answer was lost, the retry
 * succeeds without applying it twice.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import { clientConfig, traced } from './aws-clients.ts';

/** The document client the adapters take (a port: tests pass a fake with the same methods). */
export type DocumentClient = Pick<DynamoDBDocument, 'get' | 'put' | 'update' | 'delete' | 'query' | 'transactWrite' | 'batchWrite'>;
export type QueryInput = Parameters<DynamoDBDocument['query']>[0];
export type TransactWriteItem = NonNullable<Parameters<DynamoDBDocument['transactWrite']>[0]['TransactItems']>[number];
export type WriteRequest = NonNullable<Parameters<DynamoDBDocument['batchWrite']>[0]['RequestItems']>[string][number];

/** As the functions stored items before: undefined members dropped, class instances as maps. */
export const TRANSLATE_CONFIG = { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true } } as const;

/** A document client on a DynamoDB client of its own (tools, tests: another endpoint or region). */
export function createDocumentClient(config: ConstructorParameters<typeof DynamoDBClient>[0] = {}): DynamoDBDocument {
  return DynamoDBDocument.from(traced(new DynamoDBClient({ ...clientConfig(), ...config })), TRANSLATE_CONFIG);
}

let client: DynamoDBDocument | undefined;
/** The process's document client. */
export function documentClient(): DynamoDBDocument {
  client ??= createDocumentClient();
  return client;
}
