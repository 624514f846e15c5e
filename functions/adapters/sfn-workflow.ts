/** WorkflowEngine on Step Functions (the real service on AWS, the local endpoint on one machine). */
import { isAwsError } from '../aws/errors.ts';
import type { StepFunctions } from '../aws/sfn.ts';
import type { WorkflowEngine, WorkflowInput } from '../domain/ports.ts';

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

  async completeTask(taskToken: string, output: unknown): Promise<boolean> {
    try {
      await this.sfn.sendTaskSuccess({ taskToken, output: JSON.stringify(output ?? {}) });
      return true;
    } catch (e) {
      if (isAwsError(e, 'TaskDoesNotExist', 'TaskTimedOut', 'InvalidToken')) return false;
      throw e;
    }
  }
}
