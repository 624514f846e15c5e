/**
 * The staff console (/console.html) in a real browser, against the product started as
 * `npm start` starts it (region cn, on a manual clock so that deadlines are predictable):
 * sign-in (authorization code + PKCE at the local OIDC provider) and sign-out, stale tokens, the team queue, the whole lifecycle of a complaint
 * worked in the page by a handler, a specialist and a manager (claim, investigation with a
 * field error first, reply from the draft, approval of a major complaint's reply after a
 * reassignment, callback until closed), read-only oversight, a staff-keyed complaint, the
 * server's refusals, the dashboard (and its CSV), a phone's width, and axe-core.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, seriousAxeViolations } from '../support/browser.ts';
import { clients, eventually, validComplaint } from '../support/clients.ts';
import { fillLogin, openComplaint, openConsole, signIn, text, type ConsolePage, type OpenOptions } from '../support/console.ts';
import { investigation, Journey } from '../support/journey.ts';
import { feedDue, httpChannels } from '../../scripts/drill-runner.ts';
import { startRuntimeProcess, tearDown, type RuntimeProcess } from '../support/runtime-process.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** Monday 2 March 2026, 10:00 in Shanghai: a business day. */
const CLOCK = '2026-03-02T02:00:00.000Z';
const NOW = new Date(CLOCK);
const dataDir = mkdtempSync(join(tmpdir(), 'complaints-console-'));
const SHOT_QUEUE = join(tmpdir(), 'console-queue.png');
const SHOT_DETAIL = join(tmpdir(), 'console-detail.png');
const SHOT_DASHBOARD = join(tmpdir(), 'console-dashboard.png');

let runtime: RuntimeProcess;
let browser: Browser;
let base: string;
let j: Journey;
const contexts: BrowserContext[] = [];
/** A standard cards complaint (hana's journey) and a major one (800 000 CNY, led by mia). */
let standard: string;
let major: string;

async function open(opts: OpenOptions = {}): Promise<ConsolePage> {
  const c = await openConsole(browser, base, { clock: NOW, ...opts });
  contexts.push(c.context);
  return c;
}

async function asStaff(user: string, opts: OpenOptions = {}): Promise<ConsolePage> {
  const c = await open(opts);
  await signIn(c.page, user);
  return c;
}

const stageOf = async (reference: string) => (await j.complaint('quinn', reference)).complaint.stage as string;

