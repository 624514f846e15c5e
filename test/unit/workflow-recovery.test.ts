/**
 * The recovery rules, on in-memory fakes: the sweeper's handling of a complaint whose workflow
 * never started (one workflow, never two), the workflow's record of a failed step, and the
 * delivery of a message whose sender died mid-send; the resume at once of a complaint whose
 * execution ended abnormally (its status-change event).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { OutboundMessage, WorkflowInput } from '../../functions/domain/model.ts';
import { REGIONS } from '../../functions/domain/regions.ts';
import { SubmitComplaintRequest } from '../../functions/contract/submit-complaint.schema.ts';
import { ManualClock } from '../../functions/shared/clock.ts';
import { deliverMessage } from '../../functions/use-cases/messages/deliver-messages.ts';
import type { Mailer } from '../../functions/domain/ports.ts';
import { IMMEDIATE_RESUMES, resumeEnded, resumeOrphans, stageAfter } from '../../functions/use-cases/workflow/resume-orphans.ts';
import { recordWorkflowFailure } from '../../functions/use-cases/workflow/failure.ts';
import { openStaffTask } from '../../functions/use-cases/workflow/lifecycle.ts';
import { startWorkflowFor } from '../../functions/use-cases/workflow/start-workflows.ts';
import { submitComplaint } from '../../functions/use-cases/intake/submit-complaint.ts';
import { FakeAccessAttempts, FakeAuditLog, FakeRepository, FakeWorkflow } from '../support/fakes.ts';
import { productionCalendar } from '../support/calendars.ts';

/** Step Functions' naming rule: an execution name, once used, starts nothing new. */
class NamedWorkflow extends FakeWorkflow {
  finished = new Set<string>();
  override async start(name: string, input: WorkflowInput) {
    // Running (same input: that execution; another: ExecutionAlreadyExists) or ended (ExecutionAlreadyExists):
    // nothing new starts, and the adapter takes both as "started before".
    if (this.finished.has(name) || this.running.has(name)) return;
    await super.start(name, input);
  }
}

let n = 0;
const body = () =>
  SubmitComplaintRequest.parse({
    complainant: { name: 'Chen Jing', contact: { email: `chen${++n}@example.com` } },
    matter: { description: `Fee ${n} taken twice` },
    consent: { personalData: true },
  });

function setup() {
  const repo = new FakeRepository();
  const workflow = new NamedWorkflow();
  const clock = new ManualClock(new Date('2026-03-02T01:00:00Z'));
  const r = REGIONS.cn;
  return {
    repo,
    workflow,
    clock,
    deps: {
      repo,
      workflow,
      clock,
      region: r,
      calendar: productionCalendar(r.name),
      audit: new FakeAuditLog(),
      accessAttempts: new FakeAccessAttempts(),
    },
  };
}

describe('the sweeper and a complaint whose workflow never started', () => {
  it('starts it under its own name, so the late stream hand-off starts nothing more', async () => {
    const { deps, repo, workflow, clock } = setup();
    const {
      body: { reference },
    } = await submitComplaint(body(), { channel: 'web' }, deps);
    clock.advance(10 * 60_000);
    const swept = await resumeOrphans({ repo, workflow, clock, graceSeconds: 300 });
    expect(swept.resumed).toEqual([{ reference, stage: 'RECEIVED', executionName: reference }]);
    await startWorkflowFor(repo.complaints.get(reference)!, workflow); // the hand-off, late
    expect(workflow.started.map((s) => s.name)).toEqual([reference]);
    expect((await resumeOrphans({ repo, workflow, clock, graceSeconds: 300 })).resumed).toEqual([]);
  });

  it('uses a new name when its own is taken by an execution that ended (failed, stopped)', async () => {
    const { deps, repo, workflow, clock } = setup();
    const {
      body: { reference },
    } = await submitComplaint(body(), { channel: 'web' }, deps);
    workflow.finished.add(reference);
    clock.advance(10 * 60_000);
    const swept = await resumeOrphans({ repo, workflow, clock, graceSeconds: 300 });
    expect(swept.resumed).toEqual([{ reference, stage: 'RECEIVED', executionName: `${reference}--r1` }]);
    expect(repo.complaints.get(reference)).toMatchObject({ executionName: `${reference}--r1`, resumeCount: 1 });
    expect(repo.histories.get(reference)!.map((h) => h.action)).toContain('workflow-resumed');
  });
});

