/**
 * The customer pages in a real browser, against the product started as `npm start` starts
 * it: the runtime builds web/ and serves the pages at / with /config.json (region cn:
 * Chinese first). Complaint form in both languages with an attachment, errors next to
 * their fields, keyboard only, a phone's width, axe-core, the status page.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, seriousAxeViolations, watchErrors } from '../support/browser.ts';
import { clients } from '../support/clients.ts';
import { investigation, Journey } from '../support/journey.ts';
import { startRuntimeProcess, tearDown, type RuntimeProcess } from '../support/runtime-process.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'complaints-web-'));
const filesDir = mkdtempSync(join(tmpdir(), 'complaints-web-files-'));
const PNG = join(filesDir, 'receipt.png');
// A valid 1x1 PNG.
writeFileSync(PNG, Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64'));
const SCREENSHOT_FORM = join(tmpdir(), 'complaint-form.png');
const SCREENSHOT_STATUS = join(tmpdir(), 'complaint-status.png');

let runtime: RuntimeProcess;
let browser: Browser;
let base: string;
/** A complaint made through the API, for the status page tests. */
let seeded: { reference: string; accessCode: string };
const contexts: BrowserContext[] = [];

async function open(
  path: string,
  options: { viewport?: { width: number; height: number }; bypassCSP?: boolean } = {},
): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 900 }, bypassCSP: options.bypassCSP ?? false });
  contexts.push(context);
  context.setDefaultTimeout(120_000);
  const page = await context.newPage();
  const errors = await watchErrors(page);
  await page.goto(`${base}${path}`);
  await ready(page, path);
  return { page, errors };
}

/** The page is drawn: the customer pages' form, or the console's sign-in (a button to the identity provider: no form of its own). */
const ready = (page: Page, path: string) => page.waitForSelector(path === '/console.html' ? '#signin-oidc' : 'form[data-ready="true"]');

const attr = (page: Page, selector: string, name: string) => page.getAttribute(selector, name);
const text = async (page: Page, selector: string) => ((await page.textContent(selector)) ?? '').trim();
const focusedId = (page: Page) => page.evaluate<string>('document.activeElement ? document.activeElement.id : ""');

/** Presses Tab until the element with `id` has focus; answers the ids passed on the way. */
async function tabTo(page: Page, id: string, max = 80): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const now = await focusedId(page);
    seen.push(now);
    if (now === id) return seen;
  }
  throw new Error(`#${id} not reached with Tab; focus went through ${seen.join(', ')}`);
}

beforeAll(async () => {
  // SMTP_PORT 0: the email intake on any free port, so that another runtime on 2525 does not collide.
  runtime = await startRuntimeProcess({ DATA_DIR: dataDir, COMPLAINT_REGION: 'cn', SMTP_PORT: '0' });
  base = runtime.apiUrl;
  browser = await launchChromium();
  const res = await fetch(`${base}/api/complaints`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': 'web-pages-seed' },
    body: JSON.stringify({
      language: 'zh-CN',
      businessLine: 'payments',
      complainant: { name: '王芳', contact: { phone: '+86 138 0000 0000' } },
      matter: { description: '转账到账延迟三天', demand: '说明原因并补偿' },
      consent: { personalData: true },
    }),
  });
  expect(res.status).toBe(201);
  seeded = (await res.json()) as { reference: string; accessCode: string };
});

afterAll(async () => {
  await tearDown({ contexts, browser, runtime, dirs: [dataDir, filesDir] });
});

