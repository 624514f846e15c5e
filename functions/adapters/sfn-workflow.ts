/** WorkflowEngine on Step Functions (the real service on AWS, the local endpoint on one machine). */
import { DescribeExecutionCommand, SendTaskFailureCommand, SendTaskSuccessCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { isAwsError } from './aws-errors.ts';
import type { WorkflowEngine } from '../domain/ports.ts';
import type { WorkflowInput } from '../domain/model.ts';

/** The error the Callback state catches to reopen the investigation. */
export const REOPENED = 'Complaint.Reopened';
/** The error the waiting states catch to close a complaint merged into another (issue 16): it is answered there. */
export const MERGED = 'Complaint.Merged';

/**
 * The two state machines made of workflows/complaint.asl.json (workflows/machines.ts):
 * `lifecycle` starts at Investigate and has no Resume state (one billed transition fewer per new
 * complaint); `resume` starts at the Resume Choice, which sends an execution to its stage.
 */
export interface WorkflowMachines {
  lifecycle: string;
  resume: string;
}

/** A resumed execution's name: `<reference>--r<n>` (functions/use-cases/workflow/resume-orphans.ts). */
const RESUMED_NAME = /--r\d+$/;

const executionArn = (stateMachineArn: string, name: string) =>
  // arn:<partition>:states:<region>:<account>:stateMachine:<sm>  ->  ...:execution:<sm>:<name>
  `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

/**
 * Which machine runs an execution:
 * - start: the input decides, as it decides the first state - resumeAt RECEIVED (a new
 *   complaint, or a resumed one never registered) on `lifecycle`, which starts at
 *   Investigate; any other stage on `resume`, whose Resume state goes there. So no execution can
 *   start at the wrong state, whatever its name.
 * - isRunning: the name says where it most likely is (`--r<n>` on `resume`, the reference
 *   itself on `lifecycle`); when that machine has no such execution, the other is asked. One
 *   DescribeExecution for a running execution where its name says, two for one that is not
 *   there (the orphans, and a resumed complaint that was still RECEIVED).
 */
export class StepFunctionsWorkflow implements WorkflowEngine {
  constructor(
    private readonly sfn: Pick<SFNClient, 'send'>,
    private readonly machines: WorkflowMachines,
  ) {}

  async start(executionName: string, input: WorkflowInput): Promise<void> {
    const stateMachineArn = input.resumeAt === 'RECEIVED' ? this.machines.lifecycle : this.machines.resume;
    try {
      await this.sfn.send(new StartExecutionCommand({ stateMachineArn, name: executionName, input: JSON.stringify(input) }));
    } catch (e) {
      // Same name, same input: Step Functions answers with the existing execution; a
      // different input under the same name means it was started already, which is what we want.
      if (!isAwsError(e, 'ExecutionAlreadyExists')) throw e;
    }
  }

  async isRunning(executionName: string): Promise<boolean> {
    const { lifecycle, resume } = this.machines;
    const order = RESUMED_NAME.test(executionName) ? [resume, lifecycle] : [lifecycle, resume];
    for (const stateMachineArn of order) {
      try {
        const out = await this.sfn.send(new DescribeExecutionCommand({ executionArn: executionArn(stateMachineArn, executionName) }));
        return out.status === 'RUNNING' || out.status === 'PENDING_REDRIVE';
      } catch (e) {
        if (!isAwsError(e, 'ExecutionDoesNotExist')) throw e;
      }
    }
    return false;
  }

  /**
   * A completed staff task's output goes to the waiting state. A callback that reopens the
   * complaint (`next: 'REOPEN'`) is sent as the task's failure `Complaint.Reopened`, which the
   * Callback state catches to go back to Investigate (workflows/complaint.asl.json): the usual,
   * satisfied path then needs no Choice state - one billed transition fewer per complaint.
   * A complaint merged into another (`next: 'MERGED'`) is sent as `Complaint.Merged`, which every
   * waiting state catches to go to Close.
   */
  async completeTask(taskToken: string, output: unknown): Promise<boolean> {
    try {
      const next = (output as { next?: unknown } | undefined)?.next;
      if (next === 'REOPEN' || next === 'MERGED') {
        await this.sfn.send(new SendTaskFailureCommand({ taskToken, error: next === 'REOPEN' ? REOPENED : MERGED, cause: JSON.stringify(output) }));
        return true;
      }
      await this.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output ?? {}) }));
      return true;
    } catch (e) {
      if (isAwsError(e, 'TaskDoesNotExist', 'TaskTimedOut', 'InvalidToken')) return false;
      throw e;
    }
  }
}
