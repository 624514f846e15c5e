/**
 * A surge against a throttled Step Functions: the product started as `npm start` starts it,
 * with the local Step Functions endpoint metering StartExecution and state transitions by
 * token buckets (LOCAL_SFN_THROTTLING) at rates far below the arrival rate. Every complaint
 * accepted gets exactly one workflow, started by the stream hand-off (TableChanges), none
 * parked in the failure queue. On a manual clock the runtime runs no scheduled sweep, so the
 * orphan sweeper (the backstop) cannot be what started them.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { STATE_MACHINES } from '../../workflows/machines.ts';
import { clients, eventually, validComplaint } from '../support/clients.ts';
import { startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process.ts';

const COMPLAINTS = 100;
const CONCURRENCY = 16;
// StartExecution at 5 a second with a burst of 5 (us-east-1: 300 and 1,300), state transitions
// at 20 (us-east-1: 1,500): the intake outruns them several times over.
const THROTTLING = { api: { StartExecution: { bucket: 5, refillPerSecond: 5 } }, stateTransitions: { bucket: 20, refillPerSecond: 20 } };
const dataDir = mkdtempSync(join(tmpdir(), 'complaints-throttled-'));
let running: RuntimeProcess | undefined;

afterAll(async () => {
  await running?.stop('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('Step Functions throttled during a surge', () => {
  it("starts every accepted complaint's workflow once, retrying the throttled starts", async () => {
    running = await startRuntimeProcess({
      DATA_DIR: dataDir,
      COMPLAINT_REGION: 'cn',
      LOCAL_SFN_THROTTLING: JSON.stringify(THROTTLING),
      LOCAL_CLOCK_START: '2026-03-02T01:00:00.000Z',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    });
    const { ddb, sfn } = clients({ ...running, awsRegion: 'cn-north-1' });

    const given: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < COMPLAINTS) {
          next += 1;
          const res = await fetch(`${running!.apiUrl}/api/complaints`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(validComplaint()),
          });
          expect(res.status).toBe(201);
          given.push(((await res.json()) as { reference: string }).reference);
        }
      }),
    );
    expect(new Set(given).size).toBe(COMPLAINTS);

    // Both state machines (workflows/machines.ts): new complaints' and resumed ones' - which must have none.
    const list = async (name: string) =>
      (await sfn.send(new ListExecutionsCommand({ stateMachineArn: `arn:aws-cn:states:cn-north-1:000000000000:stateMachine:${name}`, maxResults: 1000 })))
        .executions ?? [];
    const executions = async () => [...(await list(STATE_MACHINES.lifecycle.name)), ...(await list(STATE_MACHINES.resume.name))];
    const all = await eventually(
      async () => {
        const e = await executions();
        return e.length >= COMPLAINTS && e;
      },
      90_000,
      `${COMPLAINTS} workflows`,
    );

    // Throttling happened, and was absorbed.
    const throttling = (await (await fetch(`${running.sfnEndpoint}/__local/throttling`)).json()) as {
      enabled: boolean;
      refused: Record<string, number>;
      transitionsDelayed: number;
    };
    expect(throttling.enabled).toBe(true);
    // How many starts were refused depends on how fast the machine submits; that some were is the
    // point (a count of refusals would be a timing assertion, issue 23).
    expect(throttling.refused.StartExecution).toBeGreaterThan(0);

    // One execution per complaint, named after it; none for anything else.
    expect(all.map((e) => e.name).sort()).toEqual([...given].sort());
    let items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await ddb.send(
        new ScanCommand({ TableName: 'complaints-cn', FilterExpression: 'SK = :m', ExpressionAttributeValues: { ':m': 'META' }, ExclusiveStartKey: start }),
      );
      items = items.concat(out.Items ?? []);
      start = out.LastEvaluatedKey;
    } while (start);
    expect(items.map((i) => i.reference).sort()).toEqual([...given].sort());
    expect(items.every((i) => i.executionName === i.reference && i.resumeCount === 0)).toBe(true);
    // Nothing parked in the consumer's failure queue.
    expect(existsSync(join(dataDir, 'streams', 'failed-TableChanges.jsonl'))).toBe(false);
  });
});
