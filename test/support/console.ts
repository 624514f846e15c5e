/** The staff console in a real browser: a page per staff member, signed in through the form. */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { watchErrors } from './browser.ts';
import { PASSWORDS } from './journey.ts';

export interface ConsolePage { page: Page; context: BrowserContext; errors: string[] }

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
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1360, height: 900 }, bypassCSP: opts.bypassCSP ?? false, acceptDownloads: true });
  const page = await context.newPage();
  const errors = await watchErrors(page);
  if (opts.clock) await page.clock.setFixedTime(opts.clock);
  if (opts.language !== 'default') await page.addInitScript(`try { localStorage.setItem('complaints.language', ${JSON.stringify(opts.language ?? 'en')}); } catch {}`);
  if (opts.sessionToken !== undefined) await page.addInitScript(`sessionStorage.setItem('console.idToken', ${JSON.stringify(opts.sessionToken)});`);
  opts.before?.(page);
  await page.goto(`${base}/console.html${opts.hash ?? ''}`);
  await page.waitForSelector('html[data-console-ready="true"]');
  return { page, context, errors };
}

/** Signs in through the console's form; resolves once the sign-in view has gone. */
export async function signIn(page: Page, user: string): Promise<void> {
  await page.waitForSelector('#signin-username');
  await page.fill('#signin-username', user);
  await page.fill('#signin-password', PASSWORDS[user]);
  await page.click('#signin button[type="submit"]');
  await page.waitForSelector('#view-signin', { state: 'hidden' });
  await page.waitForSelector('#who-name');
}

/** Opens a complaint through the header's "open by reference" box. */
export async function openComplaint(page: Page, reference: string): Promise<void> {
  await page.fill('#goto-ref', reference);
  await page.press('#goto-ref', 'Enter');
  await page.waitForSelector(`#view-detail[data-reference="${reference}"] #task-card`);
}

export const text = async (page: Page, selector: string) => ((await page.textContent(selector)) ?? '').trim();