describe('an execution that ended abnormally (its status-change event)', () => {
  async function investigating() {
    const s = setup();
    const {
      body: { reference },
    } = await submitComplaint(body(), { channel: 'web' }, s.deps);
    await s.workflow.start(reference, { reference, resumeAt: 'RECEIVED' });
    await openStaffTask({ reference, stage: 'INVESTIGATION', taskToken: 't1', executionName: reference }, s.deps);
    return { ...s, reference };
  }
  const failed = (name: string, reference?: string) => ({
    name,
    status: 'FAILED',
    input: reference ? JSON.stringify({ reference, resumeAt: 'RECEIVED' }) : undefined,
  });

  it('resumes its complaint at once at its stage - no grace period, though the failure was just recorded', async () => {
    const { repo, workflow, clock, reference } = await investigating();
    workflow.running.delete(reference);
    workflow.finished.add(reference);
    await recordWorkflowFailure({ reference, executionName: reference, error: 'Lambda.Unknown' }, { repo, clock });
    const result = await resumeEnded(failed(reference, reference), { repo, workflow, clock });
    expect(result).toEqual({ reference, resumed: { reference, stage: 'INVESTIGATION', executionName: `${reference}--r1` } });
    expect(workflow.started.at(-1)).toEqual({ name: `${reference}--r1`, input: { reference, resumeAt: 'INVESTIGATION' } });
    // The sweep, run right after, finds it live: no second workflow.
    clock.advance(3600_000);
    expect((await resumeOrphans({ repo, workflow, clock, graceSeconds: 300 })).resumed).toEqual([]);
  });

  it('goes on at the next stage when the staff task was completed just before the execution ended', async () => {
    const { repo, workflow, clock, reference } = await investigating();
    const task = repo.tasks.get(reference)!;
    repo.tasks.set(reference, {
      ...task,
      status: 'completed',
      completedAt: clock.now().toISOString(),
      completedBy: 'hana',
      output: { stage: 'INVESTIGATION' },
    });
    workflow.running.delete(reference);
    const result = await resumeEnded({ name: reference, status: 'ABORTED' }, { repo, workflow, clock });
    expect(result).toMatchObject({ resumed: { stage: 'REPLY' } });
  });

  it("does nothing for an event that comes late or twice (a newer execution drives the complaint), a closed complaint, or another machine's execution", async () => {
    const { repo, workflow, clock, reference } = await investigating();
    workflow.running.delete(reference);
    expect(await resumeEnded(failed(reference, reference), { repo, workflow, clock })).toHaveProperty('resumed');
    expect(await resumeEnded(failed(reference, reference), { repo, workflow, clock })).toEqual({ reference, skipped: 'superseded' });
    expect(workflow.started.filter((s) => s.name.startsWith(reference))).toHaveLength(2); // the first start, the resume
    expect(await resumeEnded(failed('NOT-A-COMPLAINT-1'), { repo, workflow, clock })).toEqual({ reference: 'NOT-A-COMPLAINT-1', skipped: 'closed-or-gone' });
    expect(await resumeEnded({ name: '', status: 'FAILED' }, { repo, workflow, clock })).toEqual({ skipped: 'not-a-complaint' });
    repo.complaints.set(reference, { ...repo.complaints.get(reference)!, status: 'CLOSED' });
    expect(await resumeEnded(failed(`${reference}--r1`), { repo, workflow, clock })).toEqual({ reference, skipped: 'closed-or-gone' });
  });

  it(`stops resuming at once after ${IMMEDIATE_RESUMES} resumes: a step that keeps failing waits for the sweep`, async () => {
    const { repo, workflow, clock, reference } = await investigating();
    let name = reference;
    for (let i = 1; i <= IMMEDIATE_RESUMES; i++) {
      workflow.running.delete(name);
      const r = await resumeEnded(failed(name, reference), { repo, workflow, clock });
      expect(r, `resume ${i}`).toHaveProperty('resumed');
      name = `${reference}--r${i}`;
    }
    workflow.running.delete(name);
    expect(await resumeEnded(failed(name, reference), { repo, workflow, clock })).toEqual({ reference, skipped: 'resumed-too-often' });
    expect(repo.complaints.get(reference)!.resumeCount).toBe(IMMEDIATE_RESUMES);
    // The sweep still resumes it, once the grace period has passed.
    clock.advance(3600_000);
    expect((await resumeOrphans({ repo, workflow, clock, graceSeconds: 300 })).resumed).toEqual([
      { reference, stage: 'INVESTIGATION', executionName: `${reference}--r${IMMEDIATE_RESUMES + 1}` },
    ]);
  });
});

