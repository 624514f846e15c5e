/**
 * The console's forms, built from a small description: labelled native controls grouped by
 * the request-body path they fill (`data-field`), validated in the page with the API's own
 * zod schema, errors next to their fields and announced (lib/field-errors.ts), the
 * server's 400 fields mapped the same way and its 403/409 messages shown as they are.
 */
import type { ZodType } from 'zod';
import { FormErrors, problemFromIssue, problemFromServer, type Problem } from '../lib/field-errors.ts';
import { el, failureKey, type ApiAnswer } from '../lib/page.ts';
import type { ErrorBody } from './api.ts';
import type { ConsoleKey, ConsolePage } from './console-page.ts';

export interface Option {
  value: string;
  label?: ConsoleKey;
  text?: string;
}
export interface FieldSpec {
  /** Path in the request body (`complaint.matter.description`); also the data-field. */
  name: string;
  label: ConsoleKey;
  kind: 'text' | 'textarea' | 'select' | 'radio' | 'checkbox' | 'date' | 'month' | 'password' | 'email' | 'tel' | 'datetime-local';
  options?: Option[];
  required?: boolean;
  hint?: ConsoleKey;
  rows?: number;
  autocomplete?: string;
  value?: string;
  checked?: boolean;
  /** Narrow input (amounts, ages). */
  short?: boolean;
  inline?: boolean;
}

interface ZodLikeIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  [k: string]: unknown;
}

/** zod issues of a console schema -> problems for FormErrors. */
export function problemsFromIssues(
  issues: readonly ZodLikeIssue[],
  opts: { prefix?: string; bodyField?: string; bodyKey?: ConsoleKey } = {},
): Problem<ConsoleKey>[] {
  return issues.map((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'custom' && path.length === 0) return { field: opts.bodyField ?? '(body)', key: opts.bodyKey ?? 'v.invalid' };
    const name = path.at(-1);
    if (name === 'satisfaction') return { field: path.join('.'), key: 'v.satisfaction' };
    if (issue.code === 'invalid_value') return { field: path.join('.'), key: 'v.choose' };
    // The customer form's mapping knows the complaint's own paths (complainant.contact ...).
    const stripped = opts.prefix && path[0] === opts.prefix ? path.slice(1) : path;
    const p = problemFromIssue({ ...issue, path: stripped } as never);
    return stripped === path ? p : { ...p, field: `${opts.prefix}.${p.field}` };
  });
}

export interface BuiltForm {
  form: HTMLFormElement;
  errors: FormErrors<ConsoleKey>;
  progress: HTMLElement;
  submit: HTMLButtonElement;
  control<T extends HTMLElement = HTMLInputElement>(name: string): T;
  /** The trimmed text of a field; undefined when empty. */
  text(name: string): string | undefined;
  radio(name: string): string | undefined;
  checked(name: string): boolean;
  busy(on: boolean): boolean;
  isBusy(): boolean;
  /** Validates `body` with `schema`; shows the problems and answers undefined when invalid. */
  validate<T>(
    schema: ZodType<T>,
    body: unknown,
    opts?: { prefix?: string; bodyField?: string; bodyKey?: ConsoleKey; extra?: Problem<ConsoleKey>[] },
  ): T | undefined;
  /** Shows a failed answer: field errors (400) or the server's message (403, 404, 409...). */
  showFailure(answer: ApiAnswer<ErrorBody | undefined>, prefix?: string): void;
}

const idOf = (formId: string, name: string) => `${formId}-${name.replace(/[^A-Za-z0-9]+/g, '-')}`;

export function fieldNode(page: ConsolePage, formId: string, f: FieldSpec): HTMLElement {
  const id = idOf(formId, f.name);
  const hintId = f.hint ? `${id}-hint` : undefined;
  const tag = (required: boolean | undefined) =>
    el('span', { className: `tag${required ? ' tag-required' : ''}`, text: page.t(required ? 'tag.required' : 'tag.optional') });
  const hint = f.hint ? el('p', { className: 'hint', text: page.t(f.hint), attrs: { id: hintId! } }) : undefined;
  const describe = (c: HTMLElement) => {
    if (hintId) c.setAttribute('aria-describedby', hintId);
    if (f.required) c.setAttribute('aria-required', 'true');
    return c;
  };
  const optionText = (o: Option) => o.text ?? (o.label ? page.t(o.label) : o.value);

  if (f.kind === 'radio') {
    const group = el(
      'fieldset',
      { className: `field group${f.inline ? ' group-inline' : ''}`, attrs: { 'data-field': f.name } },
      el('legend', {}, el('span', { text: page.t(f.label) }), ' ', tag(f.required)),
    );
    if (hint) group.append(hint);
    const options = el('div', { className: 'choices' });
    (f.options ?? []).forEach((o, i) => {
      const oid = `${id}-${i}`;
      const input = describe(el('input', { attrs: { type: 'radio', name: id, id: oid, value: o.value } }));
      if (f.value === o.value) (input as HTMLInputElement).checked = true;
      options.append(el('div', { className: 'choice' }, input, el('label', { text: optionText(o), attrs: { for: oid } })));
    });
    group.append(options);
    return group;
  }
  if (f.kind === 'checkbox') {
    const input = describe(el('input', { attrs: { type: 'checkbox', id, name: f.name } }));
    if (f.checked) (input as HTMLInputElement).checked = true;
    const box = el('div', { className: 'field checkbox', attrs: { 'data-field': f.name } }, input, el('label', { text: page.t(f.label), attrs: { for: id } }));
    if (hint) box.append(hint);
    return box;
  }
  let control: HTMLElement;
  if (f.kind === 'textarea') {
    control = el('textarea', { attrs: { id, name: f.name, rows: String(f.rows ?? 4) } });
    if (f.value) (control as HTMLTextAreaElement).value = f.value;
  } else if (f.kind === 'select') {
    const select = el('select', { attrs: { id, name: f.name } });
    for (const o of f.options ?? []) select.append(el('option', { text: optionText(o), attrs: { value: o.value } }));
    if (f.value !== undefined) select.value = f.value;
    control = select;
  } else {
    control = el('input', {
      attrs: { id, name: f.name, type: f.kind, ...(f.autocomplete ? { autocomplete: f.autocomplete } : {}), spellcheck: f.kind === 'text' ? 'true' : 'false' },
    });
    if (f.value) (control as HTMLInputElement).value = f.value;
    if (f.short) control.classList.add('input-short');
  }
  describe(control);
  const label = el('label', { attrs: { for: id } }, el('span', { text: page.t(f.label) }), ' ', tag(f.required));
  const field = el('div', { className: 'field', attrs: { 'data-field': f.name } }, label);
  if (hint) field.append(hint);
  field.append(control);
  return field;
}

