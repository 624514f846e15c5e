/**
 * The local Step Functions service running the real workflows/complaint.asl.json as the two
 * state machines of workflows/machines.ts (new complaints from Investigate, resumed ones from
 * Resume), driven through @aws-sdk/client-sfn over its HTTP endpoint. Lambda functions are
 * replaced by a recorder here: this file tests the engine (machines, tokens, resume,
 * persistence), not the handlers.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
  TaskDoesNotExist,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalStepFunctions } from '../../local/emulators/stepfunctions/engine.ts';
import { startStepFunctionsServer } from '../../local/emulators/stepfunctions/server.ts';
import { definitionStartingAt, STATE_MACHINES } from '../../workflows/machines.ts';
import { eventually } from '../support/clients.ts';

const ASL = readFileSync(join(import.meta.dirname, '../../workflows/complaint.asl.json'), 'utf8');
/** New complaints: the file from Investigate, without Resume. */
const SM = `arn:aws:states:cn-north-1:000000000000:stateMachine:${STATE_MACHINES.lifecycle.name}`;
/** Resumed complaints: the file as it is, from Resume. */
const RESUME_SM = `arn:aws:states:cn-north-1:000000000000:stateMachine:${STATE_MACHINES.resume.name}`;

interface Call {
  fn: string;
  payload: any;
}

function makeEngine(journalFile: string, calls: Call[], failOpenTaskFor = new Set<string>()) {
  return new LocalStepFunctions({
    machines: [
      { stateMachineArn: SM, definition: definitionStartingAt(ASL, STATE_MACHINES.lifecycle.startAt) },
      { stateMachineArn: RESUME_SM, definition: ASL },
    ],
    substitutions: {
      OpenTaskFunctionArn: 'arn:aws:lambda:cn-north-1:000000000000:function:OpenTask',
      WorkflowStepFunctionArn: 'arn:aws:lambda:cn-north-1:000000000000:function:WorkflowStep',
    },
    journalFile,
    invoke: async (fn, payload: any) => {
      calls.push({ fn: fn.split(':').pop()!, payload });
      if (failOpenTaskFor.has(payload.reference)) throw Object.assign(new Error('boom'), { name: 'NotFoundError' });
      return payload.step === 'close' ? { reference: payload.reference, closedAt: '2026-01-01T00:00:00.000Z' } : { ok: true };
    },
  });
}

let engine: LocalStepFunctions;
let sfn: SFNClient;
let close: () => void;
const calls: Call[] = [];
const journal = join(mkdtempSync(join(tmpdir(), 'sfn-')), 'executions.jsonl');
const arn = (name: string, sm = SM) => `${sm.replace(':stateMachine:', ':execution:')}:${name}`;
const entered = (events: { type?: string; stateEnteredEventDetails?: { name?: string } }[]) =>
  events.filter((e) => e.type?.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails!.name);
const lastTask = (ref: string, stage: string) => [...calls].reverse().find((c) => c.payload.reference === ref && c.payload.stage === stage);

