/**
 * Step Functions (AWS SDK v3, settings: ./aws-clients.ts), created once per process.
 * Functions that start or complete workflows on every invocation import it directly (loaded at
 * start-up); the container loads it on first use for the others.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { StepFunctionsWorkflow } from '../adapters/sfn-workflow.ts';
import type { WorkflowEngine } from '../domain/ports.ts';
import { clientConfig, traced } from '../adapters/aws-clients.ts';
import { config } from '../shared/config.ts';

let engine: WorkflowEngine | undefined;

export function stepFunctions(): WorkflowEngine {
  if (!engine) {
    const { stateMachineArn, resumeStateMachineArn } = config();
    engine = new StepFunctionsWorkflow(traced(new SFNClient(clientConfig())), { lifecycle: stateMachineArn, resume: resumeStateMachineArn });
  }
  return engine;
}
