/** Browser tests: Debian's Chromium driven by playwright-core, and axe-core in the page. */
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const ROOT = join(import.meta.dirname, '..', '..');
export const AXE_PATH = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * Runs axe-core on the page as it is now; answers the violations of impact serious or
 * critical. The pages' CSP forbids inline scripts, so the test's browser context must be
 * opened with `bypassCSP: true` for `addScriptTag` to run axe.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  // String expressions: this file is compiled without the DOM library.
  if (!(await page.evaluate<boolean>("typeof axe !== 'undefined'"))) await page.addScriptTag({ path: AXE_PATH });
  const violations = await page.evaluate<AxeViolation[]>(`axe.run(document, { resultTypes: ['violations'] }).then((r) =>
    r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => JSON.stringify(n.target)) })))`);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * Console errors, uncaught exceptions and Content Security Policy violations of a page (call
 * before it loads). HTTP error answers the page expects (a 404 for a wrong access code) are
 * not errors.
 */
export async function watchErrors(page: Page): Promise<string[]> {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  // Even a violation the page catches (an eval probe, say) is reported through this event.
  await page.addInitScript(`document.addEventListener('securitypolicyviolation', (e) =>
    console.error('CSP violation: ' + e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber));`);
  return errors;
}
