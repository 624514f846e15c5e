/** WorkflowEngine on Step Functions (the real service on AWS, the local endpoint on one machine). */
import {
  DescribeExecutionCommand, ExecutionAlreadyExists, ExecutionDoesNotExist, InvalidToken, SendTaskSuccessCommand, SFNClient, StartExecutionCommand,
  TaskDoesNotExist, TaskTimedOut,
} from '@aws-sdk/client-sfn';
import type { WorkflowEngine, WorkflowInput } from '../domain/ports.ts';

export class StepFunctionsWorkflow implements WorkflowEngine {
  constructor(private readonly sfn: SFNClient, private readonly stateMachineArn: string) {}

  private executionArn(name: string): string {
    // arn:<partition>:states:<region>:<account>:stateMachine:<sm>  ->  ...:execution:<sm>:<name>
    return `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  }

  async start(executionName: string, input: WorkflowInput): Promise<void> {
    try {
      await this.sfn.send(new StartExecutionCommand({
        stateMachineArn: this.stateMachineArn, name: executionName, input: JSON.stringify(input),
      }));
    } catch (e) {
      // Same name, same input: Step Functions answers with the existing execution; a
      // different input under the same name means it was started already, which is what we want.
      if (!(e instanceof ExecutionAlreadyExists)) throw e;
    }
  }

  async isRunning(executionName: string): Promise<boolean> {
    try {
      const out = await this.sfn.send(new DescribeExecutionCommand({ executionArn: this.executionArn(executionName) }));
      return out.status === 'RUNNING' || out.status === 'PENDING_REDRIVE';
    } catch (e) {
      if (e instanceof ExecutionDoesNotExist) return false;
      throw e;
    }
  }

  async completeTask(taskToken: string, output: unknown): Promise<boolean> {
    try {
      await this.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output ?? {}) }));
      return true;
    } catch (e) {
      if (e instanceof TaskDoesNotExist || e instanceof TaskTimedOut || e instanceof InvalidToken) return false;
      throw e;
    }
  }
}
