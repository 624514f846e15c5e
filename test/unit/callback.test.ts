import { describe, it, expect } from 'vitest';
import { awaitsCallbackStage, callbackOutcome, dissatisfactionReviewed, MAX_REOPENS, type Satisfaction } from '../../functions/domain/callback.ts';

describe('callbackOutcome', () => {
  it('allows the case back twice: reopened once, escalated once', () => {
    expect(MAX_REOPENS).toBe(2);
  });

  it.each([
    // satisfaction, reopenCount before, satisfied, next, reopenCount after
    [5, 0, true, 'CLOSE', 0],
    [4, 0, true, 'CLOSE', 0],
    [3, 0, true, 'CLOSE', 0], // neutral counts as satisfied
    [3, 1, true, 'CLOSE', 1], // satisfied after a reopen: closed, count unchanged
    [5, 2, true, 'CLOSE', 2],
    [2, 0, false, 'REOPEN', 1], // first dissatisfied answer: investigation reopened
    [1, 0, false, 'REOPEN', 1],
    [2, 1, false, 'ESCALATE', 2], // second: a manager reviews it
    [1, 1, false, 'ESCALATE', 2],
    [1, 2, false, 'CLOSE', 3], // third: closed, dissatisfaction on record
    [2, 2, false, 'CLOSE', 3],
    [1, 7, false, 'CLOSE', 8], // never loops, whatever the count
  ] as const)('satisfaction %i after %i reopens -> satisfied %s, %s, count %i', (satisfaction, reopenCount, satisfied, next, after) => {
    expect(callbackOutcome({ satisfaction, reopenCount })).toMatchObject({ satisfied, next, reopenCount: after });
  });

  it('walks a persistently dissatisfied customer through reopen, escalate, close', () => {
    let count = 0;
    const path: string[] = [];
    for (let i = 0; i < 3; i++) {
      const o = callbackOutcome({ satisfaction: 1, reopenCount: count });
      path.push(o.next);
      count = o.reopenCount;
    }
    expect(path).toEqual(['REOPEN', 'ESCALATE', 'CLOSE']);
    expect(count).toBe(MAX_REOPENS + 1);
  });

  it('records why, and tells staff the customer may still go to the ombudsman or regulator', () => {
    expect(callbackOutcome({ satisfaction: 4, reopenCount: 0 }).reason).toBe('satisfaction 4/5: satisfied, closed');
    expect(callbackOutcome({ satisfaction: 2, reopenCount: 0 }).reason).toBe('satisfaction 2/5: investigation reopened');
    expect(callbackOutcome({ satisfaction: 2, reopenCount: 1 }).reason).toBe('satisfaction 2/5 again: escalated to a manager');
    expect(callbackOutcome({ satisfaction: 1, reopenCount: 2 }).reason).toMatch(/closed with the dissatisfaction recorded.*ombudsman or regulator/);
  });

  it.each([
    [0, 0],
    [6, 0],
    [2.5, 0],
    [Number.NaN, 0],
    [3, -1],
    [3, 1.5],
  ])('rejects satisfaction %s / reopenCount %s from outside the type system', (satisfaction, reopenCount) => {
    expect(() => callbackOutcome({ satisfaction: satisfaction as Satisfaction, reopenCount })).toThrow(RangeError);
  });

  it('names the field that is wrong and the value given', () => {
    expect(() => callbackOutcome({ satisfaction: 6 as Satisfaction, reopenCount: 0 })).toThrow('satisfaction must be an integer from 1 to 5, got 6');
    expect(() => callbackOutcome({ satisfaction: 3, reopenCount: -1 })).toThrow('reopenCount must be a non-negative integer, got -1');
  });
});

describe('what the reply promises a dissatisfied customer', () => {
  it.each([
    [0, true],
    [1, true],
    [2, false],
    [5, false],
  ])('after %i reopens: looked at again %s', (reopenCount, reviewed) => {
    expect(dissatisfactionReviewed(reopenCount)).toBe(reviewed);
  });
});

describe('awaitsCallbackStage: the reply is out, the callback stage not open yet', () => {
  const reply = { subject: 'Answer', text: 'Refunded', by: 'hana', sentAt: '2026-03-02T01:00:00.000Z', channel: 'email' };
  const c = { status: 'OPEN' as const, stage: 'REPLY' as const, reply };
  it('answers only in that window', () => {
    expect(awaitsCallbackStage(c, { stage: 'REPLY', status: 'completed' })).toBe(true);
    expect(awaitsCallbackStage(c, { stage: 'REPLY', status: 'open' })).toBe(false); // a reopened round: the new reply is not out
    expect(awaitsCallbackStage(c, { stage: 'REPLY', status: 'awaiting-approval' })).toBe(false);
    expect(awaitsCallbackStage(c, undefined)).toBe(false);
    expect(awaitsCallbackStage({ ...c, reply: undefined }, { stage: 'REPLY', status: 'completed' })).toBe(false);
    expect(awaitsCallbackStage({ ...c, stage: 'CALLBACK' }, { stage: 'CALLBACK', status: 'open' })).toBe(false);
    // The callback stage is open though the reply's task is the last one read: not waiting any more.
    expect(awaitsCallbackStage({ ...c, stage: 'CALLBACK' }, { stage: 'REPLY', status: 'completed' })).toBe(false);
    expect(awaitsCallbackStage({ ...c, status: 'CLOSED' }, { stage: 'REPLY', status: 'completed' })).toBe(false);
  });
  it('takes one early answer only', () => {
    const earlyCallback = { output: { stage: 'CALLBACK' as const, next: 'CLOSE' as const, satisfied: true }, by: 'customer', at: reply.sentAt };
    expect(awaitsCallbackStage({ ...c, earlyCallback }, { stage: 'REPLY', status: 'completed' })).toBe(false);
  });
});
