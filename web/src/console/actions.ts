/**
 * Every staff action of the lifecycle, as the console offers it: shown only when the
 * signed-in staff member's roles allow it on this complaint (the API's own authorize(),
 * bundled) and the complaint's stage and task allow it (the same conditions the use cases
 * check); each form validated with the API's zod schema for its body. The server still
 * decides: its 403 and 409 messages are shown by the form.
 */
import { mayApprove, type ApprovalTier } from '../../../functions/domain/approval.ts';
import { authorize, type StaffOperation } from '../../../functions/domain/authorization.ts';
import { CFPB_RESPONSES } from '../../../functions/domain/cfpb.ts';
import type { Stage } from '../../../functions/domain/complaint.ts';
import {
  CallbackRequest,
  CallRequest,
  ClassificationCorrection,
  DecisionRequest,
  HandlingPlanRequest,
  InvestigationRequest,
  ReasonRequest,
  ReassignRequest,
  ReplyRequest,
  MergeRequest,
  RestrictionRequest,
  WithdrawRequest,
} from '../../../functions/contract/staff.schema.ts';
import { el } from '../lib/page.ts';
import { complaintPath } from './api.ts';
import type { ComplaintDetail, Ctx, MessageView } from './context.ts';
import { buildForm, fieldNode, type BuiltForm, type FieldSpec } from './forms.ts';

export type ActionId =
  | 'claim'
  | 'investigate'
  | 'handlingPlan'
  | 'reply'
  | 'approve'
  | 'withdraw'
  | 'extension'
  | 'decideExtension'
  | 'pause'
  | 'resume'
  | 'callback'
  | 'reassign'
  | 'classification'
  | 'call'
  | 'restrict'
  | 'merge'
  | 'unlink';

export const TEAMS = ['cards', 'loans', 'retail', 'wealth'] as const;

const OPERATION: Record<ActionId, StaffOperation> = {
  claim: 'claimTask',
  investigate: 'completeInvestigation',
  handlingPlan: 'submitHandlingPlan',
  reply: 'submitReply',
  approve: 'approveReply',
  withdraw: 'withdrawReply',
  extension: 'requestExtension',
  decideExtension: 'decideExtension',
  pause: 'pauseClock',
  resume: 'resumeClock',
  callback: 'recordCallback',
  reassign: 'reassign',
  classification: 'correctClassification',
  call: 'recordCall',
  restrict: 'restrictCustomer',
  merge: 'mergeComplaint',
  unlink: 'unlinkComplaint',
};

export interface Offered {
  id: ActionId;
  primary: boolean;
  messageId?: string;
}

const at = (stage: Stage, ...stages: Stage[]) => stages.includes(stage);

