/**
 * HTML to plain text, for mail that has an HTML body only (web mail, some phone clients):
 * what the complaint's description says is what the customer saw in their mail program.
 *
 * postal-mime (the function's MIME parser) gives such a message's `html` and no `text`; its
 * own converter is not exported, and the libraries that do this well (html-to-text, with
 * htmlparser2 and the entities tables) are what made the EmailIntake bundle big. So this is a
 * small converter of our own: one pass over the input, in time linear in its length whatever
 * it holds (unclosed tags, comments and quotes included - a message is a stranger's input).
 *
 *  - Not shown, so not text: comments, <script>, <style>, <title>, <template>, and everything
 *    from an unclosed one to the end (as a browser does); <!DOCTYPE>, <![CDATA[]]> and <?...?>.
 *  - Whitespace is collapsed as HTML renders it (except inside <pre>); block elements start
 *    new lines, paragraphs, headings, lists, tables and quotes are set apart by a blank line,
 *    <br> is a line break, list items start with "- ", table cells are separated by a space.
 *  - A link keeps its target after its text, "text (https://...)", unless the text shows it
 *    already: the address a customer was sent to is part of the complaint (phishing, fees).
 *  - Character references: every numeric one; named ones of HTML 4 (Latin-1, the typographic
 *    punctuation, the euro), which are what mail programs write. Others stay as written, and
 *    names are looked up in a map without a prototype: "&constructor;" is not an entity.
 *    References to no character (0, surrogates, beyond U+10FFFF) become nothing.
 */

/** Elements whose content is never shown; from an unclosed one, nothing more is. */
const HIDDEN = new Set(['script', 'style', 'title', 'template', 'noembed', 'noframes']);
/** Elements set apart by a blank line. */
const PARAGRAPH = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'ul', 'ol', 'dl', 'table', 'hr', 'figure', 'fieldset']);
/** Elements on lines of their own. */
const BLOCK = new Set([
  'div',
  'li',
  'tr',
  'dt',
  'dd',
  'section',
  'article',
  'header',
  'footer',
  'nav',
  'aside',
  'main',
  'address',
  'center',
  'form',
  'figcaption',
  'caption',
  'details',
  'summary',
  'legend',
  'thead',
  'tbody',
  'tfoot',
  'html',
  'body',
  'option',
]);

// Named character references: HTML 4's (U+00A0..U+00FF in order, then the rest by code point).
const LATIN1 = (
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para ' +
  'middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc ' +
  'Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig ' +
  'agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc ' +
  'otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml'
).split(' ');
const OTHER: [string, number][] = [
  ['quot', 34],
  ['amp', 38],
  ['apos', 39],
  ['lt', 60],
  ['gt', 62],
  ['OElig', 338],
  ['oelig', 339],
  ['Scaron', 352],
  ['scaron', 353],
  ['Yuml', 376],
  ['fnof', 402],
  ['circ', 710],
  ['tilde', 732],
  ['ensp', 8194],
  ['emsp', 8195],
  ['thinsp', 8201],
  ['zwnj', 8204],
  ['zwj', 8205],
  ['lrm', 8206],
  ['rlm', 8207],
  ['ndash', 8211],
  ['mdash', 8212],
  ['lsquo', 8216],
  ['rsquo', 8217],
  ['sbquo', 8218],
  ['ldquo', 8220],
  ['rdquo', 8221],
  ['bdquo', 8222],
  ['dagger', 8224],
  ['Dagger', 8225],
  ['bull', 8226],
  ['hellip', 8230],
  ['permil', 8240],
  ['prime', 8242],
  ['Prime', 8243],
  ['lsaquo', 8249],
  ['rsaquo', 8250],
  ['oline', 8254],
  ['frasl', 8260],
  ['euro', 8364],
  ['trade', 8482],
  ['larr', 8592],
  ['uarr', 8593],
  ['rarr', 8594],
  ['darr', 8595],
  ['harr', 8596],
  ['minus', 8722],
  ['infin', 8734],
  ['asymp', 8776],
  ['ne', 8800],
  ['le', 8804],
  ['ge', 8805],
];
export const NAMED_ENTITIES: Readonly<Record<string, string>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, string>, {
    ...Object.fromEntries(LATIN1.map((name, i) => [name, String.fromCharCode(0xa0 + i)])),
    ...Object.fromEntries(OTHER.map(([name, code]) => [name, String.fromCharCode(code)])),
  }),
);
/** Written in capitals too (HTML 5 knows &AMP;, &LT;, ...). */
const CASELESS = new Set(['amp', 'lt', 'gt', 'quot', 'apos', 'nbsp', 'copy', 'reg']);

