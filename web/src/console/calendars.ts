/**
 * Business calendars (issue 22): the banner every staff member sees while next year's official
 * adjustments are due and not confirmed (GET /api/staff/calendars), and the administrators' view
 * (#/calendars) of the region's years - status, source, extra days off and working days - with the
 * form that adds or corrects a year (POST /api/staff/calendars), validated in the page with the
 * API's own schema, without a redeploy.
 */
import { CalendarYearRequest } from '../../../functions/contract/staff.schema.ts';
import { authorize } from '../../../functions/domain/authorization.ts';
import { calendarYearIssues } from '../../../functions/domain/calendar-data.ts';
import { el } from '../lib/page.ts';
import type { Ctx } from './context.ts';
import { buildForm, type BuiltForm } from './forms.ts';

interface CalendarYearView {
  year: number;
  status: 'confirmed' | 'unconfirmed';
  origin: 'shipped' | 'runtime' | 'base';
  version: number;
  by?: string;
  at?: string;
  source?: { title: string; date: string; url: string };
  extraHolidays: string[];
  extraWorkingDays: string[];
  note?: string;
}
export interface CalendarsAnswer {
  region: string;
  base: string;
  version: string;
  warning: { year: number; since: string } | null;
  nextYearDueFrom: string;
  years: CalendarYearView[];
}

const dates = (text: string | undefined) => (text ?? '').split(/[\s,;，；、]+/).filter(Boolean);

/** The missing-year banner: shown above every view while the API reports a warning. */
export class CalendarBanner {
  private warning: CalendarsAnswer['warning'] = null;

  constructor(
    private readonly ctx: Ctx,
    private readonly root: HTMLElement,
  ) {
    ctx.page.onLanguageChange(() => this.render());
  }

  async refresh(): Promise<void> {
    const answer = await this.ctx.api.get<CalendarsAnswer>('/api/staff/calendars');
    this.warning = answer.status === 200 ? (answer.body?.warning ?? null) : null;
    this.render();
  }

  forget(): void {
    this.warning = null;
    this.render();
  }

  private render(): void {
    const w = this.warning;
    this.root.hidden = !w;
    if (!w) {
      this.root.replaceChildren();
      return;
    }
    this.root.replaceChildren(el('p', { text: this.ctx.page.t('cal.banner', { year: w.year }) }));
  }
}

export class CalendarsView {
  private data: CalendarsAnswer | undefined;
  private form: BuiltForm | undefined;

  constructor(
    private readonly ctx: Ctx,
    private readonly root: HTMLElement,
    private readonly onChange: () => void,
  ) {
    ctx.page.onLanguageChange(() => {
      if (!root.hidden && this.data) this.render();
    });
  }

  forget(): void {
    this.data = undefined;
    this.root.replaceChildren();
  }

  async show(): Promise<void> {
    const { page } = this.ctx;
    this.root.replaceChildren(el('p', { className: 'progress', text: page.t('cal.loading'), attrs: { role: 'status' } }));
    const answer = await this.ctx.api.get<CalendarsAnswer>('/api/staff/calendars');
    if (answer.status !== 200 || !answer.body) {
      this.root.replaceChildren(
        el('p', { className: 'notice notice-error', text: page.failure(answer.status, answer.body?.message), attrs: { role: 'alert' } }),
      );
      return;
    }
    this.data = answer.body;
    this.render();
  }