beforeAll(async () => {
  engine = makeEngine(journal, calls, new Set(['BROKEN']));
  const srv = await startStepFunctionsServer(engine);
  close = () => {
    srv.server.closeAllConnections();
    srv.server.close();
  };
  sfn = new SFNClient({ endpoint: srv.url, region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
});
afterAll(async () => {
  await engine.shutdown();
  close();
});

describe('local Step Functions endpoint', () => {
  it('walks the state machine through every staff task with minted task tokens, then closes', async () => {
    await sfn.send(new StartExecutionCommand({ stateMachineArn: SM, name: 'A-1', input: JSON.stringify({ reference: 'A-1', resumeAt: 'RECEIVED' }) }));
    const tokens: string[] = [];
    for (const stage of ['INVESTIGATION', 'REPLY', 'CALLBACK']) {
      const call = await eventually(async () => lastTask('A-1', stage), 5000, stage);
      expect(call.fn).toBe('OpenTask');
      expect(call.payload.executionName).toBe('A-1');
      expect(call.payload.taskToken).not.toContain('__LOCAL_TASK_TOKEN__');
      tokens.push(call.payload.taskToken);
      await sfn.send(new SendTaskHeartbeatCommand({ taskToken: call.payload.taskToken }));
      await sfn.send(new SendTaskSuccessCommand({ taskToken: call.payload.taskToken, output: JSON.stringify({ stage, next: 'CLOSE' }) }));
    }
    expect(new Set(tokens).size).toBe(3);
    const done = await eventually(async () => {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn: arn('A-1') }));
      return d.status === 'SUCCEEDED' && d;
    });
    expect(JSON.parse(done.output!)).toMatchObject({ reference: 'A-1', close: { closedAt: '2026-01-01T00:00:00.000Z' } });
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn('A-1') }));
    // A new complaint starts at Investigate (which registers it): the typical path costs 4 state
    // transitions (README: cost), and no step calls the old Assess.
    expect(entered(history.events!)).toEqual(['Investigate', 'Reply', 'Callback', 'Close']);
    expect(JSON.parse(done.output!)).not.toHaveProperty('assess');
    // A used token is gone.
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: tokens[0], output: '{}' }))).rejects.toBeInstanceOf(TaskDoesNotExist);
  });

  it('reopens the investigation after a dissatisfied callback: the task failure Complaint.Reopened is caught, straight back to Investigate', async () => {
    await sfn.send(
      new StartExecutionCommand({ stateMachineArn: RESUME_SM, name: 'R-1--r1', input: JSON.stringify({ reference: 'R-1', resumeAt: 'CALLBACK' }) }),
    );
    const cb = await eventually(async () => lastTask('R-1', 'CALLBACK'));
    await sfn.send(new SendTaskFailureCommand({ taskToken: cb.payload.taskToken, error: 'Complaint.Reopened', cause: JSON.stringify({ next: 'REOPEN' }) }));
    const inv = await eventually(async () => lastTask('R-1', 'INVESTIGATION'));
    expect(inv.payload.executionName).toBe('R-1--r1');
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn('R-1--r1', RESUME_SM) }));
    expect(entered(history.events!)).toEqual(['Resume', 'Callback', 'Investigate']);
    await sfn.send(new StopExecutionCommand({ executionArn: arn('R-1--r1', RESUME_SM) }));
  });

  it('the longest path - dissatisfied twice, then closed - costs 10 state transitions (README: cost)', async () => {
    await sfn.send(new StartExecutionCommand({ stateMachineArn: SM, name: 'L-1', input: JSON.stringify({ reference: 'L-1', resumeAt: 'RECEIVED' }) }));
    let previous: string | undefined;
    const next = async (stage: string) => {
      const call = await eventually(
        async () => {
          const c = lastTask('L-1', stage);
          return c && c.payload.taskToken !== previous && c;
        },
        5000,
        stage,
      );
      previous = call.payload.taskToken;
      return call.payload.taskToken as string;
    };
    for (let round = 1; round <= 3; round++) {
      await sfn.send(new SendTaskSuccessCommand({ taskToken: await next('INVESTIGATION'), output: '{}' }));
      await sfn.send(new SendTaskSuccessCommand({ taskToken: await next('REPLY'), output: '{}' }));
      const callback = await next('CALLBACK');
      if (round < 3)
        await sfn.send(new SendTaskFailureCommand({ taskToken: callback, error: 'Complaint.Reopened', cause: JSON.stringify({ next: 'REOPEN' }) }));
      else await sfn.send(new SendTaskSuccessCommand({ taskToken: callback, output: JSON.stringify({ next: 'CLOSE' }) }));
    }
    await eventually(async () => (await sfn.send(new DescribeExecutionCommand({ executionArn: arn('L-1') }))).status === 'SUCCEEDED');
    const path = entered((await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn('L-1') }))).events!);
    expect(path).toEqual([...Array(3).fill(['Investigate', 'Reply', 'Callback']).flat(), 'Close']);
    expect(path.length).toBe(10);
  });

  it('resumes at the stage given in the input, on the resume machine: Resume, then straight to that stage (a restart adds 1 transition)', async () => {
    await sfn.send(
      new StartExecutionCommand({ stateMachineArn: RESUME_SM, name: 'B-1--r1', input: JSON.stringify({ reference: 'B-1', resumeAt: 'CALLBACK' }) }),
    );
    const call = await eventually(async () => lastTask('B-1', 'CALLBACK'));
    expect(calls.filter((c) => c.payload.reference === 'B-1').map((c) => c.payload.stage)).toEqual(['CALLBACK']);
    await sfn.send(new SendTaskFailureCommand({ taskToken: call.payload.taskToken, error: 'Staff.Rejected', cause: 'test' }));
    const failed = await eventually(async () => {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn: arn('B-1--r1', RESUME_SM) }));
      return d.status === 'FAILED' && d;
    });
    expect(failed.error).toBe('Staff.Rejected');
    expect(failed.stateMachineArn).toBe(RESUME_SM);
    expect(entered((await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn('B-1--r1', RESUME_SM) }))).events!).slice(0, 2)).toEqual([
      'Resume',
      'Callback',
    ]);
  });

  it('a resumed execution at every stage starts there; one still RECEIVED goes to Investigate, which registers it', async () => {
    const firstTask = { RECEIVED: 'Investigate', INVESTIGATION: 'Investigate', REPLY: 'Reply', CALLBACK: 'Callback', CLOSED: 'Close' };
    for (const [stage, state] of Object.entries(firstTask)) {
      const name = `S-${stage}--r1`;
      await sfn.send(new StartExecutionCommand({ stateMachineArn: RESUME_SM, name, input: JSON.stringify({ reference: `S-${stage}`, resumeAt: stage }) }));
      const path = await eventually(
        async () => {
          const e = entered((await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn(name, RESUME_SM) }))).events!);
          return e.length >= 2 && e;
        },
        5000,
        name,
      );
      expect(path.slice(0, 2), stage).toEqual(['Resume', state]);
      await sfn.send(new StopExecutionCommand({ executionArn: arn(name, RESUME_SM) }));
    }
  });

  it('hosts both machines, each with its own executions; the lifecycle machine has no Resume state', async () => {
    const names = async (sm: string) => ((await sfn.send(new ListExecutionsCommand({ stateMachineArn: sm }))).executions ?? []).map((e) => e.name);
    await eventually(async () => (await names(SM)).includes('A-1'));
    expect(await names(SM)).not.toContain('B-1--r1');
    expect(await names(RESUME_SM)).toContain('B-1--r1');
    expect(await names(RESUME_SM)).not.toContain('A-1');
    // An execution is found on its own machine only.
    await expect(sfn.send(new DescribeExecutionCommand({ executionArn: arn('A-1', RESUME_SM) }))).rejects.toBeInstanceOf(ExecutionDoesNotExist);
    // A machine the endpoint does not host.
    const other = SM.replace(/[^:]+$/, 'other');
    await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: other, name: 'X-1', input: '{}' }))).rejects.toBeInstanceOf(StateMachineDoesNotExist);
    await expect(sfn.send(new ListExecutionsCommand({ stateMachineArn: other }))).rejects.toBeInstanceOf(StateMachineDoesNotExist);
    // The same name on both machines: two executions (names are per machine, as on AWS).
    await sfn.send(new StartExecutionCommand({ stateMachineArn: SM, name: 'F-1', input: JSON.stringify({ reference: 'F-1', resumeAt: 'RECEIVED' }) }));
    await sfn.send(new StartExecutionCommand({ stateMachineArn: RESUME_SM, name: 'F-1', input: JSON.stringify({ reference: 'F-1', resumeAt: 'REPLY' }) }));
    await eventually(async () => lastTask('F-1', 'REPLY'));
    await eventually(async () => lastTask('F-1', 'INVESTIGATION'));
    for (const sm of [SM, RESUME_SM]) await sfn.send(new StopExecutionCommand({ executionArn: arn('F-1', sm) }));
    // Started at Investigate, the lifecycle machine never passes Resume: whatever its input says, it investigates.
    await sfn.send(new StartExecutionCommand({ stateMachineArn: SM, name: 'G-1', input: JSON.stringify({ reference: 'G-1', resumeAt: 'CALLBACK' }) }));
    await eventually(async () => lastTask('G-1', 'INVESTIGATION'));
    expect(entered((await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn('G-1') }))).events!)).toEqual(['Investigate']);
    await sfn.send(new StopExecutionCommand({ executionArn: arn('G-1') }));
  });

  it('is idempotent by name with the same input and refuses the same name with another input', async () => {
    const input = JSON.stringify({ reference: 'C-1', resumeAt: 'RECEIVED' });
    const a = await sfn.send(new StartExecutionCommand({ stateMachineArn: SM, name: 'C-1', input }));
    const b = await sfn.send(new StartExecutionCommand({ stateMachineArn: SM, name: 'C-1', input }));
    expect(b.executionArn).toBe(a.executionArn);
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn: SM, name: 'C-1', input: '{"reference":"other","resumeAt":"RECEIVED"}' })),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);
  });

  it('fails the execution when the task function fails, with the function error name', async () => {
    await sfn.send(new StartExecutionCommand({ stateMachineArn: SM, name: 'BROKEN', input: JSON.stringify({ reference: 'BROKEN', resumeAt: 'RECEIVED' }) }));
    const d = await eventually(async () => {
      const x = await sfn.send(new DescribeExecutionCommand({ executionArn: arn('BROKEN') }));
      return x.status === 'FAILED' && x;
    });
    expect(d.error).toBe('NotFoundError');
  });

  it('stops an execution and drops its pending token', async () => {
    await sfn.send(new StartExecutionCommand({ stateMachineArn: SM, name: 'D-1', input: JSON.stringify({ reference: 'D-1', resumeAt: 'RECEIVED' }) }));
    const call = await eventually(async () => lastTask('D-1', 'INVESTIGATION'));
    await sfn.send(new StopExecutionCommand({ executionArn: arn('D-1'), error: 'Test', cause: 'stopped by test' }));
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn: arn('D-1') }))).status).toBe('ABORTED');
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: call.payload.taskToken, output: '{}' }))).rejects.toBeInstanceOf(TaskDoesNotExist);
  });

  it('keeps execution records across a restart; a running one comes back ABORTED for the sweeper to resume', async () => {
    await sfn.send(new StartExecutionCommand({ stateMachineArn: SM, name: 'E-1', input: JSON.stringify({ reference: 'E-1', resumeAt: 'RECEIVED' }) }));
    await eventually(async () => lastTask('E-1', 'INVESTIGATION'));
    const reloaded = makeEngine(journal, []);
    const e1 = reloaded.describeExecution({ executionArn: arn('E-1') });
    expect(e1.status).toBe('ABORTED');
    expect(e1.error).toBe('Local.RuntimeRestarted');
    expect(reloaded.describeExecution({ executionArn: arn('A-1') }).status).toBe('SUCCEEDED');
    const h = reloaded.getExecutionHistory({ executionArn: arn('A-1') });
    expect(h.events.filter((e) => e.type.endsWith('StateEntered')).length).toBe(4);
    // Each execution comes back on its own machine; executionArnFor finds a name on either.
    expect(reloaded.describeExecution({ executionArn: arn('B-1--r1', RESUME_SM) })).toMatchObject({ status: 'FAILED', stateMachineArn: RESUME_SM });
    expect(reloaded.executionArnFor('B-1--r1')).toBe(arn('B-1--r1', RESUME_SM));
    expect(reloaded.executionArnFor('A-1')).toBe(arn('A-1'));
    expect(reloaded.listExecutions({ stateMachineArn: RESUME_SM }).executions.map((e) => e.name)).toContain('B-1--r1');
    expect(reloaded.listExecutions({ stateMachineArn: SM }).executions.map((e) => e.name)).not.toContain('B-1--r1');
    await reloaded.shutdown();
  });
});