beforeAll(async () => {
  runtime = await startRuntimeProcess({ DATA_DIR: dataDir, COMPLAINT_REGION: 'cn', LOCAL_CLOCK_START: CLOCK });
  base = runtime.apiUrl;
  const { ddb, sfn } = clients({ ...runtime, awsRegion: 'cn-north-1' });
  j = new Journey(base, ddb, sfn, 'complaints-cn', 'arn:aws-cn:states:cn-north-1:000000000000:stateMachine:complaint-lifecycle');
  browser = await launchChromium();

  // Through the public API, as a customer would.
  const submit = async (key: string, body: unknown) => {
    const res = await fetch(`${base}/api/complaints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { reference: string }).reference;
  };
  standard = await submit('console-standard-1', validComplaint({ businessLine: 'cards' }));
  major = await submit(
    'console-major-0001',
    validComplaint({
      businessLine: 'cards',
      amount: { value: 800_000, currency: 'CNY' },
      matter: { description: 'A card payment of 800,000 CNY was taken from my account without my authorisation', demand: 'Return the money' },
    }),
  );
  await j.waitForStage(standard, 'INVESTIGATION');
  await j.waitForStage(major, 'INVESTIGATION');
});

afterAll(() => tearDown({ contexts, browser, runtime, dirs: [dataDir] }));

describe('staff console', () => {
  it("is served at /console.html with the pages' CSP; signed out, it signs in with code + PKCE at the configured issuer and returns to the page asked for", async () => {
    const res = await fetch(`${base}/console.html`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline scripts
    expect(html).not.toMatch(/\sstyle=/); // no inline styles

    // The pages learn the issuer, client and claim names from their runtime config: the local bank IdP's.
    const { auth } = (await (await fetch(`${base}/config.json`)).json()) as { auth: { issuer: string; clientId: string } };
    expect(auth).toMatchObject({
      kind: 'oidc',
      clientId: 'complaints-console',
      claims: { username: 'preferred_username', roles: 'groups', department: 'department' },
    });
    const { issuer } = auth;
    expect(issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // `npm start` says where it is, and it serves its discovery document.
    expect(/OIDC issuer:\s+(http:\/\/[\d.:]+)/.exec(runtime.output())?.[1]).toBe(issuer);
    const discovery = await fetch(`${issuer}/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    expect(await discovery.json()).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      code_challenge_methods_supported: expect.arrayContaining(['S256']),
    });
    // The scriptable sign-in the README gives (`npm run token -- hana`): a token the staff API accepts.
    const scriptToken = execFileSync(join(ROOT, 'node_modules', '.bin', 'node'), ['--import', 'tsx', 'scripts/token.ts', 'hana'], {
      cwd: ROOT,
      env: { ...process.env, PORT: new URL(base).port },
      encoding: 'utf8',
    }).trim();
    const queue = await fetch(`${base}/api/staff/tasks/team`, { headers: { authorization: `Bearer ${scriptToken}` } });
    expect(queue.status).toBe(200);

    const requests: Request[] = [];
    const { page, errors } = await open({ hash: '#/team', before: (p) => p.on('request', (r) => requests.push(r)) });
    await page.waitForSelector('#signin-oidc');
    expect(await page.isHidden('#nav')).toBe(true);
    expect(await page.isHidden('#who')).toBe(true);
    expect(await page.evaluate<string | null>("sessionStorage.getItem('console.idToken')")).toBeNull();

    // To the authorization endpoint of the issuer's discovery document, with a PKCE challenge, state and nonce.
    await page.click('#signin-oidc');
    await page.waitForSelector('form#login');
    expect(requests.some((r) => r.url() === `${issuer}/.well-known/openid-configuration`)).toBe(true);
    const authorize = new URL(page.url());
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${issuer}/authorize`);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'complaints-console',
      redirect_uri: `${base}/console.html`,
      code_challenge_method: 'S256',
      scope: 'openid email profile',
    });
    const challenge = authorize.searchParams.get('code_challenge')!;
    expect(challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const nonce = authorize.searchParams.get('nonce')!;
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{20,}$/);

    // A wrong password: the provider's form says so, and nothing comes back.
    await fillLogin(page, 'hana', 'not-her-password');
    await page.waitForSelector('#login-error');
    expect(await text(page, '#login-error')).toContain('Wrong username or password');

    // The right one: back at the console with a code, exchanged with the verifier whose challenge was sent.
    await fillLogin(page, 'hana', 'hana-handler');
    await page.waitForSelector('html[data-console-ready="true"]');
    await page.waitForSelector('#view-signin', { state: 'hidden' });
    await page.waitForSelector('#who-name');
    const exchange = requests.find((r) => r.url() === `${issuer}/token` && r.method() === 'POST');
    const form = new URLSearchParams(exchange?.postData() ?? '');
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('client_id')).toBe('complaints-console');
    expect(
      createHash('sha256')
        .update(form.get('code_verifier') ?? '')
        .digest('base64url'),
    ).toBe(challenge);
    // Code and state gone from the address; back where the staff member was.
    expect(new URL(page.url()).search).toBe('');
    expect(new URL(page.url()).hash).toBe('#/team');
    await page.waitForSelector('#view-queue[data-scope="team"] #queue-count');
    expect(await text(page, '#who-name')).toBe('Hana Handler');
    expect(await text(page, '#who-meta')).toBe('Handler · Cards');
    // The ID token is the provider's, for this sign-in (its nonce), in sessionStorage - never in localStorage.
    const token = await page.evaluate<string | null>("sessionStorage.getItem('console.idToken')");
    expect(JSON.parse(Buffer.from(token!.split('.')[1], 'base64url').toString())).toMatchObject({
      iss: issuer,
      aud: 'complaints-console',
      nonce,
      preferred_username: 'hana',
      groups: ['All-Staff', 'CMP-Handlers'],
    });
    expect(await page.evaluate<string>('JSON.stringify(Object.keys(localStorage))')).not.toContain('Token');
    expect(await page.evaluate<string>('JSON.stringify(Object.keys(sessionStorage))')).not.toContain('oidc.flow');
    // The code was for one exchange: a replay is refused.
    expect((await fetch(`${issuer}/token`, { method: 'POST', body: form })).status).toBe(400);
    // A handler's tabs: no dashboard, no staff-keyed complaints.
    expect(await page.locator('#nav a').allTextContents()).toEqual(['My tasks', 'Team queue', 'Find']);

    // Signing out ends the provider's session too (its end_session_endpoint), and comes back signed out.
    await page.click('#signout');
    await page.waitForSelector('#signin-reason');
    expect(requests.some((r) => r.url().startsWith(`${issuer}/endsession?`))).toBe(true);
    expect(await text(page, '#signin-reason')).toContain('signed out');
    expect(await page.evaluate<string | null>("sessionStorage.getItem('console.idToken')")).toBeNull();
    expect(errors).toEqual([]);
  });

  it('a forged state or an ID token with another nonce does not sign in', async () => {
    // Another state than the one the console sent: refused before any exchange.
    const forged = await open();
    await forged.page.click('#signin-oidc');
    await forged.page.waitForSelector('form#login');
    await forged.page.goto(`${base}/console.html?code=made-up&state=not-the-one-sent`);
    await forged.page.waitForSelector('#signin-reason');
    expect(await text(forged.page, '#signin-reason')).toContain('did not complete');
    expect(await forged.page.evaluate<string | null>("sessionStorage.getItem('console.idToken')")).toBeNull();

    // The provider's answer with its ID token's nonce changed (a token minted for another sign-in).
    const { auth } = (await (await fetch(`${base}/config.json`)).json()) as { auth: { issuer: string } };
    const swapped = await open();
    await swapped.page.route(`${auth.issuer}/token`, async (route) => {
      const real = await route.fetch();
      const body = (await real.json()) as { id_token: string };
      const [h, p, sig] = body.id_token.split('.');
      const payload = { ...JSON.parse(Buffer.from(p, 'base64url').toString()), nonce: 'another-sign-in' };
      await route.fulfill({ response: real, json: { ...body, id_token: `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${sig}` } });
    });
    await swapped.page.click('#signin-oidc');
    await fillLogin(swapped.page, 'hana', 'hana-handler');
    await swapped.page.waitForSelector('#signin-reason');
    expect(await text(swapped.page, '#signin-reason')).toContain('did not complete');
    expect(await swapped.page.evaluate<string | null>("sessionStorage.getItem('console.idToken')")).toBeNull();
  });

  it('a garbage or expired token in sessionStorage sends back to sign-in', async () => {
    const garbage = await open({ sessionToken: 'not-a-token', hash: '#/mine' });
    await garbage.page.waitForSelector('#signin-oidc');
    expect(await garbage.page.evaluate<string | null>("sessionStorage.getItem('console.idToken')")).toBeNull();

    // Readable, but expired (and not signed by the issuer): the API answers 401.
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const expired = `${b64({ alg: 'ES256', typ: 'JWT' })}.${b64({ preferred_username: 'hana', groups: ['CMP-Handlers'], department: 'cards', name: 'Hana Handler', exp: 1_600_000_000 })}.c2lnbmF0dXJl`;
    const statuses: number[] = [];
    const stale = await open({
      sessionToken: expired,
      hash: '#/team',
      before: (p) =>
        p.on('response', (r) => {
          if (r.url().includes('/api/staff/')) statuses.push(r.status());
        }),
    });
    await stale.page.waitForSelector('#signin-oidc');
    expect(statuses).toEqual([401]);
    expect(await text(stale.page, '#signin-reason')).toContain('session has ended');
    expect(await stale.page.evaluate<string | null>("sessionStorage.getItem('console.idToken')")).toBeNull();
    // Signing in again goes back to where the staff member was.
    await signIn(stale.page, 'hana');
    expect(new URL(stale.page.url()).hash).toBe('#/team');
  });

  it('hana works a complaint from the team queue to the reply; sam records the callback and it closes', async () => {
    const { page, errors } = await asStaff('hana', { bypassCSP: true });
    await page.click('#nav a[data-view="team"]');
    const row = page.locator(`#queue-table tr[data-reference="${standard}"]`);
    await row.waitFor();
    expect(await text(page, '#queue-title')).toBe('Team queue: Cards');
    expect(await row.locator('td').nth(1).textContent()).toBe('Investigation');
    expect(await row.textContent()).toContain('Unassigned');
    expect(await row.textContent()).toContain('Reply target'); // the next deadline's name
    expect(await row.textContent()).toContain('in 7 days'); // Mon 2 Mar 10:00 -> Mon 9 Mar 17:30
    // The queue is sorted by deadline: the major complaint's 2-hour emergency start comes first, due soon.
    const firstRow = page.locator('#queue-table tbody tr').first();
    expect(await firstRow.getAttribute('data-reference')).toBe(major);
    expect(await firstRow.textContent()).toMatch(/in 2 h.*Due soon/);
    expect(await firstRow.getAttribute('class')).toContain('row-due_soon');
    // Filters: by route.
    await page.selectOption('#filter-route', 'major');
    expect(await page.locator('#queue-table tbody tr').count()).toBe(1);
    expect(await text(page, '#queue-count')).toBe('Showing 1 of 2 tasks');
    await page.selectOption('#filter-route', '');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: SHOT_QUEUE, fullPage: true });

    // The detail: only Claim is offered before claiming (acting needs being the assignee).
    await row.locator('a.ref-link').click();
    await page.waitForSelector(`#view-detail[data-reference="${standard}"] #task-card`);
    expect(await text(page, '#detail-title')).toBe(`Complaint ${standard}`);
    expect(await text(page, '#task-title')).toBe('Current task: Investigation');
    // Claim, and (issue 19 B) recording the customer's vulnerability, which any handler of the team may do.
    expect(await page.locator('#task-card button[data-action]').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-action')))).toEqual([
      'claim',
      'vulnerability',
    ]);
    expect(await text(page, '#sec-complainant + dl')).toContain('Test Customer');
    // received, registered (the customer's line), assessed (the classification and route, for staff)
    expect(await page.locator('#sec-history ~ .table-wrap tbody tr').count()).toBeGreaterThanOrEqual(3);
    expect(await text(page, '#sec-history ~ .table-wrap tbody')).toContain('Classified:');
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.click('button[data-action="claim"]');
    await page.waitForSelector('#action-notice');
    expect(await text(page, '#action-notice')).toBe('You claimed this complaint.');
    expect(await text(page, '#task-card')).toContain('hana');

    // Keyboard: open the investigation form with Enter; focus goes into the form.
    await page.focus('button[data-action="investigate"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#action-investigate[data-ready="true"]');
    expect(await page.evaluate<string>('document.activeElement.id')).toBe('action-investigate-rootCause');
    // One of the four fields missing: the error is next to it, announced, focused; nothing is sent.
    const posts: Request[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/api/staff/')) posts.push(r);
    });
    await page.fill('#action-investigate-rootCause', investigation.rootCause);
    await page.fill('#action-investigate-responsiblePeople', investigation.responsiblePeople);
    await page.fill('#action-investigate-correctiveMeasures', investigation.correctiveMeasures);
    await page.click('#action-investigate button[value="submit"]');
    await page.waitForSelector('#err-correctionResult:not([hidden])');
    expect(posts).toHaveLength(0);
    expect(await text(page, '#err-correctionResult')).toContain('This field is required');
    expect(await page.getAttribute('#action-investigate-correctionResult', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#action-investigate-correctionResult', 'aria-describedby')).toContain('err-correctionResult');
    expect(await page.evaluate<string>('document.activeElement.id')).toBe('action-investigate-correctionResult');
    expect(await text(page, '#live-assertive')).toContain('This field is required');
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.fill('#action-investigate-correctionResult', investigation.correctionResult);
    await page.click('#action-investigate button[value="submit"]');
    // The workflow opens the reply task; the page waits for it.
    await page.waitForSelector('button[data-action="reply"]');
    expect(posts.map((r) => r.postDataJSON())).toEqual([investigation]);
    expect(posts[0].headers().authorization).toMatch(/^Bearer ey/);
    expect(await text(page, '#action-notice')).toContain('Investigation completed.');
    expect(await page.getAttribute('#view-detail', 'data-stage')).toBe('REPLY');

    // The reply, prefilled from the draft, edited, sent.
    await page.click('button[data-action="reply"]');
    await page.waitForSelector('#action-reply[data-ready="true"]');
    expect(await page.inputValue('#action-reply-subject')).toContain(standard);
    const draft = await page.inputValue('#action-reply-text');
    expect(draft).toContain(investigation.correctionResult);
    await page.fill('#action-reply-text', `${draft}\n\nWith our apologies for the trouble.`);
    // The outcome goes with the reply (issue 19 B): none chosen, the field says so and nothing is sent.
    await page.click('#action-reply button[value="submit"]');
    await page.waitForSelector('#err-outcome:not([hidden])');
    expect(await text(page, '#err-outcome')).toContain('Choose one');
    expect(posts).toHaveLength(1); // the investigation only
    await page.check('#action-reply-outcome-1'); // partly upheld
    await page.click('#action-reply button[value="submit"]');
    await page.waitForSelector(`#view-detail[data-stage="CALLBACK"] #sec-reply`);
    expect(await text(page, '#sec-reply ~ .reply-text')).toContain('With our apologies for the trouble.');
    expect(await text(page, 'section[aria-labelledby="sec-redress"]')).toContain('Outcome: Partly upheld');
    expect(await stageOf(standard)).toBe('CALLBACK');
    await page.screenshot({ path: SHOT_DETAIL, fullPage: true });
    expect(errors).toEqual([]);

    // sam (specialist) records the satisfaction callback: the complaint closes.
    const sam = await asStaff('sam');
    await openComplaint(sam.page, standard);
    await sam.page.click('button[data-action="callback"]');
    await sam.page.waitForSelector('#action-callback[data-ready="true"]');
    await sam.page.click('#action-callback button[value="submit"]');
    await sam.page.waitForSelector('#err-satisfaction:not([hidden])');
    expect(await text(sam.page, '#err-satisfaction')).toContain('Choose a score from 1 to 5');
    await sam.page.check('#action-callback-satisfaction-4'); // the fifth option: 5
    await sam.page.fill('#action-callback-comment', 'Quick and clear, thank you');
    await sam.page.click('#action-callback button[value="submit"]');
    await sam.page.waitForSelector('#view-detail[data-status="CLOSED"]');
    expect(await text(sam.page, '#task-title')).toBe('Closed – resolved, customer satisfied');
    // Closed: nothing of the lifecycle is left; the complaints desk may still record a referral or the vulnerability (issue 19 B).
    expect(await sam.page.locator('#task-card button[data-action]').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-action')))).toEqual([
      'referral',
      'vulnerability',
    ]);
    const closed = await j.waitClosed(standard);
    expect(closed.complaint.callbacks).toEqual([expect.objectContaining({ satisfaction: 5, comment: 'Quick and clear, thank you', by: 'sam' })]);
    expect(sam.errors).toEqual([]);
  });

  it('mia sees the major complaint first, reassigns it to hana, and approves the reply hana sends', async () => {
    const mia = await asStaff('mia', { bypassCSP: true });
    await mia.page.waitForSelector('#queue-table');
    expect(await text(mia.page, '#queue-title')).toBe('My tasks');
    const first = mia.page.locator('#queue-table tbody tr').first();
    expect(await first.getAttribute('data-reference')).toBe(major);
    expect(await first.locator('.badge-major').textContent()).toBe('Major');
    expect(await text(mia.page, '#queue-summary')).toContain('1 major');
    await mia.page.click('#nav a[data-view="team"]');
    await mia.page.waitForSelector('#view-queue[data-scope="team"] #queue-table');
    expect(await mia.page.locator('#queue-table tbody tr').first().getAttribute('data-reference')).toBe(major);
    // Staff-keyed complaints are the specialists' (authorization.ts); managers get the dashboard.
    expect(await mia.page.locator('#nav a').allTextContents()).toEqual(['My tasks', 'Team queue', 'Dashboard', 'Drills', 'Find']);

    await mia.page.click(`a.ref-link:text("${major}")`);
    await mia.page.waitForSelector(`#view-detail[data-reference="${major}"] #task-card`);
    expect(await text(mia.page, '.detail-head .badges')).toContain('Major');
    const actions = await mia.page.locator('#task-card button[data-action]').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-action')));
    expect(actions).toEqual(expect.arrayContaining(['investigate', 'extension', 'pause', 'reassign', 'liveEvaluation']));
    // Issue 20 (ADR 0023): the lead evaluates the major complaint live; the detail lists it and the next due time.
    expect(await text(mia.page, 'section[aria-labelledby="sec-live-evaluation"]')).toContain('No evaluation yet.');
    await mia.page.click('button[data-action="liveEvaluation"]');
    await mia.page.waitForSelector('#action-liveEvaluation[data-ready="true"]');
    await mia.page.check('#action-liveEvaluation-riskLevel-2'); // high
    await mia.page.check('#action-liveEvaluation-progress-1'); // at risk
    await mia.page.fill('#action-liveEvaluation-findings', 'The merchant is known for card-not-present fraud');
    await mia.page.check('#action-liveEvaluation-decision-1'); // adjust: what changes is required
    await mia.page.click('#action-liveEvaluation button[value="submit"]');
    await mia.page.waitForSelector('#err-changes:not([hidden])');
    await mia.page.fill('#action-liveEvaluation-changes', 'Refund before the investigation ends');
    await mia.page.click('#action-liveEvaluation button[value="submit"]');
    await mia.page.locator('#action-notice', { hasText: 'Evaluation recorded.' }).waitFor();
    expect(await text(mia.page, 'section[aria-labelledby="sec-live-evaluation"]')).toMatch(
      /Next evaluation due .*adjust.*Refund before the investigation ends/s,
    );
    await mia.page.click('button[data-action="reassign"]');
    await mia.page.waitForSelector('#action-reassign[data-ready="true"]');
    // Neither a person nor a team: the schema's rule, next to the first field.
    await mia.page.click('#action-reassign button[value="submit"]');
    await mia.page.waitForSelector('#err-assignee:not([hidden])');
    expect(await text(mia.page, '#err-assignee')).toContain('Give a staff member or choose a team');
    await mia.page.fill('#action-reassign-assignee', 'hana');
    await mia.page.click('#action-reassign button[value="submit"]');
    await mia.page.waitForSelector('#action-notice');
    expect(await text(mia.page, '#action-notice')).toBe('Reassigned.');
    expect(await text(mia.page, '.detail-head .facts')).toMatch(/Assignee\s*hana/);

    // hana, now the assignee, opens the task from the link in her notification email.
    const hana = await asStaff('hana');
    const notice = (await j.complaint('mia', major)).messages.find((m: any) => m.audience === 'staff' && m.to === 'hana' && /assigned to you/.test(m.subject));
    const link = /(http:\/\/\S+#\/link\?\S+)/.exec(notice.text)![1];
    await hana.page.goto(link);
    await hana.page.waitForSelector(`#view-detail[data-reference="${major}"] #task-card`);
    // ... then the investigation, and a reply that waits for mia's approval.
    await hana.page.click('button[data-action="investigate"]');
    await hana.page.fill('#action-investigate-rootCause', 'Card details used in an unauthorised online payment');
    await hana.page.fill('#action-investigate-responsiblePeople', 'Fraud operations');
    await hana.page.fill('#action-investigate-correctiveMeasures', 'Card blocked and reissued; merchant reported');
    await hana.page.fill('#action-investigate-correctionResult', 'The 800,000 CNY are refunded in full');
    await hana.page.click('#action-investigate button[value="submit"]');
    await hana.page.locator('#action-notice', { hasText: 'Investigation completed' }).waitFor();
    // The workflow opens the reply task asynchronously: once it has, show the fresh detail.
    await j.waitForStage(major, 'REPLY');
    await openComplaint(hana.page, major);
    await hana.page.waitForSelector('button[data-action="reply"]');
    await hana.page.click('button[data-action="reply"]');
    await hana.page.waitForSelector('#action-reply[data-ready="true"]');
    expect(await text(hana.page, '#action-reply .notice-warning')).toContain('approval');
    expect(await text(hana.page, '#action-reply button[value="submit"]')).toBe('Submit for approval');
    await hana.page.check('#action-reply-outcome-0'); // upheld
    await hana.page.click('#action-reply button[value="submit"]');
    // The previous action's notice may still be on screen: wait for this action's answer,
    // whatever it is, so that a refusal shows here with its text rather than as a time-out.
    await hana.page.waitForFunction(
      () => {
        const t =
          (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document.querySelector('#action-notice')
            ?.textContent ?? '';
        return t !== '' && !t.startsWith('Investigation completed');
      },
      undefined,
      { timeout: 300_000 },
    );
    expect(await text(hana.page, '#action-notice')).toBe('Reply submitted for approval.');
    // The author may not approve her own reply: no such button for her.
    expect(await hana.page.locator('button[data-action="approve"]').count()).toBe(0);

    // mia: the queue puts the approval first; she reviews and approves; the reply goes out.
    await mia.page.click('#nav a[data-view="mine"]');
    await mia.page.waitForSelector('#queue-table');
    expect(await mia.page.locator('#queue-table tbody tr').first().textContent()).toContain('Awaiting approval');
    await openComplaint(mia.page, major);
    await mia.page.click('button[data-action="approve"]');
    await mia.page.waitForSelector('#action-approve[data-ready="true"]');
    expect(await text(mia.page, '#action-approve .pending-reply')).toContain('Written by hana');
    expect(await seriousAxeViolations(mia.page)).toEqual([]);
    await mia.page.click('#action-approve button[value="approve"]');
    await mia.page.waitForSelector(`#view-detail[data-stage="CALLBACK"] #sec-reply`);
    expect(await text(mia.page, 'section[aria-labelledby="sec-reply"]')).toContain('Approved by mia.');
    const c = (await j.complaint('mia', major)).complaint;
    expect(c.reply).toMatchObject({ by: 'hana', approvedBy: 'mia' });
    expect(mia.errors).toEqual([]);
  });

  it("shows the server's refusal when someone else acted first (409)", async () => {
    const reference = (
      await j.submit(
        validComplaint({
          businessLine: 'cards',
          matter: { description: 'My card was declined abroad although I had told you about the trip', demand: 'Explain' },
        }),
      )
    ).reference;
    await j.waitForStage(reference, 'INVESTIGATION');
    const { page, errors } = await asStaff('hana');
    await openComplaint(page, reference);
    // Meanwhile, mia claims it through the API.
    expect((await j.act('mia', reference, 'claim')).status).toBe(200);
    await page.click('button[data-action="claim"]');
    await page.waitForSelector('#action-notice.notice-error');
    expect(await text(page, '#action-notice')).toBe('Could not be done now: The task is already claimed by mia');
    expect(errors).toEqual([]);
  });

  it('quinn (quality) can open any complaint and queue but sees no action buttons (but the live evaluation of a major complaint)', async () => {
    const { page, errors } = await asStaff('quinn', { bypassCSP: true });
    // Quality has no tasks of its own: it lands on the team queues, choosing the team.
    await page.waitForSelector('#view-queue[data-scope="team"] #queue-count');
    expect(await page.locator('#nav a').allTextContents()).toEqual(['Team queue', 'Dashboard', 'Drills', 'Find']);
    await page.selectOption('#queue-team', 'cards');
    await page.waitForSelector(`#queue-table tr[data-reference="${major}"]`);
    // Quality changes nothing - but evaluates a major complaint live (issue 20, ADR 0023), as the complaints function.
    await openComplaint(page, major);
    expect(await page.locator('#task-card button[data-action]').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-action')))).toEqual(['liveEvaluation']);
    await openComplaint(page, standard);
    expect(await page.locator('#task-card button').count()).toBe(0);
    expect(await text(page, '.readonly-note')).toContain('Read only');
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('ada (admin) finds a complaint by reference and reassigns it, and can do nothing else (but the business calendars)', async () => {
    const res = await fetch(`${base}/api/complaints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'console-admin-0001' },
      body: JSON.stringify(validComplaint({ businessLine: 'loans' })),
    });
    const submitted = ((await res.json()) as { reference: string }).reference;
    await j.waitForStage(submitted, 'INVESTIGATION');
    const { page, errors } = await asStaff('ada');
    expect(await page.locator('#nav a').allTextContents()).toEqual(['Calendars', 'Find']);
    await openComplaint(page, submitted);
    await page.waitForSelector(`#view-detail[data-reference="${submitted}"] #task-card`);
    const actions = await page.locator('#task-card button[data-action]').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-action')));
    expect(actions).toEqual(['reassign']);
    await page.click('button[data-action="reassign"]');
    await page.waitForSelector('#action-reassign[data-ready="true"]');
    await page.fill('#action-reassign-assignee', 'leo');
    await page.click('#action-reassign button[value="submit"]');
    await page.waitForSelector('#action-notice');
    expect(await text(page, '#action-notice')).toBe('Reassigned.');
    expect(await text(page, '.detail-head .facts')).toMatch(/Assignee\s*leo/);
    expect(errors).toEqual([]);
  });

  it('sam sees a look-alike linked as "possibly a repeat of" the earlier complaint and merges it after checking (issue 16)', async () => {
    const email = `console-repeat-${Date.now()}@example.com`;
    const post = async (key: string, description: string) => {
      const res = await fetch(`${base}/api/complaints`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(validComplaint({ complainant: { name: 'Li Na', contact: { email } }, matter: { description } })),
      });
      return ((await res.json()) as { reference: string }).reference;
    };
    const earlier = await post('console-repeat-0001', 'The annual fee on my credit card was charged twice in January without my consent');
    const later = await post('console-repeat-0002', 'My credit card annual fee was charged twice in January without my consent');
    expect(later).not.toBe(earlier);
    const { page, errors } = await asStaff('sam');
    await openComplaint(page, later);
    expect(await page.locator('#task-card .notice').allTextContents()).toContainEqual(expect.stringContaining(`Possibly a repeat of ${earlier}`));
    await page.click('button[data-action="merge"]');
    await page.waitForSelector('#action-merge[data-ready="true"]');
    await page.click('#action-merge button[value="submit"]');
    await page.waitForSelector('#action-notice');
    expect(await text(page, '#action-notice')).toBe('Merged into the earlier complaint.');
    expect((await j.complaint('quinn', earlier)).complaint.repeats).toBe(1);
    expect((await j.complaint('quinn', later)).complaint.mergedInto).toMatchObject({ reference: earlier, by: 'sam' });
    expect(errors).toEqual([]);
  });

  it("sam keys in a phone complaint, validated with the API's schema", async () => {
    const { page, errors } = await asStaff('sam');
    await page.click('#nav a[data-view="new"]');
    await page.waitForSelector('#new[data-ready="true"]');
    let posts = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/staff/complaints')) posts++;
    });
    await page.click('#new button[value="submit"]');
    await page.waitForSelector('#new .error-summary:not([hidden])');
    expect(posts).toBe(0);
    expect(await text(page, '#err-channel')).toContain('Choose one');
    expect(await text(page, '#err-complaint-matter-description')).toContain('Describe what happened');
    expect(await text(page, '#err-complaint-complainant-contact')).toContain('stay anonymous');
    expect(await page.evaluate<string>('document.activeElement.id')).toBe('new-channel-0');

    await page.check('#new-channel-0'); // phone
    await page.fill('#new-complaint-matter-description', 'The branch refused to let me close my savings account');
    await page.fill('#new-complaint-complainant-name', 'Wang Fang');
    await page.fill('#new-complaint-complainant-contact-phone', '+86 139 0000 2222');
    await page.check('#new-complaint-consent-personalData');
    await page.dblclick('#new button[value="submit"]');
    await page.waitForSelector('#new-created-title');
    expect(posts).toBe(1);
    const reference = (await text(page, '#new-created-title')).match(/[A-Z]{2}-\d{4}-\d{6,}/)![0];
    expect(await text(page, '.created')).toMatch(/[0-9A-Z]{5}-[0-9A-Z]{5}/);
    const c = (await j.complaint('sam', reference)).complaint;
    expect(c).toMatchObject({ channel: 'phone', receivedBy: 'sam', complainant: { name: 'Wang Fang' } });
    expect(errors).toEqual([]);
  });

  it('the dashboard on the real API: a generated month whose figures the test works out (a drill left out), shown exactly, and the CSV with the token', async () => {
    // The set, in June 2026 (no other test here uses it; CN, close of business 17:30 = 09:30Z,
    // no holiday from 1 to 10 June), by the dashboard's stated definitions (functions/domain/dashboard.ts):
    //   A  Mon 06-01 01:00Z platinum cards, annual fee (product)  replied Wed 06-03 02:00Z (2 business days), satisfied (5): closed
    //   B  Mon 06-01 02:00Z deposits, rude staff (service)         replied Tue 06-09 03:00Z (6): its reply target (Mon 06-08 17:30) late
    //   C  Mon 06-08 10:00Z platinum cards, outage (operation)     open
    //   D  Tue 06-09 12:00Z the same by phone, keyed in by sam      open
    //   E  Wed 06-10 01:00Z the same                                open
    //   a drill's complaint (major-emergency-start) at Wed 06-10 02:00Z: counts nowhere
    // read at Wed 06-10 06:00Z: outage 2 in the last 24 h (D, E) against 1 before (C): rising.
    type Deadline = 'register' | 'qualityControl' | 'investigate' | 'replyTarget' | 'finalResponse';
    interface Known {
      department: string;
      channel: string;
      nature: string;
      reply?: { businessDays: number; satisfaction?: number };
      /** Each deadline decided so far. */
      deadlines: Partial<Record<Deadline, 'met' | 'late'>>;
    }
    const registered = { register: 'met', qualityControl: 'met' } as const;
    const SET: Known[] = [
      {
        department: 'cards',
        channel: 'web',
        nature: 'product',
        reply: { businessDays: 2, satisfaction: 5 },
        deadlines: { ...registered, investigate: 'met', replyTarget: 'met', finalResponse: 'met' },
      },
      {
        department: 'retail',
        channel: 'web',
        nature: 'service',
        reply: { businessDays: 6 },
        deadlines: { ...registered, investigate: 'met', replyTarget: 'late', finalResponse: 'met' },
      },
      { department: 'cards', channel: 'web', nature: 'operation', deadlines: registered },
      { department: 'cards', channel: 'phone', nature: 'operation', deadlines: registered },
      { department: 'cards', channel: 'web', nature: 'operation', deadlines: registered },
    ];
    const DEADLINES: Deadline[] = ['register', 'qualityControl', 'investigate', 'replyTarget', 'finalResponse'];
    const READ_AT = '2026-06-10T06:00:00.000Z';
    const LINE = 'platinum cards';
    const OUTAGE = 'The app is down, I cannot log in';

    // What the figures must be, worked out from the set.
    const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
    const figuresOf = (cs: Known[]) => {
      const handled = cs.filter((c) => c.reply);
      const days = handled.map((c) => c.reply!.businessDays).sort((a, b) => a - b);
      const scores = handled.flatMap((c) => (c.reply!.satisfaction === undefined ? [] : [c.reply!.satisfaction]));
      const onTime = Object.fromEntries(
        DEADLINES.map((d) => {
          const met = cs.filter((c) => c.deadlines[d] === 'met').length;
          const late = cs.filter((c) => c.deadlines[d] === 'late').length;
          return [d, { met, late, rate: ratio(met, met + late) }];
        }),
      );
      return {
        total: cs.length,
        handled: handled.length,
        handledRate: ratio(handled.length, cs.length),
        daysAverage: days.length ? days.reduce((a, b) => a + b, 0) / days.length : null,
        daysP90: days.length ? days[Math.ceil(0.9 * days.length) - 1] : null, // nearest rank
        satisfaction: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null,
        responses: scores.length,
        reopenRate: ratio(0, handled.length), // nothing reopened in the set
        onTime,
      };
    };
    const groupsBy = (key: 'department' | 'channel') =>
      [...new Set(SET.map((c) => c[key]))]
        .map((k) => ({ key: k, figures: figuresOf(SET.filter((c) => c[key] === k)) }))
        .sort((a, b) => b.figures.total - a.figures.total || a.key.localeCompare(b.key));
    const june = figuresOf(SET);
    const percent = (r: number | null) => (r === null ? '–' : `${Math.round(r * 1000) / 10}%`);
    const one = (n: number | null) => (n === null ? '–' : n.toFixed(1));

    // The set, made through the real API and staff actions on the runtime's manual clock.
    const submitAt = async (at: string, businessLine: string, description: string) => {
      await j.setClock(at);
      const reference = (await j.submit(validComplaint({ businessLine, matter: { description } }))).reference;
      await j.waitForStage(reference, 'INVESTIGATION');
      return reference;
    };
    const replyAt = async (at: string, handler: string, reference: string) => {
      await j.setClock(at);
      expect((await j.act(handler, reference, 'claim')).status).toBe(200);
      expect((await j.act(handler, reference, 'investigation', investigation)).status).toBe(200);
      await j.waitForStage(reference, 'REPLY');
      const sent = await j.act(handler, reference, 'reply', {
        outcome: { result: 'upheld' },
        subject: 'Our answer',
        text: 'We looked into it and put it right.',
      });
      expect(sent.status).toBe(200);
      await j.waitForStage(reference, 'CALLBACK');
    };
    try {
      const a = await submitAt('2026-06-01T01:00:00.000Z', LINE, 'I was charged an annual fee I never agreed to');
      const b = await submitAt('2026-06-01T02:00:00.000Z', 'deposits', 'The staff at the counter were rude and kept me waiting');
      await replyAt('2026-06-03T02:00:00.000Z', 'hana', a);
      expect((await j.act('sam', a, 'callback', { satisfaction: 5 })).status).toBe(200);
      await j.waitClosed(a);
      await submitAt('2026-06-08T10:00:00.000Z', LINE, OUTAGE);
      await replyAt('2026-06-09T03:00:00.000Z', 'rita', b);
      await j.setClock('2026-06-09T12:00:00.000Z');
      const phoned = await j.as('sam', 'POST', '/complaints', {
        channel: 'phone',
        complaint: validComplaint({ businessLine: LINE, matter: { description: OUTAGE } }),
      });
      expect(phoned.status).toBe(201);
      await j.waitForStage(phoned.body.reference, 'INVESTIGATION');
      await submitAt('2026-06-10T01:00:00.000Z', LINE, OUTAGE);
      // The drill's complaint, through the web form's API with the drill token.
      const drillAt = '2026-06-10T02:00:00.000Z';
      await j.setClock(drillAt);
      const started = await j.as('mia', 'POST', '/drills', { scenario: 'major-emergency-start', participants: ['sam', 'hana', 'mia'] });
      expect(started.status, JSON.stringify(started.body)).toBe(201);
      const channels = httpChannels({ api: base, staffToken: () => j.token('sam') });
      const drillRef = (await feedDue(started.body, new Set(), new Date(drillAt), channels, 'complaints@bank.example.cn')).major!;
      await j.waitForStage(drillRef, 'INVESTIGATION');
      expect((await j.complaint('quinn', drillRef)).complaint.drill).toMatchObject({ drillId: started.body.drillId });
      await j.setClock(READ_AT);
      expect((await j.request('POST', '/__local/streams/drain')).status).toBe(200);

      const { page, errors } = await asStaff('mia', { bypassCSP: true, clock: new Date(READ_AT) });
      await page.click('#nav a[data-view="dashboard"]');
      await page.waitForSelector('#dash-kpis, #dash-message:not(:has-text("Loading"))');
      // A real refusal is a message, not a broken page: a period longer than 36 months (400).
      await page.fill('#dash-from', '2020-01');
      await page.fill('#dash-to', '2026-06');
      await page.click('#dash-form button[type="submit"]');
      await page.waitForSelector('#dash-message.notice-error');
      expect(await text(page, '#dash-message')).toBe('The request was refused: The request is not valid');

      const answered = page.waitForResponse((r) => r.url().includes('/api/staff/dashboard?from=2026-05&to=2026-06&by=department'));
      await page.fill('#dash-from', '2026-05');
      await page.fill('#dash-to', '2026-06');
      await page.selectOption('#dash-by', 'department');
      await page.click('#dash-form button[type="submit"]');
      expect((await answered).status()).toBe(200);
      await page.waitForSelector('#dash-kpis');

      // The figures: one tile each, exactly.
      const tiles = await page.$$eval('#dash-kpis .kpi', (els) =>
        els.map((e) => [
          e.querySelector('dt')?.textContent,
          e.querySelector('.kpi-value')?.textContent,
          e.querySelector('.kpi-sub')?.textContent ?? '',
          e.classList.contains('kpi-warn'),
        ]),
      );
      const DEADLINE_LABEL: Record<Deadline, string> = {
        register: 'Registration',
        qualityControl: 'Quality control',
        investigate: 'Investigation',
        replyTarget: 'Reply target',
        finalResponse: 'Final response',
      };
      expect(tiles).toEqual([
        ['Complaints', String(june.total), '', false],
        ['Handled', String(june.handled), percent(june.handledRate), false],
        ['Handling (business days)', one(june.daysAverage), `p90: ${one(june.daysP90)}`, false],
        ['Satisfaction', `${one(june.satisfaction)} / 5`, `${june.responses} responses`, false],
        ['Reopen rate', percent(june.reopenRate), '', false],
        ...DEADLINES.map((d) => {
          const o = june.onTime[d];
          return [`On time: ${DEADLINE_LABEL[d]}`, percent(o.rate), `${o.met} met · ${o.late} late`, o.rate !== null && o.rate < 0.9];
        }),
      ]);
      expect(tiles.find((t) => t[0] === 'On time: Reply target')).toEqual(['On time: Reply target', '50%', '1 met · 1 late', true]); // the set's one late deadline
      // Every row of a figure's table, exactly (the months, then the groups).
      const rows = (figureIndex: number) =>
        page.$$eval(`#dash-body > div.dash-grid:nth-of-type(1) > .panel:nth-child(${figureIndex}) table tbody tr`, (trs) =>
          trs.map((tr) => [...tr.children].map((c) => c.textContent?.trim())),
        );
      const monthRows = await rows(1);
      expect(monthRows.map((r) => r.slice(1))).toEqual([
        ['0', '–', '–', '–'], // May: nothing
        [String(june.total), percent(june.handledRate), one(june.satisfaction), percent(june.reopenRate)],
      ]);
      expect(await text(page, '#chart-months-title')).toMatch(new RegExp(`\\b0\\b.*\\b${june.total}\\b`));
      const LABEL: Record<string, string> = { cards: 'Cards', retail: 'Retail', web: 'Web form', phone: 'Phone' };
      expect(await rows(2)).toEqual(
        groupsBy('department').map((g) => [
          LABEL[g.key],
          String(g.figures.total),
          percent(g.figures.handledRate),
          one(g.figures.daysAverage),
          one(g.figures.satisfaction),
          percent(g.figures.reopenRate),
        ]),
      );
      expect(await page.locator('.chart-columns canvas[role="img"]').count()).toBe(1);
      expect(await page.locator('.chart-bars canvas[role="img"]').count()).toBe(1);
      // Top categories of June: share of the month, flagged over 20 % (one fifth is not over).
      const natures = [...new Set(SET.map((c) => c.nature))]
        .map((n) => ({ n, count: SET.filter((c) => c.nature === n).length }))
        .sort((x, y) => y.count - x.count || x.n.localeCompare(y.n));
      const categories = await page.$$eval('#dash-categories .category', (lis) =>
        lis.map((li) => [li.querySelector('.category-key')?.textContent, li.querySelector('.category-share')?.textContent, li.classList.contains('flagged')]),
      );
      const NATURE: Record<string, string> = { operation: 'Operation', product: 'Product', service: 'Service' };
      expect(categories).toEqual(natures.map(({ n, count }) => [NATURE[n], `${percent(count / SET.length)} (${count})`, count / SET.length > 0.2]));
      expect(categories.filter((c) => c[2])).toHaveLength(1);
      // Group incidents: outage rising, 2 against 1; the drill's complaint is in none of these.
      const incidents = await page.$$eval('#dash-incidents tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent?.trim())));
      expect(incidents).toEqual([['platinum-cards:outage', '2', '1', 'Rising']]);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await page.screenshot({ path: SHOT_DASHBOARD, fullPage: true });

      // The CSV through the page (fetched with the token): one row per period x group, the same figures.
      const csvRequest = page.waitForRequest((r) => r.url().includes('/api/staff/dashboard.csv?'));
      const download = page.waitForEvent('download');
      await page.click('#dash-csv');
      expect((await csvRequest).headers().authorization).toMatch(/^Bearer ey/);
      const file = await download;
      expect(file.suggestedFilename()).toMatch(/^[\w.-]+\.csv$/);
      const [header, ...lines] = readFileSync((await file.path())!, 'utf8')
        .trimEnd()
        .split('\r\n')
        .map((l) => l.split(','));
      const csvNumber = (x: number | null, digits: number) => (x === null ? '' : String(Math.round(x * 10 ** digits) / 10 ** digits));
      const csvRow = (period: string, groupBy: string, group: string, f: ReturnType<typeof figuresOf>) => [
        'cn',
        period,
        groupBy,
        group,
        String(f.total),
        String(f.handled),
        csvNumber(f.handledRate, 4),
        csvNumber(f.daysAverage, 2),
        f.daysP90 === null ? '' : String(f.daysP90),
        csvNumber(f.satisfaction, 2),
        String(f.responses),
        csvNumber(f.reopenRate, 4),
        ...DEADLINES.flatMap((d) => [String(f.onTime[d].met), String(f.onTime[d].late), csvNumber(f.onTime[d].rate, 4)]),
      ];
      expect(header).toEqual([
        'region',
        'period',
        'groupBy',
        'group',
        'total',
        'handled',
        'handledRate',
        'handlingBusinessDaysAverage',
        'handlingBusinessDaysP90',
        'satisfactionAverage',
        'satisfactionResponses',
        'reopenRate',
        ...DEADLINES.flatMap((d) => [`onTime.${d}.met`, `onTime.${d}.late`, `onTime.${d}.rate`]),
      ]);
      const byDepartment = groupsBy('department');
      expect(lines).toEqual([
        csvRow('2026-05', 'all', 'all', figuresOf([])),
        csvRow('2026-06', 'all', 'all', june),
        ...byDepartment.map((g) => csvRow('2026-06', 'department', g.key, g.figures)),
        csvRow('2026-05/2026-06', 'all', 'all', june),
        ...byDepartment.map((g) => csvRow('2026-05/2026-06', 'department', g.key, g.figures)),
      ]);

      // Grouped by channel: the same complaints, other groups.
      const byChannel = page.waitForResponse((r) => r.url().includes('/api/staff/dashboard?from=2026-05&to=2026-06&by=channel'));
      await page.selectOption('#dash-by', 'channel');
      await page.click('#dash-form button[type="submit"]');
      expect((await byChannel).status()).toBe(200);
      await page.waitForSelector('#dash-body th:has-text("Channel")', { state: 'attached' });
      expect((await rows(2)).map((r) => r.slice(0, 2))).toEqual(groupsBy('channel').map((g) => [LABEL[g.key], String(g.figures.total)]));

      // The drill, closed: its disposal from the drills view (ADR 0024) - refused while its complaint is
      // open (the message names it), done once it is closed, the result shown in the row.
      const drillId = started.body.drillId;
      expect((await j.as('mia', 'POST', `/drills/${drillId}/close`, { outcomes: [{ staffId: 'hana', outcome: 'passed' }] })).status).toBe(200);
      const dispose = async () => {
        await page.click('#nav a[data-view="drills"]');
        await page.click(`#drills-table button[data-drill="${drillId}"]`);
        expect(await text(page, '.drill-dispose-confirm p')).toBe(
          `Archive the 1 complaint(s) of drill ${drillId} apart (locked, under drills/, never among the real complaints) and remove them from the table? The report is kept in the archive first. This cannot be undone.`,
        );
        await page.click('.drill-dispose-confirm button.button');
      };
      await dispose();
      await page.waitForSelector('#drills-status:has-text("Could not do that")');
      expect(await text(page, '#drills-status')).toBe(`Could not do that: The drill's complaints ${drillRef} are still open: close them first`);
      expect((await j.act('mia', drillRef, 'claim')).status).toBe(200);
      expect((await j.act('mia', drillRef, 'investigation', investigation)).status).toBe(200);
      await j.waitForStage(drillRef, 'REPLY');
      const drafted = await j.act('mia', drillRef, 'reply', { outcome: { result: 'upheld' }, subject: 'Our answer', text: 'We refunded the fee.' });
      if (drafted.body.status === 'awaiting-approval') expect((await j.act('sara', drillRef, 'reply/approval', { approve: true })).status).toBe(200);
      await j.waitForStage(drillRef, 'CALLBACK');
      expect((await j.act('sam', drillRef, 'callback', { satisfaction: 5 })).status).toBe(200);
      await j.waitClosed(drillRef);
      await dispose();
      await page.waitForSelector('#drills-status:has-text("disposed of")');
      const reportKey = `drills/cn/${drillId}/report.json`;
      expect(await text(page, '#drills-status')).toBe(`Drill ${drillId}: 1 complaint(s) disposed of; the report is kept at ${reportKey}.`);
      expect(await text(page, `#drills-table tr:has(td:has-text("${drillId}")) td.drill-disposal`)).toMatch(
        new RegExp(`^Archived apart .+ by mia; report kept at ${reportKey}$`),
      );
      // The browser logs the 400 and the 409 it was given; nothing else went wrong.
      expect(errors.filter((e) => !/status of (400|409)/.test(e))).toEqual([]);
    } finally {
      await j.setClock(CLOCK);
    }
  });

  it('fits a phone: no horizontal scroll on the queue and the detail', async () => {
    const viewport = { width: 375, height: 740 };
    const { page, errors } = await asStaff('mia', { viewport });
    const width = () => page.evaluate<number>('document.documentElement.scrollWidth');
    await page.click('#nav a[data-view="team"]');
    await page.waitForSelector('#queue-table');
    expect(await width()).toBeLessThanOrEqual(375);
    await openComplaint(page, major);
    expect(await width()).toBeLessThanOrEqual(375);
    await page.click('button[data-action="reassign"]');
    await page.waitForSelector('#action-reassign[data-ready="true"]');
    expect(await width()).toBeLessThanOrEqual(375);
    expect(errors).toEqual([]);
  });

  it('business calendars (issue 22): from 1 December the banner says 2027 is unconfirmed; ada adds the year in the Calendars view (a clash refused by field), and the banner goes', async () => {
    await j.setClock('2026-12-01T02:00:00.000Z');
    try {
      const { page, errors } = await asStaff('ada', { hash: '#/calendars', clock: new Date('2026-12-01T02:00:00.000Z') });
      await page.waitForSelector('#calendar-banner:not([hidden])');
      expect(await text(page, '#calendar-banner')).toContain('(2027) is not confirmed');
      await page.waitForSelector('.calendars-table tr[data-year="2027"]');
      expect(await text(page, '.calendars-table tr[data-year="2027"] .cal-status')).toBe('Not confirmed');
      // TEST DATA, not the official 2027 arrangements.
      await page.fill('#calendar-form-year', '2027');
      await page.fill('#calendar-form-source-title', 'Test notice (e2e)');
      await page.fill('#calendar-form-source-date', '2026-11-20');
      await page.fill('#calendar-form-source-url', 'https://www.example.gov/2027');
      await page.fill('#calendar-form-extraHolidays', '2027-01-04');
      await page.fill('#calendar-form-extraWorkingDays', '2027-01-04');
      await page.click('#calendar-form button[value="submit"]');
      await page.waitForSelector('#calendar-form [data-field="extraWorkingDays"] .field-error');
      expect(await text(page, '#calendar-form [data-field="extraWorkingDays"] .field-error')).toContain('both a day off and a working day');
      await page.fill('#calendar-form-extraWorkingDays', '2027-01-09');
      await page.click('#calendar-form button[value="submit"]');
      await page.waitForSelector('.calendars-table tr[data-year="2027"] .cal-confirmed');
      await page.waitForSelector('#calendar-banner[hidden]', { state: 'attached' });
      expect(errors).toEqual([]);
    } finally {
      await j.setClock(CLOCK);
    }
  });

  it('speaks Chinese in the cn region by default', async () => {
    const c = await open({ language: 'default' });
    await c.page.waitForSelector('#signin-oidc');
    expect(await c.page.getAttribute('html', 'lang')).toBe('zh-CN');
    expect(await text(c.page, '#signin-title')).toBe('登录');
    await signIn(c.page, 'hana');
    expect(await text(c.page, '#nav a[data-view="mine"]')).toBe('我的任务');
    await eventually(async () => (await text(c.page, '#queue-title')) === '我的任务', 120_000, 'the Chinese queue title');
  });
});
