/**
 * Every staff action of the lifecycle, as the console offers it: shown only when the
 * signed-in staff member's roles allow it on this complaint (the API's own authorize(),
 * bundled) and the complaint's stage and task allow it (the same conditions the use cases
 * check); each form validated with the API's zod schema for its body. The server still
 * decides: its 403 and 409 messages are shown by the form.
 */
import { mayApprove, type ApprovalTier } from '../../../functions/domain/approval.ts';
import { authorize, type StaffOperation } from '../../../functions/domain/authorization.ts';
import { OUTCOME_RESULTS, REDRESS_KINDS, REFERRAL_BODIES, VULNERABILITY_KINDS, type Stage } from '../../../functions/domain/complaint.ts';
import { CorrectiveActionRequest, RedressRequest, ReferralRequestSchema, VulnerabilityRequest } from '../../../functions/contract/redress.schema.ts';
import { CFPB_RESPONSES } from '../../../functions/domain/cfpb.ts';
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
import { RegulatoryClassRequest } from '../../../functions/contract/returns.schema.ts';
import { LiveEvaluationRequest } from '../../../functions/contract/live-evaluation.schema.ts';
import { LIVE_DECISIONS, LIVE_PROGRESS, LIVE_RISK_LEVELS } from '../../../functions/domain/complaint.ts';
import { el } from '../lib/page.ts';
import { complaintPath } from './api.ts';
import type { ComplaintDetail, Ctx, MessageView } from './context.ts';
import { buildForm, fieldNode, type BuiltForm, type FieldSpec } from './forms.ts';
import type { ConsoleKey } from './console-page.ts';

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
  | 'unlink'
  | 'regulatoryClass'
  | 'redress'
  | 'referral'
  | 'vulnerability'
  | 'correctiveAction'
  | 'liveEvaluation';

export const TEAMS = ['cards', 'loans', 'retail', 'wealth'] as const;

type ConsoleTextKeyOf<P extends string> = Extract<ConsoleKey, `${P}${string}`>;
/** GET .../regulatory-class: the class, the suggestion and the region's taxonomy (domain/taxonomies/*.json). */
interface RegulatoryClassInfo {
  region: 'uk' | 'us' | 'cn';
  regulatoryClass: Record<string, unknown> | null;
  suggestion: { regulatoryClass: Record<string, unknown>; reasons: string[] } | null;
  taxonomy: {
    productGroups?: { code: string; label: string }[];
    causes?: { code: string; label: string }[];
    a?: { code: string; label: string }[];
    b?: { code: string; label: string }[];
    c?: { code: string; label: string }[];
    products?: { label: string; subProducts: string[]; issues: { label: string }[] }[];
    publicResponses?: string[];
  };
}

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
  regulatoryClass: 'setRegulatoryClass',
  redress: 'addRedress',
  referral: 'recordReferral',
  vulnerability: 'setVulnerability',
  correctiveAction: 'createCorrectiveAction',
  liveEvaluation: 'recordLiveEvaluation',
};

