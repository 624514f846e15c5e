/**
 * Script and HTML in every free-text field, against the product started as `npm start`
 * starts it: a web complaint (name, description, demand, attachment name), an email complaint
 * (sender name, subject, body), the staff's investigation and reply. Each payload would run
 * script and create an element if it were ever treated as markup; in real Chromium the staff
 * console, the status page and the emails the customer got (their HTML parts rendered with
 * scripts enabled and no CSP) show it as text, and nothing of it runs. Refused staff tokens
 * are logged by reason only.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchErrors } from '../support/browser.ts';
import { clients, eventually } from '../support/clients.ts';
import { openComplaint, openConsole, signIn } from '../support/console.ts';
import { investigation, Journey } from '../support/journey.ts';
import { startRuntimeProcess, tearDown, type RuntimeProcess } from '../support/runtime-process.ts';
import { minimalPdf } from '../support/files.ts';

const CLOCK = '2026-03-02T02:00:00.000Z';
const dir = mkdtempSync(join(tmpdir(), 'complaints-injection-'));

/** Markup that, if interpreted, runs script (inline, handler, SVG) and creates #xss-<tag>. */
const payload = (tag: string) =>
  `<script>window.__xss='${tag}'</script><img src=x onerror="window.__xss='${tag}'"><b id="xss-${tag}">b</b>'"><svg onload=window.__xss='${tag}'>`;
const CUSTOMER = 'injection.customer@example.com';
const SENDER = 'injection.sender@example.org';

let runtime: RuntimeProcess;
let browser: Browser;
let j: Journey;
const contexts: BrowserContext[] = [];
let web: { reference: string; accessCode: string };
let mailed: string;

/** Nothing injected exists or ran, and no CSP violation was reported. */
async function assertInert(page: Page, errors: string[]) {
  expect(await page.locator('[id^="xss-"]').count()).toBe(0);
  expect(await page.evaluate<unknown>('window.__xss')).toBeUndefined();
  expect(errors).toEqual([]);
}

async function mails(): Promise<ParsedMail[]> {
  const list = (await (await fetch(`${runtime.apiUrl}/__local/mail`)).json()) as { url: string }[];
  return Promise.all(list.map(async (m) => simpleParser(Buffer.from(await (await fetch(`${runtime.apiUrl}${m.url}`)).arrayBuffer()))));
}
const to = (m: ParsedMail, address: string) => [m.to].flat().some((a) => a?.value.some((v) => v.address === address));

beforeAll(async () => {
  runtime = await startRuntimeProcess({ DATA_DIR: dir, COMPLAINT_REGION: 'cn', LOCAL_CLOCK_START: CLOCK });
  const { ddb, sfn } = clients({ ...runtime, awsRegion: 'cn-north-1' });
  j = new Journey(runtime.apiUrl, ddb, sfn, 'complaints-cn', 'arn:aws-cn:states:cn-north-1:000000000000:stateMachine:complaint-lifecycle');
  browser = await launchChromium();

  // A web complaint, with a real PDF under a hostile name.
  // (A whole, well-formed PDF: the whole file is checked, issue 16 #7.)
  const pdf = minimalPdf();
  const up = await j.request('POST', '/api/attachments', {
    name: `${payload('file').replace(/\//g, '')}.pdf`,
    contentType: 'application/pdf',
    size: pdf.length,
  });
  expect(up.status).toBe(201);
  expect((await fetch(up.body.upload.url, { method: 'PUT', headers: up.body.upload.headers, body: pdf })).status).toBe(200);
  web = await j.submit({
    language: 'en',
    businessLine: 'cards',
    consent: { personalData: true },
    complainant: { name: payload('name'), contact: { email: CUSTOMER } },
    matter: { description: payload('description'), demand: payload('demand') },
    attachments: [{ key: up.body.key, name: up.body.name, contentType: 'application/pdf', size: pdf.length }],
  });

  // An email complaint.
  const smtpPort = Number(/smtp:\/\/127\.0\.0\.1:(\d+)/.exec(runtime.output())![1]);
  await nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true }).sendMail({
    from: { name: payload('sender'), address: SENDER },
    to: 'complaints@bank.example.cn',
    subject: payload('subject'),
    text: payload('body'),
  });

  // The staff work the web complaint to its reply, with markup in every field they write.
  await j.waitForStage(web.reference, 'INVESTIGATION');
  expect((await j.act('hana', web.reference, 'claim')).status).toBe(200);
  const written = Object.fromEntries(Object.keys(investigation).map((k) => [k, payload(k)]));
  expect((await j.act('hana', web.reference, 'investigation', written)).status).toBe(200);
  await j.waitForStage(web.reference, 'REPLY');
  expect(
    (await j.act('hana', web.reference, 'reply', { outcome: { result: 'upheld' }, subject: payload('replysubject'), text: payload('replytext') })).status,
  ).toBe(200);
  await j.waitForStage(web.reference, 'CALLBACK');

  // The email complaint's reference, from its acknowledgement.
  mailed = await eventually(
    async () => {
      const ack = (await mails()).find((m) => to(m, SENDER));
      return ack && /CN-\d{4}-\d{6}/.exec(ack.subject ?? '')?.[0];
    },
    120_000,
    'the acknowledgement of the emailed complaint',
  );
}, 300_000);

