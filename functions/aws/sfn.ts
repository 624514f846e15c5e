/**
 * Step Functions for the functions (AWS JSON 1.0): the operations the workflow adapter uses.
 * Errors by their code: ExecutionAlreadyExists, ExecutionDoesNotExist, TaskDoesNotExist,
 * TaskTimedOut, InvalidToken, ThrottlingException (retried), ...
 */
import { AwsClient, type ClientOptions } from './signed-request.ts';
import { jsonError } from './errors.ts';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

export class StepFunctions {
  private readonly client: AwsClient;

  constructor(options: ClientOptions = {}) {
    this.client = new AwsClient({ signingName: 'states', endpointPrefix: 'states', envId: 'SFN' }, (r) => jsonError(r.status, r.headers, r.body), options);
  }

  startExecution(input: { stateMachineArn: string; name?: string; input?: string }): Promise<{ executionArn: string; startDate: number }> {
    return this.client.json('AWSStepFunctions.StartExecution', input);
  }

  describeExecution(input: { executionArn: string }): Promise<{ executionArn: string; status: ExecutionStatus; name?: string; startDate?: number; stopDate?: number }> {
    return this.client.json('AWSStepFunctions.DescribeExecution', input);
  }

  sendTaskSuccess(input: { taskToken: string; output: string }): Promise<Record<string, never>> {
    return this.client.json('AWSStepFunctions.SendTaskSuccess', input);
  }

  sendTaskFailure(input: { taskToken: string; error?: string; cause?: string }): Promise<Record<string, never>> {
    return this.client.json('AWSStepFunctions.SendTaskFailure', input);
  }
}
