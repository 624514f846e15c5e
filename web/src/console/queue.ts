/**
 * My tasks and my team's queue: earliest deadline first (managers: major complaints,
 * breaches and replies waiting for approval first), with the time left, due-soon and
 * breached marks, and filters by stage, route, priority/risk, channel and deadline state.
 */
import { el } from '../lib/page.ts';
import { TEAMS } from './actions.ts';
import type { Ctx, TaskView } from './context.ts';
import type { ConsoleKey } from './console-page.ts';
import { dueState, hasDeadline, relative, type DueState } from './format.ts';

export type Scope = 'mine' | 'team';
interface Filters {
  stage: string;
  route: string;
  priority: string;
  risk: string;
  channel: string;
  due: string;
}
const NO_FILTERS: Filters = { stage: '', route: '', priority: '', risk: '', channel: '', due: '' };
const STAGES = ['INVESTIGATION', 'REPLY', 'CALLBACK'];
const CHANNELS = ['web', 'email', 'phone', 'branch', 'letter'];
const REFRESH_MS = 60_000;

export class QueueView {
  private scope: Scope = 'mine';
  private team: string | undefined;
  private tasks: TaskView[] = [];
  private filters: Filters = { ...NO_FILTERS };
  private loadedAt: Date | undefined;
  private failure: string | undefined;
  private timer: number | undefined;
  private seq = 0;

