/**
 * The local Step Functions service running the real workflows/complaint.asl.json, driven
 * through @aws-sdk/client-sfn over its HTTP endpoint. Lambda functions are replaced by a
 * recorder here: this file tests the engine (tokens, resume, persistence), not the handlers.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand, ExecutionAlreadyExists, GetExecutionHistoryCommand, SendTaskFailureCommand, SendTaskHeartbeatCommand,
  SendTaskSuccessCommand, SFNClient, StartExecutionCommand, StopExecutionCommand, TaskDoesNotExist,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalStepFunctions } from '../../local/stepfunctions/engine.ts';
import { startStepFunctionsServer } from '../../local/stepfunctions/server.ts';
import { eventually } from '../support/clients.ts';

const ASL = readFileSync(join(import.meta.dirname, '../../workflows/complaint.asl.json'), 'utf8');
const SM = 'arn:aws:states:cn-north-1:000000000000:stateMachine:complaint-lifecycle';

interface Call { fn: string; payload: any }

function makeEngine(journalFile: string, calls: Call[], failOpenTaskFor = new Set<string>()) {
  return new LocalStepFunctions({
    definition: ASL,
    substitutions: { OpenTaskFunctionArn: 'arn:aws:lambda:cn-north-1:000000000000:function:OpenTask', WorkflowStepFunctionArn: 'arn:aws:lambda:cn-north-1:000000000000:function:WorkflowStep' },
    stateMachineArn: SM,
    journalFile,
    invoke: async (fn, payload: any) => {
      calls.push({ fn: fn.split(':').pop()!, payload });
      if (failOpenTaskFor.has(payload.reference)) throw Object.assign(new Error('boom'), { name: 'NotFoundError' });
      if (payload.step === 'assess') return { reference: payload.reference, major: false, crossDepartment: false };
      return payload.step === 'close' ? { reference: payload.reference, closedAt: '2026-01-01T00:00:00.000Z' } : { ok: true };
    },
  });
}

let engine: LocalStepFunctions;
let sfn: SFNClient;
let close: () => void;
const calls: Call[] = [];
const journal = join(mkdtempSync(join(tmpdir(), 'sfn-')), 'executions.jsonl');
const arn = (name: string) => `${SM.replace(':stateMachine:', ':execution:')}:${name}`;
const lastTask = (ref: string, stage: string) => [...calls].reverse().find((c) => c.payload.reference === ref && c.payload.stage === stage);

beforeAll(async () => {
  engine = makeEngine(journal, calls, new Set(['BROKEN']));
  const srv = await startStepFunctionsServer(engine);
  close = () => { srv.server.closeAllConnections(); srv.server.close(); };
  sfn = new SFNClient({ endpoint: srv.url, region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
});
afterAll(async () => { await engine.shutdown(); close(); });

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
    expect(JSON.parse(done.output!)).toMatchObject({ reference: 'A-1', assess: { major: false, crossDepartment: false }, close: { closedAt: '2026-01-01T00:00:00.000Z' } });
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn('A-1') }));
    const entered = history.events!.filter((e) => e.type?.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails!.name);
    expect(entered).toEqual(['Resume', 'Assess', 'Investigate', 'Reply', 'Callback', 'Close']);
    // The typical path costs 6 state transitions (README: cost).
    expect(entered.length).toBe(6);
    // A used token is gone.
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: tokens[0], output: '{}' }))).rejects.toBeInstanceOf(TaskDoesNotExist);
  });

  it('reopens the investigation after a dissatisfied callback: the task failure Complaint.Reopened is caught, straight back to Investigate', async () => {
    await sfn.send(new StartExecutionCommand({ stateMachineArn: SM, name: 'R-1', input: JSON.stringify({ reference: 'R-1', resumeAt: 'CALLBACK' }) }));
    const cb = await eventually(async () => lastTask('R-1', 'CALLBACK'));
    await sfn.send(new SendTaskFailureCommand({ taskToken: cb.payload.taskToken, error: 'Complaint.Reopened', cause: JSON.stringify({ next: 'REOPEN' }) }));
    const inv = await eventually(async () => lastTask('R-1', 'INVESTIGATION'));
    expect(inv.payload.executionName).toBe('R-1');
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn('R-1') }));
    expect(history.events!.filter((e) => e.type?.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails!.name)).toEqual(['Resume', 'Callback', 'Investigate']);
    await sfn.send(new StopExecutionCommand({ executionArn: arn('R-1') }));
  });

  it('resumes at the stage given in the input', async () => {
    await sfn.send(new StartExecutionCommand({ stateMachineArn: SM, name: 'B-1', input: JSON.stringify({ reference: 'B-1', resumeAt: 'CALLBACK' }) }));
    const call = await eventually(async () => lastTask('B-1', 'CALLBACK'));
    expect(calls.filter((c) => c.payload.reference === 'B-1').map((c) => c.payload.stage)).toEqual(['CALLBACK']);
    await sfn.send(new SendTaskFailureCommand({ taskToken: call.payload.taskToken, error: 'Staff.Rejected', cause: 'test' }));
    const failed = await eventually(async () => {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn: arn('B-1') }));
      return d.status === 'FAILED' && d;
    });
    expect(failed.error).toBe('Staff.Rejected');
  });

  it('is idempotent by name with the same input and refuses the same name with another input', async () => {
    const input = JSON.stringify({ reference: 'C-1', resumeAt: 'RECEIVED' });
    const a = await sfn.send(new StartExecutionCommand({ stateMachineArn: SM, name: 'C-1', input }));
    const b = await sfn.send(new StartExecutionCommand({ stateMachineArn: SM, name: 'C-1', input }));
    expect(b.executionArn).toBe(a.executionArn);
    await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: SM, name: 'C-1', input: '{"reference":"other","resumeAt":"RECEIVED"}' })))
      .rejects.toBeInstanceOf(ExecutionAlreadyExists);
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
    expect(h.events.filter((e) => e.type.endsWith('StateEntered')).length).toBe(6);
    await reloaded.shutdown();
  });
});
