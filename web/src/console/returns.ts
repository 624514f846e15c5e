/**
 * The regulatory returns (managers and quality): GET /api/staff/returns?period= for the
 * region's return (UK FCA half-year, CN JR/T 0169 quarter, US CFPB rows), its status (as first
 * produced, or provisional) and late changes; each count opens the list of the complaints
 * behind it (GET /api/staff/returns/complaints); CSV and XLSX exports fetched with the token.
 */
import { el } from '../lib/page.ts';
import type { ConsoleKey } from './console-page.ts';
import type { Ctx } from './context.ts';

type Figures = Record<string, number | Record<string, number>>;
interface Coded {
  code: string;
  label: string;
}
interface Produced {
  status: 'provisional' | 'final';
  firstProducedAt?: string;
  lateChanges: { at: string; reference: string; changes: string[] }[];
  current?: unknown;
  return: {
    region: 'uk' | 'us' | 'cn';
    period: string;
    from: string;
    to: string;
    taxonomyVersion: string;
    total: Figures;
    byProductGroup?: (Coded & { figures: Figures })[];
    byCause?: (Coded & { figures: Figures })[];
    vulnerability?: { fromVulnerableCustomers: number; causedByFailureToRespond: number };
    byA?: (Coded & { received: number; closed: number })[];
    byB?: (Coded & { received: number; closed: number })[];
    byC?: (Coded & { received: number; closed: number })[];
    rows?: Record<string, string>[];
  };
}

const UK_FIGURES = ['outstandingAtStart', 'opened', 'closedWithin3BusinessDays', 'closedWithin8Weeks', 'closedAfter8Weeks', 'upheld'] as const;
const CFPB = ['reference', 'received', 'product', 'subProduct', 'issue', 'subIssue', 'companyResponse', 'timelyResponse', 'publicResponse'] as const;
const PERIOD = /^\d{4}(H[12]|Q[1-4])$/;

/** The last period that has ended: the half-year (uk) or quarter before today's. */
export function lastPeriod(region: string, now: Date): string {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth() + 1;
  if (region === 'uk') return m <= 6 ? `${y - 1}H2` : `${y}H1`;
  const q = Math.ceil(m / 3) - 1;
  return q === 0 ? `${y - 1}Q4` : `${y}Q${q}`;
}

export class ReturnsView {
  private period = '';
  private seq = 0;

  constructor(
    private readonly ctx: Ctx,
    private readonly root: HTMLElement,
    private readonly region: () => string,
  ) {}

  forget(): void {
    this.seq++;
    this.root.replaceChildren();
  }

