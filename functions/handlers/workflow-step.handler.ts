import * as z from 'zod';
import { deps, freshDeps } from '../wiring/container.ts';
import { closeComplaint } from '../use-cases/workflow/lifecycle.ts';
import { assessComplaint } from '../use-cases/workflow/registration.ts';
import { recordWorkflowFailure } from '../use-cases/workflow/failure.ts';
import { workflowTask } from './workflow-task.ts';

const StepInput = z.discriminatedUnion('step', [
  z.object({ step: z.literal('assess'), reference: z.string() }),
  z.object({ step: z.literal('close'), reference: z.string() }),
  z.object({ step: z.literal('record-failure'), reference: z.string(), executionName: z.string(), error: z.string() }),
]);

export const handler = workflowTask(StepInput, async (input) => {
  switch (input.step) {
    case 'assess':
      return assessComplaint(input, await freshDeps());
    case 'close':
      return closeComplaint(input, deps());
    case 'record-failure':
      return recordWorkflowFailure(input, deps());
  }
});
