/**
 * The status page: reference + access code -> GET /api/complaints/{reference} (X-Access-Code)
 * -> status, stage, progress, history, deadlines, our reply, and the satisfaction callback
 * when it is due. Every text from the server is set with textContent.
 */
import './lib/zod-csp.ts';
import { CustomerCallbackRequest, RepeatConfirmationRequest } from '../../functions/contract/complaint-status.schema.ts';
import { FormErrors, problemFromIssue, type Problem } from './lib/field-errors.ts';
import { hasText, type TextKey } from './lib/i18n.ts';
import { byId, el, failureKey, loadConfig, Page, requestJson } from './lib/page.ts';

interface Deadline {
  dueAt: string;
  rule: string;
  state: 'due' | 'due_soon' | 'breached' | 'met';
}
interface Status {
  reference: string;
  status: 'OPEN' | 'CLOSED';
  stage: 'RECEIVED' | 'INVESTIGATION' | 'REPLY' | 'CALLBACK' | 'CLOSED';
  stageLabel: string;
  receivedAt: string;
  deadlines: Record<string, Deadline>;
  history: { at: string; action: string; summary: string }[];
  reply?: { subject: string; text: string; sentAt: string };
  callbackDue: boolean;
  /** What the customer submitted: their words and their files' names. */
  submitted?: { description: string; cause?: string; demand?: string; attachments: { name: string; contentType: string; size: number }[] };
}

const STEPS = ['RECEIVED', 'INVESTIGATION', 'REPLY', 'CALLBACK', 'CLOSED'] as const;

