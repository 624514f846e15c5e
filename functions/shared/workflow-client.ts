/**
 * Step Functions, created once per process. Functions that start or complete workflows on
 * every invocation import it directly (loaded at start-up); the container loads it on first
 * use for the others.
 */
import { StepFunctions } from '../aws/sfn.ts';
import { StepFunctionsWorkflow } from '../adapters/sfn-workflow.ts';
import type { WorkflowEngine } from '../domain/ports.ts';
import { config } from './config.ts';

let engine: WorkflowEngine | undefined;

export function stepFunctions(): WorkflowEngine {
  if (!engine) {
    const { stateMachineArn, resumeStateMachineArn } = config();
    engine = new StepFunctionsWorkflow(new StepFunctions(), { lifecycle: stateMachineArn, resume: resumeStateMachineArn });
  }
  return engine;
}
