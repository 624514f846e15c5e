/**
 * A complaint received by phone, at a branch, by letter or by email, keyed in by staff:
 * POST /api/staff/complaints { channel, complaint }, validated with the API's
 * StaffComplaintRequest (the customer form's SubmitComplaintRequest inside). One
 * Idempotency-Key per form fill: a double click makes one complaint.
 */
import { StaffComplaintRequest } from '../../../functions/contract/staff.schema.ts';
import type { Problem } from '../lib/field-errors.ts';
import { el } from '../lib/page.ts';
import type { Ctx } from './context.ts';
import type { ConsoleKey } from './console-page.ts';
import { buildForm, fieldNode, type BuiltForm } from './forms.ts';
import { prune } from '../lib/prune.ts';

const LINES = ['cards', 'loans', 'deposits', 'payments', 'wealth', 'other'] as const;
const F = 'new';

function uuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

interface Created {
  reference: string;
  accessCode: string;
  acknowledgement?: { responseDeadline?: { dueAt: string } };
}

export class NewComplaintView {
  private form: BuiltForm | undefined;
  private idempotency: { key: string; body: string } | undefined;

  constructor(
    private readonly ctx: Ctx,
    private readonly root: HTMLElement,
  ) {
    ctx.page.onLanguageChange(() => {
      if (!root.hidden && this.form) this.render(false);
    });
  }

  show(): void {
    this.render(true);
  }

