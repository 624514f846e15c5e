/**
 * One complaint, for staff: the current task and the actions the signed-in staff member
 * may take on it, the complaint's data, classification and routing, the deadlines with
 * their state, the history (who, when, what) and the messages sent. Every server text is
 * set with textContent.
 */
import { ROLE_OPERATIONS } from '../../../functions/domain/authorization.ts';
import type { Complaint, DeadlineRecord } from '../../../functions/domain/complaint.ts';
import { bidiFields, hasBidiControls, showControls } from '../../../functions/domain/display-text.ts';
import { evaluationStatus, missedIntervals } from '../../../functions/domain/live-evaluation.ts';
import { el } from '../lib/page.ts';
import { availableActions, buildActionForm, completesStage, runImmediate, type ActionId, type ActionResult, type Offered } from './actions.ts';
import { complaintPath } from './api.ts';
import type { ComplaintDetail, Ctx } from './context.ts';
import { dueState, hasDeadline, relative } from './format.ts';

/** What GET /api/staff/archive/{reference} answers. */
interface ArchivedRecord {
  complaint: Complaint;
  history: ComplaintDetail['history'];
  messages: ComplaintDetail['messages'];
  archivedAt: string;
  retainUntil: string;
  verified: boolean;
  erasure?: { at: string; basis: string };
}

const ACTING_OPS = new Set([
  'restrictCustomer',
  'mergeComplaint',
  'unlinkComplaint',
  'claimTask',
  'completeInvestigation',
  'submitReply',
  'approveReply',
  'withdrawReply',
  'requestExtension',
  'decideExtension',
  'pauseClock',
  'resumeClock',
  'recordCallback',
  'recordCall',
  'reassign',
  'correctClassification',
  'submitHandlingPlan',
]);

type Row = [string, Node | string | undefined];

/**
 * Text from outside, as staff see it (issue 16 #8): isolated from what surrounds it (<bdi>), its
 * bidi controls shown as markers (⟦RLO⟧) instead of obeyed - the stored text is unchanged.
 */
function userText(s: string | undefined, className = ''): HTMLElement | undefined {
  if (s === undefined || s === '') return undefined;
  const spoofed = hasBidiControls(s);
  return el('bdi', { className: `${className}${spoofed ? ' bidi-spoof' : ''}`.trim() || undefined, text: showControls(s) });
}

function dl(rows: Row[], className = 'facts'): HTMLElement {
  const list = el('dl', { className });
  for (const [label, value] of rows) {
    if (value === undefined || value === '') continue;
    list.append(el('div', {}, el('dt', { text: label }), el('dd', {}, value)));
  }
  return list;
}

function section(id: string, title: string, ...children: Node[]): HTMLElement {
  return el('section', { className: 'panel', attrs: { 'aria-labelledby': id } }, el('h2', { text: title, attrs: { id } }), ...children);
}

export class DetailView {
  private detail: ComplaintDetail | undefined;
  private reference = '';
  private active: Offered | undefined;
  private notice: { text: string; tone: 'success' | 'error' | 'info' } | undefined;
  private loadSeq = 0;
  /** Moves on whenever the person turns to something else (another complaint, another action): a pending refresh then leaves the page alone. */
  private epoch = 0;