  constructor(
    private readonly ctx: Ctx,
    private readonly root: HTMLElement,
  ) {
    ctx.page.onLanguageChange(() => {
      if (!root.hidden) this.render(false);
    });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && !root.hidden) void this.load(false);
    });
  }

  /** Whether the signed-in staff member may pick another team's queue (quality, admin: ?team=). */
  private canPickTeam(): boolean {
    return this.ctx.actor().roles.some((r) => r === 'quality' || r === 'admin');
  }

  async show(scope: Scope, team?: string): Promise<void> {
    const changed = scope !== this.scope || team !== this.team;
    this.scope = scope;
    this.team = scope === 'team' && this.canPickTeam() ? (team ?? this.team ?? TEAMS[0]) : undefined;
    if (changed) {
      this.tasks = [];
      this.loadedAt = undefined;
      this.filters = { ...NO_FILTERS };
    }
    this.render(true);
    await this.load(true);
    this.schedule();
  }

  /** Drops the tasks shown (signing out). */
  forget(): void {
    this.hide();
    this.seq++;
    this.tasks = [];
    this.loadedAt = undefined;
    this.failure = undefined;
    this.filters = { ...NO_FILTERS };
    this.root.replaceChildren();
  }

  hide(): void {
    if (this.timer) window.clearInterval(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    this.hide();
    this.timer = window.setInterval(() => {
      if (document.visibilityState === 'visible' && !this.root.hidden) void this.load(false);
    }, REFRESH_MS);
  }

  private async load(announce: boolean): Promise<void> {
    const seq = ++this.seq;
    const path = this.scope === 'mine' ? '/api/staff/tasks/mine' : `/api/staff/tasks/team${this.team ? `?team=${encodeURIComponent(this.team)}` : ''}`;
    this.root.setAttribute('aria-busy', 'true');
    const answer = await this.ctx.api.get<TaskView[]>(path);
    if (seq !== this.seq) return;
    this.root.removeAttribute('aria-busy');
    if (answer.status === 401) return;
    if (answer.status === 200 && Array.isArray(answer.body)) {
      this.tasks = (answer.body as TaskView[]).filter((t) => t.status !== 'completed');
      this.failure = undefined;
      this.loadedAt = new Date();
    } else {
      const { page } = this.ctx;
      this.failure = page.failure(answer.status, answer.body?.message);
    }
    this.renderResults();
    if (announce) this.ctx.announce(this.root.querySelector('#queue-count')?.textContent ?? '');
  }

  private isManager(): boolean {
    return this.ctx.actor().roles.includes('manager');
  }

  private sorted(now: Date): TaskView[] {
    const flagged = (t: TaskView) => t.major || t.status === 'awaiting-approval' || dueState(t.nextDueAt, now) === 'breached';
    const manager = this.isManager();
    return [...this.tasks].sort((a, b) => {
      if (manager) {
        const fa = flagged(a) ? 0 : 1;
        const fb = flagged(b) ? 0 : 1;
        if (fa !== fb) return fa - fb;
      }
      return (a.nextDueAt ?? '').localeCompare(b.nextDueAt ?? '') || a.reference.localeCompare(b.reference);
    });
  }

  private matches(t: TaskView, now: Date): boolean {
    const f = this.filters;
    if (f.stage && t.stage !== f.stage) return false;
    if (f.priority && t.priority !== f.priority) return false;
    if (f.risk && t.riskLevel !== f.risk) return false;
    if (f.channel && t.channel !== f.channel) return false;
    if (f.route === 'major' && !t.major) return false;
    if (f.route === 'crossDepartment' && !t.crossDepartment) return false;
    if (f.route === 'anonymous' && !t.anonymous) return false;
    if (f.route === 'awaitingApproval' && t.status !== 'awaiting-approval') return false;
    if (f.route === 'unassigned' && t.assignee) return false;
    if (f.due) {
      const s = dueState(t.nextDueAt, now);
      if (f.due === 'attention' ? s !== 'breached' && s !== 'due_soon' : s !== f.due) return false;
    }
    return true;
  }

  private title(): string {
    const { page } = this.ctx;
    if (this.scope === 'mine') return page.t('queue.mine');
    return page.t('queue.team', { team: page.label('team', this.team ?? this.ctx.actor().department) });
  }

  /** The whole view: heading, tools, filters (kept across refreshes), results. */
  private render(focus: boolean): void {
    const { page } = this.ctx;
    const heading = el('h1', { text: this.title(), attrs: { id: 'queue-title', tabindex: '-1' } });
    const tools = el('div', { className: 'view-tools' });
    if (this.scope === 'team' && this.canPickTeam()) {
      const select = el(
        'select',
        { attrs: { id: 'queue-team', 'aria-label': page.t('queue.pickTeam') } },
        ...TEAMS.map((t) => el('option', { text: page.label('team', t), attrs: { value: t } })),
      );
      select.value = this.team ?? TEAMS[0];
      select.addEventListener('change', () => this.ctx.navigate(`#/team?team=${encodeURIComponent(select.value)}`));
      tools.append(el('label', { className: 'inline-label', text: page.t('queue.pickTeam'), attrs: { for: 'queue-team' } }), select);
    }
    const refresh = el('button', {
      className: 'button button-secondary button-small',
      text: page.t('queue.refresh'),
      attrs: { type: 'button', id: 'queue-refresh' },
    });
    refresh.addEventListener('click', () => void this.load(true));
    tools.append(refresh, el('span', { className: 'meta', attrs: { id: 'queue-updated' } }));

    const filters = el('form', { className: 'filters', attrs: { id: 'queue-filters', role: 'search', 'aria-label': page.t('queue.filters') } });
    const select = (name: keyof Filters, label: ConsoleKey, options: [string, string][]) => {
      const id = `filter-${name}`;
      const s = el(
        'select',
        { attrs: { id, name } },
        el('option', { text: page.t('filter.all'), attrs: { value: '' } }),
        ...options.map(([v, t]) => el('option', { text: t, attrs: { value: v } })),
      );
      s.value = this.filters[name];
      s.addEventListener('change', () => {
        this.filters[name] = s.value;
        this.renderResults();
        this.ctx.announce(this.root.querySelector('#queue-count')?.textContent ?? '');
      });
      return el('div', { className: 'filter' }, el('label', { text: page.t(label), attrs: { for: id } }), s);
    };
    const routeOptions: [string, string][] = [['major', page.t('route.major')]];
    if (this.tasks.some((t) => t.crossDepartment !== undefined)) routeOptions.push(['crossDepartment', page.t('route.crossDepartment')]);
    if (this.tasks.some((t) => t.anonymous !== undefined)) routeOptions.push(['anonymous', page.t('route.anonymous')]);
    routeOptions.push(['awaitingApproval', page.t('route.awaitingApproval')], ['unassigned', page.t('queue.unassigned')]);
    filters.append(
      select('due', 'filter.due', [
        ['attention', page.t('filter.attention')],
        ['breached', page.t('state.breached')],
        ['due_soon', page.t('state.due_soon')],
      ]),
      select(
        'stage',
        'filter.stage',
        STAGES.map((s) => [s, page.label('stage', s)]),
      ),
      select('route', 'filter.route', routeOptions),
      select(
        'priority',
        'filter.priority',
        ['P1', 'P2', 'P3'].map((p) => [p, page.label('priority', p)]),
      ),
    );
    if (this.tasks.some((t) => t.riskLevel))
      filters.append(
        select(
          'risk',
          'filter.risk',
          ['high', 'medium', 'low'].map((r) => [r, page.label('risk', r)]),
        ),
      );
    filters.append(
      select(
        'channel',
        'filter.channel',
        CHANNELS.map((c) => [c, page.label('channel', c)]),
      ),
    );
    const clear = el('button', { className: 'button button-link', text: page.t('filter.clear'), attrs: { type: 'reset' } });
    filters.append(el('div', { className: 'filter filter-actions' }, clear));
    filters.addEventListener('reset', (e) => {
      e.preventDefault();
      this.filters = { ...NO_FILTERS };
      this.render(false);
      this.root.querySelector<HTMLElement>('#filter-due')?.focus();
    });
    filters.addEventListener('submit', (e) => e.preventDefault());

    this.root.replaceChildren(
      el('div', { className: 'view-head' }, heading, tools),
      el('div', { attrs: { id: 'queue-summary' }, className: 'summary-chips' }),
      filters,
      el('p', { className: 'result-count', attrs: { id: 'queue-count' } }),
      el('div', { attrs: { id: 'queue-results' } }),
    );
    this.root.dataset.scope = this.scope;
    document.title = `${this.title()} – ${page.t('c.brand')}`;
    this.renderResults();
    if (focus) heading.focus();
  }

  private chip(text: string, tone: string, filter: Partial<Filters>): HTMLElement {
    const b = el('button', { className: `chip chip-${tone}`, text, attrs: { type: 'button' } });
    b.addEventListener('click', () => {
      this.filters = { ...NO_FILTERS, ...filter };
      this.render(false);
      this.root.querySelector<HTMLElement>('#queue-count')?.focus();
    });
    return b;
  }

  private renderResults(): void {
    const { page } = this.ctx;
    const results = this.root.querySelector<HTMLElement>('#queue-results');
    const count = this.root.querySelector<HTMLElement>('#queue-count');
    const summary = this.root.querySelector<HTMLElement>('#queue-summary');
    const updated = this.root.querySelector<HTMLElement>('#queue-updated');
    if (!results || !count || !summary) return;
    const now = this.ctx.now();
    if (updated)
      updated.textContent = this.loadedAt
        ? page.t('queue.updated', {
            time: new Intl.DateTimeFormat(page.lang, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(this.loadedAt),
          })
        : '';
    if (this.failure) {
      count.textContent = '';
      summary.replaceChildren();
      results.replaceChildren(el('p', { className: 'notice notice-error', text: this.failure, attrs: { role: 'alert' } }));
      return;
    }
    if (!this.loadedAt) {
      count.textContent = page.t('queue.loading');
      results.replaceChildren();
      return;
    }

    const states = this.tasks.map((t) => dueState(t.nextDueAt, now));
    const n = (s: DueState) => states.filter((x) => x === s).length;
    const chips: HTMLElement[] = [];
    if (n('breached')) chips.push(this.chip(page.t('chip.breached', { n: n('breached') }), 'breached', { due: 'breached' }));
    if (n('due_soon')) chips.push(this.chip(page.t('chip.dueSoon', { n: n('due_soon') }), 'due_soon', { due: 'due_soon' }));
    const awaiting = this.tasks.filter((t) => t.status === 'awaiting-approval').length;
    if (awaiting) chips.push(this.chip(page.t('chip.awaiting', { n: awaiting }), 'info', { route: 'awaitingApproval' }));
    const major = this.tasks.filter((t) => t.major).length;
    if (major) chips.push(this.chip(page.t('chip.major', { n: major }), 'major', { route: 'major' }));
    summary.replaceChildren(...chips);
    summary.hidden = chips.length === 0;

    const visible = this.sorted(now).filter((t) => this.matches(t, now));
    count.textContent = this.tasks.length === 0 ? page.t('queue.empty') : page.t('queue.count', { shown: visible.length, total: this.tasks.length });
    count.setAttribute('tabindex', '-1');
    if (!visible.length) {
      results.replaceChildren();
      return;
    }

    const headers = (
      [
        'queue.col.reference',
        'queue.col.customer',
        'queue.col.stage',
        'queue.col.deadline',
        'queue.col.left',
        'queue.col.priority',
        'queue.col.route',
        'queue.col.channel',
        'queue.col.assignee',
      ] as const
    ).map((k) => page.t(k));
    const rows = visible.map((t) => {
      const state = dueState(t.nextDueAt, now);
      const link = el('a', { className: 'mono ref-link', text: t.reference, attrs: { href: `#/c/${encodeURIComponent(t.reference)}` } });
      const deadline = hasDeadline(t.nextDueAt)
        ? el(
            'span',
            {},
            el('span', { className: 'deadline-label', text: page.label('deadline', t.nextDueName) }),
            el('br'),
            el('time', {
              className: 'muted',
              text: page.formatCompact(t.nextDueAt, now),
              attrs: { datetime: t.nextDueAt, title: page.formatDateTime(t.nextDueAt) },
            }),
          )
        : el('span', { className: 'muted', text: page.t('queue.noDeadline') });
      const left = el('span', { className: `time-left time-${state}` });
      if (hasDeadline(t.nextDueAt)) {
        left.append(el('span', { text: relative(page, t.nextDueAt, now) }));
        // Business time, from the server's calendar of the region (weekends and holidays excluded).
        if (typeof t.businessDaysLeft === 'number') {
          const n = t.businessDaysLeft;
          left.append(el('br'), el('span', { className: 'muted', text: page.t(n >= 0 ? 'time.businessLeft' : 'time.businessOver', { n: Math.abs(n) }) }));
        }
        if (state === 'breached' || state === 'due_soon') left.append(' ', el('span', { className: `badge badge-${state}`, text: page.label('state', state) }));
      }
      const route = el('span', { className: 'badges' });
      if (t.major) route.append(el('span', { className: 'badge badge-major', text: page.t('route.major') }));
      if (t.crossDepartment) route.append(el('span', { className: 'badge badge-info', text: page.t('route.crossDepartmentShort') }));
      if (t.anonymous) route.append(el('span', { className: 'badge badge-neutral', text: page.t('route.anonymous') }));
      if (t.status === 'awaiting-approval') route.append(el('span', { className: 'badge badge-info', text: page.t('route.awaitingApproval') }));
      for (const flag of t.flags ?? [])
        route.append(
          el('span', {
            className: `badge ${flag === 'drill' ? 'badge-drill' : flag === 'repeat' ? 'badge-due_soon' : 'badge-breached'}`,
            text: page.label('flag', flag),
          }),
        );
      const cells: (Node | string)[] = [
        link,
        t.customer ? t.customer : el('span', { className: 'muted', text: '–' }),
        page.label('stage', t.stage),
        deadline,
        left,
        el('span', { className: `badge badge-priority-${t.priority}`, text: page.label('priority', t.priority) }),
        route,
        page.label('channel', t.channel),
        t.assignee ? el('span', { className: 'mono', text: t.assignee }) : el('span', { className: 'muted', text: page.t('queue.unassigned') }),
      ];
      const tr = el(
        'tr',
        { className: `row-${state}`, attrs: { 'data-reference': t.reference } },
        ...cells.map((c, i) =>
          i === 0 ? el('th', { attrs: { scope: 'row', 'data-label': headers[i] } }, c) : el('td', { attrs: { 'data-label': headers[i] } }, c),
        ),
      );
      return tr;
    });
    const table = el(
      'table',
      { className: 'data-table queue-table', attrs: { id: 'queue-table' } },
      el('caption', {
        className: 'visually-hidden',
        text: `${this.title()} – ${page.t('queue.sortedBy', { order: page.t(this.isManager() ? 'queue.sortManager' : 'queue.sortDeadline') })}`,
      }),
      el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { text: h, attrs: { scope: 'col' } })))),
      el('tbody', {}, ...rows),
    );
    // A refresh keeps the keyboard user's place: focus returns to the same complaint's link.
    const focused = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>('#queue-table tr[data-reference]')?.dataset.reference;
    results.replaceChildren(el('div', { className: 'table-wrap' }, table));
    if (focused) table.querySelector<HTMLElement>(`tr[data-reference="${CSS.escape(focused)}"] a`)?.focus();
  }
}
