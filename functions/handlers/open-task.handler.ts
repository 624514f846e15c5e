import * as z from 'zod';
import { STAGES } from '../domain/complaint.ts';
import { freshDeps } from '../wiring/container.ts';
import { openStaffTask } from '../use-cases/workflow/lifecycle.ts';
import { workflowTask } from './workflow-task.ts';

const OpenTaskInput = z.object({
  reference: z.string(),
  stage: z.enum(STAGES),
  taskToken: z.string().min(1),
  executionName: z.string(),
});

export const handler = workflowTask(OpenTaskInput, async (input) => openStaffTask(input, await freshDeps()));
