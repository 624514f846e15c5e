/**
 * Test fixtures, in two layers:
 * - OWN_FIXTURES (test/fixtures): the repository's own messages and events, written for this
 *   project. Every test runs on them, so `npm test` passes on a fresh clone with nothing beside it.
 * - FIXTURES (../shared/fixtures): the public corpus of the shared folder beside the repository
 *   (CI clones the repo next to it), or SHARED_DIR. Its cases run when it is there; when it is
 *   not, they are reported as skipped (each such suite is `describe.skipIf(!HAS_SHARED)(publicCorpus(...))`), and one warning per test file says so.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, type RunnerTestSuite } from 'vitest';

export const SHARED_DIR = process.env.SHARED_DIR ?? join(import.meta.dirname, '..', '..', '..', 'shared');
export const FIXTURES = join(SHARED_DIR, 'fixtures');
/** Whether the public corpus is there. */
export const HAS_SHARED = existsSync(FIXTURES);

/** The repository's own fixtures: always there. */
export const OWN_FIXTURES = join(import.meta.dirname, '..', 'fixtures');

const emlIn = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort();

/** The repository's own messages (test/fixtures/email), by file name. */
export const OWN_EMAIL_FILES = emlIn(join(OWN_FIXTURES, 'email'));

/**
 * The 32 messages of the public corpus (its MANIFEST.tsv), by name: when the corpus is absent,
 * its cases are still listed - as skipped - under the names they run under in CI.
 */
const PUBLIC_EMAIL_NAMES = [
  '1366671050@github.com.eml',
  'attachment_encoded_filename.eml',
  'attachment_long_filename.eml',
  'attachment_no_disposition.eml',
  'embedded_email.eml',
  'embedded_email_without_content_disposition.eml',
  'example_attachment.eml',
  'example_bounce.eml',
  'four_nested_emails.eml',
  'gbk_charset.eml',
  'html_only.eml',
  'imap_mime_header_decode_returns_false.eml',
  'inline_attachment.eml',
  'issue-275.eml',
  'issue-410.eml',
  'issue-412.eml',
  'issue-511.eml',
  'issue-544.eml',
  'ks_c_5601-1987_headers.eml',
  'mail_that_is_attachment.eml',
  'missing_date.eml',
  'missing_from.eml',
  'mixed_filename.eml',
  'multipart_without_body.eml',
  'multiple_html_parts_and_attachments.eml',
  'nestes_embedded_with_attachment.eml',
  'pec.eml',
  'plain_text_attachment.eml',
  'references.eml',
  'undefined_charset_header.eml',
  'unknown_encoding.eml',
  'without_charset_simple_multipart.eml',
];

/** The public corpus's messages, by file name: read from the folder when it is there. */
export const SHARED_EMAIL_FILES = HAS_SHARED ? emlIn(join(FIXTURES, 'email')) : PUBLIC_EMAIL_NAMES;

/** The title every public-corpus suite starts with: how the skipped cases are found and counted. */
export const PUBLIC_CORPUS = 'public corpus (../shared/fixtures)';

let warningRegistered = false;

/** Counts the tests under public-corpus suites that were skipped, below a suite. */
function skippedPublic(task: RunnerTestSuite, inPublic = false): number {
  let n = 0;
  for (const t of task.tasks) {
    if (t.type === 'suite') n += skippedPublic(t, inPublic || t.name.startsWith(PUBLIC_CORPUS));
    else if (inPublic && (t.mode === 'skip' || t.result?.state === 'skip')) n++;
  }
  return n;
}

/**
 * A describe over the public corpus: runs when ../shared/fixtures is there, is skipped otherwise.
 * Call it at the top level of a test file. When the corpus is absent, the file warns once, after
 * its tests, how many public-corpus cases it skipped and why.
 */
/**
 * The title of a public-corpus suite, which its file declares skipped when the corpus is absent:
 * `describe.skipIf(!HAS_SHARED)(publicCorpus('...'), ...)`. When absent, the file also prints once
 * how many of its public-corpus cases were skipped and why.
 */
export function publicCorpus(name: string): string {
  if (!HAS_SHARED && !warningRegistered) {
    warningRegistered = true;
    afterAll(({}, file) => {
      const n = skippedPublic(file as RunnerTestSuite);
      const where = 'filepath' in file ? relative(process.cwd(), String(file.filepath)) : file.name;
      console.warn(
        `${process.env.SHARED_DIR ? FIXTURES : '../shared/fixtures'} not found: ${n} public-corpus cases skipped in ${where} (the repository's own fixtures, test/fixtures, ran; clone the shared folder beside the repository or set SHARED_DIR to run them)`,
      );
    });
  }
  return `${PUBLIC_CORPUS}: ${name}`;
}
