/** The staff console in a real browser: a page per staff member, signed in at the local OIDC provider (code + PKCE). */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { watchErrors } from './browser.ts';
import { PASSWORDS } from './journey.ts';

export interface ConsolePage {
  page: Page;
  context: BrowserContext;
  errors: string[];
}

export interface OpenOptions {
  viewport?: { width: number; height: number };
  /** Needed to inject axe-core (the page's CSP allows scripts from 'self' only). */
  bypassCSP?: boolean;
  /** The instant the page's clock shows (the runtime's manual clock), for deadline states. */
  clock?: Date;
  /** Language stored for the page before it loads (English unless 'default': the region's). */
  language?: 'en' | 'zh-CN' | 'default';
  /** Something to put in sessionStorage before the page loads (e.g. a stale token). */
  sessionToken?: string;
  hash?: string;
  /** Called with the page before it loads (listeners that must not miss the first requests). */
  before?: (page: Page) => void;
}

export async function openConsole(browser: Browser, base: string, opts: OpenOptions = {}): Promise<ConsolePage> {
  const context = await browser.newContext({
    viewport: opts.viewport ?? { width: 1360, height: 900 },
    bypassCSP: opts.bypassCSP ?? false,
    acceptDownloads: true,
  });
  // Waits end when their condition holds; a generous limit keeps a busy machine from failing them (issue 23).
  context.setDefaultTimeout(120_000);
  const page = await context.newPage();
  const errors = await watchErrors(page);
  if (opts.clock) await page.clock.setFixedTime(opts.clock);
  if (opts.language !== 'default')
    await page.addInitScript(`try { localStorage.setItem('complaints.language', ${JSON.stringify(opts.language ?? 'en')}); } catch {}`);
  if (opts.sessionToken !== undefined) await page.addInitScript(`sessionStorage.setItem('console.idToken', ${JSON.stringify(opts.sessionToken)});`);
  opts.before?.(page);
  await page.goto(`${base}/console.html${opts.hash ?? ''}`);
  await page.waitForSelector('html[data-console-ready="true"]');
  return { page, context, errors };
}

/**
 * Signs in as the console does: its button leaves for the provider's authorization endpoint
 * (local/emulators/identity.ts: the login form of the local bank IdP), the form sends the browser back
 * with a code, the console exchanges it (PKCE). Resolves once the sign-in view has gone.
 */
export async function signIn(page: Page, user: string): Promise<void> {
  await page.waitForSelector('#signin-oidc');
  await page.click('#signin-oidc');
  await fillLogin(page, user, PASSWORDS[user]);
  // Back at the console (the sign-in view does not exist on the provider's page, so wait for the console first).
  await page.waitForSelector('html[data-console-ready="true"]');
  await page.waitForSelector('#view-signin', { state: 'hidden' });
  await page.waitForSelector('#who-name');
}

/** At the local provider's login form (after the console sent the browser there): types and submits. */
export async function fillLogin(page: Page, user: string, password: string): Promise<void> {
  await page.waitForSelector('form#login');
  await page.fill('#username', user);
  await page.fill('#password', password);
  await page.click('#login-submit');
}

/** Opens a complaint through the header's "open by reference" box. */
export async function openComplaint(page: Page, reference: string): Promise<void> {
  await page.fill('#goto-ref', reference);
  await page.press('#goto-ref', 'Enter');
  await page.waitForSelector(`#view-detail[data-reference="${reference}"] #task-card`);
}

export const text = async (page: Page, selector: string) => ((await page.textContent(selector)) ?? '').trim();
