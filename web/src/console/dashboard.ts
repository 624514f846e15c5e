/**
 * The managers' and quality's dashboard: GET /api/staff/dashboard?from&to&by. Figures
 * (volume, handled rate, on-time rate per deadline, handling time, satisfaction, reopen
 * rate), volume by month and by group as SVG bars with their numbers, the month's top
 * categories with those over 20 % flagged, rising group incidents, and the CSV export
 * (fetched with the token, saved through a blob URL). The API may not exist yet (501).
 */
import { authorize } from '../../../functions/domain/authorization.ts';
import { el } from '../lib/page.ts';
import type { Ctx } from './context.ts';
import type { ConsoleKey } from './console-page.ts';
import { barChart, columnChart, figure } from './chart.ts';

interface Rate {
  met: number;
  late: number;
  rate: number | null;
}
export interface Figures {
  total: number;
  handled: number;
  handledRate: number | null;
  onTime: Record<string, Rate>;
  handlingBusinessDays: { average: number | null; p90: number | null };
  satisfaction: { average: number | null; responses: number };
  reopenRate: number | null;
}
export interface Dashboard {
  period: { from: string; to: string } | string;
  region: string;
  totals: Figures;
  groups: { key: string; figures: Figures }[];
  months: {
    month: string;
    figures: Figures;
    /** A flagged category carries the corrective actions that address it (issue 19 B). */
    topCategories: { key: string; count: number; share: number; flagged: boolean; actions?: { open: string[]; closed: string[] } }[];
  }[];
  groupIncidents: { matterKey: string; last24h: number; previous24h: number; rising: boolean }[];
  correctiveActions?: {
    open: number;
    overdue: number;
    closed: number;
    meanDaysToFix: number | null;
    medianDaysToFix: number | null;
    openActions: { id: string; complaintId?: string; category?: string; description: string; owner: string; dueAt: string }[];
  };
}

const BY = ['department', 'channel', 'nature'] as const;
const FLAG_SHARE = 0.2;

function month(d: Date, back = 0): string {
  const x = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1));
  return `${x.getUTCFullYear()}-${String(x.getUTCMonth() + 1).padStart(2, '0')}`;
}

export class DashboardView {
  private query = { from: '', to: '', by: 'department' as (typeof BY)[number] };
  private data: Dashboard | undefined;
  private message: { text: string; tone: 'error' | 'info' } | undefined;
  private seq = 0;

  constructor(
    private readonly ctx: Ctx,
    private readonly root: HTMLElement,
  ) {
    ctx.page.onLanguageChange(() => {
      if (!root.hidden) this.render(false);
    });
  }

  /** Drops the figures shown (signing out). */
  forget(): void {
    this.seq++;
    this.data = undefined;
    this.message = undefined;
    this.root.replaceChildren();
  }

  async show(params: URLSearchParams): Promise<void> {
    const now = this.ctx.now();
    const valid = (m: string | null) => (m && /^\d{4}-(0[1-9]|1[0-2])$/.test(m) ? m : undefined);
    this.query = {
      from: valid(params.get('from')) ?? this.query.from ?? month(now, 5),
      to: valid(params.get('to')) ?? this.query.to ?? month(now),
      by: BY.find((b) => b === params.get('by')) ?? this.query.by,
    };
    if (!this.query.from) this.query.from = month(now, 5);
    if (!this.query.to) this.query.to = month(now);
    this.render(true);
    await this.load();
  }

  private qs(): string {
    return new URLSearchParams(this.query).toString();
  }

  private async load(): Promise<void> {
    const seq = ++this.seq;
    const { page } = this.ctx;
    this.message = { text: page.t('dash.loading'), tone: 'info' };
    this.renderBody();
    const answer = await this.ctx.api.get<Dashboard>(`/api/staff/dashboard?${this.qs()}`);
    if (seq !== this.seq || answer.status === 401) return;
    if (answer.status === 200 && answer.body?.totals) {
      this.data = answer.body;
      this.message = undefined;
    } else {
      this.data = undefined;
      const m = answer.body?.message;
      const text = answer.status === 501 || answer.status === 404 ? page.t('dash.notYet', { message: m ?? '' }) : page.failure(answer.status, m);
      this.message = { text, tone: answer.status === 501 || answer.status === 404 ? 'info' : 'error' };
    }
    this.renderBody();
    this.ctx.announce(this.message?.text ?? page.t('dash.loaded', { total: this.data?.totals.total ?? 0 }));
  }