async function main(): Promise<void> {
  const page = new Page(await loadConfig(), 'status.doctitle');
  const lookup = byId<HTMLFormElement>('lookup-form');
  const referenceInput = byId<HTMLInputElement>('reference');
  const codeInput = byId<HTMLInputElement>('accessCode');
  const progress = byId('lookup-progress');
  const notice = byId('lookup-notice');
  const alert = byId('status-alert');
  const result = byId('result');
  const lookupErrors = new FormErrors(page, lookup, byId('lookup-summary'), alert);
  const callbackForm = byId<HTMLFormElement>('callback-form');
  const callbackErrors = new FormErrors(page, callbackForm, byId('callback-summary'), alert);
  const callbackProgress = byId('callback-progress');
  const thanks = byId('callback-thanks');
  const repeatForm = byId<HTMLFormElement>('repeat-form');
  const repeatErrors = new FormErrors(page, repeatForm, byId('repeat-summary'), alert);
  const repeatProgress = byId('repeat-progress');
  const repeatDone = byId('repeat-done');

  const prefilled = new URLSearchParams(location.search).get('reference');
  if (prefilled) referenceInput.value = prefilled.slice(0, 40);

  let current: { status: Status; code: string } | undefined;
  let noticeKey: TextKey | undefined;
  let callbackSent = false;

  const showNotice = (key: TextKey | undefined) => {
    noticeKey = key;
    notice.hidden = !key;
    notice.textContent = key ? page.t(key) : '';
  };

  const renderRating = () => {
    const rating = byId('rating');
    const checked = (rating.querySelector('input:checked') as HTMLInputElement | null)?.value;
    rating.replaceChildren(
      ...([1, 2, 3, 4, 5] as const).map((n) => {
        const input = el('input', { attrs: { type: 'radio', name: 'satisfaction', id: `satisfaction-${n}`, value: String(n) } });
        if (checked === String(n)) input.checked = true;
        const label = el(
          'label',
          { attrs: { for: `satisfaction-${n}` } },
          el('span', { className: 'rating-score', text: String(n) }),
          el('span', { text: page.t(`callback.${n}`) }),
        );
        return el('div', { className: 'rating-option' }, input, label);
      }),
    );
  };

  const render = () => {
    if (!current) return;
    const s = current.status;
    result.hidden = false;
    // The reference is kept on one line.
    const [before, after] = page.t('status.heading', { reference: '\u0000' }).split('\u0000');
    byId('result-title').replaceChildren(before ?? '', el('span', { className: 'nowrap', text: s.reference }), after ?? '');
    const badge = byId('result-status');
    badge.textContent = page.t(`status.${s.status}`);
    badge.className = `badge ${s.status === 'CLOSED' ? 'badge-neutral' : 'badge-info'}`;
    byId('result-stage').textContent = hasText(`stage.${s.stage}`) ? page.t(`stage.${s.stage}`) : s.stageLabel;
    byId('result-received').replaceChildren(el('time', { text: page.formatDateTime(s.receivedAt), attrs: { datetime: s.receivedAt } }));

    const at = STEPS.indexOf(s.stage);
    byId('result-steps').replaceChildren(
      ...STEPS.map((step, i) => {
        const state = i < at || s.stage === 'CLOSED' ? 'done' : i === at ? 'current' : 'todo';
        const li = el(
          'li',
          { className: `step step-${state}` },
          el('span', { className: 'step-marker', attrs: { 'aria-hidden': 'true' } }),
          el('span', { className: 'step-label', text: page.t(`step.${step}`) }),
        );
        if (state !== 'todo') li.append(el('span', { className: 'visually-hidden', text: ` (${page.t(state === 'done' ? 'step.done' : 'step.current')})` }));
        if (i === at) li.setAttribute('aria-current', 'step');
        return li;
      }),
    );

    const reply = byId('reply');
    reply.hidden = !s.reply;
    if (s.reply) {
      byId('reply-sent').textContent = page.t('status.replySent', { date: page.formatDateTime(s.reply.sentAt) });
      byId('reply-subject').textContent = s.reply.subject;
      byId('reply-text').textContent = s.reply.text;
    }

    // What they told us, as we have it (text only: textContent, whitespace kept by CSS).
    byId('submitted').hidden = !s.submitted;
    if (s.submitted) {
      byId('submitted-description').textContent = s.submitted.description;
      for (const part of ['cause', 'demand'] as const) {
        byId(`submitted-${part}-row`).hidden = !s.submitted[part];
        byId(`submitted-${part}`).textContent = s.submitted[part] ?? '';
      }
      byId('submitted-attachments-row').hidden = s.submitted.attachments.length === 0;
      byId('submitted-attachments').replaceChildren(...s.submitted.attachments.map((a) => el('li', { text: a.name })));
    }

    byId('callback').hidden = !s.callbackDue || callbackSent;
    if (s.callbackDue && !callbackSent) renderRating();
    thanks.hidden = !callbackSent;
    // Offered on every open complaint alike: whether a code was mailed is never shown (issue 16).
    byId('repeat').hidden = s.status !== 'OPEN';

    const history = [...s.history].sort((a, b) => a.at.localeCompare(b.at));
    byId('result-history').replaceChildren(
      ...history.map((h) =>
        el(
          'li',
          {},
          el('time', { className: 'timeline-at', text: page.formatDateTime(h.at), attrs: { datetime: h.at } }),
          el('p', { className: 'timeline-summary', text: h.summary }),
        ),
      ),
    );

    const textOr = (key: string, fallback: string) => (hasText(key) ? page.t(key) : fallback);
    const deadlines = Object.entries(s.deadlines).sort(([, a], [, b]) => a.dueAt.localeCompare(b.dueAt));
    byId('result-deadlines').replaceChildren(
      ...deadlines.map(([name, d]) =>
        el(
          'li',
          { className: `deadline deadline-${d.state}` },
          el('span', { className: 'deadline-name', text: textOr(`deadline.${name}`, d.rule) }),
          el('time', { className: 'deadline-at', text: page.formatDateTime(d.dueAt), attrs: { datetime: d.dueAt } }),
          el('span', { className: `badge badge-${d.state}`, text: hasText(`state.${d.state}`) ? page.t(`state.${d.state}`) : d.state }),
        ),
      ),
    );
  };

  const fetchStatus = async (reference: string, code: string) =>
    requestJson<Status>(page.api(`/api/complaints/${encodeURIComponent(reference)}`), { headers: { 'X-Access-Code': code } });

  let busy = false;
  lookup.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    const reference = referenceInput.value.normalize('NFKC').trim().toUpperCase();
    const code = codeInput.value.normalize('NFKC').trim().toUpperCase();
    const problems: Problem[] = [];
    if (!reference) problems.push({ field: 'reference', key: 'v.reference' });
    if (!code) problems.push({ field: 'accessCode', key: 'v.accessCode' });
    showNotice(undefined);
    if (problems.length) {
      lookupErrors.show(problems);
      return;
    }
    lookupErrors.clear();
    busy = true;
    lookup.setAttribute('aria-busy', 'true');
    progress.textContent = page.t('status.loading');
    try {
      const answer = await fetchStatus(reference, code);
      progress.textContent = '';
      if (answer.status === 200 && answer.body) {
        if (current?.status.reference !== answer.body.reference) {
          callbackSent = false;
          repeatDone.hidden = true;
        }
        current = { status: answer.body, code };
        render();
        alert.textContent = page.t('status.loaded', { reference: answer.body.reference, stage: byId('result-stage').textContent ?? '' });
        byId('result-title').focus();
        return;
      }
      current = undefined;
      result.hidden = true;
      showNotice(answer.status === 404 ? 'status.notFound' : failureKey(answer.status));
      alert.textContent = notice.textContent;
      notice.focus();
    } finally {
      busy = false;
      lookup.removeAttribute('aria-busy');
    }
  });

  callbackForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy || !current) return;
    const chosen = (callbackForm.querySelector('input[name="satisfaction"]:checked') as HTMLInputElement | null)?.value;
    const comment = byId<HTMLTextAreaElement>('callback-comment').value.trim();
    const body = { satisfaction: chosen ? Number(chosen) : undefined, comment: comment || undefined };
    const parsed = CustomerCallbackRequest.safeParse(body);
    if (!parsed.success) {
      callbackErrors.show(
        parsed.error.issues.map((i) => (i.path[0] === 'satisfaction' ? { field: 'satisfaction', key: 'v.satisfaction' } : problemFromIssue(i as never))),
      );
      return;
    }
    callbackErrors.clear();
    busy = true;
    callbackForm.setAttribute('aria-busy', 'true');
    try {
      const { reference } = current.status;
      const answer = await requestJson(page.api(`/api/complaints/${encodeURIComponent(reference)}/callback`), {
        method: 'POST',
        headers: { 'X-Access-Code': current.code },
        body: parsed.data,
      });
      if (answer.status === 200) {
        callbackSent = true;
        const fresh = await fetchStatus(reference, current.code);
        if (fresh.status === 200 && fresh.body) current = { status: fresh.body, code: current.code };
        render();
        thanks.focus();
        return;
      }
      callbackErrors.show([], [{ key: answer.status === 409 ? 'callback.conflict' : answer.status === 404 ? 'status.notFound' : failureKey(answer.status) }]);
    } finally {
      busy = false;
      callbackForm.removeAttribute('aria-busy');
      callbackProgress.textContent = '';
    }
  });

  repeatForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy || !current) return;
    const code = byId<HTMLInputElement>('repeat-code').value.normalize('NFKC').trim().toUpperCase();
    const parsed = RepeatConfirmationRequest.safeParse({ code });
    if (!code || !parsed.success) {
      repeatErrors.show([{ field: 'code', key: 'v.repeatCode' }]);
      return;
    }
    repeatErrors.clear();
    busy = true;
    repeatForm.setAttribute('aria-busy', 'true');
    repeatProgress.textContent = page.t('repeat.sending');
    try {
      const { reference } = current.status;
      const answer = await requestJson<{ merged: boolean; reference: string }>(
        page.api(`/api/complaints/${encodeURIComponent(reference)}/repeat-confirmation`),
        {
          method: 'POST',
          headers: { 'X-Access-Code': current.code },
          body: parsed.data,
        },
      );
      if (answer.status === 200 && answer.body) {
        repeatDone.textContent = page.t('repeat.done', { reference: answer.body.reference });
        repeatDone.hidden = false;
        const fresh = await fetchStatus(reference, current.code);
        if (fresh.status === 200 && fresh.body) current = { status: fresh.body, code: current.code };
        render();
        repeatDone.focus();
        return;
      }
      repeatErrors.show([], [{ key: answer.status === 404 ? 'repeat.invalid' : failureKey(answer.status) }]);
    } finally {
      busy = false;
      repeatForm.removeAttribute('aria-busy');
      repeatProgress.textContent = '';
    }
  });

  page.onLanguageChange(() => {
    render();
    if (noticeKey) showNotice(noticeKey);
  });
  lookup.dataset.ready = 'true';
}

void main();