/** The actions to offer on this complaint now, the next step of the lifecycle first. */
export function availableActions(ctx: Ctx, d: ComplaintDetail): Offered[] {
  const actor = ctx.actor();
  const c = d.complaint;
  const task = d.task;
  const can = (id: ActionId) => authorize(actor, OPERATION[id], c).allowed;
  const open = c.status === 'OPEN' && !!task && task.status !== 'completed' && task.stage === c.stage;
  const s = c.stage;
  const out: Offered[] = [];
  const offer = (id: ActionId, when: boolean, primary = false) => {
    if (when && can(id)) out.push({ id, primary });
  };

  offer('claim', open && at(s, 'INVESTIGATION', 'REPLY', 'CALLBACK') && !c.assignment?.assignee, true);
  // Approvals: offered to whoever may approve at the tier the approval waits at (domain/approval.ts, as the API decides).
  const approver = (tier: ApprovalTier | undefined, author: string) =>
    mayApprove(actor, tier ?? 'manager', { author, team: c.assignment?.team ?? '', manager: c.assignment?.manager, target: c.target }).allowed;
  const pendingReply = open && s === 'REPLY' && task!.status === 'awaiting-approval' ? task!.pendingReply : undefined;
  offer('approve', !!pendingReply && approver(pendingReply.tier, pendingReply.by), true);
  offer('withdraw', !!pendingReply && pendingReply.by === actor.id);
  const pendingExtension = open && at(s, 'INVESTIGATION', 'REPLY') ? c.extensions?.pending : undefined;
  offer('decideExtension', !!pendingExtension && approver(pendingExtension.tier, pendingExtension.requestedBy), true);
  offer('investigate', open && s === 'INVESTIGATION', true);
  offer('handlingPlan', open && s === 'INVESTIGATION' && !!c.routing?.crossDepartment && !c.handlingPlan, true);
  offer('reply', open && s === 'REPLY' && task!.status === 'open', true);
  offer('callback', open && s === 'CALLBACK', true);
  offer('classification', open && at(s, 'RECEIVED', 'INVESTIGATION') && !!c.classification);
  const extensionsLeft = ctx.region.profile.clocks.extensions.length > (c.extensions?.granted ?? 0);
  const beforeDeadline = ctx.now().toISOString() <= c.deadlines.finalResponse?.dueAt;
  offer('extension', open && at(s, 'INVESTIGATION', 'REPLY') && !c.extensions?.pending && extensionsLeft && beforeDeadline);
  offer('pause', open && at(s, 'INVESTIGATION', 'REPLY') && !c.pause);
  offer('resume', open && at(s, 'INVESTIGATION', 'REPLY') && !!c.pause, true);
  offer('reassign', open && at(s, 'INVESTIGATION', 'REPLY', 'CALLBACK'));
  const contact = c.complainant.contact;
  offer('restrict', c.status === 'OPEN' && !c.restricted && !c.complainant.anonymous && !!(contact?.email || contact?.phone || contact?.address));
  // Issue 16: a possible repeat, or mail naming another complaint, is merged or unlinked by staff after checking.
  offer('merge', c.status === 'OPEN' && !!c.relatedTo && !c.mergedInto);
  offer('unlink', !!c.relatedTo && !c.mergedInto);
  if (can('call')) for (const m of pendingCalls(d)) out.push({ id: 'call', primary: false, messageId: m.messageId });
  // One primary action at most: the first offered next step.
  let primarySeen = false;
  for (const o of out) {
    if (o.primary && !primarySeen) primarySeen = true;
    else o.primary = false;
  }
  return out;
}

/** Call tasks (messages to phone and branch customers) not yet delivered by a call. */
export function pendingCalls(d: ComplaintDetail): MessageView[] {
  return d.messages.filter((m) => m.channel === 'call-task' && m.status !== 'sent' && m.messageId);
}

/** Actions that complete the stage the workflow waits on: the next task opens shortly after. */
export function completesStage(id: ActionId, answer: unknown): boolean {
  const status = (answer as { status?: string } | undefined)?.status;
  if (id === 'investigate' || id === 'callback') return true;
  if (id === 'reply' || id === 'approve') return status === 'sent';
  return false;
}

export interface ActionResult {
  id: ActionId;
  answer: unknown;
}

/** A POST without a form (claim, resume). */
export async function runImmediate(
  ctx: Ctx,
  reference: string,
  id: 'claim' | 'resume',
): Promise<{ ok: true; answer: unknown } | { ok: false; status: number; message?: string }> {
  const answer = await ctx.api.post(complaintPath(reference, id === 'claim' ? 'claim' : 'resume'), {});
  if (answer.status === 200) return { ok: true, answer: answer.body };
  return { ok: false, status: answer.status, message: answer.body?.message };
}

/** Options whose texts are `prefix.value` (checked against the catalog's keys). */
const optionsOf = <P extends string, V extends string>(prefix: P, values: readonly V[]) => values.map((v) => ({ value: v, label: `${prefix}.${v}` as const }));

/**
 * Builds the form of an action into `panel`; resolves `done` after a successful answer.
 * Answers the form (focus goes to its first control).
 */