  private render(focus: boolean): void {
    const { page } = this.ctx;
    const heading = el('h1', { text: page.t('dash.title'), attrs: { id: 'dash-title', tabindex: '-1' } });
    const form = el('form', { className: 'filters dash-controls', attrs: { id: 'dash-form', 'aria-label': page.t('dash.period') } });
    const input = (name: 'from' | 'to', label: ConsoleKey) => {
      const i = el('input', { attrs: { id: `dash-${name}`, name, type: 'month', pattern: '\\d{4}-\\d{2}', required: '' } });
      i.value = this.query[name];
      return el('div', { className: 'filter' }, el('label', { text: page.t(label), attrs: { for: `dash-${name}` } }), i);
    };
    const by = el('select', { attrs: { id: 'dash-by', name: 'by' } }, ...BY.map((b) => el('option', { text: page.t(`dash.by.${b}`), attrs: { value: b } })));
    by.value = this.query.by;
    const show = el('button', { className: 'button button-primary button-small', text: page.t('dash.show'), attrs: { type: 'submit' } });
    const csv = el('button', { className: 'button button-secondary button-small', text: page.t('dash.csv'), attrs: { type: 'button', id: 'dash-csv' } });
    form.append(
      input('from', 'dash.from'),
      input('to', 'dash.to'),
      el('div', { className: 'filter' }, el('label', { text: page.t('dash.groupBy'), attrs: { for: 'dash-by' } }), by),
      el('div', { className: 'filter filter-actions' }, show, csv),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const from = (form.querySelector('#dash-from') as HTMLInputElement).value;
      const to = (form.querySelector('#dash-to') as HTMLInputElement).value;
      const q = new URLSearchParams({ from: from || this.query.from, to: to || this.query.to, by: by.value });
      if (q.get('from')! > q.get('to')!) {
        const f = q.get('from')!;
        q.set('from', q.get('to')!);
        q.set('to', f);
      }
      this.ctx.navigate(`#/dashboard?${q.toString()}`);
    });
    csv.addEventListener('click', () => void this.download(csv));
    // The regulatory returns (a page of their own, #/returns) for those who may read them.
    const returnsLink = authorize(this.ctx.actor(), 'getRegulatoryReturn').allowed
      ? [el('p', {}, el('a', { text: page.t('nav.returns'), attrs: { href: '#/returns', id: 'dash-returns' } }))]
      : [];
    this.root.replaceChildren(
      el('div', { className: 'view-head' }, heading, ...returnsLink),
      form,
      el('p', { className: 'progress', attrs: { id: 'dash-csv-status', role: 'status' } }),
      el('div', { attrs: { id: 'dash-body' } }),
    );
    document.title = `${page.t('dash.title')} – ${page.t('c.brand')}`;
    this.renderBody();
    if (focus) heading.focus();
  }

  private async download(button: HTMLButtonElement): Promise<void> {
    const { page } = this.ctx;
    const status = this.root.querySelector<HTMLElement>('#dash-csv-status')!;
    if (button.getAttribute('aria-disabled') === 'true') return;
    button.setAttribute('aria-disabled', 'true');
    status.textContent = page.t('dash.csvPreparing');
    try {
      const r = await this.ctx.api.download(`/api/staff/dashboard.csv?${this.qs()}`);
      if (r.blob) {
        const url = URL.createObjectURL(r.blob);
        const a = el('a', { attrs: { href: url, download: r.filename ?? `complaints-dashboard-${this.query.from}-${this.query.to}.csv` } });
        document.body.append(a);
        a.click();
        a.remove();
        window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
        status.textContent = page.t('dash.csvDone');
      } else if (r.status !== 401) {
        status.textContent = r.status === 501 || r.status === 404 ? page.t('dash.notYet', { message: r.message ?? '' }) : page.failure(r.status, r.message);
      }
    } finally {
      button.removeAttribute('aria-disabled');
    }
  }

  private renderBody(): void {
    const body = this.root.querySelector<HTMLElement>('#dash-body');
    if (!body) return;
    const { page } = this.ctx;
    if (this.message) {
      body.replaceChildren(
        el('p', { className: `notice ${this.message.tone === 'error' ? 'notice-error' : ''}`, text: this.message.text, attrs: { id: 'dash-message' } }),
      );
      return;
    }
    const d = this.data;
    if (!d) {
      body.replaceChildren();
      return;
    }
    const t = d.totals;
    const pct = (r: number | null | undefined) => page.formatPercent(r);
    const num = (n: number | null | undefined, digits = 1) => (n === null || n === undefined ? '–' : page.formatNumber(n, digits));
    const tile = (label: string, value: string, sub?: string, tone = '') =>
      el(
        'div',
        { className: `kpi ${tone}` },
        el('dt', { text: label }),
        el('dd', {}, el('span', { className: 'kpi-value', text: value }), ...(sub ? [el('span', { className: 'kpi-sub', text: sub })] : [])),
      );
    const onTimeTiles = Object.entries(t.onTime ?? {}).map(([name, r]) =>
      tile(
        page.t('dash.onTime', { deadline: page.label('deadline', name) }),
        pct(r.rate),
        page.t('dash.metLate', { met: r.met, late: r.late }),
        r.rate !== null && r.rate < 0.9 ? 'kpi-warn' : '',
      ),
    );
    const kpis = el(
      'dl',
      { className: 'kpis', attrs: { id: 'dash-kpis' } },
      tile(page.t('dash.total'), page.formatNumber(t.total)),
      tile(page.t('dash.handled'), page.formatNumber(t.handled), pct(t.handledRate)),
      tile(page.t('dash.handlingDays'), num(t.handlingBusinessDays?.average), page.t('dash.p90', { n: num(t.handlingBusinessDays?.p90) })),
      tile(
        page.t('dash.satisfaction'),
        t.satisfaction?.average === null || t.satisfaction?.average === undefined ? '–' : `${num(t.satisfaction.average)} / 5`,
        page.t('dash.responses', { n: t.satisfaction?.responses ?? 0 }),
      ),
      tile(page.t('dash.reopenRate'), pct(t.reopenRate)),
      ...onTimeTiles,
    );

    const table = (headers: string[], rows: (string | Node)[][], caption: string) =>
      el(
        'div',
        { className: 'table-wrap' },
        el(
          'table',
          { className: 'data-table' },
          el('caption', { className: 'visually-hidden', text: caption }),
          el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { text: h, attrs: { scope: 'col' } })))),
          el(
            'tbody',
            {},
            ...rows.map((r) =>
              el(
                'tr',
                {},
                ...r.map((c, i) =>
                  i === 0 ? el('th', { attrs: { scope: 'row', 'data-label': headers[i] } }, c) : el('td', { attrs: { 'data-label': headers[i] } }, c),
                ),
              ),
            ),
          ),
        ),
      );

    const months = [...(d.months ?? [])].sort((a, b) => a.month.localeCompare(b.month));
    const monthBars = months.map((m) => ({ label: page.formatMonth(m.month), value: m.figures.total }));
    const monthFigure = figure(
      page.t('dash.byMonth'),
      columnChart(monthBars, { title: page.t('dash.byMonth'), id: 'chart-months' }),
      table(
        [page.t('dash.month'), page.t('dash.total'), page.t('dash.handledRate'), page.t('dash.satisfaction'), page.t('dash.reopenRate')],
        months.map((m) => [
          page.formatMonth(m.month),
          page.formatNumber(m.figures.total),
          pct(m.figures.handledRate),
          num(m.figures.satisfaction?.average),
          pct(m.figures.reopenRate),
        ]),
        page.t('dash.byMonth'),
      ),
      page.t('dash.asTable'),
    );

    const groups = [...(d.groups ?? [])].sort((a, b) => b.figures.total - a.figures.total);
    const groupLabel = (key: string) => page.label(this.query.by === 'department' ? 'team' : this.query.by === 'channel' ? 'channel' : 'nature', key);
    const groupFigure = figure(
      page.t('dash.byGroup', { by: page.t(`dash.byLower.${this.query.by}`) }),
      barChart(
        groups.map((g) => ({ label: groupLabel(g.key), value: g.figures.total })),
        { title: page.t('dash.byGroup', { by: page.t(`dash.byLower.${this.query.by}`) }), id: 'chart-groups' },
      ),
      table(
        [
          page.t(`dash.by.${this.query.by}`),
          page.t('dash.total'),
          page.t('dash.handledRate'),
          page.t('dash.handlingDays'),
          page.t('dash.satisfaction'),
          page.t('dash.reopenRate'),
        ],
        groups.map((g) => [
          groupLabel(g.key),
          page.formatNumber(g.figures.total),
          pct(g.figures.handledRate),
          num(g.figures.handlingBusinessDays?.average),
          num(g.figures.satisfaction?.average),
          pct(g.figures.reopenRate),
        ]),
        page.t('dash.byGroup', { by: page.t(`dash.byLower.${this.query.by}`) }),
      ),
      page.t('dash.asTable'),
    );

    const categories = el(
      'section',
      { className: 'panel', attrs: { 'aria-labelledby': 'dash-cat-title', id: 'dash-categories' } },
      el('h2', { text: page.t('dash.topCategories'), attrs: { id: 'dash-cat-title' } }),
      el('p', { className: 'hint', text: page.t('dash.flagRule') }),
    );
    // The latest three months open; earlier ones behind a disclosure.
    const earlier = el('details', { className: 'chart-table' }, el('summary', { text: page.t('dash.earlier') }));
    let shown = 0;
    for (const m of [...months].reverse()) {
      if (!m.topCategories?.length) continue;
      const holder = shown++ < 3 ? categories : earlier;
      holder.append(
        el('h3', { text: page.formatMonth(m.month) }),
        el(
          'ul',
          { className: 'category-list' },
          ...m.topCategories.map((c) => {
            const flagged = c.flagged || c.share > FLAG_SHARE;
            const li = el(
              'li',
              { className: flagged ? 'category flagged' : 'category' },
              el('span', { className: 'category-key', text: page.label('nature', c.key) }),
              el(
                'span',
                { className: 'category-meter', attrs: { 'aria-hidden': 'true' } },
                el('span', { className: 'category-fill', attrs: { 'data-share': String(Math.round(c.share * 100)) } }),
              ),
              el('span', { className: 'category-share', text: `${pct(c.share)} (${page.formatNumber(c.count)})` }),
            );
            if (flagged) li.append(el('span', { className: 'badge badge-breached', text: page.t('dash.flagged') }));
            // A flagged category links to its open corrective actions (the list below).
            if (flagged && c.actions?.open.length)
              li.append(
                el('a', {
                  className: 'category-actions',
                  text: page.t('dash.categoryActions', { n: c.actions.open.length }),
                  attrs: { href: '#dash-actions' },
                }),
              );
            return li;
          }),
        ),
      );
    }
    if (earlier.childElementCount > 1) categories.append(earlier);
    if (categories.childElementCount === 2) categories.append(el('p', { className: 'muted', text: page.t('dash.none') }));

    const incidents = d.groupIncidents ?? [];
    const incidentSection = el(
      'section',
      { className: 'panel', attrs: { 'aria-labelledby': 'dash-inc-title', id: 'dash-incidents' } },
      el('h2', { text: page.t('dash.incidents'), attrs: { id: 'dash-inc-title' } }),
    );
    if (!incidents.length) incidentSection.append(el('p', { className: 'muted', text: page.t('dash.noIncidents') }));
    else
      incidentSection.append(
        table(
          [page.t('dash.matter'), page.t('dash.last24h'), page.t('dash.previous24h'), page.t('dash.trend')],
          [...incidents]
            .sort((a, b) => Number(b.rising) - Number(a.rising) || b.last24h - a.last24h)
            .map((i) => [
              el('span', { className: 'mono', text: i.matterKey }),
              page.formatNumber(i.last24h),
              page.formatNumber(i.previous24h),
              i.rising
                ? el('span', { className: 'badge badge-breached', text: page.t('dash.rising') })
                : el('span', { className: 'badge badge-neutral', text: page.t('dash.steady') }),
            ]),
          page.t('dash.incidents'),
        ),
      );

    const ca = d.correctiveActions;
    const actionSection = el(
      'section',
      { className: 'panel', attrs: { 'aria-labelledby': 'dash-actions-title', id: 'dash-actions' } },
      el('h2', { text: page.t('dash.actions'), attrs: { id: 'dash-actions-title' } }),
    );
    if (ca) {
      actionSection.append(
        el('p', {
          className: 'meta',
          text: page.t('dash.actionsLine', {
            open: ca.open,
            overdue: ca.overdue,
            closed: ca.closed,
            median: num(ca.medianDaysToFix),
            mean: num(ca.meanDaysToFix),
          }),
        }),
      );
      if (ca.openActions.length)
        actionSection.append(
          table(
            [page.t('dash.actionRef'), page.t('dash.by.nature'), page.t('dash.actionWhat'), page.t('dash.actionOwner'), page.t('dash.actionDue')],
            ca.openActions.map((a) => [
              el('span', { className: 'mono', text: a.complaintId ?? a.id }),
              page.label('nature', a.category),
              a.description,
              a.owner,
              page.formatCompact(a.dueAt),
            ]),
            page.t('dash.actions'),
          ),
        );
    }

    const period = typeof d.period === 'string' ? d.period : `${d.period?.from ?? this.query.from} – ${d.period?.to ?? this.query.to}`;
    body.replaceChildren(
      el('p', { className: 'meta', text: page.t('dash.periodLine', { period, region: d.region?.toUpperCase?.() ?? '' }) }),
      kpis,
      el('div', { className: 'dash-grid' }, el('section', { className: 'panel' }, monthFigure), el('section', { className: 'panel' }, groupFigure)),
      el('div', { className: 'dash-grid' }, categories, incidentSection),
      actionSection,
    );
    // Meter widths through the CSSOM (allowed by the CSP, unlike style attributes).
    for (const fill of body.querySelectorAll<HTMLElement>('.category-fill')) fill.style.width = `${Math.min(100, Number(fill.dataset.share ?? 0))}%`;
  }
}