  private render(): void {
    const { page } = this.ctx;
    const data = this.data!;
    const heading = el('h1', { text: page.t('cal.title'), attrs: { id: 'calendars-title', tabindex: '-1' } });
    const rows = data.years.map((y) =>
      el(
        'tr',
        { attrs: { 'data-year': String(y.year) } },
        el('th', { text: String(y.year), attrs: { scope: 'row' } }),
        el('td', { className: `cal-status cal-${y.status}`, text: page.t(`cal.status.${y.status}`) }),
        el('td', {
          text: `${page.t(`cal.origin.${y.origin}`)}${y.version ? ` · v${y.version}${y.by ? ` · ${y.by}` : ''}` : ''}`,
        }),
        el(
          'td',
          {},
          y.source
            ? el('a', { text: `${y.source.title} (${y.source.date})`, attrs: { href: y.source.url, rel: 'noopener noreferrer', target: '_blank' } })
            : '–',
        ),
        el('td', { className: 'cal-dates', text: y.extraHolidays.join(' ') || '–' }),
        el('td', { className: 'cal-dates', text: y.extraWorkingDays.join(' ') || '–' }),
      ),
    );
    const table = el(
      'table',
      { className: 'data-table calendars-table' },
      el('caption', { text: page.t('cal.caption', { base: data.base }) }),
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ...(['cal.col.year', 'cal.col.status', 'cal.col.origin', 'cal.col.source', 'cal.col.holidays', 'cal.col.working'] as const).map((k) =>
            el('th', { text: page.t(k), attrs: { scope: 'col' } }),
          ),
        ),
      ),
      el('tbody', {}, ...rows),
    );
    const parts: HTMLElement[] = [heading, el('p', { className: 'lead', text: page.t('cal.intro', { date: data.nextYearDueFrom }) }), table];
    if (authorize(this.ctx.actor(), 'putCalendarYear').allowed) parts.push(this.buildForm());
    this.root.replaceChildren(...parts);
    document.title = `${page.t('cal.title')} – ${page.t('c.brand')}`;
    heading.focus();
  }

  private buildForm(): HTMLElement {
    const { page } = this.ctx;
    const data = this.data!;
    const next = data.warning?.year ?? Number(data.years[1]?.year ?? this.ctx.now().getFullYear() + 1);
    const f = buildForm(page, {
      id: 'calendar-form',
      alert: this.ctx.alert,
      submitLabel: 'cal.submit',
      fields: [
        { name: 'year', label: 'cal.f.year', kind: 'text', required: true, short: true, value: String(next) },
        {
          name: 'status',
          label: 'cal.f.status',
          kind: 'select',
          options: [
            { value: 'confirmed', label: 'cal.status.confirmed' },
            { value: 'unconfirmed', label: 'cal.status.unconfirmed' },
          ],
          value: 'confirmed',
        },
        { name: 'source.title', label: 'cal.f.sourceTitle', kind: 'text' },
        { name: 'source.date', label: 'cal.f.sourceDate', kind: 'date' },
        { name: 'source.url', label: 'cal.f.sourceUrl', kind: 'text' },
        { name: 'extraHolidays', label: 'cal.f.holidays', kind: 'textarea', rows: 2, hint: 'cal.f.datesHint' },
        { name: 'extraWorkingDays', label: 'cal.f.working', kind: 'textarea', rows: 2, hint: 'cal.f.datesHint' },
        { name: 'note', label: 'cal.f.note', kind: 'textarea', rows: 2 },
      ],
    });
    this.form = f;
    f.form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (f.isBusy()) return;
      const year = Number(f.text('year'));
      const source =
        f.text('source.title') || f.text('source.date') || f.text('source.url')
          ? { title: f.text('source.title'), date: f.text('source.date'), url: f.text('source.url') }
          : undefined;
      const current = data.years.find((y) => y.year === year);
      const entry = {
        year,
        status: f.text('status') as 'confirmed' | 'unconfirmed',
        ...(source ? { source } : {}),
        extraHolidays: dates(f.text('extraHolidays')),
        extraWorkingDays: dates(f.text('extraWorkingDays')),
        ...(f.text('note') ? { note: f.text('note') } : {}),
        expectedVersion: current?.version ?? 0,
      };
      // The calendar's own rules first, each with its translated message (the field of a date list, not its item).
      const own = Number.isInteger(year) ? calendarYearIssues(year, entry as never) : [];
      if (own.length) {
        f.progress.textContent = '';
        f.errors.show(
          own.map((i) => ({
            field: i.field.replace(/\.\d+$/, ''),
            key: `cal.v.${i.code}` as const,
            vars: { year, date: /\d{4}-\d{2}-\d{2}/.exec(i.message)?.[0] ?? '' },
          })),
        );
        return;
      }
      const body = f.validate(CalendarYearRequest, entry);
      if (!body || !f.busy(true)) return;
      const answer = await this.ctx.api.post<{ year: number; version: number }>('/api/staff/calendars', body);
      f.busy(false);
      if (answer.status !== 200) {
        f.showFailure(answer);
        return;
      }
      this.ctx.announce(page.t('cal.saved', { year: body.year, version: answer.body?.version ?? '' }));
      this.onChange();
      await this.show();
      this.root
        .querySelector('h1')
        ?.after(
          el('p', { className: 'notice', text: page.t('cal.saved', { year: body.year, version: answer.body?.version ?? '' }), attrs: { role: 'status' } }),
        );
    });
    return el(
      'section',
      { className: 'card', attrs: { 'aria-labelledby': 'calendar-form-title' } },
      el('h2', { text: page.t('cal.form.title'), attrs: { id: 'calendar-form-title' } }),
      f.form,
    );
  }
}