  async show(params: URLSearchParams): Promise<void> {
    const asked = params.get('period');
    this.period = asked && PERIOD.test(asked) ? asked : this.period || lastPeriod(this.region(), this.ctx.now());
    const { page } = this.ctx;
    const heading = el('h1', { text: page.t('returns.title'), attrs: { id: 'returns-title', tabindex: '-1' } });
    const input = el('input', {
      attrs: { id: 'returns-period', name: 'period', required: '', pattern: PERIOD.source, 'aria-describedby': 'returns-period-hint' },
    });
    input.value = this.period;
    const form = el(
      'form',
      { className: 'filters', attrs: { id: 'returns-form', 'aria-label': page.t('returns.period') } },
      el(
        'div',
        { className: 'filter' },
        el('label', { text: page.t('returns.period'), attrs: { for: 'returns-period' } }),
        input,
        el('p', { className: 'hint', text: page.t('returns.periodHint'), attrs: { id: 'returns-period-hint' } }),
      ),
      el(
        'div',
        { className: 'filter filter-actions' },
        el('button', { className: 'button button-primary button-small', text: page.t('returns.show'), attrs: { type: 'submit' } }),
        this.exportButton('csv'),
        this.exportButton('xlsx'),
      ),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.ctx.navigate(`#/returns?period=${encodeURIComponent(input.value.trim().toUpperCase())}`);
    });
    this.root.replaceChildren(
      el('div', { className: 'view-head' }, heading),
      form,
      el('p', { className: 'progress', attrs: { id: 'returns-status', role: 'status' } }),
      el('div', { attrs: { id: 'returns-body' } }),
      el('div', { attrs: { id: 'returns-drill', 'aria-live': 'polite' } }),
    );
    document.title = `${page.t('returns.title')} – ${page.t('c.brand')}`;
    heading.focus();
    await this.load();
  }

  private exportButton(format: 'csv' | 'xlsx'): HTMLButtonElement {
    const b = el('button', {
      className: 'button button-secondary button-small',
      text: this.ctx.page.t(`returns.export.${format}`),
      attrs: { type: 'button', id: `returns-${format}` },
    });
    b.addEventListener('click', async () => {
      const status = this.root.querySelector<HTMLElement>('#returns-status')!;
      const r = await this.ctx.api.download(`/api/staff/returns/export?period=${this.period}&format=${format}`);
      if (r.blob) {
        const url = URL.createObjectURL(r.blob);
        const a = el('a', { attrs: { href: url, download: r.filename ?? `complaints-return-${this.period}.${format}` } });
        document.body.append(a);
        a.click();
        a.remove();
        window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
        status.textContent = this.ctx.page.t('returns.exported');
      } else if (r.status !== 401) status.textContent = this.ctx.page.failure(r.status, r.message);
    });
    return b;
  }

  private async load(): Promise<void> {
    const seq = ++this.seq;
    const { page } = this.ctx;
    const body = this.root.querySelector<HTMLElement>('#returns-body')!;
    body.replaceChildren(el('p', { className: 'progress', text: page.t('returns.loading') }));
    const answer = await this.ctx.api.get<Produced>(`/api/staff/returns?period=${this.period}`);
    if (seq !== this.seq || answer.status === 401) return;
    if (answer.status !== 200 || !answer.body?.return) {
      body.replaceChildren(
        el('p', { className: 'notice notice-error', text: page.failure(answer.status, answer.body?.message), attrs: { id: 'returns-message' } }),
      );
      return;
    }
    const p = answer.body;
    const r = p.return;
    const n = (x: unknown) => page.formatNumber(typeof x === 'number' ? x : 0);
    const parts: HTMLElement[] = [
      el('p', {
        className: 'notice',
        attrs: { id: 'returns-state' },
        text:
          p.status === 'final'
            ? page.t('returns.final', { at: p.firstProducedAt ?? '', version: r.taxonomyVersion })
            : page.t('returns.provisional', { from: r.from, to: r.to, version: r.taxonomyVersion }),
      }),
    ];
    const drillButton = (figure: string, value: unknown, select: Record<string, string> = {}) => {
      const b = el('button', { className: 'link-button', text: n(value), attrs: { type: 'button', 'data-figure': figure } });
      b.addEventListener('click', () => void this.drill(figure, select));
      return b;
    };
    const table = (id: string, caption: string, headers: string[], rows: (string | Node)[][]) =>
      el(
        'div',
        { className: 'table-wrap' },
        el(
          'table',
          { className: 'data-table', attrs: { id } },
          el('caption', { text: caption }),
          el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { text: h, attrs: { scope: 'col' } })))),
          el('tbody', {}, ...rows.map((row) => el('tr', {}, ...row.map((c, i) => el(i === 0 ? 'th' : 'td', { attrs: { 'data-label': headers[i] } }, c))))),
        ),
      );
    if (r.region === 'uk') {
      const headers = [page.t('returns.group'), ...UK_FIGURES.map((f) => page.t(`returns.figure.${f}`)), page.t('returns.uk.redressPaid')];
      const money = (m: unknown) =>
        Object.entries((m ?? {}) as Record<string, number>)
          .map(([cur, v]) => `${cur} ${page.formatNumber(v / 100, 2)}`)
          .join('; ') || '–';
      const ukRows = (list: (Coded & { figures: Figures })[], part: 'productGroup' | 'cause') =>
        list.map((g) => [g.label, ...UK_FIGURES.map((f) => drillButton(f, g.figures[f], { [part]: g.code })), money(g.figures.redressPaid)]);
      const total = [page.t('returns.total'), ...UK_FIGURES.map((f) => drillButton(f, r.total[f])), money(r.total.redressPaid)];
      parts.push(
        table('returns-uk-groups', page.t('returns.uk.byProductGroup'), headers, [...ukRows(r.byProductGroup ?? [], 'productGroup'), total]),
        table('returns-uk-causes', page.t('returns.uk.byCause'), headers, [...ukRows(r.byCause ?? [], 'cause'), total]),
        table(
          'returns-uk-vulnerability',
          page.t('returns.uk.vulnerability'),
          [page.t('returns.dataPoint'), page.t('returns.complaints')],
          [
            [page.t('returns.figure.fromVulnerableCustomers'), drillButton('fromVulnerableCustomers', r.vulnerability?.fromVulnerableCustomers)],
            [page.t('returns.figure.causedByFailureToRespond'), drillButton('causedByFailureToRespond', r.vulnerability?.causedByFailureToRespond)],
          ],
        ),
      );
    } else if (r.region === 'cn') {
      const dim = (d: 'a' | 'b' | 'c', list: (Coded & { received: number; closed: number })[]) =>
        table(
          `returns-cn-${d}`,
          page.t(`returns.cn.${d}`),
          [page.t('returns.code'), page.t('returns.figure.received'), page.t('returns.figure.closed')],
          [
            ...list.map((x) => [
              `${x.code} ${x.label}`,
              drillButton('received', x.received, { [d]: x.code }),
              drillButton('closed', x.closed, { [d]: x.code }),
            ]),
          ],
        );
      parts.push(dim('a', r.byA ?? []), dim('b', r.byB ?? []), dim('c', r.byC ?? []));
    } else {
      parts.push(
        table(
          'returns-us-rows',
          page.t('returns.us.rows'),
          CFPB.map((c) => page.t(`returns.us.${c}`)),
          (r.rows ?? []).map((row) => CFPB.map((c) => row[c] || '–')),
        ),
      );
    }
    if (p.lateChanges.length) {
      parts.push(
        el('h2', { text: page.t('returns.lateChanges', { n: p.lateChanges.length }) }),
        el('ul', { attrs: { id: 'returns-late' } }, ...p.lateChanges.map((l) => el('li', { text: `${l.at} ${l.reference}: ${l.changes.join('; ')}` }))),
      );
    }
    body.replaceChildren(...parts);
    this.ctx.announce(page.t('returns.loaded', { period: r.period }));
  }

  private async drill(figure: string, select: Record<string, string>): Promise<void> {
    const { page } = this.ctx;
    const box = this.root.querySelector<HTMLElement>('#returns-drill')!;
    const q = new URLSearchParams({ period: this.period, figure, ...select });
    const answer = await this.ctx.api.get<{ complaints: { reference: string }[] }>(`/api/staff/returns/complaints?${q}`);
    if (answer.status === 401) return;
    if (answer.status !== 200 || !answer.body?.complaints) {
      box.replaceChildren(el('p', { className: 'notice notice-error', text: page.failure(answer.status, answer.body?.message) }));
      return;
    }
    const label = page.t(`returns.figure.${figure}` as ConsoleKey);
    box.replaceChildren(
      el('h2', { text: page.t('returns.behind', { figure: label, n: answer.body.complaints.length }), attrs: { tabindex: '-1', id: 'returns-drill-title' } }),
      el(
        'ul',
        { attrs: { id: 'returns-drill-list' } },
        ...answer.body.complaints.map((c) => el('li', {}, el('a', { text: c.reference, attrs: { href: `#/c/${encodeURIComponent(c.reference)}` } }))),
      ),
    );
    box.querySelector<HTMLElement>('#returns-drill-title')?.focus();
  }
}
