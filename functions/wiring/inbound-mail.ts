/**
 * The email intake's adapters, created once per process: the inbound-email records (the
 * product's table, on the container's client) and the raw messages (the mail bucket, on the
 * process's S3 client).
 */
import { DynamoInboundRepository } from '../adapters/dynamo-inbound-repository.ts';
import { documentClient } from '../adapters/dynamo-client.ts';
import { S3InboundMailbox } from '../adapters/s3-inbound-mailbox.ts';
import type { InboundMailbox, InboundRepository } from '../domain/ports.ts';
import { config } from '../shared/config.ts';
import { s3 } from './object-storage.ts';

let records: InboundRepository | undefined;
let mailbox: InboundMailbox | undefined;

export function inboundRecords(): InboundRepository {
  records ??= new DynamoInboundRepository(documentClient(), config().tableName);
  return records;
}

export function inboundMailbox(): InboundMailbox {
  mailbox ??= new S3InboundMailbox(s3(), config().mailBucket);
  return mailbox;
}
