/**
 * `npm run bench:html-text`: how long htmlToText (functions/domain/html-text.ts) takes on a
 * stranger's 1 MB of hostile HTML (unclosed tags, comments, quotes, references), one input per
 * pattern. It must stay linear: the check fails when one takes more than 2 s per MB. Moved
 * here from the unit tests (issue 23): a time limit in a test fails on a busy machine; what
 * each input gives is asserted exactly in test/unit/email-parsing.test.ts.
 */
import { htmlToText } from '../functions/domain/html-text.ts';

const LIMIT_MS = 2_000;
const UNITS = ['<a ', '<!--', '<script', '<p class="', '<a href=', '<', '&#', '&amp', '<br>', '<li>', '<a href="https://x.example">x'];
let slowest = 0;
console.log('| input (1 MB of) | ms |');
console.log('|---|---|');
for (const unit of UNITS) {
  const html = unit.repeat(Math.ceil(1_000_000 / unit.length));
  const t = performance.now();
  htmlToText(html);
  const ms = performance.now() - t;
  slowest = Math.max(slowest, ms);
  console.log(`| \`${unit}\` | ${ms.toFixed(0)} |`);
}
console.log(`\nslowest ${slowest.toFixed(0)} ms per MB (limit ${LIMIT_MS} ms)`);
process.exit(slowest <= LIMIT_MS ? 0 : 1);
