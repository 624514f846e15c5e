/**
 * Errors next to their fields, named by the same paths the server uses
 * (`matter.description`, `complainant.contact`): from the shared zod schema in the page and
 * from the server's 400 `fields`. Each is shown by its field (aria-invalid,
 * aria-describedby), listed in a summary, announced, and focus moves to the first one.
 */
import type { TextKey } from './i18n.ts';
import type { Page } from './page.ts';
import { el } from './page.ts';

/** `K`: the keys of the page's texts (the console's include the customer pages'). */
export interface Problem<K extends string = TextKey> {
  /** The server's path, e.g. complainant.contact.email. */
  field: string;
  /** A message key of the catalog (v.*). */
  key: K;
  vars?: Record<string, string | number>;
}

interface ZodLikeIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  origin?: string;
  format?: string;
  expected?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
}

const last = (path: string) => path.split('.').pop() ?? path;

function required(field: string): Problem {
  const specific = `v.required.${last(field)}`;
  return { field, key: specific === 'v.required.description' ? specific : 'v.required' };
}

/** A zod issue of the shared schema -> a translatable problem. */
export function problemFromIssue(issue: ZodLikeIssue): Problem {
  const field = issue.path.map(String).join('.') || '(body)';
  const name = last(field);
  switch (issue.code) {
    case 'invalid_type':
      if (/received undefined/.test(issue.message)) return required(field);
      if (issue.expected === 'int') return { field, key: 'v.wholeNumber' };
      return { field, key: name === 'value' ? 'v.number' : 'v.invalid' };
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) <= 1) return required(field);
      if (issue.origin === 'number') return { field, key: 'v.min', vars: { min: Number(issue.minimum) } };
      return { field, key: 'v.invalid' };
    case 'too_big':
      if (issue.origin === 'string') return { field, key: 'v.tooLong', vars: { max: Number(issue.maximum) } };
      if (issue.origin === 'number') return { field, key: 'v.max', vars: { max: Number(issue.maximum) } };
      if (issue.origin === 'array' && field === 'attachments') return { field, key: 'v.tooManyFiles', vars: { max: Number(issue.maximum) } };
      return { field, key: 'v.invalid' };
    case 'invalid_format':
      if (issue.format === 'email') return { field, key: 'v.email' };
      if (name === 'phone') return { field, key: 'v.phone' };
      if (name === 'currency') return { field, key: 'v.currency' };
      if (issue.format === 'date' || issue.format === 'datetime') return { field, key: 'v.date' };
      return { field, key: 'v.invalid' };
    case 'invalid_union':
      return { field, key: field === 'occurredAt' ? 'v.date' : 'v.invalid' };
    case 'custom':
      if (field === 'complainant.contact') return { field, key: 'v.contact' };
      if (field === 'consent.personalData') return { field, key: 'v.consent' };
      return { field, key: 'v.invalid' };
    default:
      return { field, key: 'v.invalid' };
  }
}

/** One of the server's `fields` ({ field, message }) -> a translatable problem. */
export function problemFromServer(issue: { field: string; message: string }): Problem {
  const { field, message } = issue;
  const m = message.toLowerCase();
  const max = /<=\s*(\d+)/.exec(m)?.[1];
  if (/is required|>=\s*1 characters|received undefined/.test(m)) return required(field);
  if (field === 'complainant.contact' || /stay anonymous/.test(m)) return { field, key: 'v.contact' };
  if (field === 'consent.personalData' || /consent/.test(m)) return { field, key: 'v.consent' };
  if (/email/.test(m)) return { field, key: 'v.email' };
  if (/phone/.test(m)) return { field, key: 'v.phone' };
  if (/not uploaded|uploaded file|createattachmentupload/.test(m)) return { field, key: 'v.notUploaded' };
  if (max && /characters/.test(m)) return { field, key: 'v.tooLong', vars: { max } };
  if (max && /items/.test(m)) return { field, key: 'v.tooManyFiles', vars: { max } };
  if (/date/.test(m)) return { field, key: 'v.date' };
  return { field, key: 'v.invalid' };
}

const errorId = (field: string) => `err-${field.replace(/[^A-Za-z0-9]+/g, '-')}`;
const CONTROLS = 'input, select, textarea';

/**
 * The errors of one form. Fields are the elements marked `data-field="<path>"`; each has a
 * `.field-error` child (created when missing). A problem goes to the field with the longest
 * matching path (attachments.0.key -> attachments).
 */
export class FormErrors<K extends string = TextKey> {
  private problems: Problem<K>[] = [];
  private unplaced: { key: K; vars?: Record<string, string | number> }[] = [];

  constructor(
    private readonly page: Page<K | TextKey>,
    private readonly form: HTMLElement,
    private readonly summary: HTMLElement | undefined,
    private readonly alert: HTMLElement,
  ) {
    page.onLanguageChange(() => this.render(false));
  }

  get count(): number {
    return this.problems.length;
  }

  private fieldFor(path: string): HTMLElement | undefined {
    const parts = path.split('.');
    for (let n = parts.length; n > 0; n--) {
      const wanted = parts.slice(0, n).join('.');
      const found = this.form.querySelector<HTMLElement>(`[data-field="${CSS.escape(wanted)}"]`);
      if (found && !found.closest('[hidden]')) return found;
    }
    return undefined;
  }

