/**
 * Issue 16 finding 8, in real Chromium: a name carrying an RTL override ("Ana \u202Efdp.exe"
 * looks like "Ana exe.pdf") is stored as given, and the staff console shows it neutralised -
 * the control as a visible marker inside a <bdi>, a warning naming the field, the task flagged
 * in the queue.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { clients } from '../support/clients.ts';
import { openComplaint, openConsole, signIn } from '../support/console.ts';
import { Journey } from '../support/journey.ts';
import { startRuntimeProcess, tearDown, type RuntimeProcess } from '../support/runtime-process.ts';

const CLOCK = '2026-03-02T02:00:00.000Z';
const dir = mkdtempSync(join(tmpdir(), 'complaints-bidi-'));
const NAME = 'Ana \u202efdp.exe';
const STAFF = 'Counter\u2067 clerk\u2069';

let runtime: RuntimeProcess;
let browser: Browser;
let j: Journey;
const contexts: BrowserContext[] = [];
let reference: string;

beforeAll(async () => {
  runtime = await startRuntimeProcess({ DATA_DIR: dir, COMPLAINT_REGION: 'cn', LOCAL_CLOCK_START: CLOCK });
  const { ddb, sfn } = clients({ ...runtime, awsRegion: 'cn-north-1' });
  j = new Journey(runtime.apiUrl, ddb, sfn, 'complaints-cn', 'arn:aws:states:cn-north-1:000000000000:stateMachine:complaint-lifecycle');
  browser = await launchChromium();
  ({ reference } = await j.submit({
    language: 'en',
    businessLine: 'cards',
    consent: { personalData: true },
    complainant: { name: NAME, contact: { email: 'ana@example.com' } },
    target: { staffMember: STAFF },
    matter: { description: 'The annual fee was charged twice' },
  }));
  await j.waitForStage(reference, 'INVESTIGATION');
}, 300_000);

afterAll(() => tearDown({ contexts, browser, runtime, dirs: [dir] }));

describe('display spoofing (issue 16 #8)', () => {
  it('stored as given; shown with the override as a marker in a <bdi>, a warning naming the fields, the queue flag', async () => {
    // Stored as given.
    expect((await j.complaint('quinn', reference)).complaint.complainant.name).toBe(NAME);

    const { page, context, errors } = await openConsole(browser, runtime.apiUrl, { clock: new Date(CLOCK) });
    contexts.push(context);
    await signIn(page, 'quinn');
    await openComplaint(page, reference);
    const complainant = await page.locator('#view-detail section:has(#sec-complainant)').innerText();
    expect(complainant).toContain('Ana ⟦RLO⟧fdp.exe');
    expect(complainant).not.toContain('\u202e');
    expect(await page.locator('#view-detail section:has(#sec-complainant) bdi.bidi-spoof').count()).toBe(1);
    const matter = await page.locator('#view-detail section:has(#sec-matter)').innerText();
    expect(matter).toContain('Counter⟦RLI⟧ clerk⟦PDI⟧');
    expect(await page.locator('#bidi-warning').innerText()).toContain('complainant.name, target.staffMember');
    expect(await page.locator('#view-detail .badges').innerText()).toContain('Hidden direction characters');
    // No bidi control reaches the page's text anywhere in the detail view.
    expect(await page.locator('#view-detail').innerText()).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    expect(errors).toEqual([]);

    // The queue: the task is flagged, the masked name carries no control.
    const queue = await j.as('hana', 'GET', '/tasks/team');
    const row = queue.body.find((t: { reference: string }) => t.reference === reference);
    expect(row.flags).toContain('bidi-controls');
    expect(row.customer).toBe('A** f******');
  });
});
