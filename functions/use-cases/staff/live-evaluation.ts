/**
 * Live evaluation of a major complaint (issue 20, S2 ch.8 §2 3.2; domain/live-evaluation.ts,
 * ADR 0023): its lead or the complaints function records an evaluation - risk, progress,
 * findings, the strategy decision - with a snapshot of the facts taken now; stored on the
 * complaint with its history entry in one transaction guarded by the version (the StaffApi's
 * audit entry rides in it). An escalation tells the senior tier, a named next-step owner is told,
 * both by staff messages in the same commit.
 */
import type { Actor } from '../../domain/authorization.ts';
import type { Complaint } from '../../domain/complaint.ts';
import { evaluationRefusal, evaluationSchedule, MAX_LIVE_EVALUATIONS, newEvaluation, type EvaluationRequest } from '../../domain/live-evaluation.ts';
import type { OutboundMessage } from '../../domain/model.ts';
import type { StaffProfile } from '../../domain/model.ts';
import { ConflictError, ValidationError } from '../../shared/errors.ts';
import { entry, openTaskUpdate, staffMessage } from '../common.ts';
import { begin, bump, type StaffDeps } from './staff-actions.ts';

/** Those told of an escalated major complaint: the senior tier (every active senior, as approvals reach it). */
export async function seniorTier(repo: StaffDeps['repo'], c: Complaint): Promise<StaffProfile[]> {
  return (await repo.approvalCandidates(c.assignment?.team ?? '')).filter((p) => p.roles.includes('senior'));
}

export async function recordLiveEvaluation(deps: StaffDeps, actor: Actor, reference: string, body: EvaluationRequest) {
  const ctx = await begin(deps, actor, 'recordLiveEvaluation', reference);
  const refusal = evaluationRefusal(ctx.c);
  if (refusal) throw new ConflictError(refusal);
  if ((ctx.c.liveEvaluations?.length ?? 0) >= MAX_LIVE_EVALUATIONS)
    throw new ConflictError(`This complaint already has ${MAX_LIVE_EVALUATIONS} live evaluations, the most one complaint keeps`);
  const owner = body.nextStepOwner ? await deps.repo.getStaff(body.nextStepOwner) : undefined;
  if (body.nextStepOwner && (!owner || owner.disabled)) throw new ValidationError([{ field: 'nextStepOwner', message: 'must be an active staff member' }]);

  const every = deps.region.profile.liveEvaluationEvery;
  const evaluation = newEvaluation(ctx.c, body, actor.id, every, deps.region.profile.reminderAtRemainingFraction, ctx.now);
  const next = bump(ctx.c, ctx.at);
  next.liveEvaluations = [...(ctx.c.liveEvaluations ?? []), evaluation];
  const nextDue = evaluationSchedule(next, every, ctx.now)!.dueAt;

  const messages: OutboundMessage[] = [];
  const decided = `${evaluation.id}: risk ${evaluation.riskLevel}, ${evaluation.progress}, ${evaluation.decision}`;
  let told: string[] = [];
  if (body.decision === 'escalate') {
    const seniors = await seniorTier(deps.repo, next);
    told = seniors.map((p) => p.id);
    for (const p of seniors)
      messages.push(
        staffMessage(
          next,
          ctx.at,
          { id: p.id },
          'escalation',
          `${reference}: major complaint escalated by its live evaluation`,
          `${actor.id} escalated major complaint ${reference} (${decided}).\nAsked of the senior tier (${deps.region.profile.approvalTiers.senior}): ${body.changes}`,
          deps.links,
        ),
      );
  }
  if (owner && owner.id !== actor.id && !told.includes(owner.id))
    messages.push(
      staffMessage(
        next,
        ctx.at,
        { id: owner.id },
        'progress',
        `${reference}: next step of a major complaint is yours`,
        `${actor.id} evaluated major complaint ${reference} (${decided}) and named you owner of the next step.${body.changes ? `\nWhat changes: ${body.changes}` : ''}`,
        deps.links,
      ),
    );
  const summary = [
    `Live evaluation ${decided}${evaluation.late ? ' (late: an interval was missed)' : ''}`,
    body.decision === 'escalate' ? `escalated to the senior tier${told.length ? ` (${told.join(', ')})` : ' (nobody staffs it)'}` : '',
    body.nextStepOwner ? `next step: ${body.nextStepOwner}` : '',
    `next evaluation due ${nextDue}`,
  ]
    .filter(Boolean)
    .join('; ');
  await deps.repo.commit({
    complaint: next,
    expectedVersion: ctx.c.version,
    task: openTaskUpdate(ctx.task, next),
    history: [entry(reference, ctx.at, actor.id, 'live-evaluation', summary, false, undefined, { liveEvaluation: evaluation })],
    messages,
  });
  return {
    evaluation,
    nextDueAt: nextDue,
    told: [...told, ...(owner && owner.id !== actor.id && !told.includes(owner.id) ? [owner.id] : [])],
    complaint: next,
  };
}
