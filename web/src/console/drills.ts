/**
 * Drills and periodic reviews (issue 20): the region's drills with their figures and links to
 * each drill's report (HTML, PDF); for a closed drill not yet disposed of, the disposal of its
 * complaints (POST .../disposal, after a confirmation naming what happens to how many), and for a
 * disposed one when, by whom and where its report is kept; the periodic reviews in the locked archive - generated on
 * demand for a quarter or half-year, opened as HTML or PDF in the page's language. Reports are
 * fetched with the token and opened through a blob URL (a plain link would carry no token).
 */
import { el } from '../lib/page.ts';
import type { Ctx } from './context.ts';

interface DrillListing {
  drillId: string;
  scenario: string;
  startedAt: string;
  status: 'running' | 'closed';
  disposal?: 'archive' | 'discard';
  reportKey?: string;
  disposedAt?: string;
  disposedBy?: string;
  summary?: {
    figures: { entered: number; deadlines: { met: number; late: number; missed: number }; routingMatched: number; routingChecked: number; problems: number };
  };
}

export class DrillsView {
  private seq = 0;

  constructor(
    private readonly ctx: Ctx,
    private readonly root: HTMLElement,
    private readonly can: (op: 'generatePeriodicReview' | 'getPeriodicReview' | 'getDrillReport' | 'disposeDrill') => boolean,
  ) {
    ctx.page.onLanguageChange(() => {
      if (!root.hidden) void this.show();
    });
  }

  forget(): void {
    this.root.replaceChildren();
  }

  private async open(path: string, status: HTMLElement): Promise<void> {
    const { page } = this.ctx;
    status.textContent = page.t('drills.opening');
    const r = await this.ctx.api.download(path);
    if (!r.blob) {
      status.textContent = page.t('drills.failed', { message: r.message ?? page.t(r.status === 0 ? 'error.network' : 'error.server') });
      return;
    }
    status.textContent = '';
    const url = URL.createObjectURL(r.blob);
    const a = el('a', { attrs: { href: url, download: r.filename ?? 'report', target: '_blank', rel: 'noopener' } });
    document.body.append(a);
    a.click();
    a.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  /**
   * The disposal cell: done (when, by whom, where the report is kept), or for a closed drill the
   * button - which asks first, naming what will happen to how many complaints.
   */
  private disposalCell(d: DrillListing, status: HTMLElement): HTMLElement {
    const { page, api } = this.ctx;
    const cell = el('td', { className: 'drill-disposal' });
    if (d.disposedAt) {
      const done = d.disposal === 'discard' ? 'drills.disposedDiscard' : 'drills.disposedArchive';
      cell.textContent = page.t(done, { at: page.formatDateTime(d.disposedAt), by: d.disposedBy ?? '', key: d.reportKey ?? '' });
      return cell;
    }
    if (d.status !== 'closed') {
      cell.textContent = '–';
      return cell;
    }
    const how = d.disposal === 'discard' ? 'drills.disposalDiscard' : 'drills.disposalArchive';
    if (!this.can('disposeDrill')) {
      cell.textContent = page.t('drills.notDisposed', { how: page.t(how) });
      return cell;
    }
    const button = el('button', { className: 'button-secondary', text: page.t('drills.dispose'), attrs: { type: 'button', 'data-drill': d.drillId } });
    button.addEventListener('click', () => {
      const count = d.summary?.figures.entered ?? 0;
      const question = page.t(d.disposal === 'discard' ? 'drills.disposeConfirmDiscard' : 'drills.disposeConfirmArchive', { count, drill: d.drillId });
      const yes = el('button', { className: 'button', text: page.t('drills.disposeYes'), attrs: { type: 'button' } });
      const no = el('button', { className: 'button-secondary', text: page.t('drills.disposeNo'), attrs: { type: 'button' } });
      const confirm = el('div', { className: 'drill-dispose-confirm', attrs: { role: 'group' } }, el('p', { text: question }), yes, ' ', no);
      no.addEventListener('click', () => cell.replaceChildren(button));
      yes.addEventListener('click', async () => {
        yes.disabled = true;
        no.disabled = true;
        status.textContent = page.t('drills.disposing');
        const r = await api.post<{ disposal: string; complaints: unknown[]; reportKey: string }>(`/api/staff/drills/${encodeURIComponent(d.drillId)}/disposal`);
        if (r.status !== 200 || !r.body) {
          status.textContent = page.t('drills.failed', { message: r.body?.message ?? page.t(r.status === 0 ? 'error.network' : 'error.server') });
          cell.replaceChildren(button);
          return;
        }
        await this.show();
        const after = document.getElementById('drills-status');
        if (after) after.textContent = page.t('drills.disposedNow', { count: r.body.complaints.length, drill: d.drillId, key: r.body.reportKey });
      });
      cell.replaceChildren(confirm);
      yes.focus();
    });
    cell.append(button);
    return cell;
  }

  async show(): Promise<void> {
    const { page, api } = this.ctx;
    const seq = ++this.seq;
    const lang = page.lang;
    const heading = el('h1', { text: page.t('drills.title'), attrs: { id: 'drills-title', tabindex: '-1' } });
    const status = el('p', { className: 'progress', attrs: { id: 'drills-status', role: 'status' } });
    const answer = await api.get<{ drills: DrillListing[] }>('/api/staff/drills');
    if (seq !== this.seq) return;
    const drills = answer.body?.drills ?? [];
    const link = (text: string, path: string) => {
      const b = el('button', { className: 'button-link', text, attrs: { type: 'button' } });
      b.addEventListener('click', () => void this.open(path, status));
      return b;
    };
    const rows = drills
      .slice()
      .reverse()
      .map((d) => {
        const f = d.summary?.figures;
        const report = `/api/staff/drills/${encodeURIComponent(d.drillId)}/report?language=${encodeURIComponent(lang)}&format=`;
        return el(
          'tr',
          {},
          el('td', {}, el('span', { className: 'badge badge-drill', text: page.t('flag.drill') }), ` ${d.drillId}`),
          el('td', { text: d.scenario }),
          el('td', { text: page.formatDateTime(d.startedAt) }),
          el('td', { text: page.t(d.status === 'closed' ? 'drills.closed' : 'drills.running') }),
          el('td', {
            text: f
              ? page.t('drills.figures', {
                  met: f.deadlines.met,
                  late: f.deadlines.late,
                  missed: f.deadlines.missed,
                  matched: f.routingMatched,
                  checked: f.routingChecked,
                  problems: f.problems,
                })
              : '–',
          }),
          el('td', {}, ...(this.can('getDrillReport') ? [link(page.t('drills.html'), `${report}html`), ' ', link(page.t('drills.pdf'), `${report}pdf`)] : [])),
          this.disposalCell(d, status),
        );
      });
    const table = drills.length
      ? el(
          'table',
          { className: 'table', attrs: { id: 'drills-table' } },
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              ...['drills.drill', 'drills.scenario', 'drills.started', 'drills.status', 'drills.results', 'drills.report', 'drills.disposal'].map((k) =>
                el('th', { text: page.t(k as never) }),
              ),
            ),
          ),
          el('tbody', {}, ...rows),
        )
      : el('p', { text: page.t('drills.none') });