const REFERENCE = /&(?:#[xX]([0-9a-fA-F]+)|#(\d+)|([A-Za-z][A-Za-z0-9]*));?/g;

/** Decodes character references (see the top of the file); unknown names stay as written. */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(REFERENCE, (m, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    if (name !== undefined) {
      if (!m.endsWith(';')) return m;
      return NAMED_ENTITIES[name] ?? (CASELESS.has(name.toLowerCase()) ? NAMED_ENTITIES[name.toLowerCase()] : undefined) ?? m;
    }
    const code = hex !== undefined ? parseInt(hex, 16) : Number(dec);
    return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : '';
  });
}

const TAG_NAME = /[A-Za-z][A-Za-z0-9:-]*/y;
const HREF = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i;

/** Where the tag opened at `from` (just after its name) ends: the index of its `>`, quotes respected; -1 if never. */
function tagEnd(html: string, from: number): number {
  let afterEquals = false;
  for (let i = from; i < html.length; i++) {
    const c = html[i];
    if (c === '>') return i;
    if ((c === '"' || c === "'") && afterEquals) {
      const close = html.indexOf(c, i + 1);
      if (close < 0) return -1;
      i = close;
      afterEquals = false;
    } else if (c === '=') afterEquals = true;
    else if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r' && c !== '\f') afterEquals = false;
  }
  return -1;
}

export function htmlToText(html: string): string {
  const out: string[] = [];
  let breaks = 0; // line breaks owed before the next text
  let started = false; // any text written yet
  let atLineStart = true;
  let pre = 0; // depth of <pre>
  let link: { href: string; from: number } | undefined;

  const write = (raw: string) => {
    let s = pre ? raw.replace(/\r\n?/g, '\n') : raw.replace(/[ \t\n\r\f]+/g, ' ');
    if (!pre && (atLineStart || breaks)) s = s.replace(/^ /, '');
    if (!s) return;
    s = decodeEntities(s).replace(/\u00A0/g, ' ');
    if (breaks && started) out.push('\n'.repeat(Math.min(breaks, 2)));
    breaks = 0;
    out.push(s);
    started = true;
    atLineStart = s.endsWith('\n');
  };
  const lineBreaks = (n: number) => {
    breaks = Math.max(breaks, n);
    atLineStart = true;
  };

  let i = 0;
  const n = html.length;
  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      write(html.slice(i));
      break;
    }
    if (lt > i) write(html.slice(i, lt));
    const next = html[lt + 1];
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      if (end < 0) break; // an unclosed comment hides the rest
      i = end + 3;
      continue;
    }
    if (next === '!' || next === '?') {
      // <!DOCTYPE>, <![CDATA[...]]>, <![endif]>, <?xml ...?>
      const end = html.indexOf('>', lt + 2);
      if (end < 0) break;
      i = end + 1;
      continue;
    }
    const closing = next === '/';
    TAG_NAME.lastIndex = lt + (closing ? 2 : 1);
    const name = TAG_NAME.exec(html)?.[0].toLowerCase();
    if (!name) {
      write('<');
      i = lt + 1;
      continue;
    } // "a < b": text
    const end = tagEnd(html, TAG_NAME.lastIndex);
    if (end < 0) break; // a tag cut off at the end of the input
    i = end + 1;
    if (!closing && HIDDEN.has(name)) {
      const close = new RegExp(`</${name}[\\s/>]`, 'ig');
      close.lastIndex = i;
      const found = close.exec(html);
      if (!found) break;
      const gt = html.indexOf('>', found.index);
      if (gt < 0) break;
      i = gt + 1;
      continue;
    }
    if (name === 'br') {
      breaks++;
      atLineStart = true;
      continue;
    }
    if (name === 'pre') pre = Math.max(0, pre + (closing ? -1 : 1));
    if (PARAGRAPH.has(name)) lineBreaks(2);
    else if (BLOCK.has(name)) lineBreaks(1);
    else if ((name === 'td' || name === 'th') && !closing && !atLineStart) out.push(' ');
    if (name === 'li' && !closing) {
      write('- ');
      atLineStart = true;
    }
    if (name === 'a') {
      if (!closing) {
        const h = HREF.exec(html.slice(lt, end));
        const href = h ? decodeEntities(h[1] ?? h[2] ?? h[3]).trim() : '';
        link = /^https?:\/\/\S+$/i.test(href) ? { href, from: out.length } : undefined;
      } else if (link) {
        const text = out.slice(link.from).join('');
        const bare = link.href.replace(/^https?:\/\//i, '').replace(/\/$/, '');
        if (!text.includes(bare)) write(` (${link.href})`);
        link = undefined;
      }
    }
  }
  return out
    .join('')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