  private render(focus: boolean): void {
    const { page } = this.ctx;
    const currency = this.ctx.region.thresholds.currency;
    const section = (title: ConsoleKey, ...nodes: HTMLElement[]) =>
      el('fieldset', { className: 'section' }, el('legend', {}, el('h2', { text: page.t(title) })), ...nodes);
    const n = (spec: Parameters<typeof fieldNode>[2]) => fieldNode(page, F, spec);
    const fields: HTMLElement[] = [
      section(
        'new.section.how',
        n({
          name: 'channel',
          label: 'new.channel',
          kind: 'radio',
          required: true,
          inline: true,
          options: (['phone', 'branch', 'letter', 'email'] as const).map((c) => ({ value: c, label: `channel.${c}` as const })),
        }),
        n({
          name: 'complaint.language',
          label: 'new.language',
          kind: 'select',
          value: this.ctx.region.languages[0],
          options: this.ctx.region.languages.map((l) => ({ value: l, label: `language.${l}` as const })),
        }),
      ),
      section(
        'new.section.matter',
        n({
          name: 'complaint.businessLine',
          label: 'new.businessLine',
          kind: 'select',
          options: [{ value: '', label: 'option.choose' }, ...LINES.map((l) => ({ value: l, label: `businessLine.${l}` as const }))],
        }),
        n({ name: 'complaint.matter.description', label: 'new.description', kind: 'textarea', rows: 5, required: true, hint: 'new.descriptionHint' }),
        n({ name: 'complaint.matter.demand', label: 'new.demand', kind: 'textarea', rows: 2 }),
        n({ name: 'complaint.matter.cause', label: 'new.cause', kind: 'textarea', rows: 2 }),
        el(
          'div',
          { className: 'row' },
          n({ name: 'complaint.occurredAt', label: 'new.occurredAt', kind: 'date' }),
          n({ name: 'complaint.place', label: 'new.place', kind: 'text' }),
        ),
        el(
          'div',
          { className: 'row' },
          n({ name: 'complaint.amount.value', label: 'new.amount', kind: 'text', hint: 'new.amountHint' }),
          n({
            name: 'complaint.amount.currency',
            label: 'new.currency',
            kind: 'select',
            value: currency,
            options: [...new Set([currency, 'CNY', 'GBP', 'USD', 'EUR', 'HKD'])].map((c) => ({ value: c, text: c })),
          }),
        ),
        el(
          'div',
          { className: 'row' },
          n({ name: 'complaint.target.department', label: 'new.targetDepartment', kind: 'text' }),
          n({ name: 'complaint.target.staffMember', label: 'new.targetStaff', kind: 'text' }),
        ),
      ),
      section(
        'new.section.customer',
        n({ name: 'complaint.complainant.anonymous', label: 'new.anonymous', kind: 'checkbox', hint: 'new.anonymousHint' }),
        el(
          'div',
          { attrs: { id: 'new-personal' } },
          n({ name: 'complaint.complainant.name', label: 'new.name', kind: 'text', autocomplete: 'off' }),
          el(
            'div',
            { className: 'field group', attrs: { 'data-field': 'complaint.complainant.contact' } },
            el('p', { className: 'group-label', text: page.t('new.contact') }),
            el('p', { className: 'hint', text: page.t('new.contactHint') }),
            el(
              'div',
              { className: 'row' },
              n({ name: 'complaint.complainant.contact.phone', label: 'new.phone', kind: 'tel', autocomplete: 'off' }),
              n({ name: 'complaint.complainant.contact.email', label: 'new.email', kind: 'email', autocomplete: 'off' }),
            ),
            n({ name: 'complaint.complainant.contact.address', label: 'new.address', kind: 'textarea', rows: 2 }),
          ),
          n({ name: 'complaint.consent.personalData', label: 'new.consent', kind: 'checkbox', hint: 'new.consentHint' }),
        ),
      ),
    ];
    const f = buildForm(this.ctx.page, { id: F, fields, submitLabel: 'new.submit', alert: this.ctx.alert, className: 'card new-form' });
    this.form = f;
    const anonymous = f.control<HTMLInputElement>('complaint.complainant.anonymous');
    const personal = f.form.querySelector<HTMLElement>('#new-personal')!;
    anonymous.addEventListener('change', () => {
      personal.hidden = anonymous.checked;
    });

    f.form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!f.busy(true)) return;
      try {
        await this.submit(f);
      } finally {
        f.busy(false);
      }
    });
    f.form.dataset.ready = 'true';
    const heading = el('h1', { text: page.t('new.title'), attrs: { id: 'new-title', tabindex: '-1' } });
    this.root.replaceChildren(
      el('div', { className: 'view-head' }, heading),
      el('p', { className: 'lead', text: page.t('new.intro') }),
      f.form,
      el('div', { attrs: { id: 'new-result' } }),
    );
    document.title = `${page.t('new.title')} – ${page.t('c.brand')}`;
    if (focus) heading.focus();
  }

  private async submit(f: BuiltForm): Promise<void> {
    const { page } = this.ctx;
    const extra: Problem[] = [];
    const amountText = (f.text('complaint.amount.value') ?? '').normalize('NFKC').replace(/[,\s]/g, '');
    if (amountText && !/^\d+(\.\d{1,2})?$/.test(amountText)) extra.push({ field: 'complaint.amount.value', key: 'v.number' });
    const anonymous = f.checked('complaint.complainant.anonymous');
    const body = prune({
      channel: f.radio('channel'),
      complaint: {
        language: f.text('complaint.language'),
        businessLine: f.text('complaint.businessLine'),
        matter: {
          description: f.control<HTMLTextAreaElement>('complaint.matter.description').value,
          demand: f.text('complaint.matter.demand'),
          cause: f.text('complaint.matter.cause'),
        },
        occurredAt: f.text('complaint.occurredAt'),
        place: f.text('complaint.place'),
        amount: amountText && /^\d+(\.\d{1,2})?$/.test(amountText) ? { value: Number(amountText), currency: f.text('complaint.amount.currency') } : undefined,
        target: { department: f.text('complaint.target.department'), staffMember: f.text('complaint.target.staffMember') },
        complainant: anonymous
          ? { anonymous: true }
          : {
              anonymous: false,
              name: f.text('complaint.complainant.name'),
              contact: {
                phone: f.text('complaint.complainant.contact.phone')?.normalize('NFKC'),
                email: f.text('complaint.complainant.contact.email')?.normalize('NFKC'),
                address: f.text('complaint.complainant.contact.address'),
              },
            },
        consent: anonymous ? undefined : { personalData: f.checked('complaint.consent.personalData') },
      },
    });
    const valid = f.validate(StaffComplaintRequest, body, { prefix: 'complaint', extra });
    if (!valid) return;
    const json = JSON.stringify(body);
    if (this.idempotency?.body !== json) this.idempotency = { key: uuid(), body: json };
    f.progress.textContent = page.t('action.sending');
    const answer = await this.ctx.api.post<Created>('/api/staff/complaints', body, { 'Idempotency-Key': this.idempotency.key });
    if (answer.status === 201 && answer.body?.reference) {
      f.progress.textContent = '';
      this.created(answer.body);
      return;
    }
    if (answer.status === 422) this.idempotency = undefined;
    f.showFailure(answer, 'complaint');
  }

  private created(r: Created): void {
    const { page } = this.ctx;
    const title = el('h2', { text: page.t('new.created', { reference: r.reference }), attrs: { id: 'new-created-title', tabindex: '-1' } });
    const open = el('a', { className: 'button button-primary', text: page.t('new.open'), attrs: { href: `#/c/${encodeURIComponent(r.reference)}` } });
    const another = el('button', { className: 'button button-secondary', text: page.t('new.another'), attrs: { type: 'button' } });
    another.addEventListener('click', () => {
      this.idempotency = undefined;
      this.render(true);
    });
    const box = el(
      'section',
      { className: 'card created', attrs: { 'aria-labelledby': 'new-created-title' } },
      title,
      el('p', { text: page.t('new.tellCustomer') }),
      el(
        'dl',
        { className: 'facts' },
        el('div', {}, el('dt', { text: page.t('new.reference') }), el('dd', { className: 'code', text: r.reference })),
        el('div', {}, el('dt', { text: page.t('new.accessCode') }), el('dd', { className: 'code', text: r.accessCode })),
        ...(r.acknowledgement?.responseDeadline?.dueAt
          ? [el('div', {}, el('dt', { text: page.t('new.deadline') }), el('dd', { text: page.formatDateTime(r.acknowledgement.responseDeadline.dueAt) }))]
          : []),
      ),
      el('div', { className: 'actions' }, open, another),
    );
    this.form?.form.remove();
    this.form = undefined;
    this.root.querySelector('#new-result')?.replaceChildren(box);
    title.focus();
    this.ctx.announce(title.textContent ?? '');
  }
}
