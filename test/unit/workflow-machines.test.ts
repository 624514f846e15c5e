/**
 * The two state machines of the one ASL file (workflows/machines.ts) and how the workflow
 * adapter picks one per execution (functions/adapters/sfn-workflow.ts): new complaints on the
 * machine that starts at Assess, resumed ones on the machine that starts at Resume.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SFNServiceException,
  StartExecutionCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { StepFunctionsWorkflow } from '../../functions/adapters/sfn-workflow.ts';
import { definitionStartingAt, startingAt, STATE_MACHINES } from '../../workflows/machines.ts';

const ASL_TEXT = readFileSync(new URL('../../workflows/complaint.asl.json', import.meta.url), 'utf8');
const ASL = JSON.parse(ASL_TEXT);

describe('the lifecycle machine: the file from Investigate', () => {
  it('starts at Investigate and leaves out only Resume, which nothing else reaches', () => {
    const lifecycle = startingAt(ASL, STATE_MACHINES.lifecycle.startAt);
    expect(ASL.StartAt).toBe('Resume');
    expect(lifecycle.StartAt).toBe('Investigate');
    expect(Object.keys(lifecycle.States)).toEqual(Object.keys(ASL.States).filter((s) => s !== 'Resume'));
    // The states themselves are the file's, unchanged.
    for (const [name, state] of Object.entries(lifecycle.States)) expect(state, name).toEqual(ASL.States[name]);
    expect(JSON.parse(definitionStartingAt(ASL_TEXT, 'Investigate'))).toEqual(lifecycle);
  });

  it('the resume machine is the file as it is', () => {
    expect(startingAt(ASL, undefined)).toBe(ASL);
    expect(definitionStartingAt(ASL_TEXT, undefined)).toBe(ASL_TEXT);
  });

  it('keeps what Next, Choice rules and Default, and Catch reach; refuses an unknown start or target', () => {
    const asl = {
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Next: 'B' },
        B: { Type: 'Choice', Choices: [{ Variable: '$.x', StringEquals: 'y', Next: 'C' }], Default: 'D' },
        C: { Type: 'Task', Resource: 'r', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'F' }], End: true },
        D: { Type: 'Succeed' },
        F: { Type: 'Fail' },
        G: { Type: 'Pass', Next: 'A' },
      },
    };
    expect(Object.keys(startingAt(asl, 'B').States)).toEqual(['B', 'C', 'D', 'F']);
    expect(Object.keys(startingAt(asl, 'C').States)).toEqual(['C', 'F']);
    expect(Object.keys(startingAt(asl, 'G').States)).toEqual(['A', 'B', 'C', 'D', 'F', 'G']);
    expect(() => startingAt(asl, 'Z')).toThrow(/No state Z/);
    expect(() => startingAt({ StartAt: 'X', States: { X: { Type: 'Pass', End: true }, A: { Type: 'Pass', Next: 'Q' } } }, 'A')).toThrow(
      /Q is a transition target/,
    );
  });
});

describe('StepFunctionsWorkflow: which machine', () => {
  const LIFECYCLE = 'arn:aws:states:cn-north-1:111111111111:stateMachine:complaint-lifecycle';
  const RESUME = 'arn:aws:states:cn-north-1:111111111111:stateMachine:complaint-resume';
  const exec = (sm: string, name: string) => `${sm.replace(':stateMachine:', ':execution:')}:${name}`;

  /** A Step Functions fake: executions by ARN; every call recorded. */
  function fake(running: Record<string, string> = {}) {
    const calls: string[] = [];
    // The SDK's own exceptions, as the client throws them.
    const sfn = {
      async send(command: StartExecutionCommand | DescribeExecutionCommand) {
        if (command instanceof StartExecutionCommand) {
          const p = command.input;
          calls.push(`start ${p.stateMachineArn!.split(':').pop()} ${p.name} ${p.input}`);
          const arn = exec(p.stateMachineArn!, p.name!);
          if (running[arn]) throw new ExecutionAlreadyExists({ message: 'exists', $metadata: { httpStatusCode: 400 } });
          running[arn] = 'RUNNING';
          return { executionArn: arn, startDate: new Date(0) };
        }
        const p = command.input;
        calls.push(`describe ${p.executionArn!.split(':').slice(-2).join(':')}`);
        const status = running[p.executionArn!];
        if (!status) throw new ExecutionDoesNotExist({ message: 'none', $metadata: { httpStatusCode: 400 } });
        return { executionArn: p.executionArn, status };
      },
    };
    return { calls, running, workflow: new StepFunctionsWorkflow(sfn as unknown as SFNClient, { lifecycle: LIFECYCLE, resume: RESUME }) };
  }

  it('starts a new complaint (resumeAt RECEIVED) on the lifecycle machine, a resumed one on the resume machine', async () => {
    const { calls, workflow } = fake();
    await workflow.start('CN-1', { reference: 'CN-1', resumeAt: 'RECEIVED' });
    await workflow.start('CN-2--r1', { reference: 'CN-2', resumeAt: 'INVESTIGATION' });
    await workflow.start('CN-3--r2', { reference: 'CN-3', resumeAt: 'CLOSED' });
    // Resumed, but never registered: the lifecycle machine's Investigate registers it.
    await workflow.start('CN-4--r1', { reference: 'CN-4', resumeAt: 'RECEIVED' });
    expect(calls).toEqual([
      'start complaint-lifecycle CN-1 {"reference":"CN-1","resumeAt":"RECEIVED"}',
      'start complaint-resume CN-2--r1 {"reference":"CN-2","resumeAt":"INVESTIGATION"}',
      'start complaint-resume CN-3--r2 {"reference":"CN-3","resumeAt":"CLOSED"}',
      'start complaint-lifecycle CN-4--r1 {"reference":"CN-4","resumeAt":"RECEIVED"}',
    ]);
    // Started already: no error.
    await workflow.start('CN-1', { reference: 'CN-1', resumeAt: 'RECEIVED' });
  });

  it('isRunning asks the machine the name points to first, then the other', async () => {
    const { calls, workflow } = fake({
      [exec(LIFECYCLE, 'CN-1')]: 'RUNNING',
      [exec(RESUME, 'CN-2--r1')]: 'RUNNING',
      [exec(LIFECYCLE, 'CN-4--r1')]: 'RUNNING',
      [exec(LIFECYCLE, 'CN-5')]: 'FAILED',
    });
    expect(await workflow.isRunning('CN-1')).toBe(true);
    expect(await workflow.isRunning('CN-2--r1')).toBe(true);
    expect(await workflow.isRunning('CN-4--r1')).toBe(true);
    expect(await workflow.isRunning('CN-5')).toBe(false);
    expect(await workflow.isRunning('CN-6')).toBe(false);
    expect(calls).toEqual([
      'describe complaint-lifecycle:CN-1',
      'describe complaint-resume:CN-2--r1',
      'describe complaint-resume:CN-4--r1',
      'describe complaint-lifecycle:CN-4--r1',
      'describe complaint-lifecycle:CN-5', // found (finished): one call
      'describe complaint-lifecycle:CN-6',
      'describe complaint-resume:CN-6',
    ]);
  });

  it('other errors are not swallowed', async () => {
    const denied = new SFNServiceException({ name: 'AccessDeniedException', $fault: 'client', message: 'no', $metadata: { httpStatusCode: 400 } });
    const sfn = {
      send: async () => {
        throw denied;
      },
    };
    const workflow = new StepFunctionsWorkflow(sfn as unknown as SFNClient, { lifecycle: LIFECYCLE, resume: RESUME });
    await expect(workflow.isRunning('CN-1')).rejects.toThrow('no');
  });
});