export function buildForm(
  page: ConsolePage,
  opts: {
    id: string;
    fields: (FieldSpec | HTMLElement)[];
    submitLabel: ConsoleKey;
    alert: HTMLElement;
    cancel?: { label: ConsoleKey; onCancel: () => void };
    className?: string;
    /** Extra content before the fields (e.g. the reply being approved). */
    intro?: HTMLElement[];
    /** Buttons instead of one submit (approve / send back): each submits with its value. */
    submitButtons?: { label: ConsoleKey; value: string; className?: string }[];
  },
): BuiltForm {
  const summaryTitleId = `${opts.id}-summary-title`;
  const summary = el(
    'div',
    { className: 'error-summary', attrs: { tabindex: '-1', 'aria-labelledby': summaryTitleId } },
    el('h3', { text: page.t('form.errorTitle'), attrs: { id: summaryTitleId } }),
    el('ul'),
  );
  summary.hidden = true;
  const form = el('form', { className: opts.className ?? 'action-form', attrs: { id: opts.id, method: 'post', novalidate: '' } });
  form.append(summary, ...(opts.intro ?? []));
  for (const f of opts.fields) form.append(f instanceof HTMLElement ? f : fieldNode(page, opts.id, f));
  const progress = el('p', { className: 'progress', attrs: { role: 'status', 'aria-live': 'polite' } });
  const buttons = (opts.submitButtons ?? [{ label: opts.submitLabel, value: 'submit', className: 'button-primary' }]).map((b) =>
    el('button', { className: `button ${b.className ?? 'button-primary'}`, text: page.t(b.label), attrs: { type: 'submit', name: 'intent', value: b.value } }),
  );
  const actions = el('div', { className: 'actions' }, ...buttons);
  if (opts.cancel) {
    const cancel = el('button', { className: 'button button-secondary', text: page.t(opts.cancel.label), attrs: { type: 'button' } });
    cancel.addEventListener('click', opts.cancel.onCancel);
    actions.append(cancel);
  }
  actions.append(progress);
  form.append(actions);
  // The views rebuild their forms on a language change: the form's errors need no listener
  // of their own (one per form would pile up over a day's work).
  const quietPage = Object.create(page, { onLanguageChange: { value: () => undefined } }) as ConsolePage;
  const errors = new FormErrors<ConsoleKey>(quietPage, form, summary, opts.alert);
  let busy = false;

  const control = <T extends HTMLElement = HTMLInputElement>(name: string): T => {
    const node = form.querySelector<T>(`#${CSS.escape(idOf(opts.id, name))}`);
    if (!node) throw new Error(`field ${name} is missing`);
    return node;
  };
  return {
    form,
    errors,
    progress,
    submit: buttons[0],
    control,
    text: (name) => {
      const v = control<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(name).value.trim();
      return v === '' ? undefined : v;
    },
    radio: (name) => form.querySelector<HTMLInputElement>(`input[name="${CSS.escape(idOf(opts.id, name))}"]:checked`)?.value,
    checked: (name) => control<HTMLInputElement>(name).checked,
    busy: (on) => {
      if (on && busy) return false;
      busy = on;
      form.setAttribute('aria-busy', String(on));
      for (const b of buttons) b.setAttribute('aria-disabled', String(on));
      return true;
    },
    isBusy: () => busy,
    validate: (schema, body, v = {}) => {
      const result = schema.safeParse(body);
      const problems = [...(v.extra ?? []), ...(result.success ? [] : problemsFromIssues(result.error.issues as never, v))];
      if (problems.length) {
        progress.textContent = '';
        errors.show(problems);
        return undefined;
      }
      errors.clear();
      return result.success ? result.data : undefined;
    },
    showFailure: (answer, prefix) => {
      progress.textContent = '';
      const body = answer.body;
      if (answer.status === 400 && body?.fields?.length) {
        errors.show(
          body.fields.map((f) => {
            const stripped = prefix && f.field.startsWith(`${prefix}.`) ? f.field.slice(prefix.length + 1) : f.field;
            const p = problemFromServer({ field: stripped, message: f.message });
            return stripped === f.field ? p : { ...p, field: `${prefix}.${p.field}` };
          }),
        );
        return;
      }
      const serverKey = `server.${answer.status}`;
      if (body?.message && page.has(serverKey)) {
        errors.show([], [{ key: serverKey, vars: { message: body.message } }]);
        return;
      }
      errors.show([], [{ key: failureKey(answer.status) }]);
    },
  };
}