afterAll(() => tearDown({ contexts, browser, runtime, dirs: [dir] }));

describe('injection', () => {
  it('the staff console shows every field as text: nothing runs, no element is created', async () => {
    const { page, context, errors } = await openConsole(browser, runtime.apiUrl, { clock: new Date(CLOCK) });
    contexts.push(context);
    context.setDefaultTimeout(120_000);
    await signIn(page, 'quinn');
    await openComplaint(page, web.reference);
    const shown = await page.locator('#view-detail').innerText();
    for (const tag of [
      'name',
      'description',
      'demand',
      'rootCause',
      'responsiblePeople',
      'correctiveMeasures',
      'correctionResult',
      'replysubject',
      'replytext',
    ]) {
      expect(shown, tag).toContain(`<b id="xss-${tag}">b</b>`);
    }
    expect(shown).toContain('<b id="xss-file">b<b>'); // the attachment's name, slashes removed
    // The message bodies sit in closed <details>: open them all, then look again.
    await page.$$eval('#view-detail details', (ds) =>
      ds.forEach((d) => {
        (d as unknown as { open: boolean }).open = true;
      }),
    );
    await assertInert(page, errors);

    await j.waitForStage(mailed, 'INVESTIGATION');
    await openComplaint(page, mailed);
    const fromEmail = await page.locator('#view-detail').innerText();
    for (const tag of ['sender', 'subject', 'body']) expect(fromEmail, tag).toContain(`<b id="xss-${tag}">b</b>`);
    await assertInert(page, errors);
  });

  it('the status page shows our reply as text', async () => {
    const context = await browser.newContext();
    contexts.push(context);
    context.setDefaultTimeout(120_000);
    const page = await context.newPage();
    const errors = await watchErrors(page);
    await page.addInitScript("try { localStorage.setItem('complaints.language', 'en'); } catch {}");
    await page.goto(`${runtime.apiUrl}/status.html`);
    await page.fill('#reference', web.reference);
    await page.fill('#accessCode', web.accessCode);
    await page.click('#lookup-submit');
    await page.waitForSelector('#reply:not([hidden])');
    expect(await page.textContent('#reply-subject')).toBe(payload('replysubject'));
    // The reply as sent: the handler's text (the payload, as text), then the satisfaction question.
    const replyText = (await page.textContent('#reply-text'))!;
    expect(replyText.startsWith(`${payload('replytext')}\n\n`)).toBe(true);
    await assertInert(page, errors);
  });

  it("the customer's emails escape it in the HTML part (rendered in Chromium with scripts on) and carry it as text in the plain part", async () => {
    const received = await eventually(
      async () => {
        const all = (await mails()).filter((m) => to(m, CUSTOMER));
        return all.some((m) => m.subject === payload('replysubject')) && all;
      },
      120_000,
      'the reply email',
    );
    const reply = received.find((m) => m.subject === payload('replysubject'))!;
    expect(reply.text).toContain(payload('replytext'));
    for (const m of received) {
      const html = String(m.html || '');
      expect(html, m.subject).toBeTruthy();
      expect(html, m.subject).not.toMatch(/<script>window|<img src=x|<b id="xss-|<svg onload/);
    }
    expect(String(reply.html)).toContain('&lt;script&gt;window.__xss=');

    // What a mail client without a CSP would do: render each HTML part with scripts enabled.
    const context = await browser.newContext({ javaScriptEnabled: true });
    contexts.push(context);
    context.setDefaultTimeout(120_000);
    const page = await context.newPage();
    const errors = await watchErrors(page);
    for (const m of received) {
      await page.setContent(String(m.html), { waitUntil: 'load' });
      expect(await page.locator('body').innerText(), m.subject).not.toBe('');
      await assertInert(page, errors);
    }
  });

  it('refused staff tokens are logged at the gateway by reason, never with the token', async () => {
    const real = await j.token('hana');
    const [h, p] = real.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), groups: ['CMP-Admins'] })).toString('base64url')}.${real.split('.')[2]}`;
    const algNone = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
    const before = runtime.output().length;
    for (const token of [forged, algNone]) {
      expect((await fetch(`${runtime.apiUrl}/api/staff/tasks/mine`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    }
    const logged = await eventually(
      async () => {
        const lines = runtime
          .output()
          .slice(before)
          .split('\n')
          .filter((l) => l.includes('Staff token refused at the gateway'));
        return lines.length >= 2 && lines;
      },
      120_000,
      'the refusals in the log',
    );
    expect(logged.join('\n')).toMatch(/ERR_JWS_SIGNATURE_VERIFICATION_FAILED/);
    expect(logged.join('\n')).toMatch(/ERR_JOSE_ALG_NOT_ALLOWED|ERR_JWS_INVALID/);
    expect(runtime.output()).not.toContain(p);
  });
});
