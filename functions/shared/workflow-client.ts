/**
 * Step Functions, created once per process. Functions that start or complete workflows on
 * every invocation import it directly (loaded at start-up); the container loads it on first
 * use for the others.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { StepFunctionsWorkflow } from '../adapters/sfn-workflow.ts';
import type { WorkflowEngine } from '../domain/ports.ts';
import { config } from './config.ts';
import { SDK_RETRY } from './sdk-retry.ts';

let engine: WorkflowEngine | undefined;

export function stepFunctions(): WorkflowEngine {
  engine ??= new StepFunctionsWorkflow(new SFNClient({ ...SDK_RETRY }), config().stateMachineArn);
  return engine;
}
