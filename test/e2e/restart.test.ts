/**
 * Nothing is lost on restart: the product is started as a user starts it, a complaint is
 * submitted, the runtime is stopped while the complaint's workflow waits on a staff task,
 * and started again on the same data directory.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetExecutionHistoryCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { afterAll, describe, expect, it } from 'vitest';
import { STATE_MACHINES } from '../../workflows/machines.ts';
import { clients, eventually, getTask, validComplaint } from '../support/clients.ts';
import { startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'complaints-restart-'));
const env = { DATA_DIR: dataDir, COMPLAINT_REGION: 'cn' };
const TABLE = 'complaints-cn';
let running: RuntimeProcess | undefined;

function javaProcessesFor(dir: string): number {
  const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  return ps.split('\n').filter((l) => l.includes('DynamoDBLocal') && l.includes(dir)).length;
}

afterAll(async () => {
  await running?.stop('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('stop and restart', () => {
  it('keeps the complaint and resumes its workflow from the persisted stage', async () => {
    running = await startRuntimeProcess(env);
    let c = clients({ ...running, awsRegion: 'cn-north-1' });
    const res = await fetch(`${running.apiUrl}/api/complaints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(validComplaint()),
    });
    expect(res.status).toBe(201);
    const { reference, accessCode } = (await res.json()) as { reference: string; accessCode: string };
    const firstTask = await eventually(() => getTask(c.ddb, TABLE, reference), 120_000, 'first task');
    expect(firstTask.stage).toBe('INVESTIGATION');

    // Stop while the workflow waits: a clean exit, and no Java process left behind.
    expect(await running.stop('SIGTERM')).toBe(0);
    expect(running.output()).toContain('Stopped.');
    expect(javaProcessesFor(dataDir)).toBe(0);

    running = await startRuntimeProcess(env);
    c = clients({ ...running, awsRegion: 'cn-north-1' });
    expect(running.output()).toMatch(/Resumed the workflow of \d+ open complaint/);
    const status = (await (await fetch(`${running.apiUrl}/api/complaints/${reference}`, { headers: { 'x-access-code': accessCode } })).json()) as any;
    expect(status).toMatchObject({ reference, status: 'OPEN', stage: 'INVESTIGATION' });
    // The customer was told about the investigation once, not again by the resume.
    expect(status.history.map((h: any) => h.action)).toEqual(['received', 'registered']);

    const resumedTask = await eventually(
      async () => {
        const t = await getTask(c.ddb, TABLE, reference);
        return t && t.taskToken !== firstTask.taskToken && t;
      },
      120_000,
      'resumed task',
    );
    expect(resumedTask.executionName).toBe(`${reference}--r1`);

    // ... and the workflow still advances.
    await c.sfn.send(new SendTaskSuccessCommand({ taskToken: resumedTask.taskToken, output: '{}' }));
    const reply = await eventually(
      async () => {
        const t = await getTask(c.ddb, TABLE, reference);
        return t?.stage === 'REPLY' && t;
      },
      120_000,
      'reply task',
    );
    expect(reply.executionName).toBe(`${reference}--r1`);
    // The resumed execution runs on the resume machine: its Resume state, then straight back to Investigate.
    const entered = async (sm: string, name: string) =>
      (await c.sfn.send(new GetExecutionHistoryCommand({ executionArn: `arn:aws-cn:states:cn-north-1:000000000000:execution:${sm}:${name}` })))
        .events!.filter((e) => e.type?.endsWith('StateEntered'))
        .map((e) => e.stateEnteredEventDetails!.name);
    expect(await entered(STATE_MACHINES.resume.name, `${reference}--r1`)).toEqual(['Resume', 'Investigate', 'Reply']);
    // The first, on the lifecycle machine, had started at Investigate (registration included).
    expect(await entered(STATE_MACHINES.lifecycle.name, reference)).toEqual(['Investigate']);
    expect(await running.stop('SIGINT')).toBe(0);
    expect(javaProcessesFor(dataDir)).toBe(0);
  });
});