  private errorElement(field: HTMLElement): HTMLElement {
    const path = field.dataset.field!;
    let node = document.getElementById(errorId(path));
    if (!node) {
      node = el('p', { className: 'field-error', attrs: { id: errorId(path) } });
      node.hidden = true;
      const anchor = field.querySelector(':scope > .field-error-slot') ?? field.querySelector(':scope > legend, :scope > label') ?? null;
      if (anchor?.classList.contains('field-error-slot')) anchor.replaceWith(node);
      else if (anchor) (anchor.nextElementSibling?.classList.contains('hint') ? anchor.nextElementSibling : anchor).after(node);
      else field.prepend(node);
    }
    return node;
  }

  private controlsOf(field: HTMLElement): HTMLElement[] {
    return [...field.querySelectorAll<HTMLElement>(CONTROLS)].filter((c) => !c.closest('[hidden]') && (c as HTMLInputElement).type !== 'hidden');
  }

  /** Extra controls described by a field's error, without being invalid themselves (e.g. "stay anonymous"). */
  private alsoDescribing(path: string): HTMLElement[] {
    return [...this.form.querySelectorAll<HTMLElement>('[data-also-describedby]')].filter((c) => c.dataset.alsoDescribedby === path);
  }

  clear(): void {
    this.problems = [];
    this.unplaced = [];
    for (const node of this.form.querySelectorAll<HTMLElement>('.field-error')) {
      node.hidden = true;
      node.replaceChildren();
    }
    for (const f of this.form.querySelectorAll<HTMLElement>('[data-field].has-error')) f.classList.remove('has-error');
    for (const c of this.form.querySelectorAll<HTMLElement>('[aria-invalid]')) c.removeAttribute('aria-invalid');
    for (const c of this.form.querySelectorAll<HTMLElement>('[data-base-describedby]')) {
      const base = c.dataset.baseDescribedby!;
      if (base) c.setAttribute('aria-describedby', base);
      else c.removeAttribute('aria-describedby');
      delete c.dataset.baseDescribedby;
    }
    if (this.summary) {
      this.summary.hidden = true;
      this.summary.querySelector('ul')?.replaceChildren();
    }
    this.alert.textContent = '';
  }

  /** Shows problems (the first per field), announces them and moves focus to the first. */
  show(problems: Problem<K>[], general: { key: K; vars?: Record<string, string | number> }[] = []): void {
    this.clear();
    const seen = new Set<string>();
    this.problems = [];
    for (const p of problems) {
      const field = this.fieldFor(p.field);
      const key = field?.dataset.field ?? p.field;
      if (seen.has(key)) continue;
      seen.add(key);
      this.problems.push({ ...p, field: key });
    }
    this.unplaced = general;
    // Document order, so that focus goes to the first invalid field on the page.
    this.problems.sort((a, b) => {
      const fa = this.fieldFor(a.field);
      const fb = this.fieldFor(b.field);
      if (!fa || !fb) return fa ? -1 : fb ? 1 : 0;
      return fa.compareDocumentPosition(fb) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
    });
    this.render(true);
  }

  private describe(control: HTMLElement, id: string): void {
    if (control.dataset.baseDescribedby === undefined) control.dataset.baseDescribedby = control.getAttribute('aria-describedby') ?? '';
    const ids = new Set((control.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean));
    ids.add(id);
    control.setAttribute('aria-describedby', [...ids].join(' '));
  }

  private render(moveFocus: boolean): void {
    if (!this.problems.length && !this.unplaced.length) return;
    const labels: string[] = [];
    const items: HTMLElement[] = [];
    let first: HTMLElement | undefined;
    for (const p of this.problems) {
      const message = this.page.t(p.key, p.vars);
      const field = this.fieldFor(p.field);
      if (!field) {
        labels.push(message);
        items.push(el('li', { text: message }));
        continue;
      }
      field.classList.add('has-error');
      const node = this.errorElement(field);
      node.replaceChildren(el('span', { className: 'visually-hidden', text: `${this.page.t('error.prefix')} ` }), message);
      node.hidden = false;
      const controls = this.controlsOf(field);
      for (const c of controls) {
        c.setAttribute('aria-invalid', 'true');
        this.describe(c, node.id);
      }
      for (const c of this.alsoDescribing(p.field)) this.describe(c, node.id);
      first ??= controls[0];
      const target = controls[0];
      const link = el('a', { text: message, attrs: { href: target?.id ? `#${target.id}` : '#' } });
      link.addEventListener('click', (e) => {
        e.preventDefault();
        target?.focus();
      });
      items.push(el('li', {}, link));
      labels.push(message);
    }
    for (const g of this.unplaced) {
      const m = this.page.t(g.key, g.vars);
      labels.push(m);
      items.push(el('li', { text: m }));
    }
    if (this.summary) {
      this.summary.querySelector('ul')?.replaceChildren(...items);
      this.summary.hidden = false;
    }
    if (!moveFocus) return;
    this.alert.textContent = this.page.t('form.errorLive', { count: labels.length, list: labels.join('; ') });
    (first ?? this.summary)?.focus();
  }
}
