/**
 * The dashboard's aggregates store (DynamoDB), created once per process: for the functions
 * that read the dashboard (StaffApi) or keep it up to date (AggregateComplaints) only, so the
 * others do not bundle it.
 */
import { DynamoAggregates } from '../adapters/dynamo-aggregates.ts';
import { documentClient } from '../adapters/dynamo-client.ts';
import type { AggregateStore } from '../domain/dashboard.ts';
import type { ReturnStore } from '../domain/returns.ts';
import type { Container } from './container.ts';

let defaultStore: { table: string; store: DynamoAggregates } | undefined;

export function aggregatesOf(deps: Pick<Container, 'config'>): AggregateStore {
  if (defaultStore?.table !== deps.config.tableName) {
    defaultStore = { table: deps.config.tableName, store: new DynamoAggregates(documentClient(), deps.config.tableName) };
  }
  return defaultStore.store;
}

/** The regulatory returns' reads and first productions: the same store (domain/returns.ts). */
export function returnsOf(deps: Pick<Container, 'config'>): ReturnStore {
  aggregatesOf(deps);
  return defaultStore!.store;
}
