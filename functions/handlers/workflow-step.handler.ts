import { z } from 'zod';
import { deps } from '../shared/container.ts';
import { closeComplaint } from '../use-cases/workflow-steps.ts';
import { workflowTask } from './workflow-task.ts';

const StepInput = z.discriminatedUnion('step', [
  z.object({ step: z.literal('close'), reference: z.string() }),
]);

export const handler = workflowTask(StepInput, async (input) => {
  switch (input.step) {
    case 'close': return closeComplaint(input, deps());
  }
});