describe('customer pages', () => {
  it('serves the form at / and its configuration at /config.json', async () => {
    const config = await (await fetch(`${base}/config.json`)).json();
    expect(config).toMatchObject({ region: 'cn', languages: ['zh-CN', 'en'], apiBase: '' });
    const root = await fetch(`${base}/`);
    expect(root.status).toBe(200);
    expect(await root.text()).toContain('id="complaint-form"');
  });

  it('(1) submits in Chinese with an attachment, then the status page shows the stage and timeline', async () => {
    const { page, errors } = await open('/index.html');
    expect(await attr(page, 'html', 'lang')).toBe('zh-CN');
    expect(await page.locator('#lang-switch button').allTextContents()).toEqual(['中文', 'English']);
    expect(await attr(page, '#lang-switch button[lang="zh-CN"]', 'aria-pressed')).toBe('true');
    expect(await text(page, 'h1')).toBe('提交投诉');

    // The form says how long a description may be (issue 16 #9).
    expect(await text(page, '#description-hint')).toContain('50,000');
    await page.selectOption('#businessLine', 'cards');
    await page.fill('#description', '信用卡被收取了我从未同意的年费。');
    await page.fill('#demand', '退还年费');
    await page.fill('#occurredAt', '2026-11-02');
    await page.fill('#place', '手机银行');
    await page.fill('#amountValue', '1,200.50');
    await page.fill('#name', '李伟');
    await page.fill('#email', 'li.wei@example.com');
    await page.check('#consent');
    await page.setInputFiles('#attachments', PNG);
    await page.waitForSelector('#file-list li:has-text("receipt.png")');

    const posts: Request[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/complaints') && r.method() === 'POST') posts.push(r);
    });
    await page.click('#submit');
    await page.waitForSelector('#ack:not([hidden]), #error-summary:not([hidden])');
    expect(await page.isHidden('#error-summary'), `${await text(page, '#error-summary')} ${errors.join(' | ')}`).toBe(true);
    expect(posts).toHaveLength(1);
    expect(posts[0].headers()['idempotency-key']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const body = posts[0].postDataJSON();
    expect(body).toMatchObject({
      language: 'zh-CN',
      businessLine: 'cards',
      amount: { value: 1200.5, currency: 'CNY' },
      occurredAt: '2026-11-02',
      complainant: { anonymous: false, name: '李伟', contact: { email: 'li.wei@example.com' } },
      consent: { personalData: true },
    });
    expect(body.attachments).toEqual([expect.objectContaining({ name: 'receipt.png', contentType: 'image/png', size: 70 })]);

    await page.waitForSelector('#ack:not([hidden])');
    const reference = await text(page, '#ack-reference');
    const accessCode = await text(page, '#ack-code');
    expect(reference).toMatch(/^CN-\d{4}-\d{6,}$/);
    expect(accessCode).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    expect(await text(page, '#ack-title')).toBe('我们已收到您的投诉');
    expect(await text(page, '#ack-message')).toContain(`您的投诉已受理，编号 ${reference}`);
    expect(await text(page, '#ack-deadline')).toMatch(/\d{4}年\d{1,2}月\d{1,2}日/);
    expect(await focusedId(page)).toBe('ack-title');

    // How to follow up: the status page, reference prefilled.
    await page.click('#ack-link');
    await page.waitForSelector('form[data-ready="true"]');
    expect(new URL(page.url()).pathname).toBe('/status.html');
    expect(await page.inputValue('#reference')).toBe(reference);
    await page.fill('#accessCode', accessCode);
    await page.press('#accessCode', 'Enter');
    await page.waitForSelector('#result:not([hidden])');
    expect(await text(page, '#result-title')).toBe(`投诉 ${reference}`);
    expect(await text(page, '#result-status')).toBe('处理中');
    expect(['已受理', '调查处理中']).toContain(await text(page, '#result-stage'));
    expect(await page.locator('#result-steps li[aria-current="step"]').count()).toBe(1);
    expect(await page.locator('#result-history li').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('#result-deadlines li').count()).toBeGreaterThanOrEqual(4);
    expect(await text(page, '#result-deadlines')).toMatch(/按期处理中|即将到期|已超期|已完成/);
    // What the customer submitted, for them to check (issue 16 #9): their words and their files' names.
    expect(await text(page, '#submitted-description')).toBe('信用卡被收取了我从未同意的年费。');
    expect(await text(page, '#submitted-demand')).toBe('退还年费');
    expect(await page.locator('#submitted-attachments li').allTextContents()).toEqual(['receipt.png']);

    // The same page in English, for the screenshot.
    await page.click('#lang-switch button[lang="en"]');
    await page.waitForSelector('html[lang="en"]');
    expect(await text(page, '#result-title')).toBe(`Complaint ${reference}`);
    await page.screenshot({ path: SCREENSHOT_STATUS, fullPage: true });
    expect(errors).toEqual([]);
  });

  it('(2) switches to English, remembers it, and submits: the acknowledgement is in English', async () => {
    const { page, errors } = await open('/index.html');
    await page.click('#lang-switch button[lang="en"]');
    await page.waitForSelector('html[lang="en"]');
    expect(await text(page, 'h1')).toBe('Make a complaint');
    expect(await attr(page, '#lang-switch button[lang="en"]', 'aria-pressed')).toBe('true');
    expect(await page.title()).toBe('Make a complaint - Customer complaints');
    await page.reload();
    await page.waitForSelector('form[data-ready="true"]');
    expect(await attr(page, 'html', 'lang')).toBe('en');

    await page.selectOption('#businessLine', 'loans');
    await page.fill('#description', 'My loan repayment was taken twice this month.');
    await page.fill('#demand', 'Refund the second repayment');
    await page.fill('#name', 'Sam Taylor');
    await page.fill('#phone', '+44 20 7946 0000');
    await page.check('#consent');
    await page.screenshot({ path: SCREENSHOT_FORM, fullPage: true });

    // A double click sends one complaint.
    let posts = 0;
    page.on('request', (r) => {
      if (r.url().endsWith('/api/complaints') && r.method() === 'POST') posts++;
    });
    await page.dblclick('#submit');
    await page.waitForSelector('#ack:not([hidden])');
    expect(posts).toBe(1);
    expect(await text(page, '#ack-title')).toBe('We have received your complaint');
    const reference = await text(page, '#ack-reference');
    expect(await text(page, '#ack-message')).toContain(`We have received your complaint, reference ${reference}`);
    expect(await text(page, '#ack-deadline')).toMatch(/^\d{1,2} [A-Z][a-z]+ \d{4}/);
    expect(await page.locator('#ack-steps li').count()).toBeGreaterThan(0);
    expect(await attr(page, '#ack-link', 'href')).toBe(`status.html?reference=${reference}`);
    expect(errors).toEqual([]);
  });

  it('(2b) in a region whose first language is English, the page starts in English', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    context.setDefaultTimeout(120_000);
    const page = await context.newPage();
    await page.route('**/config.json', (route) =>
      route.fulfill({ contentType: 'application/json', body: JSON.stringify({ region: 'uk', languages: ['en', 'zh-CN'], apiBase: '' }) }),
    );
    await page.goto(`${base}/index.html`);
    await page.waitForSelector('form[data-ready="true"]');
    expect(await attr(page, 'html', 'lang')).toBe('en');
    expect(await page.locator('#lang-switch button').allTextContents()).toEqual(['English', '中文']);
    expect(await page.inputValue('#currency')).toBe('GBP');
  });

  it('(3) an empty form: errors next to the fields, announced, focus on the first; keyboard only', async () => {
    const { page, errors } = await open('/index.html');
    let posts = 0;
    page.on('request', (r) => {
      if (r.url().endsWith('/api/complaints') && r.method() === 'POST') posts++;
    });

    // Every field is reachable with Tab; Enter on the button submits.
    const path = await tabTo(page, 'submit');
    for (const id of ['businessLine', 'description', 'name', 'email', 'phone', 'address', 'anonymous', 'attachments', 'consent']) expect(path).toContain(id);
    await page.keyboard.press('Enter');

    await page.waitForSelector('#error-summary:not([hidden])');
    expect(posts).toBe(0);
    expect(await focusedId(page)).toBe('description');
    expect(await attr(page, '#description', 'aria-invalid')).toBe('true');
    expect(await attr(page, '#description', 'aria-describedby')).toContain('err-matter-description');
    expect(await text(page, '#err-matter-description')).toContain('请描述发生了什么');
    for (const id of ['email', 'phone', 'address']) {
      expect(await attr(page, `#${id}`, 'aria-invalid')).toBe('true');
      expect(await attr(page, `#${id}`, 'aria-describedby')).toContain('err-complainant-contact');
    }
    expect(await attr(page, '#anonymous', 'aria-describedby')).toContain('err-complainant-contact');
    expect(await text(page, '#err-complainant-contact')).toContain('匿名投诉');
    expect(await attr(page, '#consent', 'aria-invalid')).toBe('true');
    expect(await text(page, '#err-consent-personalData')).toContain('请勾选同意');
    const live = await text(page, '#form-alert');
    expect(live).toContain('3');
    expect(live).toContain('请描述发生了什么');

    // The messages follow the language.
    await page.click('#lang-switch button[lang="en"]');
    expect(await text(page, '#err-matter-description')).toContain('Tell us what happened');
    expect(await text(page, '#err-complainant-contact')).toContain('stay anonymous');

    // Fixed with the keyboard only: describe, stay anonymous, send.
    await page.focus('#description');
    await page.keyboard.type('The branch refused to let me close my account.');
    await tabTo(page, 'anonymous');
    await page.keyboard.press('Space');
    expect(await page.isHidden('#personal')).toBe(true);
    await tabTo(page, 'submit');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#ack:not([hidden])');
    expect(posts).toBe(1);
    expect(await text(page, '#ack-reference')).toMatch(/^CN-\d{4}-\d{6,}$/);
    expect(errors).toEqual([]);
  });

  it("(3b) shows the server's field errors next to their fields", async () => {
    const { page } = await open('/index.html');
    await page.route('**/api/complaints', (route) =>
      route.fulfill({
        status: 400,
        contentType: 'application/json',
        body: JSON.stringify({
          error: 'validation_failed',
          message: 'The request is not valid',
          fields: [{ field: 'complainant.contact.email', message: 'Invalid email address' }],
        }),
      }),
    );
    await page.fill('#description', '网点拒绝办理销户');
    await page.fill('#email', 'li@example.com');
    await page.check('#consent');
    await page.click('#submit');
    await page.waitForSelector('#err-complainant-contact-email:not([hidden])');
    expect(await text(page, '#err-complainant-contact-email')).toContain('请输入有效的电子邮箱地址');
    expect(await attr(page, '#email', 'aria-invalid')).toBe('true');
    expect(await focusedId(page)).toBe('email');
  });

  it('(4) fits a phone: no horizontal scroll at 375 px', async () => {
    const viewport = { width: 375, height: 667 };
    const noScroll = (page: Page) => page.evaluate<number>('document.documentElement.scrollWidth');
    const { page } = await open('/index.html', { viewport });
    expect(await noScroll(page)).toBeLessThanOrEqual(375);
    await page.click('#submit');
    await page.waitForSelector('#error-summary:not([hidden])');
    expect(await noScroll(page)).toBeLessThanOrEqual(375);
    await page.click('#lang-switch button[lang="en"]');
    expect(await noScroll(page)).toBeLessThanOrEqual(375);

    const status = (await open('/status.html', { viewport })).page;
    await status.fill('#reference', seeded.reference);
    await status.fill('#accessCode', seeded.accessCode);
    await status.click('#lookup-submit');
    await status.waitForSelector('#result:not([hidden])');
    expect(await noScroll(status)).toBeLessThanOrEqual(375);
  });

  it('(5) axe-core: no serious or critical violations on the form, its errors and the status page', async () => {
    // axe is injected as a script tag, which the pages' CSP (script-src 'self') would refuse.
    const { page } = await open('/index.html', { bypassCSP: true });
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.click('#lang-switch button[lang="en"]');
    await page.waitForSelector('html[lang="en"]');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.click('#submit');
    await page.waitForSelector('#error-summary:not([hidden])');
    expect(await seriousAxeViolations(page)).toEqual([]);

    const status = (await open('/status.html', { bypassCSP: true })).page;
    expect(await seriousAxeViolations(status)).toEqual([]);
    await status.fill('#reference', seeded.reference);
    await status.fill('#accessCode', seeded.accessCode);
    await status.click('#lookup-submit');
    await status.waitForSelector('#result:not([hidden])');
    expect(await seriousAxeViolations(status)).toEqual([]);
  });

  it('(6) a wrong access code gets the neutral not-found message', async () => {
    const { page, errors } = await open('/status.html');
    await page.fill('#reference', seeded.reference);
    await page.fill('#accessCode', 'WRONG-CODE1');
    await page.click('#lookup-submit');
    await page.waitForSelector('#lookup-notice:not([hidden])');
    expect(await text(page, '#lookup-notice')).toBe('没有与该投诉编号和查询码匹配的投诉，请核对后重试。');
    expect(await page.isHidden('#result')).toBe(true);
    expect(await text(page, '#status-alert')).toContain('没有与该投诉编号和查询码匹配的投诉');
    // An unknown reference reads exactly the same.
    await page.fill('#reference', 'CN-2026-999999');
    await page.fill('#accessCode', seeded.accessCode);
    const answered = page.waitForResponse((r) => r.url().includes('/api/complaints/CN-2026-999999'));
    await page.click('#lookup-submit');
    expect((await answered).status()).toBe(404);
    await page.waitForSelector('#lookup-notice:not([hidden])');
    expect(await text(page, '#lookup-notice')).toBe('没有与该投诉编号和查询码匹配的投诉，请核对后重试。');
    expect(errors).toEqual([]);
  });

  it('(6b) a suspected repeat (issue 16): the confirmation code mailed to the email on file, entered on the status page, joins the two; a wrong one is refused', async () => {
    const email = `repeat-${Date.now()}@example.com`;
    const post = async (key: string, description: string) => {
      const res = await fetch(`${base}/api/complaints`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({
          language: 'zh-CN',
          businessLine: 'cards',
          complainant: { name: '李娜', contact: { email } },
          matter: { description },
          consent: { personalData: true },
        }),
      });
      expect(res.status).toBe(201);
      return (await res.json()) as { reference: string; accessCode: string };
    };
    const earlier = await post('web-pages-repeat-1', '我的信用卡年费在一月份被重复扣收两次，未经我同意');
    const later = await post('web-pages-repeat-2', '信用卡年费一月份被重复扣收两次，未经我同意');
    expect(later.reference).not.toBe(earlier.reference);
    const sent = join(dataDir, 'mail', 'sent');
    const code = await (async () => {
      for (let i = 0; i < 50; i++) {
        await fetch(`${base}/__local/streams/drain`, { method: 'POST' });
        for (const f of readdirSync(sent)) {
          const m = await simpleParser(readFileSync(join(sent, f)));
          if ((m.subject ?? '').includes(later.reference) && /确认/.test(m.subject ?? '')) return /([0-9A-Z]{5}-[0-9A-Z]{5})/.exec(m.text ?? '')![1];
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('no confirmation email');
    })();
    const { page, errors } = await open('/status.html');
    await page.fill('#reference', later.reference);
    await page.fill('#accessCode', later.accessCode);
    await page.click('#lookup-submit');
    await page.waitForSelector('#result:not([hidden])');
    await page.click('#repeat summary');
    await page.fill('#repeat-code', 'ZZZZZ-ZZZZZ');
    await page.click('#repeat-form button[type="submit"]');
    await page.waitForSelector('#repeat-summary:not([hidden])');
    expect(await text(page, '#repeat-summary')).toContain('该确认码对本投诉无效');
    await page.fill('#repeat-code', code.toLowerCase());
    await page.click('#repeat-form button[type="submit"]');
    await page.waitForSelector('#repeat-done:not([hidden])');
    expect(await text(page, '#repeat-done')).toContain(earlier.reference);
    const { ddb, sfn } = clients({ ...runtime, awsRegion: 'cn-north-1' });
    const j = new Journey(base, ddb, sfn, 'complaints-cn', 'arn:aws:states:cn-north-1:000000000000:stateMachine:complaint-lifecycle');
    expect((await j.complaint('quinn', earlier.reference)).complaint.repeats).toBe(1);
    expect(errors).toEqual([]);
  });

  it('(7) once our reply is sent: the reply and the satisfaction callback form, then a thank-you', async () => {
    // Staff work the complaint through the staff API up to the callback stage.
    const { ddb, sfn } = clients({ ...runtime, awsRegion: 'cn-north-1' });
    const j = new Journey(base, ddb, sfn, 'complaints-cn', 'arn:aws-cn:states:cn-north-1:000000000000:stateMachine:complaint-lifecycle');
    const { reference, accessCode } = await j.submit({
      language: 'zh-CN',
      businessLine: 'cards',
      complainant: { name: '赵敏', contact: { email: 'zhao@example.com' } },
      matter: { description: '信用卡重复扣款', demand: '退还重复扣款' },
      consent: { personalData: true },
    });
    const inv = await j.waitForStage(reference, 'INVESTIGATION');
    expect((await j.act('hana', reference, 'claim')).status).toBe(200);
    expect((await j.act('hana', reference, 'investigation', investigation)).status).toBe(200);
    await j.waitForStage(reference, 'REPLY', inv.taskToken);
    const draft = await j.as('hana', 'GET', `/complaints/${reference}/reply-draft`);
    expect((await j.act('hana', reference, 'reply', { outcome: { result: 'upheld' }, subject: draft.body.subject, text: draft.body.text })).status).toBe(200);
    await j.waitForStage(reference, 'CALLBACK');

    const { page, errors } = await open(`/status.html?reference=${reference}`);
    await page.fill('#accessCode', accessCode);
    await page.click('#lookup-submit');
    await page.waitForSelector('#result:not([hidden])');
    expect(await text(page, '#result-stage')).toBe('已答复，待回访');
    expect(await page.isVisible('#reply')).toBe(true);
    expect(await text(page, '#reply-subject')).toBe(draft.body.subject);
    expect(await text(page, '#reply-text')).toContain(reference);
    expect(await page.isVisible('#callback-form')).toBe(true);
    expect(await page.locator('#callback-form input[type="radio"]').count()).toBe(5);

    // Nothing chosen: an error next to the question.
    await page.click('#callback-form button[type="submit"]');
    await page.waitForSelector('#err-satisfaction:not([hidden])');
    expect(await text(page, '#err-satisfaction')).toContain('请选择满意程度');
    expect(await focusedId(page)).toBe('satisfaction-1');

    // axe on the reply and the callback form, with and without its error (CSP bypassed for axe).
    const audit = (await open(`/status.html?reference=${reference}`, { bypassCSP: true })).page;
    await audit.fill('#accessCode', accessCode);
    await audit.click('#lookup-submit');
    await audit.waitForSelector('#result:not([hidden])');
    expect(await seriousAxeViolations(audit)).toEqual([]);
    await audit.click('#callback-form button[type="submit"]');
    await audit.waitForSelector('#err-satisfaction:not([hidden])');
    expect(await seriousAxeViolations(audit)).toEqual([]);

    await page.check('#satisfaction-4');
    await page.fill('#callback-comment', '处理及时');
    const sent = page.waitForRequest((r) => r.url().endsWith(`/api/complaints/${reference}/callback`) && r.method() === 'POST');
    await page.click('#callback-form button[type="submit"]');
    const request = await sent;
    expect(request.headers()['x-access-code']).toBe(accessCode);
    expect(request.postDataJSON()).toEqual({ satisfaction: 4, comment: '处理及时' });
    await page.waitForSelector('#callback-thanks:not([hidden])');
    expect(await text(page, '#callback-thanks')).toContain('感谢您的反馈');
    expect(await page.isHidden('#callback')).toBe(true);
    expect(errors).toEqual([]);
  });
});