  constructor(
    private readonly ctx: Ctx,
    private readonly root: HTMLElement,
  ) {
    ctx.page.onLanguageChange(() => {
      if (this.detail && !this.root.hidden) this.render(false, false, true);
    });
    // Escape closes the open action form and returns to its button.
    root.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.active && (e.target as HTMLElement | null)?.closest('#action-panel')) {
        e.preventDefault();
        this.closeAction();
      }
    });
  }

  get current(): ComplaintDetail | undefined {
    return this.detail;
  }

  /** Drops everything shown (signing out: nothing of the complaint stays in the page). */
  forget(): void {
    this.loadSeq++;
    this.epoch++;
    this.detail = undefined;
    this.reference = '';
    this.active = undefined;
    this.notice = undefined;
    this.root.replaceChildren();
    delete this.root.dataset.reference;
    delete this.root.dataset.stage;
    delete this.root.dataset.status;
  }

  async show(reference: string): Promise<void> {
    this.epoch++;
    if (reference !== this.reference) {
      this.active = undefined;
      this.notice = undefined;
      this.detail = undefined;
    }
    this.reference = reference;
    if (!this.detail) this.root.replaceChildren(el('p', { className: 'progress', text: this.ctx.page.t('detail.loading'), attrs: { role: 'status' } }));
    const ok = await this.load();
    if (ok) this.render(true);
  }

  /** Fetches the complaint; renders a failure notice itself. */
  private async load(): Promise<boolean> {
    const seq = ++this.loadSeq;
    const answer = await this.ctx.api.get<ComplaintDetail>(complaintPath(this.reference));
    if (seq !== this.loadSeq) return false;
    if (answer.status === 200 && answer.body?.complaint) {
      this.detail = answer.body;
      return true;
    }
    if (answer.status === 401) return false;
    if (answer.status === 404) {
      // Not in the hot table: quality may open it from the archive (the read is audited).
      const archived = await this.ctx.api.get<ArchivedRecord>(`/api/staff/archive/${encodeURIComponent(this.reference)}`);
      if (seq !== this.loadSeq) return false;
      if (archived.status === 200 && archived.body?.complaint) {
        const r = archived.body;
        this.detail = {
          complaint: r.complaint,
          history: r.history,
          messages: r.messages,
          archive: { state: 'archived', archivedAt: r.archivedAt, retainUntil: r.retainUntil, verified: r.verified, erasure: r.erasure },
        };
        return true;
      }
    }
    const { page } = this.ctx;
    const key = answer.status === 404 ? 'detail.notFound' : answer.status === 403 ? 'detail.forbidden' : answer.status === 0 ? 'error.network' : 'error.server';
    const h = el('h1', { text: page.t('detail.heading', { reference: this.reference }), attrs: { tabindex: '-1', id: 'detail-title' } });
    const p = el('p', { className: 'notice notice-error', text: page.t(key, { reference: this.reference, message: answer.body?.message ?? '' }) });
    this.root.replaceChildren(this.backLink(), h, p);
    this.ctx.announce(p.textContent ?? '');
    h.focus();
    return false;
  }

  private backLink(): HTMLElement {
    const a = el('a', { className: 'back-link', text: this.ctx.page.t('detail.back'), attrs: { href: '#/back' } });
    a.addEventListener('click', (e) => {
      e.preventDefault();
      if (history.length > 1) history.back();
      else this.ctx.navigate('#/');
    });
    return el('p', { className: 'crumbs' }, a);
  }

  /**
   * Draws the complaint. An action form already open stays as it is (what was typed, chosen or
   * checked is kept) unless `rebuildAction` (the language changed) or the action is no longer offered.
   */
  private render(focusHeading: boolean, focusAction = false, rebuildAction = false): void {
    const d = this.detail;
    if (!d) return;
    const open = this.root.querySelector<HTMLElement>('#action-panel');
    const kept = !rebuildAction && this.active && open?.dataset.action === actionKey(this.active) ? open : undefined;
    const { page } = this.ctx;
    const c = d.complaint;
    const now = this.ctx.now();
    const heading = el(
      'h1',
      { attrs: { id: 'detail-title', tabindex: '-1' } },
      page.t('detail.heading', { reference: '' }).trim(),
      ' ',
      el('span', { className: 'nowrap mono', text: c.reference }),
    );
    const head = el('div', { className: 'detail-head' }, heading, this.badges(c));
    head.append(
      dl(
        [
          [page.t('detail.team'), c.assignment?.team ? page.label('team', c.assignment.team) : '–'],
          [page.t('detail.assignee'), c.assignment?.assignee ?? page.t('queue.unassigned')],
          [page.t('detail.manager'), c.assignment?.manager],
          [page.t('detail.channel'), page.label('channel', c.channel)],
          [page.t('detail.received'), this.time(c.receivedAt)],
          [page.t('detail.receivedBy'), c.receivedBy],
          [page.t('detail.language'), page.label('language', c.language)],
        ],
        'facts facts-inline',
      ),
    );

    const main = el('div', { className: 'detail-main' }, this.matterSection(c), this.complainantSection(c));
    if (c.investigation) main.append(this.investigationSection(c));
    if (c.handlingPlan) main.append(this.planSection(c));
    if (c.routing?.major) main.append(this.liveEvaluationSection(c, now));
    if (c.reply) main.append(this.replySection(c, d.messages));
    if (c.callbacks?.length) main.append(this.callbacksSection(c));
    if (c.outcome || c.redress?.length || c.referrals?.length || c.vulnerability) main.append(this.redressSection(c));
    main.append(this.historySection(d), this.messagesSection(d));
    const side = el(
      'aside',
      { className: 'detail-side', attrs: { 'aria-label': page.t('detail.side') } },
      this.deadlinesSection(c, now),
      this.classificationSection(c),
      this.routingSection(c),
    );

    const archived = d.archive?.state === 'archived' ? d.archive : undefined;
    const top = archived
      ? el('p', {
          className: 'notice notice-info',
          attrs: { id: 'archive-notice', role: 'status' },
          text: page.t('detail.archivedNotice', {
            until: page.formatDateTime(archived.retainUntil),
            verified: page.t(archived.verified ? 'detail.archiveIntact' : 'detail.archiveBroken'),
          }),
        })
      : this.taskCard(d, now);
    this.root.replaceChildren(this.backLink(), head, top, el('div', { className: 'detail-grid' }, main, side));
    this.root.dataset.reference = c.reference;
    this.root.dataset.stage = c.stage;
    this.root.dataset.status = c.status;
    document.title = `${c.reference} – ${page.t('c.brand')}`;
    if (this.active) {
      const fresh = this.root.querySelector<HTMLElement>('#action-panel');
      const offered = availableActions(this.ctx, d).some((x) => x.id === this.active?.id && x.messageId === this.active.messageId);
      if (kept && fresh && offered) fresh.replaceWith(kept);
      else void this.openAction(this.active, focusAction);
    }
    if (focusHeading) heading.focus();
  }

  private time(iso: string | undefined): Node | undefined {
    if (!iso) return undefined;
    return el('time', { text: this.ctx.page.formatCompact(iso, this.ctx.now()), attrs: { datetime: iso, title: this.ctx.page.formatDateTime(iso) } });
  }

  private badges(c: Complaint): HTMLElement {
    const { page } = this.ctx;
    const b = (text: string, tone: string) => el('span', { className: `badge badge-${tone}`, text });
    const out = el('p', { className: 'badges' });
    out.append(b(page.t(`status.${c.status}`), c.status === 'CLOSED' ? 'neutral' : 'info'), b(page.label('stage', c.stage), 'neutral'));
    // A drill's complaint (issue 20): marked first, in every view of it.
    if (c.drill) out.append(b(page.t('detail.drill', { scenario: c.drill.scenario }), 'drill'));
    if (c.routing?.major) out.append(b(page.t('route.major'), 'major'));
    if (c.routing?.crossDepartment) out.append(b(page.t('route.crossDepartment'), 'info'));
    if (c.routing?.anonymous) out.append(b(page.t('route.anonymous'), 'neutral'));
    if (c.escalated) out.append(b(page.t('detail.escalated'), 'breached'));
    const archive = this.detail?.archive;
    if (archive) out.append(b(page.t(archive.state === 'archived' ? 'detail.archived' : 'detail.archiving'), 'neutral'));
    if (archive?.state === 'archived' && archive.erasure) out.append(b(page.t('detail.erased'), 'neutral'));
    if (c.pause) out.append(b(page.t('detail.paused'), 'due_soon'));
    if (c.repeats) out.append(b(page.t('detail.repeats', { n: c.repeats }), 'due_soon'));
    if (c.restricted) out.append(b(page.t('detail.restricted'), 'breached'));
    if (c.vulnerability?.kinds.length) out.append(b(page.t('detail.vulnerable'), 'due_soon'));
    if (bidiFields(c).length) out.append(b(page.t('detail.bidiControls'), 'breached'));
    if (c.reopenCount) out.append(b(page.t('detail.reopened', { n: c.reopenCount }), 'due_soon'));
    if (c.classification) out.append(b(c.classification.priority, `priority-${c.classification.priority}`));
    return out;
  }

  private taskCard(d: ComplaintDetail, now: Date): HTMLElement {
    const { page } = this.ctx;
    const c = d.complaint;
    const task = d.task;
    const card = el('section', { className: 'card task-card', attrs: { 'aria-labelledby': 'task-title', id: 'task-card' } });
    let title: string;
    if (c.status === 'CLOSED') title = page.t('task.closed', { outcome: page.label('outcome', c.closure ?? 'closed') });
    else if (!task) title = page.t('task.none');
    else if (task.status === 'completed' || task.stage !== c.stage) title = page.t('task.waiting');
    else title = page.t('task.title', { stage: page.label('stage', task.stage) });
    card.append(el('h2', { text: title, attrs: { id: 'task-title' } }));
    if (task && c.status === 'OPEN' && task.status !== 'completed') {
      const due = hasDeadline(task.nextDueAt)
        ? el('span', {}, `${page.label('deadline', task.nextDueName)}: `, this.time(task.nextDueAt)!, ` (${relative(page, task.nextDueAt, now)})`)
        : undefined;
      card.append(
        dl(
          [
            [page.t('task.status'), page.label('taskStatus', task.status)],
            [page.t('detail.assignee'), task.assignee ?? page.t('queue.unassigned')],
            [page.t('task.next'), due],
            [page.t('task.openedAt'), this.time(task.openedAt)],
          ],
          'facts facts-inline',
        ),
      );
    }
    if (c.pause)
      card.append(
        el('p', {
          className: 'notice notice-warning',
          text: page.t('task.pausedSince', { date: page.formatCompact(c.pause.since, now), by: c.pause.by, reason: c.pause.reason }),
        }),
      );
    if (c.extensions?.pending)
      card.append(
        el('p', { className: 'notice', text: page.t('task.extensionPending', { by: c.extensions.pending.requestedBy, reason: c.extensions.pending.reason }) }),
      );
    // Issue 16: links decided by staff, never by what an outsider sent.
    if (c.relatedTo)
      card.append(
        el('p', {
          className: 'notice notice-warning',
          text: page.t(c.relatedTo.reason === 'possible-repeat' ? 'task.possibleRepeat' : 'task.possiblyRelated', { reference: c.relatedTo.reference }),
        }),
      );
    if (c.mergedInto)
      card.append(el('p', { className: 'notice', text: page.t('task.mergedInto', { reference: c.mergedInto.reference, by: c.mergedInto.by }) }));
    if (c.restricted)
      card.append(
        el('p', {
          className: 'notice notice-warning',
          text: page.t('task.restricted', { by: c.restricted.by, reason: c.restricted.reason, until: c.restricted.until ?? page.t('task.restrictedOpen') }),
        }),
      );
    if (task?.status === 'awaiting-approval')
      card.append(
        el('p', {
          className: 'notice',
          text: page.t('task.awaitingApproval', {
            by: task.pendingReply?.by ?? '',
            tier: this.ctx.region.profile.approvalTiers[task.pendingReply?.tier ?? 'manager'],
          }),
        }),
      );

    if (this.notice) {
      const n = el('p', {
        className: `notice notice-${this.notice.tone}`,
        text: this.notice.text,
        attrs: { id: 'action-notice', tabindex: '-1', role: this.notice.tone === 'error' ? 'alert' : 'status' },
      });
      card.append(n);
    }

    const offered = availableActions(this.ctx, d);
    const actor = this.ctx.actor();
    const mayAct = actor.roles.some((r) => [...ROLE_OPERATIONS[r]].some((op) => ACTING_OPS.has(op)));
    if (offered.length) {
      const bar = el('div', { className: 'action-bar', attrs: { role: 'group', 'aria-label': page.t('action.group') } });
      for (const o of offered) {
        const label =
          o.id === 'call'
            ? page.t('action.callFor', { kind: page.label('message.kind', d.messages.find((m) => m.messageId === o.messageId)?.kind ?? '') })
            : page.t(`action.${o.id}`);
        const isActive = this.active?.id === o.id && this.active.messageId === o.messageId;
        const immediate = o.id === 'claim' || o.id === 'resume';
        const button = el('button', {
          className: `button ${o.primary ? 'button-primary' : 'button-secondary'} button-small`,
          text: label,
          attrs: { type: 'button', 'data-action': o.id, ...(immediate ? {} : { 'aria-expanded': String(isActive), 'aria-controls': 'action-panel' }) },
        });
        button.addEventListener('click', () => {
          if (immediate) {
            void this.immediate(o.id as 'claim' | 'resume', button);
            return;
          }
          if (isActive) {
            this.closeAction();
            return;
          }
          this.active = o;
          this.epoch++;
          this.notice = undefined;
          this.render(false, true);
        });
        bar.append(button);
      }
      card.append(bar, el('div', { attrs: { id: 'action-panel' }, className: 'action-panel' }));
    } else if (!mayAct) {
      card.append(el('p', { className: 'readonly-note', text: page.t('task.readOnly', { roles: actor.roles.map((r) => page.label('role', r)).join(', ') }) }));
    } else if (c.status === 'OPEN') {
      card.append(el('p', { className: 'readonly-note', text: page.t('task.nothingForYou') }));
    }
    return card;
  }

  private closeAction(): void {
    const was = this.active;
    this.active = undefined;
    this.render(false);
    if (was) this.root.querySelector<HTMLButtonElement>(`button[data-action="${was.id}"]`)?.focus();
  }

  private async openAction(o: Offered, focus = true): Promise<void> {
    const panel = this.root.querySelector<HTMLElement>('#action-panel');
    const d = this.detail;
    if (!panel || !d) return;
    // Still offered? (after a reload the action may no longer apply)
    if (!availableActions(this.ctx, d).some((x) => x.id === o.id && x.messageId === o.messageId)) {
      this.active = undefined;
      return;
    }
    const form = await buildActionForm(
      this.ctx,
      d,
      o,
      panel,
      (r) => void this.completed(r),
      () => this.closeAction(),
    );
    if (form) panel.dataset.action = actionKey(o);
    if (form && focus) (form.form.querySelector<HTMLElement>('input, textarea, select') ?? form.submit).focus();
  }

  private async immediate(id: 'claim' | 'resume', button: HTMLButtonElement): Promise<void> {
    if (button.getAttribute('aria-disabled') === 'true') return;
    button.setAttribute('aria-disabled', 'true');
    this.ctx.announce(this.ctx.page.t('action.sending'));
    const r = await runImmediate(this.ctx, this.reference, id);
    if (r.ok) {
      await this.completed({ id, answer: r.answer });
      return;
    }
    button.removeAttribute('aria-disabled');
    if (r.status === 401) return;
    this.showNotice(this.failureText(r.status, r.message), 'error');
  }

  private failureText(status: number, message?: string): string {
    return this.ctx.page.failure(status, message);
  }

  private showNotice(text: string, tone: 'success' | 'error' | 'info'): void {
    this.notice = { text, tone };
    this.render(false);
    this.root.querySelector<HTMLElement>('#action-notice')?.focus();
    this.ctx.announce(text);
  }

  private doneText(r: ActionResult): string {
    const status = (r.answer as { status?: string } | undefined)?.status;
    const { page } = this.ctx;
    const own = `done.${r.id}.${status}`;
    const key = status && page.has(own) ? own : `done.${r.id}`;
    return page.has(key) ? page.t(key) : key;
  }

  /** After a successful action: reload; when the stage was completed, wait for the next task. */
  private async completed(r: ActionResult): Promise<void> {
    this.active = undefined;
    const before = this.detail;
    const waitForWorkflow = completesStage(r.id as ActionId, r.answer);
    this.notice = { text: this.doneText(r) + (waitForWorkflow ? ` ${this.ctx.page.t('done.waiting')}` : ''), tone: 'success' };
    await this.load();
    this.render(false);
    this.root.querySelector<HTMLElement>('#action-notice')?.focus();
    this.ctx.announce(this.notice.text);
    if (!waitForWorkflow || !before) return;
    const stage = before.complaint.stage;
    const epoch = this.epoch;
    // Polled a bounded number of times (not by the clock, which tests may fix); given up as soon as
    // the person opens something else, so that a form being filled in is never redrawn under them.
    let moved = false;
    for (let i = 0; i < 40 && !moved; i++) {
      await new Promise((ok) => setTimeout(ok, 400));
      if (epoch !== this.epoch || this.reference !== before.complaint.reference || !(await this.load()) || epoch !== this.epoch) return;
      const d = this.detail!;
      moved = d.complaint.status === 'CLOSED' || (d.complaint.stage !== stage && d.task?.stage === d.complaint.stage && d.task.status !== 'completed');
    }
    const c = this.detail!.complaint;
    const next = !moved ? 'done.stillWaiting' : c.status === 'CLOSED' ? 'done.closed' : 'done.nextStage';
    this.notice = { text: `${this.doneText(r)} ${this.ctx.page.t(next, { stage: this.ctx.page.label('stage', c.stage) })}`, tone: 'success' };
    const hadFocus = document.activeElement?.id === 'action-notice';
    this.render(false);
    if (hadFocus) this.root.querySelector<HTMLElement>('#action-notice')?.focus();
    this.ctx.announce(this.notice.text);
  }

  private matterSection(c: Complaint): HTMLElement {
    const { page } = this.ctx;
    // Text that could be made to look like something else: said once, above it, with where.
    const spoofed = bidiFields(c);
    const warning = spoofed.length
      ? [
          el('p', {
            className: 'notice notice-warning',
            attrs: { id: 'bidi-warning', role: 'note' },
            text: page.t('detail.bidiWarning', { fields: spoofed.join(', ') }),
          }),
        ]
      : [];
    return section(
      'sec-matter',
      page.t('detail.matter'),
      ...warning,
      el('p', { className: 'prose' }, userText(c.matter.description) ?? ''),
      dl([
        [page.t('detail.cause'), userText(c.matter.cause)],
        [page.t('detail.demand'), userText(c.matter.demand)],
        [page.t('detail.businessLine'), userText(c.businessLine)],
        [page.t('detail.amount'), c.amount ? page.formatMoney(c.amount.value, c.amount.currency) : undefined],
        [page.t('detail.occurredAt'), c.occurredAt],
        [page.t('detail.place'), userText(c.place)],
        [page.t('detail.targetDepartment'), userText(c.target?.department)],
        [page.t('detail.targetStaff'), userText(c.target?.staffMember)],
      ]),
      this.attachments(c),
    );
  }

  private attachments(c: Complaint): HTMLElement {
    const { page } = this.ctx;
    const files = c.attachments ?? [];
    const h = el('h3', { text: page.t('detail.attachments', { n: files.length }) });
    if (!files.length) return el('div', {}, h, el('p', { className: 'muted', text: page.t('detail.noAttachments') }));
    const size = (b: number) => (b < 1024 * 1024 ? `${Math.max(1, Math.round(b / 1024))} KB` : `${(b / 1024 / 1024).toFixed(1)} MB`);
    return el(
      'div',
      {},
      h,
      el(
        'ul',
        { className: 'file-list' },
        ...files.map((f) =>
          el('li', {}, userText(f.name, 'file-name') ?? '', el('span', { className: 'file-size', text: `${f.contentType} · ${size(f.size)}` })),
        ),
      ),
    );
  }

  private complainantSection(c: Complaint): HTMLElement {
    const { page } = this.ctx;
    const p = c.complainant;
    if (p.anonymous) return section('sec-complainant', page.t('detail.complainant'), el('p', { text: page.t('detail.anonymous') }));
    return section(
      'sec-complainant',
      page.t('detail.complainant'),
      dl([
        [page.t('detail.name'), userText(p.name)],
        [page.t('detail.email'), userText(p.contact?.email)],
        [page.t('detail.phone'), p.contact?.phone],
        [page.t('detail.address'), userText(p.contact?.address)],
        [page.t('detail.gender'), p.gender ? page.label('gender', p.gender) : undefined],
        [page.t('detail.age'), p.age !== undefined ? String(p.age) : undefined],
      ]),
    );
  }

  private investigationSection(c: Complaint): HTMLElement {
    const { page } = this.ctx;
    const i = c.investigation!;
    return section(
      'sec-investigation',
      page.t('detail.investigation'),
      dl(
        [
          [page.t('inv.rootCause'), i.rootCause],
          [page.t('inv.responsiblePeople'), i.responsiblePeople],
          [page.t('inv.correctiveMeasures'), i.correctiveMeasures],
          [page.t('inv.correctionResult'), i.correctionResult],
        ],
        'facts facts-stacked',
      ),
      el('p', { className: 'meta', text: page.t('detail.byAt', { by: i.by, date: page.formatCompact(i.at, this.ctx.now()) }) }),
    );
  }

  private planSection(c: Complaint): HTMLElement {
    const { page } = this.ctx;
    const p = c.handlingPlan!;
    return section(
      'sec-plan',
      page.t('detail.handlingPlan'),
      this.table(
        [page.t('plan.dept'), page.t('plan.duty'), page.t('plan.dueAt')],
        p.departments.map((x) => [page.label('team', x.department), x.duty, this.time(x.dueAt) ?? x.dueAt]),
        page.t('detail.handlingPlan'),
      ),
      el('p', { className: 'meta', text: page.t('detail.byAt', { by: p.by, date: page.formatCompact(p.at, this.ctx.now()) }) }),
    );
  }

  /** Live evaluation of a major complaint (issue 20, ADR 0023): when the next one is due, and each one made. */
  private liveEvaluationSection(c: Complaint, now: Date): HTMLElement {
    const { page } = this.ctx;
    const profile = this.ctx.region.profile;
    const every = profile.liveEvaluationEvery;
    const st = evaluationStatus(c, every, profile.reminderAtRemainingFraction, now);
    const state = st
      ? st.overdueSince
        ? el('p', { className: 'notice notice-warning', text: page.t('live.overdue', { n: st.missedSinceLast, date: page.formatDateTime(st.overdueSince) }) })
        : el('p', {
            className: `meta${st.dueSoon ? ' due_soon' : ''}`,
            text: page.t('live.next', { date: page.formatDateTime(st.dueAt), every: `${every.value} ${every.unit === 'hours' ? 'h' : 'min'}` }),
          })
      : el('p', { className: 'meta', text: page.t('live.closedMissed', { n: missedIntervals(c, every, now) }) });
    const list = c.liveEvaluations ?? [];
    return section(
      'sec-live-evaluation',
      page.t('detail.liveEvaluation'),
      state,
      list.length
        ? this.table(
            [
              page.t('live.at'),
              page.t('live.by'),
              page.t('live.riskLevel'),
              page.t('live.progress'),
              page.t('live.decision'),
              page.t('live.findings'),
              page.t('live.changes'),
            ],
            list.map((e) => [
              el('span', {}, this.time(e.at) ?? e.at, e.late ? ` (${page.t('live.late')})` : ''),
              e.by,
              page.label('liveRisk', e.riskLevel),
              page.label('liveProgress', e.progress),
              page.label('liveDecision', e.decision),
              userText(e.findings) ?? '',
              userText(e.changes) ?? '–',
            ]),
            page.t('detail.liveEvaluation'),
          )
        : el('p', { className: 'muted', text: page.t('live.none') }),
    );
  }

  /** The reply: who sent it when (the complaint), what was sent (its message, or the complaint's own text if it kept one). */
  private replySection(c: Complaint, messages: ComplaintDetail['messages']): HTMLElement {
    const { page } = this.ctx;
    const r = c.reply!;
    const text = r.text ?? messages.filter((m) => m.kind === 'reply').at(-1)?.text ?? '';
    return section(
      'sec-reply',
      page.t('detail.reply'),
      el('p', {
        className: 'meta',
        text:
          page.t('detail.replyMeta', { by: r.by, date: page.formatCompact(r.sentAt, this.ctx.now()), channel: page.label('msgChannel', r.channel) }) +
          (r.approvedBy ? ` ${page.t('detail.approvedBy', { by: r.approvedBy })}` : ''),
      }),
      el('p', { className: 'reply-subject', text: r.subject }),
      el('div', { className: 'reply-text', text }),
    );
  }

  /** Issue 19 B: the outcome, the redress ledger (as appended: reversals shown as such), referrals and the vulnerability flag. */
  private redressSection(c: Complaint): HTMLElement {
    const { page } = this.ctx;
    const now = this.ctx.now();
    const by = (who: string | undefined, at: string) => page.t('detail.byAt', { by: who ?? '', date: page.formatCompact(at, now) });
    const money = (minor: number, currency: string) => {
      const fmt = new Intl.NumberFormat(page.lang, { style: 'currency', currency });
      return fmt.format(minor / 10 ** (fmt.resolvedOptions().maximumFractionDigits ?? 2));
    };
    const parts: Node[] = [];
    if (c.outcome)
      parts.push(
        el(
          'p',
          {},
          el('strong', { text: page.t('detail.outcome', { result: page.label('result', c.outcome.result) }) }),
          ' ',
          el('span', { className: 'meta', text: by(c.outcome.by, c.outcome.at) }),
        ),
      );
    if (c.redress?.length)
      parts.push(
        this.table(
          [page.t('redress.entry'), page.t('redress.kind'), page.t('redress.amount'), page.t('redress.paid'), page.t('redress.by')],
          c.redress.map((e) => [
            e.reverses ? page.t('redress.reverses', { id: e.id, reverses: e.reverses }) : e.id,
            page.label('redressKind', e.kind),
            money(e.amountMinor, e.currency),
            e.paidAt ? page.formatCompact(e.paidAt, now) : '–',
            by(e.by, e.at),
          ]),
          page.t('detail.redress'),
        ),
      );
    for (const r of c.referrals ?? [])
      parts.push(
        el('p', {
          text: page.t('detail.referral', {
            body: r.organisation ?? r.body,
            reference: r.externalReference,
            due: r.deadline ? page.formatCompact(r.deadline.dueAt, now) : '–',
            outcome: r.outcome ? page.label('referralResult', r.outcome.result) : page.t('detail.referralOpen'),
          }),
        }),
      );
    if (c.vulnerability)
      parts.push(
        el('p', {
          text: page.t('detail.vulnerability', {
            kinds: c.vulnerability.kinds.map((k) => page.label('vulnerabilityKind', k)).join(', '),
            adjustments: c.vulnerability.adjustments.join('; ') || '–',
          }),
        }),
      );
    return section('sec-redress', page.t('detail.outcomeRedress'), ...parts);
  }

  private callbacksSection(c: Complaint): HTMLElement {
    const { page } = this.ctx;
    return section(
      'sec-callbacks',
      page.t('detail.callbacks'),
      el(
        'ul',
        { className: 'plain-list' },
        ...(c.callbacks ?? []).map((cb) =>
          el(
            'li',
            {},
            el('strong', { text: `${cb.satisfaction}/5 – ${page.label('callback', String(cb.satisfaction))}` }),
            ' ',
            el('span', { className: 'meta', text: page.t('detail.byAt', { by: cb.by, date: page.formatCompact(cb.at, this.ctx.now()) }) }),
            ...(cb.comment ? [el('p', { className: 'prose', text: cb.comment })] : []),
          ),
        ),
      ),
    );
  }

  private table(headers: string[], rows: (Node | string)[][], caption: string, className = 'data-table'): HTMLElement {
    const table = el(
      'table',
      { className },
      el('caption', { className: 'visually-hidden', text: caption }),
      el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { text: h, attrs: { scope: 'col' } })))),
      el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((cell, i) => el('td', { attrs: { 'data-label': headers[i] } }, cell))))),
    );
    return el('div', { className: 'table-wrap' }, table);
  }

  private historySection(d: ComplaintDetail): HTMLElement {
    const { page } = this.ctx;
    const entries = [...d.history].sort((a, b) => b.at.localeCompare(a.at));
    const rows = entries.map((h) => {
      const what = el('div', {}, el('span', { text: h.summary }));
      if (h.visibleToCustomer) what.append(' ', el('span', { className: 'badge badge-neutral badge-tiny', text: page.t('history.customerSees') }));
      if (h.before || h.after) {
        const details = el('details', { className: 'changes' }, el('summary', { text: page.t('history.changes') }));
        if (h.before) details.append(el('p', { className: 'meta', text: page.t('history.before') }), el('pre', { text: JSON.stringify(h.before, null, 2) }));
        if (h.after) details.append(el('p', { className: 'meta', text: page.t('history.after') }), el('pre', { text: JSON.stringify(h.after, null, 2) }));
        what.append(details);
      }
      return [this.time(h.at) ?? h.at, el('span', { className: 'mono', text: h.actor }), el('span', { className: 'mono muted', text: h.action }), what];
    });
    return section(
      'sec-history',
      page.t('detail.history', { n: entries.length }),
      this.table(
        [page.t('history.when'), page.t('history.who'), page.t('history.action'), page.t('history.what')],
        rows,
        page.t('detail.history', { n: entries.length }),
        'data-table history-table',
      ),
    );
  }

  private messagesSection(d: ComplaintDetail): HTMLElement {
    const { page } = this.ctx;
    const messages = [...d.messages].sort((a, b) => b.at.localeCompare(a.at));
    if (!messages.length)
      return section('sec-messages', page.t('detail.messages', { n: 0 }), el('p', { className: 'muted', text: page.t('detail.noMessages') }));
    const rows = messages.map((m) => {
      const body = el(
        'details',
        { className: 'changes' },
        el('summary', {}, userText(m.subject) ?? ''),
        el('div', { className: 'reply-text' }, userText(m.text) ?? ''),
      );
      return [
        this.time(m.at) ?? m.at,
        page.label('message.kind', m.kind),
        el(
          'span',
          {},
          `${page.label('audience', m.audience)} · ${page.label('msgChannel', m.channel)}`,
          ...(m.to ? [el('br'), el('span', { className: 'muted', text: m.to })] : []),
        ),
        el('span', { className: `badge badge-msg-${m.status}`, text: page.label('msgStatus', m.status) }),
        body,
      ];
    });
    return section(
      'sec-messages',
      page.t('detail.messages', { n: messages.length }),
      this.table(
        [page.t('msg.when'), page.t('msg.kind'), page.t('msg.to'), page.t('msg.status'), page.t('msg.content')],
        rows,
        page.t('detail.messages', { n: messages.length }),
        'data-table messages-table',
      ),
    );
  }

  private deadlinesSection(c: Complaint, now: Date): HTMLElement {
    const { page } = this.ctx;
    const entries = Object.entries(c.deadlines).sort(([, a], [, b]) => a.dueAt.localeCompare(b.dueAt));
    const stateOf = (d: DeadlineRecord) => {
      if (d.metAt) return 'met';
      if (c.status === 'CLOSED') return c.closedAt && c.closedAt > d.dueAt ? 'breached' : 'ended';
      return dueState(d.dueAt, now, { paused: !!c.pause });
    };
    const list = el(
      'ul',
      { className: 'deadline-list' },
      ...entries.map(([name, d]) => {
        const state = stateOf(d);
        const li = el(
          'li',
          { className: `deadline-item deadline-${state}` },
          el(
            'div',
            { className: 'deadline-row' },
            el('span', { className: 'deadline-name', text: page.label('deadline', name) }),
            el('span', { className: `badge badge-${state}`, text: page.label('state', state) }),
          ),
          el('div', { className: 'deadline-when' }, this.time(d.dueAt)!, state === 'met' || state === 'ended' ? '' : ` · ${relative(page, d.dueAt, now)}`),
        );
        const marks: string[] = [];
        if (d.metAt) marks.push(page.t('deadline.metAt', { date: page.formatCompact(d.metAt, now) }));
        if (d.remindedAt) marks.push(page.t('deadline.reminded'));
        if (d.escalatedAt) marks.push(page.t('deadline.escalated'));
        // Counted over a year whose official calendar is not confirmed (issue 22): the date may move.
        if (d.calendarUnconfirmed && !d.metAt) {
          li.classList.add('deadline-calendar-unconfirmed');
          marks.push(page.t('deadline.calendarUnconfirmed'));
        }
        if (marks.length) li.append(el('div', { className: 'meta', text: marks.join(' · ') }));
        li.append(el('div', { className: 'meta rule', text: d.rule }));
        return li;
      }),
    );
    return section('sec-deadlines', page.t('detail.deadlines'), list);
  }

  private classificationSection(c: Complaint): HTMLElement {
    const { page } = this.ctx;
    const cl = c.classification;
    if (!cl) return section('sec-classification', page.t('detail.classification'), el('p', { className: 'muted', text: page.t('detail.notClassified') }));
    const reasons = el(
      'details',
      { className: 'changes' },
      el('summary', { text: page.t('classification.reasons', { n: cl.reasons.length }) }),
      el('ul', {}, ...cl.reasons.map((r) => el('li', { text: r }))),
    );
    return section(
      'sec-classification',
      page.t('detail.classification'),
      dl([
        [page.t('classification.nature'), page.label('nature', cl.nature)],
        [page.t('classification.channelType'), page.label('channelType', cl.channelType)],
        [page.t('classification.urgency'), page.label('urgency', cl.urgency)],
        [page.t('classification.riskLevel'), page.label('risk', cl.riskLevel)],
        [page.t('classification.priority'), page.label('priority', cl.priority)],
        [
          page.t('classification.corrected'),
          cl.correctedBy ? page.t('detail.byAt', { by: cl.correctedBy, date: page.formatCompact(cl.correctedAt ?? '', this.ctx.now()) }) : undefined,
        ],
      ]),
      reasons,
    );
  }

  private routingSection(c: Complaint): HTMLElement {
    const { page } = this.ctx;
    const r = c.routing;
    if (!r) return section('sec-routing', page.t('detail.routing'), el('p', { className: 'muted', text: page.t('detail.notClassified') }));
    return section(
      'sec-routing',
      page.t('detail.routing'),
      dl([
        [page.t('route.major'), r.major ? `${page.t('yes')} – ${r.majorReasons.join('; ')}` : page.t('no')],
        [
          page.t('route.crossDepartment'),
          r.crossDepartment ? `${page.t('yes')} – ${r.departments.map((x) => page.label('team', x)).join(', ')}` : page.t('no'),
        ],
        [page.t('route.anonymous'), r.anonymous ? page.t('yes') : page.t('no')],
        [page.t('route.departments'), r.departments.map((x) => page.label('team', x)).join(', ')],
        [page.t('route.matterKey'), r.matterKey],
        [page.t('detail.extensions'), c.extensions?.granted ? String(c.extensions.granted) : undefined],
      ]),
    );
  }
}

/** Which action a panel holds (one per message for the per-message actions). */
function actionKey(o: Offered): string {
  return o.messageId ? `${o.id}:${o.messageId}` : o.id;
}
