/**
 * The complaint form: validated in the page with the server's own zod schema
 * (SubmitComplaintRequest), attachments uploaded first by presigned URL, then one
 * POST /api/complaints with an Idempotency-Key made once per form fill.
 */
import './lib/zod-csp.ts';
import { ATTACHMENT_TYPES, MAX_ATTACHMENTS, SubmitComplaintRequest } from '../../functions/contract/submit-complaint.schema.ts';
import { FormErrors, problemFromIssue, problemFromServer, type Problem } from './lib/field-errors.ts';
import { byId, el, failureKey, loadConfig, Page, requestJson } from './lib/page.ts';
import { prune } from './lib/prune.ts';

/** The API's limit per file (ATTACHMENT_MAX_BYTES of the CreateAttachmentUpload function). */
const MAX_FILE_MB = 10;
const MAX_FILE_BYTES = MAX_FILE_MB * 1024 * 1024;
const REGION_CURRENCY: Record<string, string> = { cn: 'CNY', uk: 'GBP', us: 'USD' };
/** Stands in for an upload's key while validating before the upload (the key's real format). */
const PENDING_KEY = 'uploads/2000-01-01/00000000-0000-4000-8000-000000000000';

interface SelectedFile {
  file: File;
  key?: string;
}
interface UploadAnswer {
  key: string;
  upload: { url: string; method: 'PUT'; headers: Record<string, string> };
}
interface SubmitAnswer {
  reference: string;
  accessCode: string;
  acknowledgement: { message: string; nextSteps: string[]; followUp: string; responseDeadline: { dueAt: string } };
}
interface ErrorAnswer {
  error?: string;
  message?: string;
  fields?: { field: string; message: string }[];
}

function uuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Full-width digits and letters (Chinese input methods) as their ASCII forms; trimmed. */
const normalise = (s: string) => s.normalize('NFKC').trim();
const optional = (s: string) => (s === '' ? undefined : s);