describe('ICP filing number in the footer (issue 18)', () => {
  const ICP = '京ICP备00000000号-1';
  const footerLink = (page: Page) => page.locator('#icp-filing a');

  it('the local runtime in region cn serves its example number in /config.json', async () => {
    expect(await (await fetch(`${base}/config.json`)).json()).toMatchObject({ region: 'cn', icpFilingNumber: ICP });
  });

  it.each(['/index.html', '/status.html', '/console.html'])('%s shows it in the footer, linked to the MIIT filing system, in both languages', async (path) => {
    const { page, errors } = await open(path);
    for (const lang of ['zh-CN', 'en']) {
      await page.click(`#lang-switch button[lang="${lang}"]`);
      await page.waitForSelector(`html[lang="${lang}"]`);
      expect(await footerLink(page).count()).toBe(1);
      expect(await footerLink(page).isVisible()).toBe(true);
      expect(await footerLink(page).textContent()).toBe(ICP);
      expect(await footerLink(page).getAttribute('href')).toBe('https://beian.miit.gov.cn/');
      expect(await footerLink(page).getAttribute('lang')).toBe('zh-CN');
      expect(
        await page
          .locator('footer')
          .filter({ has: page.locator('#icp-filing') })
          .isVisible(),
      ).toBe(true);
    }
    expect(errors).toEqual([]);
  });

  it.each(['/index.html', '/status.html', '/console.html'])('%s shows nothing of it when the configuration has none', async (path) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    context.setDefaultTimeout(120_000);
    const page = await context.newPage();
    // The configuration a region without a filing number gets: the runtime's, without the number.
    const served = (await (await fetch(`${base}/config.json`)).json()) as Record<string, unknown>;
    const { icpFilingNumber, ...withoutNumber } = served;
    expect(icpFilingNumber).toBe(ICP);
    await page.route('**/config.json', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify(withoutNumber) }));
    await page.goto(`${base}${path}`);
    await ready(page, path);
    expect(await page.locator('a[href="https://beian.miit.gov.cn/"]').count()).toBe(0);
    expect(await page.isHidden('#icp-filing')).toBe(true);
    expect(await page.textContent('#icp-filing')).toBe('');
    if (path === '/console.html') expect(await page.isHidden('footer')).toBe(true);
    else expect(await page.isVisible('footer [data-i18n="footer.safety"]')).toBe(true);
  });

  it('axe-core: no serious or critical violations on the console with the footer', async () => {
    const { page } = await open('/console.html', { bypassCSP: true });
    expect(await footerLink(page).isVisible()).toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);
  });
});
