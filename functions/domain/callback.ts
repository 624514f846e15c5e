/**
 * Call back for satisfaction (S2 1.1.20, S1): a dissatisfied answer is analysed and reopens
 * or escalates the case. It cannot loop for ever: after the investigation was reopened once
 * and a manager reviewed it once, a further dissatisfied answer closes the complaint with the
 * dissatisfaction on record - the customer keeps the right to go to the ombudsman/regulator.
 */
import type { Complaint } from './complaint.ts';
import type { TaskItem } from './model.ts';

export type Satisfaction = 1 | 2 | 3 | 4 | 5;

/** How many times a dissatisfied answer sends the case back (once reopened, once escalated). */
export const MAX_REOPENS = 2;

/** Lowest score that counts as satisfied (3 = neutral on the 1-5 scale). */
export const SATISFIED_FROM: Satisfaction = 3;

export interface CallbackOutcome {
  satisfied: boolean;
  next: 'CLOSE' | 'REOPEN' | 'ESCALATE';
  /** Dissatisfied callbacks so far, including this one (Complaint.reopenCount). */
  reopenCount: number;
  /** Why, for the complaint's history. */
  reason: string;
}

export function callbackOutcome(input: { satisfaction: Satisfaction; reopenCount: number }): CallbackOutcome {
  const { satisfaction, reopenCount } = input;
  if (!Number.isInteger(satisfaction) || satisfaction < 1 || satisfaction > 5) {
    throw new RangeError(`satisfaction must be an integer from 1 to 5, got ${String(satisfaction)}`);
  }
  if (!Number.isInteger(reopenCount) || reopenCount < 0) {
    throw new RangeError(`reopenCount must be a non-negative integer, got ${String(reopenCount)}`);
  }
  if (satisfaction >= SATISFIED_FROM) {
    return { satisfied: true, next: 'CLOSE', reopenCount, reason: `satisfaction ${satisfaction}/5: satisfied, closed` };
  }
  const count = reopenCount + 1;
  if (reopenCount === 0) {
    return { satisfied: false, next: 'REOPEN', reopenCount: count, reason: `satisfaction ${satisfaction}/5: investigation reopened` };
  }
  if (reopenCount < MAX_REOPENS) {
    return { satisfied: false, next: 'ESCALATE', reopenCount: count, reason: `satisfaction ${satisfaction}/5 again: escalated to a manager` };
  }
  return {
    satisfied: false,
    next: 'CLOSE',
    reopenCount: count,
    reason: `satisfaction ${satisfaction}/5 after ${reopenCount} reviews: closed with the dissatisfaction recorded; the customer may refer it to the ombudsman or regulator`,
  };
}

/** Whether a dissatisfied answer would send the case back once more (what the reply tells the customer). */
export function dissatisfactionReviewed(reopenCount: number): boolean {
  return callbackOutcome({ satisfaction: 1, reopenCount }).next !== 'CLOSE';
}

/**
 * Our reply is out but the workflow has not opened the callback stage yet (it does so a moment
 * after the reply's task completes - longer when Step Functions missed the completion and the
 * orphan sweeper hands it over). The reply asks the satisfaction question, so the customer may
 * already answer: the answer is recorded and completes the callback stage when it opens.
 */
export function awaitsCallbackStage(
  c: Pick<Complaint, 'status' | 'stage' | 'reply' | 'earlyCallback'>,
  task: Pick<TaskItem, 'stage' | 'status'> | undefined,
): boolean {
  return c.status === 'OPEN' && c.stage === 'REPLY' && !!c.reply && !c.earlyCallback && task?.stage === 'REPLY' && task.status === 'completed';
}