describe('the record of a failed workflow step', () => {
  it('writes the error name (never the cause) into the history, for staff only', async () => {
    const { deps, repo, clock } = setup();
    const {
      body: { reference },
    } = await submitComplaint(body(), { channel: 'web' }, deps);
    const version = repo.complaints.get(reference)!.version;
    await recordWorkflowFailure({ reference, executionName: reference, error: 'Lambda.ResourceNotFoundException <script>' }, { repo, clock });
    const h = repo.histories.get(reference)!.at(-1)!;
    expect(h).toMatchObject({
      action: 'workflow-failed',
      actor: 'system',
      visibleToCustomer: false,
      after: { executionName: reference, error: 'Lambda.ResourceNotFoundExceptionscript' },
    });
    expect(h.summary).toContain('stage RECEIVED');
    expect(repo.complaints.get(reference)!.version).toBe(version + 1);
  });
});

describe('a message whose sender died mid-send', () => {
  const message = async () => {
    const { deps, repo } = setup();
    const {
      body: { reference },
    } = await submitComplaint(body(), { channel: 'web' }, deps);
    // As the stream hands it over: the image written with the change (queued).
    const m = structuredClone((await repo.messages(reference)).find((x) => x.kind === 'acknowledgement')!) as OutboundMessage;
    const sent: string[] = [];
    const mailer: Mailer = {
      send: async (x) => {
        sent.push(x.to);
        return `id-${sent.length}`;
      },
    };
    return { repo, m, sent, d: { repo, mailer, sender: 'complaints@bank.example', now: () => new Date('2026-03-02T01:00:00Z') } };
  };

  it('is sent again when its record comes back while it is still marked sending', async () => {
    const { repo, m, sent, d } = await message();
    await repo.transitionMessage(m.reference, m.messageId!, 'queued', 'sending'); // the attempt that died
    expect(await deliverMessage(m, d)).toBe('sent');
    expect(sent).toHaveLength(1);
    expect((await repo.messages(m.reference)).find((x) => x.messageId === m.messageId)).toMatchObject({ status: 'sent' });
  });

  it('is not sent twice once it is marked sent', async () => {
    const { m, sent, d } = await message();
    expect(await deliverMessage(m, d)).toBe('sent');
    expect(await deliverMessage(m, d)).toBe('skipped'); // a redelivered record
    expect(sent).toHaveLength(1);
  });
});

describe('a complaint merged into another (issue 16)', () => {
  it('goes to Close from whichever stage it waited in, when the sweeper hands over a lost merge', () => {
    for (const stage of ['INVESTIGATION', 'REPLY', 'CALLBACK'] as const) {
      const task = { stage, status: 'completed', output: { next: 'MERGED', into: 'CN-2026-000001' } } as unknown as Parameters<typeof stageAfter>[0];
      expect(stageAfter(task), stage).toBe('CLOSED');
    }
    // Without the merge, the usual next stages.
    expect(stageAfter({ stage: 'INVESTIGATION', status: 'completed', output: {} } as unknown as Parameters<typeof stageAfter>[0])).toBe('REPLY');
  });

  it('the state machine closes it from every waiting state (Complaint.Merged caught before anything else)', () => {
    const asl = JSON.parse(readFileSync(new URL('../../workflows/complaint.asl.json', import.meta.url), 'utf8')) as {
      States: Record<string, { Catch?: { ErrorEquals: string[]; Next: string }[] }>;
    };
    for (const state of ['Investigate', 'Reply', 'Callback']) {
      expect(asl.States[state].Catch?.[0], state).toMatchObject({ ErrorEquals: ['Complaint.Merged'], Next: 'Close' });
    }
  });
});
