/** WorkflowEngine on Step Functions (the real service on AWS, the local endpoint on one machine). */
import { isAwsError } from '../aws/errors.ts';
import type { StepFunctions } from '../aws/sfn.ts';
import type { WorkflowEngine, WorkflowInput } from '../domain/ports.ts';

/** The error the Callback state catches to reopen the investigation. */
export const REOPENED = 'Complaint.Reopened';

export class StepFunctionsWorkflow implements WorkflowEngine {
  constructor(private readonly sfn: StepFunctions, private readonly stateMachineArn: string) {}

  private executionArn(name: string): string {
    // arn:<partition>:states:<region>:<account>:stateMachine:<sm>  ->  ...:execution:<sm>:<name>
    return `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  }

  async start(executionName: string, input: WorkflowInput): Promise<void> {
    try {
      await this.sfn.startExecution({
        stateMachineArn: this.stateMachineArn, name: executionName, input: JSON.stringify(input),
      });
    } catch (e) {
      // Same name, same input: Step Functions answers with the existing execution; a
      // different input under the same name means it was started already, which is what we want.
      if (!isAwsError(e, 'ExecutionAlreadyExists')) throw e;
    }
  }

  async isRunning(executionName: string): Promise<boolean> {
    try {
      const out = await this.sfn.describeExecution({ executionArn: this.executionArn(executionName) });
      return out.status === 'RUNNING' || out.status === 'PENDING_REDRIVE';
    } catch (e) {
      if (isAwsError(e, 'ExecutionDoesNotExist')) return false;
      throw e;
    }
  }

  /**
   * A completed staff task's output goes to the waiting state. A callback that reopens the
   * complaint (`next: 'REOPEN'`) is sent as the task's failure `Complaint.Reopened`, which the
   * Callback state catches to go back to Investigate (workflows/complaint.asl.json): the usual,
   * satisfied path then needs no Choice state - one billed transition fewer per complaint.
   */
  async completeTask(taskToken: string, output: unknown): Promise<boolean> {
    try {
      if ((output as { next?: unknown } | undefined)?.next === 'REOPEN') {
        await this.sfn.sendTaskFailure({ taskToken, error: REOPENED, cause: JSON.stringify(output) });
        return true;
      }
      await this.sfn.sendTaskSuccess({ taskToken, output: JSON.stringify(output ?? {}) });
      return true;
    } catch (e) {
      if (isAwsError(e, 'TaskDoesNotExist', 'TaskTimedOut', 'InvalidToken')) return false;
      throw e;
    }
  }
}