export async function buildActionForm(
  ctx: Ctx,
  d: ComplaintDetail,
  offered: Offered,
  panel: HTMLElement,
  done: (r: ActionResult) => void,
  cancel: () => void,
): Promise<BuiltForm | undefined> {
  const { page } = ctx;
  const c = d.complaint;
  const ref = c.reference;
  const id = offered.id;
  const formId = `action-${id}`;
  const common = { alert: ctx.alert, cancel: { label: 'action.cancel' as const, onCancel: cancel } };
  const send = async (f: BuiltForm, path: string, body: unknown) => {
    f.progress.textContent = page.t('action.sending');
    const answer = await ctx.api.post(complaintPath(ref, path), body);
    if (answer.status === 200 || answer.status === 201) {
      f.progress.textContent = '';
      done({ id, answer: answer.body });
      return;
    }
    f.showFailure(answer);
  };
  const onSubmit = (f: BuiltForm, handler: (intent: string) => Promise<void>) => {
    f.form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const intent = ((event as SubmitEvent).submitter as HTMLButtonElement | null)?.value ?? 'submit';
      if (!f.busy(true)) return;
      try {
        await handler(intent);
      } finally {
        f.busy(false);
      }
    });
  };
  let f: BuiltForm;

  switch (id) {
    case 'investigate': {
      const fields: FieldSpec[] = [
        { name: 'rootCause', label: 'inv.rootCause', hint: 'inv.rootCause.hint', kind: 'textarea', rows: 3, required: true },
        { name: 'responsiblePeople', label: 'inv.responsiblePeople', hint: 'inv.responsiblePeople.hint', kind: 'textarea', rows: 2, required: true },
        { name: 'correctiveMeasures', label: 'inv.correctiveMeasures', hint: 'inv.correctiveMeasures.hint', kind: 'textarea', rows: 3, required: true },
        { name: 'correctionResult', label: 'inv.correctionResult', hint: 'inv.correctionResult.hint', kind: 'textarea', rows: 3, required: true },
      ];
      f = buildForm(page, { id: formId, fields, submitLabel: 'action.investigate.submit', ...common });
      onSubmit(f, async () => {
        const body = f.validate(InvestigationRequest, {
          rootCause: f.text('rootCause'),
          responsiblePeople: f.text('responsiblePeople'),
          correctiveMeasures: f.text('correctiveMeasures'),
          correctionResult: f.text('correctionResult'),
        });
        if (body) await send(f, 'investigation', body);
      });
      break;
    }
    case 'handlingPlan': {
      const departments = c.routing?.departments ?? [];
      const rows = Math.max(2, departments.length);
      const fields: (FieldSpec | HTMLElement)[] = [];
      for (let i = 0; i < rows; i++) {
        const group = el('fieldset', { className: 'plan-row' }, el('legend', { text: page.t('plan.department', { n: i + 1 }) }));
        fields.push(group);
        group.dataset.row = String(i);
      }
      f = buildForm(page, { id: formId, fields, submitLabel: 'action.handlingPlan.submit', ...common });
      f.form.querySelectorAll<HTMLFieldSetElement>('fieldset.plan-row').forEach((group, i) => {
        group.append(
          fieldNode(page, formId, {
            name: `departments.${i}.department`,
            label: 'plan.dept',
            kind: 'select',
            required: true,
            value: departments[i] ?? '',
            options: [{ value: '', label: 'option.choose' }, ...optionsOf('team', TEAMS)],
          }),
          fieldNode(page, formId, { name: `departments.${i}.duty`, label: 'plan.duty', kind: 'textarea', rows: 2, required: true }),
          fieldNode(page, formId, { name: `departments.${i}.dueAt`, label: 'plan.dueAt', kind: 'datetime-local', required: true }),
        );
      });
      onSubmit(f, async () => {
        const list = [...Array(rows).keys()].map((i) => {
          const local = f.text(`departments.${i}.dueAt`);
          const date = local ? new Date(local) : undefined;
          return {
            department: f.text(`departments.${i}.department`),
            duty: f.text(`departments.${i}.duty`),
            dueAt: date && !Number.isNaN(date.getTime()) ? date.toISOString() : local,
          };
        });
        const body = f.validate(HandlingPlanRequest, { departments: list });
        if (body) await send(f, 'handling-plan', body);
      });
      break;
    }
    case 'reply': {
      const us = ctx.region.profile.name === 'US';
      const loading = el('p', { className: 'progress', text: page.t('reply.loadingDraft') });
      panel.replaceChildren(loading);
      const draft = await ctx.api.get<{ subject: string; text: string }>(complaintPath(ref, 'reply-draft'));
      const intro = [el('p', { className: 'hint', text: page.t(draft.status === 200 ? 'reply.draftHint' : 'reply.noDraft') })];
      if (c.routing?.major || c.escalated) intro.push(el('p', { className: 'notice notice-warning', text: page.t('reply.needsApproval') }));
      f = buildForm(page, {
        id: formId,
        intro,
        fields: [
          { name: 'subject', label: 'reply.subject', kind: 'text', required: true, value: draft.body?.subject ?? '' },
          { name: 'text', label: 'reply.text', kind: 'textarea', rows: 16, required: true, value: draft.body?.text ?? '' },
          // US: the CFPB company response category, chosen with the reply (required there).
          ...(us
            ? [
                {
                  name: 'cfpbResponse',
                  label: 'reply.cfpbResponse',
                  hint: 'reply.cfpbResponseHint',
                  kind: 'select',
                  required: true,
                  options: [{ value: '', label: 'option.choose' }, ...optionsOf('cfpb', CFPB_RESPONSES)],
                } satisfies FieldSpec,
              ]
            : []),
        ],
        submitLabel: c.routing?.major || c.escalated ? 'action.reply.submitForApproval' : 'action.reply.submit',
        ...common,
      });
      onSubmit(f, async () => {
        const body = f.validate(ReplyRequest, {
          subject: f.text('subject'),
          text: f.text('text'),
          ...(us ? { cfpbResponse: f.text('cfpbResponse') || undefined } : {}),
        });
        if (body) await send(f, 'reply', body);
      });
      break;
    }
    case 'approve': {
      const p = d.task?.pendingReply;
      const intro = [
        el(
          'div',
          { className: 'pending-reply' },
          el('p', { className: 'meta', text: page.t('approve.by', { by: p?.by ?? '', date: p ? page.formatCompact(p.at, ctx.now()) : '' }) }),
          el('p', { className: 'meta', text: page.t('approve.tier', { tier: ctx.region.profile.approvalTiers[p?.tier ?? 'manager'] }) }),
          el('p', { className: 'reply-subject', text: p?.subject ?? '' }),
          el('div', { className: 'reply-text', text: p?.text ?? '' }),
        ),
      ];
      f = buildForm(page, {
        id: formId,
        intro,
        fields: [{ name: 'comment', label: 'decision.comment', hint: 'approve.commentHint', kind: 'textarea', rows: 3 }],
        submitLabel: 'approve.yes',
        submitButtons: [
          { label: 'approve.yes', value: 'approve' },
          { label: 'approve.no', value: 'reject', className: 'button-warning' },
        ],
        ...common,
      });
      onSubmit(f, async (intent) => {
        const body = f.validate(DecisionRequest, { approve: intent === 'approve', comment: f.text('comment') });
        if (body) await send(f, 'reply/approval', body);
      });
      break;
    }
    case 'extension': {
      const next = ctx.region.profile.clocks.extensions[c.extensions?.granted ?? 0];
      const intro = next
        ? [el('p', { className: 'hint', text: page.t('extension.rule', { days: next.to.value, approval: page.t(`approval.${next.approval}`) }) })]
        : [];
      f = buildForm(page, {
        id: formId,
        intro,
        fields: [{ name: 'reason', label: 'extension.reason', hint: 'extension.reasonHint', kind: 'textarea', rows: 3, required: true }],
        submitLabel: 'action.extension.submit',
        ...common,
      });
      onSubmit(f, async () => {
        const body = f.validate(ReasonRequest, { reason: f.text('reason') });
        if (body) await send(f, 'extension', body);
      });
      break;
    }
    case 'decideExtension': {
      const p = c.extensions?.pending;
      const intro = [
        el(
          'div',
          { className: 'pending-reply' },
          el('p', {
            className: 'meta',
            text: page.t('extension.requestedBy', { by: p?.requestedBy ?? '', date: p ? page.formatCompact(p.requestedAt, ctx.now()) : '' }),
          }),
          el('p', { className: 'meta', text: page.t('approve.tier', { tier: ctx.region.profile.approvalTiers[p?.tier ?? 'manager'] }) }),
          el('p', { className: 'reply-text', text: p?.reason ?? '' }),
        ),
      ];
      f = buildForm(page, {
        id: formId,
        intro,
        fields: [{ name: 'comment', label: 'decision.comment', kind: 'textarea', rows: 3 }],
        submitLabel: 'extension.approve',
        submitButtons: [
          { label: 'extension.approve', value: 'approve' },
          { label: 'extension.refuse', value: 'reject', className: 'button-warning' },
        ],
        ...common,
      });
      onSubmit(f, async (intent) => {
        const body = f.validate(DecisionRequest, { approve: intent === 'approve', comment: f.text('comment') });
        if (body) await send(f, 'extension/decision', body);
      });
      break;
    }
    case 'pause': {
      f = buildForm(page, {
        id: formId,
        intro: [el('p', { className: 'hint', text: page.t('pause.explain') })],
        fields: [{ name: 'reason', label: 'pause.reason', hint: 'pause.reasonHint', kind: 'textarea', rows: 3, required: true }],
        submitLabel: 'action.pause.submit',
        ...common,
      });
      onSubmit(f, async () => {
        const body = f.validate(ReasonRequest, { reason: f.text('reason') });
        if (body) await send(f, 'pause', body);
      });
      break;
    }
    case 'callback': {
      f = buildForm(page, {
        id: formId,
        fields: [
          {
            name: 'satisfaction',
            label: 'callback.satisfaction',
            kind: 'radio',
            required: true,
            inline: true,
            options: ([1, 2, 3, 4, 5] as const).map((n) => ({ value: String(n), text: `${n} – ${page.t(`callback.${n}`)}` })),
          },
          { name: 'comment', label: 'callback.customerComment', kind: 'textarea', rows: 3 },
        ],
        submitLabel: 'action.callback.submit',
        ...common,
      });
      onSubmit(f, async () => {
        const chosen = f.radio('satisfaction');
        const body = f.validate(CallbackRequest, { satisfaction: chosen ? Number(chosen) : undefined, comment: f.text('comment') });
        if (body) await send(f, 'callback', body);
      });
      break;
    }
    case 'call': {
      const m = d.messages.find((x) => x.messageId === offered.messageId);
      const intro = m
        ? [el('p', { className: 'hint', text: page.t('call.about', { kind: page.label('message.kind', m.kind), to: m.to ?? page.t('call.noNumber') }) })]
        : [];
      f = buildForm(page, {
        id: formId,
        intro,
        fields: [
          {
            name: 'outcome',
            label: 'call.outcome',
            kind: 'radio',
            required: true,
            inline: true,
            options: optionsOf('call.outcome', ['reached', 'no-answer', 'wrong-number'] as const),
          },
          { name: 'note', label: 'call.note', kind: 'textarea', rows: 2 },
        ],
        submitLabel: 'action.call.submit',
        ...common,
      });
      onSubmit(f, async () => {
        const body = f.validate(CallRequest, { messageId: offered.messageId, outcome: f.radio('outcome'), note: f.text('note') });
        if (body) await send(f, 'calls', body);
      });
      break;
    }
    case 'reassign': {
      const a = c.assignment;
      f = buildForm(page, {
        id: formId,
        intro: [
          el('p', { className: 'hint', text: page.t('reassign.current', { team: a?.team ?? '–', assignee: a?.assignee ?? page.t('queue.unassigned') }) }),
        ],
        fields: [
          { name: 'assignee', label: 'reassign.assignee', hint: 'reassign.assigneeHint', kind: 'text', autocomplete: 'off' },
          {
            name: 'team',
            label: 'reassign.team',
            hint: 'reassign.teamHint',
            kind: 'select',
            options: [{ value: '', label: 'reassign.keepTeam' }, ...optionsOf('team', TEAMS)],
          },
        ],
        submitLabel: 'action.reassign.submit',
        ...common,
      });
      onSubmit(f, async () => {
        const body = f.validate(
          ReassignRequest,
          { assignee: f.text('assignee'), team: f.text('team') },
          { bodyField: 'assignee', bodyKey: 'v.assigneeOrTeam' },
        );
        if (body) await send(f, 'assignment', body);
      });
      break;
    }
    case 'classification': {
      const cl = c.classification!;
      const keep = (prefix: string, current: string) => ({ value: '', text: page.t('classification.keep', { current: page.label(prefix, current) }) });
      f = buildForm(page, {
        id: formId,
        intro: [el('p', { className: 'hint', text: page.t('classification.explain') })],
        fields: [
          {
            name: 'nature',
            label: 'classification.nature',
            kind: 'select',
            options: [keep('nature', cl.nature), ...optionsOf('nature', ['service', 'product', 'operation', 'violation'])],
          },
          {
            name: 'urgency',
            label: 'classification.urgency',
            kind: 'select',
            options: [keep('urgency', cl.urgency), ...optionsOf('urgency', ['general', 'urgent'])],
          },
          {
            name: 'riskLevel',
            label: 'classification.riskLevel',
            kind: 'select',
            options: [keep('risk', cl.riskLevel), ...optionsOf('risk', ['low', 'medium', 'high'])],
          },
          {
            name: 'priority',
            label: 'classification.priority',
            kind: 'select',
            options: [keep('priority', cl.priority), ...optionsOf('priority', ['P1', 'P2', 'P3'])],
          },
        ],
        submitLabel: 'action.classification.submit',
        ...common,
      });
      onSubmit(f, async () => {
        const body = f.validate(
          ClassificationCorrection,
          { nature: f.text('nature'), urgency: f.text('urgency'), riskLevel: f.text('riskLevel'), priority: f.text('priority') },
          { bodyField: 'nature', bodyKey: 'v.oneCorrection' },
        );
        if (body) await send(f, 'classification', body);
      });
      break;
    }
    case 'restrict': {
      f = buildForm(page, {
        id: formId,
        intro: [el('p', { className: 'hint', text: page.t('restrict.explain') })],
        fields: [
          { name: 'reason', label: 'restrict.reason', hint: 'restrict.reasonHint', kind: 'textarea', rows: 3, required: true },
          { name: 'until', label: 'restrict.until', hint: 'restrict.untilHint', kind: 'date' },
        ],
        submitLabel: 'action.restrict.submit',
        ...common,
      });
      onSubmit(f, async () => {
        const body = f.validate(RestrictionRequest, { reason: f.text('reason'), until: f.text('until') });
        if (body) await send(f, 'restriction', body);
      });
      break;
    }
    case 'withdraw': {
      f = buildForm(page, {
        id: formId,
        intro: [el('p', { className: 'hint', text: page.t('withdraw.explain') })],
        fields: [{ name: 'reason', label: 'withdraw.reason', kind: 'textarea', rows: 3 }],
        submitLabel: 'action.withdraw.submit',
        ...common,
      });
      onSubmit(f, async () => {
        const body = f.validate(WithdrawRequest, { reason: f.text('reason') || undefined });
        if (body) await send(f, 'reply/withdrawal', body);
      });
      break;
    }
    case 'merge':
    case 'unlink': {
      const into = c.relatedTo?.reference ?? '';
      f = buildForm(page, {
        id: formId,
        intro: [el('p', { className: 'hint', text: page.t(`${id}.explain`, { reference: into }) })],
        fields: [],
        submitLabel: `action.${id}.submit`,
        ...common,
      });
      onSubmit(f, async () => {
        if (id === 'merge') {
          const body = f.validate(MergeRequest, { into });
          if (body) await send(f, 'merge', body);
        } else await send(f, 'unlink', {});
      });
      break;
    }
    default:
      return undefined;
  }
  panel.replaceChildren(el('h3', { className: 'action-title', text: page.t(`action.${id}`), attrs: { id: `${formId}-title`, tabindex: '-1' } }), f.form);
  f.form.setAttribute('aria-labelledby', `${formId}-title`);
  f.form.dataset.ready = 'true';
  return f;
}