    const period = el('input', {
      attrs: { id: 'review-period', name: 'period', required: 'true', pattern: '\\d{4}-(Q[1-4]|H[12])', placeholder: '2026-Q3' },
    }) as HTMLInputElement;
    const form = el(
      'form',
      { className: 'form-inline', attrs: { id: 'review-form', novalidate: 'true' } },
      el('label', { text: page.t('drills.period'), attrs: { for: 'review-period' } }),
      period,
      ...(this.can('generatePeriodicReview')
        ? [el('button', { className: 'button', text: page.t('drills.generate'), attrs: { type: 'submit', value: 'generate' } })]
        : []),
      el('button', { className: 'button-secondary', text: page.t('drills.html'), attrs: { type: 'button', id: 'review-html' } }),
      el('button', { className: 'button-secondary', text: page.t('drills.pdf'), attrs: { type: 'button', id: 'review-pdf' } }),
    );
    const reviewPath = (format: string) =>
      `/api/staff/reviews/${encodeURIComponent(period.value.trim())}?format=${format}&language=${encodeURIComponent(lang)}`;
    form.querySelector('#review-html')!.addEventListener('click', () => void this.open(reviewPath('html'), status));
    form.querySelector('#review-pdf')!.addEventListener('click', () => void this.open(reviewPath('pdf'), status));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      status.textContent = page.t('drills.generating');
      const r = await api.post<{ files: string[]; stored: string }>('/api/staff/reviews', { period: period.value.trim() });
      status.textContent =
        r.status === 201
          ? page.t('drills.generated', { period: period.value.trim() })
          : page.t('drills.failed', { message: r.body?.fields?.[0]?.message ?? r.body?.message ?? '' });
    });

    this.root.replaceChildren(
      el('div', { className: 'view-head' }, heading),
      table,
      ...(this.can('getPeriodicReview') ? [el('h2', { text: page.t('drills.reviews') }), el('p', { text: page.t('drills.reviewsIntro') }), form] : []),
      status,
    );
    document.title = `${page.t('drills.title')} – ${page.t('c.brand')}`;
    heading.focus();
  }
}