/** The currency the region's redress is usually paid in (the form lets staff choose another). */
const REGION_CURRENCY: Record<string, string> = { cn: 'CNY', uk: 'GBP', us: 'USD' };
const REFERRAL_BODY: Record<string, 'FOS' | 'CFPB' | 'CN-12378'> = { uk: 'FOS', us: 'CFPB', cn: 'CN-12378' };

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
  // Classified for the regulatory returns from the investigation on (closed complaints too, before filing).
  // Offered to whoever works on it (assignee or its manager) while it is open; the API also lets the
  // department and the complaints desk classify a closed complaint before the return is filed.
  const works = c.assignment?.assignee === actor.id || c.assignment?.manager === actor.id;
  offer('regulatoryClass', open && !at(s, 'RECEIVED') && works && !c.mergedInto);
  if (can('call')) for (const m of pendingCalls(d)) out.push({ id: 'call', primary: false, messageId: m.messageId });
  // Issue 19 B: redress and referrals also after the close; vulnerability and corrective actions at any time.
  offer('redress', !!c.outcome);
  offer('referral', !!c.reply);
  offer('vulnerability', true);
  offer('correctiveAction', at(s, 'INVESTIGATION', 'REPLY', 'CALLBACK', 'CLOSED') && !!c.investigation);
  // Issue 20: an open major complaint is evaluated live by its lead or the complaints function (ADR 0023).
  offer('liveEvaluation', c.status === 'OPEN' && !!c.routing?.major);
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
          // The outcome goes out with the reply (FCA DISP: upheld, partly upheld, not upheld); a reopened complaint's is kept unless changed.
          {
            name: 'outcome',
            label: 'reply.outcome',
            hint: 'reply.outcome.hint',
            kind: 'radio',
            required: !c.outcome,
            inline: true,
            value: c.outcome?.result,
            options: optionsOf('result', OUTCOME_RESULTS),
          },
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
        const result = f.radio('outcome');
        const body = f.validate(
          ReplyRequest,
          {
            subject: f.text('subject'),
            text: f.text('text'),
            ...(result ? { outcome: { result } } : {}),
            ...(us ? { cfpbResponse: f.text('cfpbResponse') || undefined } : {}),
          },
          { extra: !result && !c.outcome ? [{ field: 'outcome', key: 'v.choose' }] : [] },
        );
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
    case 'regulatoryClass': {
      // The suggestion (from the complaint's classification) and the region's taxonomy, from the API.
      const info = await ctx.api.get<RegulatoryClassInfo>(complaintPath(ref, 'regulatory-class'));
      if (info.status !== 200 || !info.body?.taxonomy) {
        panel.replaceChildren(el('p', { className: 'notice notice-error', text: page.failure(info.status, info.body?.message) }));
        return undefined;
      }
      const { region, taxonomy } = info.body;
      const chosen = (info.body.regulatoryClass ?? info.body.suggestion?.regulatoryClass ?? {}) as Record<string, Record<string, string> | undefined>;
      const pick = (name: string, list: { code?: string; label: string }[], label: ConsoleTextKeyOf<'returns.field.'>, value?: string): FieldSpec => ({
        name,
        label,
        kind: 'select',
        required: true,
        value,
        options: [{ value: '', label: 'option.choose' }, ...list.map((x) => ({ value: x.code ?? x.label, text: x.code ? `${x.code} ${x.label}` : x.label }))],
      });
      const plain = (xs: string[]) => xs.map((label) => ({ label }));
      let fields: FieldSpec[] = [];
      if (region === 'uk') {
        fields = [
          pick('uk.productGroup', taxonomy.productGroups ?? [], 'returns.field.productGroup', chosen.uk?.productGroup),
          pick('uk.cause', taxonomy.causes ?? [], 'returns.field.cause', chosen.uk?.cause),
        ];
      } else if (region === 'cn') {
        fields = (['a', 'b', 'c'] as const).map((d) => pick(`cn.${d}`, taxonomy[d] ?? [], `returns.field.${d}`, chosen.cn?.[d]));
      } else {
        const products = taxonomy.products ?? [];
        const product = products.find((p) => p.label === chosen.us?.product) ?? products[0];
        fields = [
          pick('us.product', plain(products.map((p) => p.label)), 'returns.field.product', chosen.us?.product),
          pick('us.subProduct', plain(product?.subProducts ?? []), 'returns.field.subProduct', chosen.us?.subProduct),
          pick('us.issue', plain((product?.issues ?? []).map((i) => i.label)), 'returns.field.issue', chosen.us?.issue),
          { ...pick('us.publicResponse', plain(taxonomy.publicResponses ?? []), 'returns.field.publicResponse', chosen.us?.publicResponse), required: false },
        ];
      }
      const why = info.body.suggestion?.reasons ?? [];
      f = buildForm(page, {
        id: formId,
        intro: [
          el('p', { className: 'hint', text: page.t(info.body.regulatoryClass ? 'returns.classify.current' : 'returns.classify.suggested') }),
          ...(why.length ? [el('p', { className: 'hint', text: why.join(' · ') })] : []),
        ],
        fields,
        submitLabel: 'action.regulatoryClass.submit',
        ...common,
      });
      onSubmit(f, async () => {
        const part = Object.fromEntries(fields.map((x) => [x.name.split('.')[1], f.text(x.name) || undefined]));
        const body = f.validate(RegulatoryClassRequest, { [region]: part });
        if (body) await send(f, 'regulatory-class', body);
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
    case 'redress': {
      const currency = REGION_CURRENCY[ctx.region.name] ?? 'CNY';
      f = buildForm(page, {
        id: formId,
        intro: [el('p', { className: 'hint', text: page.t('redress.explain') })],
        fields: [
          {
            name: 'kind',
            label: 'redress.kind',
            kind: 'select',
            required: true,
            options: [{ value: '', label: 'option.choose' }, ...optionsOf('redressKind', REDRESS_KINDS)],
          },
          { name: 'amount', label: 'redress.amount', hint: 'redress.amountHint', kind: 'text', required: true, short: true },
          { name: 'currency', label: 'redress.currency', kind: 'text', required: true, short: true, value: currency },
          { name: 'paidAt', label: 'redress.paid', kind: 'datetime-local' },
          { name: 'note', label: 'redress.note', kind: 'textarea', rows: 2 },
        ],
        submitLabel: 'action.redress.submit',
        ...common,
      });
      onSubmit(f, async () => {
        const cur = (f.text('currency') ?? '').toUpperCase();
        const raw = f.text('amount') ?? '';
        let amountMinor: number | undefined;
        try {
          const digits = new Intl.NumberFormat('en', { style: 'currency', currency: cur }).resolvedOptions().maximumFractionDigits ?? 2;
          amountMinor = /^\d+(\.\d+)?$/.test(raw) ? Math.round(Number(raw) * 10 ** digits) : undefined;
        } catch {
          amountMinor = undefined; // an unknown currency: the schema names it
        }
        const local = f.text('paidAt');
        const body = f.validate(RedressRequest, {
          amountMinor,
          currency: cur,
          kind: f.text('kind'),
          paidAt: local ? new Date(local).toISOString() : undefined,
          note: f.text('note'),
        });
        if (body) await send(f, 'redress', body);
      });
      break;
    }
    case 'referral': {
      f = buildForm(page, {
        id: formId,
        intro: [el('p', { className: 'hint', text: page.t('referral.explain') })],
        fields: [
          {
            name: 'body',
            label: 'referral.body',
            kind: 'select',
            required: true,
            value: REFERRAL_BODY[ctx.region.name],
            options: optionsOf('referralBody', REFERRAL_BODIES),
          },
          { name: 'organisation', label: 'referral.organisation', kind: 'text' },
          { name: 'externalReference', label: 'referral.reference', kind: 'text', required: true },
          { name: 'referredAt', label: 'referral.referredAt', kind: 'datetime-local', required: true },
          { name: 'dueAt', label: 'referral.dueAt', hint: 'referral.dueAtHint', kind: 'datetime-local' },
        ],
        submitLabel: 'action.referral.submit',
        ...common,
      });
      onSubmit(f, async () => {
        const iso = (name: string) => {
          const v = f.text(name);
          const date = v ? new Date(v) : undefined;
          return date && !Number.isNaN(date.getTime()) ? date.toISOString() : v;
        };
        const body = f.validate(ReferralRequestSchema, {
          body: f.text('body'),
          organisation: f.text('organisation'),
          externalReference: f.text('externalReference'),
          referredAt: iso('referredAt'),
          dueAt: iso('dueAt'),
        });
        if (body) await send(f, 'referrals', body);
      });
      break;
    }
    case 'vulnerability': {
      const v = c.vulnerability;
      f = buildForm(page, {
        id: formId,
        intro: [el('p', { className: 'hint', text: page.t('vulnerability.explain') })],
        fields: [
          ...VULNERABILITY_KINDS.map(
            (k): FieldSpec => ({ name: `kind-${k}`, label: `vulnerabilityKind.${k}`, kind: 'checkbox', checked: v?.kinds.includes(k) }),
          ),
          {
            name: 'adjustments',
            label: 'vulnerability.adjustments',
            hint: 'vulnerability.adjustmentsHint',
            kind: 'textarea',
            rows: 3,
            value: v?.adjustments.join('\n') ?? '',
          },
          { name: 'caused', label: 'vulnerability.caused', kind: 'checkbox', checked: v?.causedByFailureToRespond },
        ],
        submitLabel: 'action.vulnerability.submit',
        ...common,
      });
      onSubmit(f, async () => {
        const body = f.validate(VulnerabilityRequest, {
          kinds: VULNERABILITY_KINDS.filter((k) => f.checked(`kind-${k}`)),
          adjustments: (f.text('adjustments') ?? '')
            .split('\n')
            .map((l) => l.trim())
            .filter(Boolean),
          causedByFailureToRespond: f.checked('caused'),
        });
        if (body) await send(f, 'vulnerability', body);
      });
      break;
    }
    case 'liveEvaluation': {
      f = buildForm(page, {
        id: formId,
        intro: [el('p', { className: 'hint', text: page.t('live.explain') })],
        fields: [
          { name: 'riskLevel', label: 'live.riskLevel', kind: 'radio', required: true, inline: true, options: optionsOf('liveRisk', LIVE_RISK_LEVELS) },
          { name: 'progress', label: 'live.progress', kind: 'radio', required: true, inline: true, options: optionsOf('liveProgress', LIVE_PROGRESS) },
          { name: 'findings', label: 'live.findings', kind: 'textarea', rows: 3, required: true },
          { name: 'decision', label: 'live.decision', kind: 'radio', required: true, inline: true, options: optionsOf('liveDecision', LIVE_DECISIONS) },
          { name: 'changes', label: 'live.changes', hint: 'live.changesHint', kind: 'textarea', rows: 2 },
          { name: 'nextStepOwner', label: 'live.nextStepOwner', hint: 'live.nextStepOwnerHint', kind: 'text', autocomplete: 'off' },
        ],
        submitLabel: 'action.liveEvaluation.submit',
        ...common,
      });
      onSubmit(f, async () => {
        const body = f.validate(LiveEvaluationRequest, {
          riskLevel: f.radio('riskLevel'),
          progress: f.radio('progress'),
          findings: f.text('findings'),
          decision: f.radio('decision'),
          changes: f.text('changes') || undefined,
          nextStepOwner: f.text('nextStepOwner') || undefined,
        });
        if (body) await send(f, 'live-evaluations', body);
      });
      break;
    }
    case 'correctiveAction': {
      f = buildForm(page, {
        id: formId,
        intro: [el('p', { className: 'hint', text: page.t('correctiveAction.explain', { measures: c.investigation?.correctiveMeasures ?? '' }) })],
        fields: [
          {
            name: 'description',
            label: 'correctiveAction.description',
            kind: 'textarea',
            rows: 3,
            required: true,
            value: c.investigation?.correctiveMeasures ?? '',
          },
          { name: 'owner', label: 'correctiveAction.owner', hint: 'correctiveAction.ownerHint', kind: 'text', required: true },
          { name: 'dueAt', label: 'correctiveAction.dueAt', kind: 'datetime-local', required: true },
        ],
        submitLabel: 'action.correctiveAction.submit',
        ...common,
      });
      onSubmit(f, async () => {
        const local = f.text('dueAt');
        const date = local ? new Date(local) : undefined;
        const body = f.validate(CorrectiveActionRequest, {
          description: f.text('description'),
          owner: f.text('owner'),
          dueAt: date && !Number.isNaN(date.getTime()) ? date.toISOString() : local,
        });
        if (body) await send(f, 'corrective-actions', body);
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