async function main(): Promise<void> {
  const config = await loadConfig();
  const page = new Page(config, 'form.doctitle', { max: MAX_ATTACHMENTS, size: MAX_FILE_MB });

  const form = byId<HTMLFormElement>('complaint-form');
  const submit = byId<HTMLButtonElement>('submit');
  const progress = byId('form-progress');
  const alert = byId('form-alert');
  const errors = new FormErrors(page, form, byId('error-summary'), alert);
  const field = <T extends HTMLElement = HTMLInputElement>(id: string) => byId<T>(id);
  const anonymous = field('anonymous');
  const personal = byId('personal');
  const consentSection = byId('consent-section');
  const fileInput = field('attachments');
  const fileList = byId<HTMLUListElement>('file-list');

  fileInput.accept = ATTACHMENT_TYPES.join(',');
  field<HTMLSelectElement>('currency').value = REGION_CURRENCY[config.region] ?? 'CNY';
  field('occurredAt').max = new Date().toISOString().slice(0, 10);

  // Staying anonymous: no name, no contact details, no consent needed.
  const syncAnonymous = () => {
    personal.hidden = anonymous.checked;
    consentSection.hidden = anonymous.checked;
  };
  anonymous.addEventListener('change', syncAnonymous);
  syncAnonymous();

  // Attachments: kept in a list (so that files can be added in several goes and removed).
  let files: SelectedFile[] = [];
  const sizeText = (bytes: number) => (bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);
  const renderFiles = () => {
    fileList.replaceChildren(
      ...files.map((f, i) => {
        const remove = el('button', {
          className: 'button button-link',
          text: page.t('attachments.remove'),
          attrs: { type: 'button', 'aria-label': page.t('attachments.removeLabel', { name: f.file.name }) },
        });
        remove.addEventListener('click', () => {
          files = files.filter((_, j) => j !== i);
          renderFiles();
          progress.textContent = page.t('attachments.removed', { name: f.file.name });
          ((fileList.querySelector('button') as HTMLButtonElement | null) ?? fileInput).focus();
        });
        return el(
          'li',
          {},
          el('span', { className: 'file-name', text: f.file.name }),
          el('span', { className: 'file-size', text: sizeText(f.file.size) }),
          remove,
        );
      }),
    );
  };
  fileInput.addEventListener('change', () => {
    const problems: Problem[] = [];
    for (const file of fileInput.files ?? []) {
      if (!(ATTACHMENT_TYPES as readonly string[]).includes(file.type)) problems.push({ field: 'attachments', key: 'v.fileType', vars: { name: file.name } });
      else if (file.size === 0) problems.push({ field: 'attachments', key: 'v.fileEmpty', vars: { name: file.name } });
      else if (file.size > MAX_FILE_BYTES) problems.push({ field: 'attachments', key: 'v.fileSize', vars: { name: file.name, size: MAX_FILE_MB } });
      else if (files.length >= MAX_ATTACHMENTS) problems.push({ field: 'attachments', key: 'v.tooManyFiles', vars: { max: MAX_ATTACHMENTS } });
      else files.push({ file });
    }
    fileInput.value = '';
    renderFiles();
    if (problems.length) errors.show(problems);
    else progress.textContent = page.t('attachments.added', { count: files.length });
  });

  /** The request body from the form, and what the schema cannot see (text that is not a number). */
  const collect = (): { body: Record<string, unknown>; problems: Problem[] } => {
    const problems: Problem[] = [];
    const text = (id: string) => optional(field<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(id).value.trim());
    const age = normalise(field('age').value);
    if (age && !/^\d+$/.test(age)) problems.push({ field: 'complainant.age', key: 'v.wholeNumber' });
    const amount = normalise(field('amountValue').value).replace(/[,\s]/g, '');
    if (amount && !/^\d+(\.\d{1,2})?$/.test(amount)) problems.push({ field: 'amount.value', key: 'v.number' });
    const isAnonymous = anonymous.checked;
    // Optional (issue 19 B): circumstances that make the customer vulnerable, and the support they need, one per line.
    const support = () => {
      const kinds = ['health', 'life-event', 'resilience', 'capability'].filter((k) => field(`vuln-${k}`).checked);
      const adjustments = field<HTMLTextAreaElement>('adjustments')
        .value.split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
      return kinds.length || adjustments.length ? { kinds, ...(adjustments.length ? { adjustments } : {}) } : undefined;
    };
    const body = {
      language: page.lang,
      complainant: isAnonymous
        ? { anonymous: true }
        : {
            anonymous: false,
            name: text('name'),
            gender: text('gender'),
            age: age && /^\d+$/.test(age) ? Number(age) : undefined,
            contact: { email: optional(normalise(field('email').value)), phone: optional(normalise(field('phone').value)), address: text('address') },
          },
      target: { department: text('department'), staffMember: text('staffMember') },
      // Always a string: an empty description is "required", and the other rules still run.
      matter: { description: field<HTMLTextAreaElement>('description').value, cause: text('cause'), demand: text('demand') },
      occurredAt: text('occurredAt'),
      place: text('place'),
      businessLine: text('businessLine'),
      amount: amount && /^\d+(\.\d{1,2})?$/.test(amount) ? { value: Number(amount), currency: field<HTMLSelectElement>('currency').value } : undefined,
      consent: isAnonymous ? undefined : { personalData: field('consent').checked },
      vulnerability: support(),
      attachments: files.length ? files.map((f) => ({ key: f.key ?? PENDING_KEY, name: f.file.name, contentType: f.file.type, size: f.file.size })) : undefined,
    };
    return { body: prune(body), problems };
  };

  const validate = (body: unknown, pageProblems: Problem[]): Problem[] => {
    const result = SubmitComplaintRequest.safeParse(body);
    const problems = result.success ? [] : result.error.issues.map((i) => problemFromIssue(i as never));
    return [...pageProblems, ...problems];
  };

  /** Uploads the files not uploaded yet; answers the problem of the first that fails. */
  const upload = async (): Promise<Problem | undefined> => {
    for (const f of files) {
      if (f.key) continue;
      progress.textContent = page.t('form.uploading', { name: f.file.name });
      const answer = await requestJson<UploadAnswer & ErrorAnswer>(page.api('/api/attachments'), {
        method: 'POST',
        body: { name: f.file.name, contentType: f.file.type, size: f.file.size },
      });
      if (answer.status !== 201 || !answer.body?.upload) {
        const fields = answer.body?.fields ?? [];
        if (fields.some((x) => x.field === 'contentType')) return { field: 'attachments', key: 'v.fileType', vars: { name: f.file.name } };
        if (fields.some((x) => x.field === 'size')) return { field: 'attachments', key: 'v.fileSize', vars: { name: f.file.name, size: MAX_FILE_MB } };
        return { field: 'attachments', key: 'v.uploadFailed', vars: { name: f.file.name } };
      }
      try {
        const put = await fetch(answer.body.upload.url, {
          method: answer.body.upload.method,
          headers: answer.body.upload.headers,
          body: f.file,
          credentials: 'omit',
        });
        if (!put.ok) return { field: 'attachments', key: 'v.uploadFailed', vars: { name: f.file.name } };
      } catch {
        return { field: 'attachments', key: 'v.uploadFailed', vars: { name: f.file.name } };
      }
      f.key = answer.body.key;
    }
    return undefined;
  };

  // One key per form fill: the same body is sent with the same key (double click, retry
  // after a lost answer); once the customer changes the form, it is another request.
  let idempotency: { key: string; body: string } | undefined;
  let busy = false;

  const setBusy = (on: boolean) => {
    busy = on;
    submit.setAttribute('aria-disabled', String(on));
    form.setAttribute('aria-busy', String(on));
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    const { body, problems: pageProblems } = collect();
    const problems = validate(body, pageProblems);
    if (problems.length) {
      progress.textContent = '';
      errors.show(problems);
      return;
    }
    errors.clear();
    setBusy(true);
    try {
      const uploadProblem = await upload();
      if (uploadProblem) {
        progress.textContent = '';
        errors.show([uploadProblem]);
        return;
      }
      progress.textContent = page.t('form.sending');
      const final = collect().body;
      const json = JSON.stringify(final);
      if (idempotency?.body !== json) idempotency = { key: uuid(), body: json };
      const answer = await requestJson<SubmitAnswer & ErrorAnswer>(page.api('/api/complaints'), {
        method: 'POST',
        headers: { 'Idempotency-Key': idempotency.key },
        body: final,
      });
      progress.textContent = '';
      if (answer.status === 201 && answer.body?.reference) {
        showAcknowledgement(answer.body);
        return;
      }
      if (answer.status === 400 && answer.body?.fields?.length) {
        // An attachment the server could not find must be uploaded again.
        if (answer.body.fields.some((x) => x.field.startsWith('attachments.'))) for (const f of files) delete f.key;
        errors.show(answer.body.fields.map(problemFromServer));
        return;
      }
      if (answer.status === 422) idempotency = undefined;
      errors.show([], [{ key: failureKey(answer.status) }]);
    } finally {
      setBusy(false);
    }
  });

  // The acknowledgement: reference, access code, response deadline, how to follow up.
  let acknowledged: SubmitAnswer | undefined;
  const renderAcknowledgement = () => {
    if (!acknowledged) return;
    const a = acknowledged;
    byId('ack-message').textContent = a.acknowledgement.message;
    byId('ack-reference').textContent = a.reference;
    byId('ack-code').textContent = a.accessCode;
    const due = byId('ack-deadline');
    due.replaceChildren(
      el('time', { text: page.formatDateTime(a.acknowledgement.responseDeadline.dueAt), attrs: { datetime: a.acknowledgement.responseDeadline.dueAt } }),
    );
    byId('ack-steps').replaceChildren(...a.acknowledgement.nextSteps.map((s) => el('li', { text: s })));
    byId('ack-followup').textContent = a.acknowledgement.followUp;
    byId<HTMLAnchorElement>('ack-link').href = `status.html?reference=${encodeURIComponent(a.reference)}`;
  };
  const showAcknowledgement = (answer: SubmitAnswer) => {
    acknowledged = answer;
    renderAcknowledgement();
    byId('form-view').hidden = true;
    byId('ack').hidden = false;
    files = [];
    window.scrollTo(0, 0);
    byId('ack-title').focus();
  };
  byId('ack-print').addEventListener('click', () => window.print());

  page.onLanguageChange(() => {
    renderFiles();
    renderAcknowledgement();
  });
  form.dataset.ready = 'true';
}

void main();
