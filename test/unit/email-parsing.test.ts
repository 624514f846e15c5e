/**
 * The EmailIntake function's MIME parser - postal-mime, through parseEmail - checked against a
 * second, independent parser: mailparser (what the function used before; it stays the parser
 * of the tests and of the local SMTP intake). The same facts come out of every message of our
 * own (test/fixtures/email) and every real message of the public corpus (shared/fixtures/email,
 * when it is beside the repository), apart from the differences listed below, each one decided. Then what
 * postal-mime does its own way, and how the intake handles it: charsets (TextDecoder, full ICU),
 * HTML-only mail (postal-mime gives no text: htmlToText), attachments' types and names,
 * addresses, threading headers, the Date of forwarded messages, and the parser's limits.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser, type AddressObject, type EmailAddress } from 'mailparser';
import { describe, expect, it } from 'vitest';
import {
  buildDescription,
  cleanText,
  composeBody,
  planAttachments,
  referenceCandidates,
  screenEmail,
  type EmailAttachment,
  type EmailFacts,
  type ForwardedMessage,
  type Mailbox,
} from '../../functions/domain/email-intake.ts';
import { decodeEntities, htmlToText, NAMED_ENTITIES } from '../../functions/domain/html-text.ts';
import type { AttachmentStore } from '../../functions/domain/ports.ts';
import { REGIONS } from '../../functions/domain/regions.ts';
import { ATTACHMENT_TYPES } from '../../functions/contract/submit-complaint.schema.ts';
import { ManualClock } from '../../functions/shared/clock.ts';
// The header map is the product's: it only unfolds raw header lines, which each parser gives alike.
import { contentTypeOf, headerMap, parseEmail, receiveEmail } from '../../functions/use-cases/intake/receive-email.ts';
import { FakeInbound, FakeRepository, FakeWorkflow } from '../support/fakes.ts';
import { OWN_EMAIL_FILES, OWN_FIXTURES, FIXTURES as SHARED_FIXTURES, SHARED_EMAIL_FILES, HAS_SHARED, publicCorpus } from '../support/shared.ts';
import { productionCalendar } from '../support/calendars.ts';

const FIXTURES = join(SHARED_FIXTURES, 'email');
const fixtureFiles = SHARED_EMAIL_FILES;
const fixture = (name: string) => readFileSync(join(FIXTURES, name));
/** The repository's own messages: always there. */
const own = (name: string) => readFileSync(join(OWN_FIXTURES, 'email', name));

// ---------------------------------------------------------------------------------------
// The oracle: mailparser's parse turned into the same facts (the function's code before postal-mime).

function mailboxes(a: AddressObject | AddressObject[] | undefined): Mailbox[] {
  const flat = (xs: EmailAddress[]): EmailAddress[] => xs.flatMap((x) => (x.group ? flat(x.group) : [x]));
  return (Array.isArray(a) ? a : a ? [a] : []).flatMap((o) => flat(o.value)).map((m) => ({ address: (m.address ?? '').trim(), name: (m.name ?? '').trim() }));
}

async function oracle(raw: Buffer, depth = 0): Promise<EmailFacts> {
  const parsed = await simpleParser(raw, { keepDeliveryStatus: true });
  const contentType = parsed.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const forwarded: ForwardedMessage[] = [];
  const attachments: EmailAttachment[] = [];
  const nested: EmailAttachment[] = [];
  for (const a of parsed.attachments) {
    const type = (a.contentType ?? 'application/octet-stream').toLowerCase();
    if (type === 'message/rfc822' && depth < 5) {
      const inner = await oracle(a.content, depth + 1);
      const from = inner.from?.address || inner.from?.name ? inner.from : undefined;
      forwarded.push(
        { subject: inner.subject, from: from ? (from.name ? `${from.name} <${from.address}>` : from.address) : '', date: inner.headers.date, text: inner.text },
        ...inner.forwarded,
      );
      nested.push(...inner.attachments);
    } else {
      attachments.push({ filename: a.filename, contentType: type, size: a.content.length, content: new Uint8Array(a.content) });
    }
  }
  return {
    subject: parsed.subject ?? '',
    from: mailboxes(parsed.from)[0],
    headers: headerMap(parsed.headerLines),
    contentType: (contentType?.value ?? 'text/plain').toLowerCase(),
    reportType: contentType?.params?.['report-type'],
    partTypes: parsed.attachments.map((a) => (a.contentType ?? '').toLowerCase()),
    text: parsed.text?.trim() ? parsed.text : typeof parsed.html === 'string' ? htmlToText(parsed.html) : '',
    forwarded,
    attachments: [...attachments, ...nested],
  };
}

/** What the decisions read, with text as the intake uses it (cleaned) and attachments by name, type and bytes. */
function comparable(f: EmailFacts) {
  return {
    subject: f.subject,
    from: f.from,
    headers: f.headers,
    contentType: f.contentType,
    reportType: f.reportType,
    partTypes: f.partTypes,
    text: cleanText(f.text),
    forwarded: f.forwarded.map((m) => ({ ...m, text: cleanText(m.text) })),
    attachments: f.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      size: a.content.length,
      sha1: createHash('sha1').update(a.content).digest('hex'),
    })),
  };
}
type Comparable = ReturnType<typeof comparable>;

/**
 * Where the two parsers differ on the real messages, and what we decided. Each entry turns
 * mailparser's facts into ours; anything else that differs fails the test.
 */
const DIFFERENCES: Record<string, { why: string; apply: (o: Comparable) => void }> = {
  'example_attachment.eml': {
    why: 'a part declared application/octet-stream named .txt: mailparser replaced the type by one guessed from the name; postal-mime keeps the declared type. Whether an attachment is kept is decided by its content, so nothing else changes',
    apply: (o) => {
      o.attachments[0].contentType = 'application/octet-stream';
      o.partTypes = ['application/octet-stream'];
    },
  },
  'mixed_filename.eml': {
    why: 'the same, for an .xlsx (skipped either way: not an accepted type)',
    apply: (o) => {
      o.attachments[0].contentType = 'application/octet-stream';
      o.partTypes = ['application/octet-stream'];
    },
  },
  'issue-410.eml': {
    why: 'an attachment part without Content-Type: text/plain, as RFC 2045 says (postal-mime); mailparser said application/octet-stream',
    apply: (o) => {
      o.attachments[0].contentType = 'text/plain';
      o.partTypes = ['text/plain'];
    },
  },
  'pec.eml': {
    why: 'a message/rfc822 part without Content-Disposition: mailparser wrote it into the body text; we keep it a forwarded message (with its own subject, sender and date), like every other - the description holds its text either way',
    apply: (o) => {
      o.text = 'Signed';
      o.forwarded = [{ subject: 'test-subject', from: 'test@example.com', date: 'Mon, 2 Oct 2017 12:13:50 +0200', text: 'test-content' }];
      o.partTypes = ['application/xml', 'message/rfc822', 'application/x-pkcs7-signature'];
    },
  },
  'example_bounce.eml': {
    why: 'the message/delivery-status part keeps its last line break with postal-mime (261 bytes, not 260); the part only marks the bounce',
    apply: (o) => {
      o.attachments[0].size = 261;
      o.attachments[0].sha1 = expect.any(String) as unknown as string;
    },
  },
};

/** The same, on our own messages: where the two parsers differ, and what we decided. */
const OWN_DIFFERENCES: Record<string, { why: string; apply: (o: Comparable) => void }> = {
  'dsn-bounce-acknowledgement.eml': {
    why: 'the report\'s parts (message/delivery-status, text/rfc822-headers) are not base64: postal-mime gives them LF line ends, mailparser kept CRLF (see "attachments" below); the parts only mark the bounce',
    apply: (o) => {
      o.attachments[0].size = 216;
      o.attachments[0].sha1 = expect.any(String) as unknown as string;
      o.attachments[1].size = 118;
      o.attachments[1].sha1 = expect.any(String) as unknown as string;
    },
  },
  'html-only-mortgage-statement.eml': {
    why: "HTML-only: mailparser's html-to-text wraps lines at 80 columns and keeps &nbsp; as U+00A0; htmlToText keeps a paragraph on one line, &nbsp; a space; the words are the same",
    apply: (o) => {
      o.text = o.text.replace('it left\nmy account on 1\u00a0February', 'it left my account on 1 February');
    },
  },
};

describe('postal-mime against mailparser, on our own messages', () => {
  it.each(OWN_EMAIL_FILES)('%s: the same facts (or a difference listed and decided)', async (file) => {
    const ours = comparable(await parseEmail(own(file)));
    const theirs = comparable(await oracle(own(file)));
    OWN_DIFFERENCES[file]?.apply(theirs);
    expect(ours).toEqual(theirs);
  });

  it('lists only differences that exist', () => {
    expect(Object.keys(OWN_DIFFERENCES).every((f) => OWN_EMAIL_FILES.includes(f))).toBe(true);
  });

  it("forwarded-inline-signed-receipt.eml: the inline forwarded message's content reaches the description either way", async () => {
    const f = await parseEmail(own('forwarded-inline-signed-receipt.eml'));
    expect(buildDescription(f.subject, composeBody(f.text, f.forwarded))).toContain('My card was blocked in Lyon');
    const o = await oracle(own('forwarded-inline-signed-receipt.eml'));
    expect(buildDescription(o.subject, composeBody(o.text, o.forwarded))).toContain('My card was blocked in Lyon');
  });

  it('decodes GBK, Big5 and ISO-2022-JP bodies and encoded words as mailparser does', async () => {
    for (const [file, subject, text] of [
      ['gbk-debit-card-double-charge.eml', '借记卡重复扣款投诉', '我的借记卡（尾号 6208）'],
      ['big5-atm-card-retained.eml', '提款機吞卡未歸還', '我的提款卡三月二日'],
      ['iso-2022-jp-transfer-fee.eml', '振込手数料の二重引き落とし', '手数料が二重に引き落とされました'],
    ]) {
      const f = await parseEmail(own(file));
      const o = await oracle(own(file));
      expect([f.subject, o.subject], file).toEqual([subject, subject]);
      expect(cleanText(f.text), file).toContain(text);
      expect(cleanText(o.text), file).toContain(text);
    }
  });
});

describe.skipIf(!HAS_SHARED)(publicCorpus('postal-mime against mailparser, on the 32 real messages'), () => {
  it.each(fixtureFiles)('%s: the same facts (or a difference listed and decided)', async (file) => {
    const ours = comparable(await parseEmail(fixture(file)));
    const theirs = comparable(await oracle(fixture(file)));
    DIFFERENCES[file]?.apply(theirs);
    expect(ours).toEqual(theirs);
  });

  it('lists only differences that exist', () => {
    expect(Object.keys(DIFFERENCES).every((f) => fixtureFiles.includes(f))).toBe(true);
  });

  it("pec.eml: the signed message's content reaches the description either way", async () => {
    const f = await parseEmail(fixture('pec.eml'));
    expect(buildDescription(f.subject, composeBody(f.text, f.forwarded))).toContain('test-content');
    const o = await oracle(fixture('pec.eml'));
    expect(buildDescription(o.subject, composeBody(o.text, o.forwarded))).toContain('test-content');
  });
});

// ---------------------------------------------------------------------------------------
// Hand-made messages

function eml(o: { from?: string; subject?: string; headers?: string[]; contentType?: string; cte?: string; body?: string }): Buffer {
  return Buffer.from(
    [
      `From: ${o.from ?? '"Li Wei" <li.wei@example.com>'}`,
      'To: complaints@bank.example.cn',
      `Subject: ${o.subject ?? 'Complaint'}`,
      'Date: Mon, 02 Mar 2026 09:00:00 +0800',
      'Message-ID: <abc123@example.com>',
      'MIME-Version: 1.0',
      ...(o.headers ?? []),
      `Content-Type: ${o.contentType ?? 'text/plain; charset=utf-8'}`,
      `Content-Transfer-Encoding: ${o.cte ?? '8bit'}`,
      '',
      o.body ?? 'My card was charged twice.',
      '',
    ].join('\r\n'),
    'utf8',
  );
}

function multipart(parts: string[], type = 'mixed', headers: string[] = []): Buffer {
  return Buffer.from(
    [
      'From: li.wei@example.com',
      'To: complaints@bank.example.cn',
      'Subject: Complaint',
      'MIME-Version: 1.0',
      ...headers,
      `Content-Type: multipart/${type}; boundary="b"`,
      '',
      ...parts.flatMap((p) => ['--b', p]),
      '--b--',
      '',
    ].join('\r\n'),
    'utf8',
  );
}

const b64 = (b: Uint8Array | string) => Buffer.from(b).toString('base64');
const PDF = Buffer.from('%PDF-1.4 statement');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

/**
 * Text in each character set, as its bytes (base64; made with iconv-lite, mailparser's
 * decoder). postal-mime decodes with TextDecoder, which needs Node's full ICU - the Lambda
 * Node.js 22 runtime has it, as the official Node builds do.
 */
const CHARSETS: [string, string, string][] = [
  ['GBK', 'ztK1xNDF08O/qLG71ti4tL/bt9GjrMfrzcu/7qGj', '我的信用卡被重复扣费，请退款。'],
  ['GB2312', 'zbbL36O619S2r7/bv+4=', '投诉：自动扣款'],
  ['GB18030', '1cu7p7G7trO94ZUygjai46Osx+u0psDt', '账户被冻结𠀀€，请处理'], // four-byte sequences (U+20000, and € outside GBK's single byte)
  ['x-gbk', 'v9u30Q==', '扣费'],
  ['cp936', 'v9u30Q==', '扣费'],
  ['Big5', 'p9qquqtIpc6lZLNRrau9xqaptNqhQb3QsGi02qFD', '我的信用卡被重複扣款，請退款。'],
  ['ISO-2022-JP', b64(Buffer.from([0x1b, 0x24, 0x42, 0x24, 0x33, 0x24, 0x73, 0x24, 0x4b, 0x24, 0x41, 0x24, 0x4f, 0x1b, 0x28, 0x42])), 'こんにちは'],
  ['Shift_JIS', 'jPuNwIKqk4CMi4KzguqC3IK1gr0=', '口座が凍結されました'],
  ['EUC-JP', 'v7a5/rzqv/TOwaTLpMSkpKTG', '振込手数料について'],
  ['EUC-KR', 'xKu15bChILXOILn4IMO7sbi1x776vcC0z7TZ', '카드가 두 번 청구되었습니다'],
  ['ks_c_5601-1987', 'yLi/+LTUsrIguN69w8H2', '회원님께 메시지'],
  ['windows-1252', 'RnJhaXMgZmFjdHVy6XMgZGV1eCBmb2lzIJYgbWVyY2kgk3ZpdGWU', 'Frais facturés deux fois – merci “vite”'],
  ['ISO-8859-1', 'R2Vi/GhyIGRvcHBlbHQgYmVyZWNobmV0', 'Gebühr doppelt berechnet'],
  ['ISO-8859-2', 'T3CzYXRhIHBvYnJhbmEgZHd1a3JvdG5pZQ==', 'Opłata pobrana dwukrotnie'],
  ['KOI8-R', '5NfPys7PxSDT0MnTwc7JxQ==', 'Двойное списание'],
  ['windows-1251', '0eLl5ujpIO/w4OnxLevo8fI=', 'Свежий прайс-лист'],
  ['TIS-620', 'pOjSuMPDweC51cLB', 'ค่าธรรมเนียม'],
];

describe('charsets', () => {
  it.each(CHARSETS)('%s: body and encoded-word subject decoded, as mailparser decodes them', async (charset, bytes, text) => {
    const raw = eml({ subject: `=?${charset}?B?${bytes}?=`, contentType: `text/plain; charset=${charset}`, cte: 'base64', body: bytes });
    const f = await parseEmail(raw);
    expect(f.subject).toBe(text);
    expect(cleanText(f.text)).toBe(text);
    const o = await oracle(raw);
    expect([o.subject, cleanText(o.text)]).toEqual([text, text]);
  });

  it('decodes quoted-printable GBK, a GBK display name, and GBK / UTF-8 file names (RFC 2231 and encoded words)', async () => {
    const qp = [...Buffer.from('ztK1xNDF08O/qLG71ti4tL/bt9GjrMfrzcu/7qGj', 'base64')].map((c) => `=${c.toString(16).toUpperCase().padStart(2, '0')}`).join('');
    const raw = multipart([
      `Content-Type: text/plain; charset=GBK\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${qp}`,
      `Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename*=gbk''%B6%D4%D5%CB%B5%A5.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64(PDF)}`,
      `Content-Type: application/pdf; name="=?UTF-8?B?${b64('对账单二.pdf')}?="\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64(PDF)}`,
    ])
      .toString('utf8')
      .replace('From: li.wei@example.com', 'From: =?GBK?B?wO7OsA==?= <li.wei@example.com>');
    const f = await parseEmail(Buffer.from(raw));
    expect(f.from).toEqual({ address: 'li.wei@example.com', name: '李伟' });
    expect(cleanText(f.text)).toBe('我的信用卡被重复扣费，请退款。');
    expect(f.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['对账单.pdf', 'application/octet-stream'],
      ['对账单二.pdf', 'application/pdf'],
    ]);
    // Kept by their content, under their names.
    expect(planAttachments(f.attachments, { allowedTypes: ATTACHMENT_TYPES, maxBytes: 1e6, maxCount: 5 }).keep.map((k) => [k.name, k.contentType])).toEqual([
      ['对账单.pdf', 'application/pdf'],
      ['对账单二.pdf', 'application/pdf'],
    ]);
  });

  it('an unknown charset label decodes as windows-1252 instead of failing: the message is still read', async () => {
    const f = await parseEmail(eml({ contentType: 'text/plain; charset=x-unknown-charset', body: 'Charged twice' }));
    expect(cleanText(f.text)).toBe('Charged twice');
  });
});

// ---------------------------------------------------------------------------------------
// HTML-only mail

/**
 * The words mailparser's converter (html-to-text) shows that ours does not: its words (letters
 * and digits) looked up in ours without separators - it writes headings in capitals, links as
 * "text [url]", and glues table cells together ("DateAmount").
 */
const missingWords = (theirs: string, ours: string) => {
  const letters = ours.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
  return theirs
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w && !letters.includes(w));
};

const OUTLOOK = `<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta http-equiv=Content-Type content="text/html; charset=utf-8">
<!--[if !mso]><style>v\\:* {behavior:url(#default#VML);}</style><![endif]--><style><!--
p.MsoNormal {margin:0cm;}
--></style><!--[if gte mso 9]><xml><o:shapedefaults v:ext="edit" spidmax="1026" /></xml><![endif]--></head>
<body lang=EN-GB link="#0563C1" style='word-wrap:break-word'><div class=WordSection1><p class=MsoNormal>Dear Sir or Madam,<o:p></o:p></p>
<p class=MsoNormal><o:p>&nbsp;</o:p></p><p class=MsoNormal>I was charged a &pound;25 fee twice on my
current account ending 4471 on 1&nbsp;March. Please refund one of them.<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p>
<p class=MsoNormal>Kind regards,<o:p></o:p></p><p class=MsoNormal>Jane O&#8217;Brien<o:p></o:p></p></div></body></html>`;
const GMAIL = `<div dir="ltr"><div>Hello,</div><div><br></div><div>My card was <b>blocked</b> at the ATM. See <a href="https://bank.example.com/fees?a=1&amp;b=2">your fee page</a>
and <a href="https://example.com">https://example.com</a>.</div><div><br></div><ul><li>First charge: 10 EUR</li><li>Second charge: 10 EUR</li></ul><div>Thanks<br>Li</div></div>`;
const QQ = `<meta http-equiv="Content-Type" content="text/html; charset=GB18030"><div>您好：</div><div>&nbsp; &nbsp; 我的信用卡被重复扣费，请退款。</div><div><br></div>
<div style="font-size: 12px;">------------------&nbsp;原始邮件&nbsp;------------------</div><div><b>发件人:</b>&nbsp;"银行"&lt;service@bank.example.cn&gt;;</div>`;
const TABLE = `<table><tr><th>Date</th><th>Amount</th></tr><tr><td>1 March</td><td>&euro;10.00</td></tr></table><p>Total &gt; &euro;20 &amp; rising</p>
<h1>Heading</h1><pre>  line 1\n    line 2</pre><script>alert("x")</script><!-- hidden --><p>end &copy; 2026 &unknown; &#x1F600;</p>`;

describe('HTML-only mail: postal-mime gives no text, htmlToText makes it', () => {
  it("an HTML-only message's text is what its HTML shows", async () => {
    const f = await parseEmail(eml({ contentType: 'text/html; charset=utf-8', body: GMAIL }));
    expect(f.text).toBe(
      [
        'Hello,',
        '',
        'My card was blocked at the ATM. See your fee page (https://bank.example.com/fees?a=1&b=2) and https://example.com.',
        '',
        '- First charge: 10 EUR',
        '- Second charge: 10 EUR',
        '',
        'Thanks',
        'Li',
      ].join('\n'),
    );
    expect(screenEmail(f)).toEqual({ accept: true });
  });

  it.each([
    ['Outlook', OUTLOOK],
    ['Gmail', GMAIL],
    ['QQ Mail', QQ],
    ['a table, a heading, pre, script and entities', TABLE],
  ])('%s: every word mailparser (html-to-text) shows is in ours, and nothing hidden is', async (_name, html) => {
    const raw = eml({ contentType: 'text/html; charset=utf-8', body: html });
    const ours = (await parseEmail(raw)).text;
    const theirs = (await simpleParser(raw)).text ?? '';
    expect(missingWords(theirs, ours)).toEqual([]);
    expect(ours).not.toMatch(/MsoNormal|behavior|spidmax|alert|hidden|<\/?(?:html|head|body|meta|style|script|div|p|b|a|ul|li|table|tr|td|o:p)\b|<!|\bp\./i);
  });

  it("sets out paragraphs, line breaks, lists, tables and pre; collapses the source's whitespace", () => {
    expect(htmlToText(OUTLOOK)).toBe(
      'Dear Sir or Madam,\n\nI was charged a £25 fee twice on my current account ending 4471 on 1 March. Please refund one of them.\n\nKind regards,\n\nJane O’Brien',
    );
    expect(htmlToText(TABLE)).toBe('Date Amount\n1 March €10.00\n\nTotal > €20 & rising\n\nHeading\n\n  line 1\n    line 2\n\nend © 2026 &unknown; 😀');
    expect(htmlToText(QQ)).toBe(
      '您好：\n    我的信用卡被重复扣费，请退款。\n\n------------------ 原始邮件 ------------------\n发件人: "银行"<service@bank.example.cn>;',
    );
    expect(htmlToText('<p>a</p><p>b</p><div>c</div><div>d</div>x<br>y<br><br>z')).toBe('a\n\nb\n\nc\nd\nx\ny\n\nz');
  });

  it("keeps a link's address after its text, unless the text shows it", () => {
    expect(htmlToText('<a href="https://pay.example.net/x">Pay here</a>')).toBe('Pay here (https://pay.example.net/x)');
    expect(htmlToText('<a href="https://example.com/">https://example.com</a>')).toBe('https://example.com');
    expect(htmlToText('<a href="mailto:a@example.com">write to us</a> <a href="#top">top</a>')).toBe('write to us top');
    expect(htmlToText('<a title="a > b" href=\'https://x.example/?q="1"\'>x</a>')).toBe('x (https://x.example/?q="1")');
  });

  it('hides what a mail program hides: comments, scripts, styles, the title, and everything after an unclosed one', () => {
    expect(htmlToText('<title>T</title><style>p{}</style>a<!-- b -->c<script>d</script>e')).toBe('ace');
    expect(htmlToText('a<!-- never closed <p>b</p>')).toBe('a');
    expect(htmlToText('a<script>b')).toBe('a');
    expect(htmlToText('<!DOCTYPE html><?xml version="1.0"?><![CDATA[x]]>a')).toBe('a');
    expect(htmlToText('1 < 2 and 3 > 2, a <b')).toBe('1 < 2 and 3 > 2, a');
  });

  it("decodes character references: numeric ones, HTML 4's names, capitals of the basic ones; others stay as written", () => {
    expect(Object.keys(NAMED_ENTITIES)).toHaveLength(96 + 52);
    expect([NAMED_ENTITIES.nbsp, NAMED_ENTITIES.yuml, NAMED_ENTITIES.Agrave]).toEqual(['\u00A0', 'ÿ', 'À']);
    expect(decodeEntities('&eacute;&Eacute;&mdash;&hellip;&euro;&AMP;&LT;&#65;&#x42;&#67')).toBe('éÉ—…€&<ABC');
    expect(decodeEntities('&constructor; &toString; &__proto__; &copy &nosuch; AT&T')).toBe('&constructor; &toString; &__proto__; &copy &nosuch; AT&T');
    expect(decodeEntities('&#0;&#xD800;&#x110000;&#99999999999999999999;')).toBe('');
  });

  it("reads a stranger's 1 MB of unclosed tags, comments, quotes and references to the exact text (its speed: npm run bench:html-text)", () => {
    // What each 1 MB input gives, unit by unit (n repetitions). How long it takes is measured in
    // bench/html-text.ts: a time limit here would fail on a busy machine (issue 23).
    const cases: [string, (n: number) => string][] = [
      ['<a ', () => ''],
      ['<!--', () => ''],
      ['<script', () => ''],
      ['<p class="', () => ''],
      ['<a href=', () => ''],
      ['<', (n) => '<'.repeat(n)],
      ['&#', (n) => '&#'.repeat(n)],
      ['&amp', (n) => '&amp'.repeat(n)],
      ['<br>', () => ''],
      ['<li>', (n) => Array.from({ length: n }, () => '-').join('\n')],
      ['<a href="https://x.example">x', (n) => 'x'.repeat(n)],
    ];
    for (const [unit, expected] of cases) {
      const n = Math.ceil(1_000_000 / unit.length);
      expect(htmlToText(unit.repeat(n)) === expected(n), unit).toBe(true);
    }
  });

  it('a message with a text part and a separate HTML part (not alternatives) has both in its text: postal-mime converts that HTML itself', async () => {
    const f = await parseEmail(
      multipart(['Content-Type: text/plain; charset=utf-8\r\n\r\nPlain part', 'Content-Type: text/html; charset=utf-8\r\n\r\n<p>Html <b>part</b></p>']),
    );
    expect(cleanText(f.text)).toMatch(/^Plain part\n\nHtml part$/);
  });

  it('an alternative of text and HTML: the text part only', async () => {
    const f = await parseEmail(multipart(['Content-Type: text/plain\r\n\r\nThe text', 'Content-Type: text/html\r\n\r\n<p>The HTML</p>'], 'alternative'));
    expect(cleanText(f.text)).toBe('The text');
  });
});

// ---------------------------------------------------------------------------------------
// Attachments

describe('attachments', () => {
  it('a part with a name but no Content-Disposition, an inline image of multipart/related, a calendar invitation: attachments, not text', async () => {
    const f = await parseEmail(
      multipart([
        'Content-Type: multipart/related; boundary="r"\r\n\r\n--r\r\nContent-Type: text/html\r\n\r\n<p>Photo of the ATM:</p><img src="cid:atm@x">\r\n' +
          `--r\r\nContent-Type: image/png\r\nContent-ID: <atm@x>\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64(PNG)}\r\n--r--`,
        `Content-Type: application/pdf; name="statement.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64(PDF)}`,
        'Content-Type: text/calendar; method=REQUEST; charset=utf-8\r\n\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR',
        'Content-Type: text/plain; name="notes.txt"\r\nContent-Disposition: attachment\r\n\r\nNot the body',
      ]),
    );
    expect(cleanText(f.text)).toBe('Photo of the ATM:');
    expect(f.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      [undefined, 'image/png'],
      ['statement.pdf', 'application/pdf'],
      [undefined, 'text/calendar'],
      ['notes.txt', 'text/plain'],
    ]);
    // Parts not in base64 come with LF line ends, the last line's break kept (postal-mime reads them line by line).
    expect(f.attachments.map((a) => a.size)).toEqual([PNG.length, PDF.length, 30, 13]);
    const plan = planAttachments(f.attachments, { allowedTypes: ATTACHMENT_TYPES, maxBytes: 1e6, maxCount: 5 });
    expect(plan.keep.map((k) => [k.name, k.contentType])).toEqual([
      ['attachment-1.png', 'image/png'],
      ['statement.pdf', 'application/pdf'],
    ]);
    expect(plan.skipped.map((s) => [s.name, s.reason])).toEqual([
      ['attachment-3', 'type not allowed'],
      ['notes.txt', 'type not allowed'],
    ]);
  });

  it('a text part with a name but no Content-Disposition is body text (both parsers agree)', async () => {
    const raw = multipart(['Content-Type: text/plain\r\n\r\nBody', 'Content-Type: text/plain; name="notes.txt"\r\n\r\nNotes']);
    expect(cleanText((await parseEmail(raw)).text)).toBe('Body\n\nNotes');
    expect(cleanText((await oracle(raw)).text)).toBe('Body\nNotes');
    expect((await parseEmail(raw)).attachments).toEqual([]);
  });

  it('the declared type is what the part says (no guess from the file name); a PDF sent as application/octet-stream is kept as a PDF by its content', async () => {
    const f = await parseEmail(
      multipart([
        'Content-Type: text/plain\r\n\r\nSee attached',
        `Content-Type: application/octet-stream; name="statement.pdf"\r\nContent-Disposition: attachment; filename="statement.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64(PDF)}`,
      ]),
    );
    expect(f.attachments[0]).toMatchObject({ filename: 'statement.pdf', contentType: 'application/octet-stream' });
    expect(planAttachments(f.attachments, { allowedTypes: ATTACHMENT_TYPES, maxBytes: 1e6, maxCount: 5 }).keep).toEqual([
      { index: 0, name: 'statement.pdf', contentType: 'application/pdf', size: PDF.length },
    ]);
  });

  it('an attachment sent unencoded (8bit / binary) gets LF line ends from postal-mime (mailparser kept the bytes); base64, what mail programs send, is exact', async () => {
    const raw = multipart([
      'Content-Type: text/plain\r\n\r\nSee attached',
      'Content-Type: application/pdf; name="a.pdf"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n%PDF-1.4\r\nline 2',
      `Content-Type: application/pdf; name="b.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64('%PDF-1.4\r\nline 2')}`,
    ]);
    const [a, b] = (await parseEmail(raw)).attachments.map((x) => Buffer.from(x.content).toString('latin1'));
    expect([a, b]).toEqual(['%PDF-1.4\nline 2\n', '%PDF-1.4\r\nline 2']);
    expect((await oracle(raw)).attachments.map((x) => Buffer.from(x.content).toString('latin1'))).toEqual(['%PDF-1.4\r\nline 2', '%PDF-1.4\r\nline 2']);
  });

  it('a forwarded message inside forwarded messages is read 5 levels deep; below that it stays an attachment (skipped: not an accepted type)', async () => {
    let raw = 'From: level7@example.com\r\nSubject: level 7\r\nContent-Type: text/plain\r\n\r\ninnermost\r\n';
    for (let i = 6; i >= 1; i--) {
      raw = `From: level${i}@example.com\r\nSubject: level ${i}\r\nContent-Type: multipart/mixed; boundary="f${i}"\r\n\r\n--f${i}\r\nContent-Type: text/plain\r\n\r\ntext ${i}\r\n--f${i}\r\nContent-Type: message/rfc822\r\n\r\n${raw}\r\n--f${i}--\r\n`;
    }
    const f = await parseEmail(Buffer.from(raw));
    expect(f.forwarded.map((m) => m.subject)).toEqual(['level 2', 'level 3', 'level 4', 'level 5', 'level 6']);
    expect(f.attachments.map((a) => a.contentType)).toEqual(['message/rfc822']);
    expect(planAttachments(f.attachments, { allowedTypes: ATTACHMENT_TYPES, maxBytes: 1e6, maxCount: 5 }).skipped.map((s) => s.reason)).toEqual([
      'type not allowed',
    ]);
  });

  it('an inline message/rfc822 (no Content-Disposition) is a forwarded message too, not merged into the body (postal-mime would merge it)', async () => {
    const f = await parseEmail(
      multipart([
        'Content-Type: text/plain\r\n\r\nSee below',
        'Content-Type: message/rfc822\r\n\r\nFrom: Bank <noreply@bank.example>\r\nSubject: Your fee\r\nDate: Sun, 1 Mar 2026 10:00:00 +0000\r\n\r\nA fee of 25 GBP was charged.',
      ]),
    );
    expect(cleanText(f.text)).toBe('See below');
    expect(f.forwarded).toEqual([
      { subject: 'Your fee', from: 'Bank <noreply@bank.example>', date: 'Sun, 1 Mar 2026 10:00:00 +0000', text: expect.stringContaining('A fee of 25 GBP') },
    ]);
  });
});

// ---------------------------------------------------------------------------------------
// Addresses, threading headers, Date, bounces

describe('addresses: the first mailbox of From, as mailparser reads it', () => {
  it.each([
    ['"Li, Wei" <li.wei@example.com>', { address: 'li.wei@example.com', name: 'Li, Wei' }],
    ['li.wei@example.com (Li Wei)', { address: 'li.wei@example.com', name: 'Li Wei' }],
    ['=?UTF-8?B?5p2O5Lyf?= <li.wei@example.com>', { address: 'li.wei@example.com', name: '李伟' }],
    ['"=?UTF-8?Q?Li_Wei?=" <li.wei@example.com>', { address: 'li.wei@example.com', name: 'Li Wei' }],
    ['李伟 <li.wei@example.com>', { address: 'li.wei@example.com', name: '李伟' }],
    ['Li Wei <li.wei@例子.中国>', { address: 'li.wei@例子.中国', name: 'Li Wei' }],
    ['Team: a@example.com, "B" <b@example.com>;', { address: 'a@example.com', name: '' }],
    ['a@example.com, b@example.com', { address: 'a@example.com', name: '' }],
    ['<li.wei@example.com>', { address: 'li.wei@example.com', name: '' }],
    ['Li Wei <li.wei@example.com', { address: 'li.wei@example.com', name: 'Li Wei' }],
    ['Li Wei <li.wei@example.com> (comment)', { address: 'li.wei@example.com', name: 'Li Wei' }],
    ['Li Wei', { address: '', name: 'Li Wei' }],
    ['<>', { address: '', name: '' }],
    ['undisclosed-recipients:;', undefined],
  ])('%s', async (from, expected) => {
    const raw = eml({ from });
    expect((await parseEmail(raw)).from).toEqual(expected);
    expect((await oracle(raw)).from).toEqual(expected);
  });

  it('a quoted local part with a space: postal-mime drops the quotes, mailparser keeps them - neither is an address we can answer', async () => {
    const raw = eml({ from: '"li wei"@example.com' });
    expect((await parseEmail(raw)).from).toEqual({ address: 'li wei@example.com', name: '' });
    expect((await oracle(raw)).from).toEqual({ address: '"li wei"@example.com', name: '' });
    expect(screenEmail(await parseEmail(raw))).toEqual({ accept: false, reason: 'no sender address' });
    expect(screenEmail(await oracle(raw))).toEqual({ accept: false, reason: 'no sender address' });
  });
});

describe('threading headers', () => {
  it('Message-ID, In-Reply-To and References are read raw and unfolded (first occurrence), as before', async () => {
    const raw = eml({
      subject: `=?UTF-8?B?${b64('回复：关于 UK-2026-000009')}?=`,
      headers: [
        'In-Reply-To: <CN-2026-000042.7f3a@bank.example.cn> (our reply)',
        'References: <CN-2026-000040.a1@bank.example.cn>\r\n <other-id@mail.example.com>\r\n\t<CN-2026-000041.b2@bank.example.cn>',
        'References: <CN-2026-999999.zz@bank.example.cn>',
      ],
    });
    const f = await parseEmail(raw);
    expect(f.headers['message-id']).toBe('<abc123@example.com>');
    expect(f.headers['in-reply-to']).toBe('<CN-2026-000042.7f3a@bank.example.cn> (our reply)');
    expect(f.headers.references).toBe('<CN-2026-000040.a1@bank.example.cn> <other-id@mail.example.com> <CN-2026-000041.b2@bank.example.cn>');
    expect(referenceCandidates(f)).toEqual(['CN-2026-000042', 'CN-2026-000041', 'CN-2026-000040', 'UK-2026-000009']);
    expect(f.headers).toEqual((await oracle(raw)).headers);
  });
});

describe('the Date of a forwarded message', () => {
  it("is shown as written (postal-mime's own `date` is ISO, or the raw value when it does not parse)", async () => {
    const fwd = (date: string | undefined) =>
      multipart([
        'Content-Type: text/plain\r\n\r\nSee below',
        `Content-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\nFrom: bank@bank.example\r\nSubject: Fee\r\n${date === undefined ? '' : `Date: ${date}\r\n`}\r\nCharged.`,
      ]);
    expect((await parseEmail(fwd('Sun, 1 Mar 2026 10:00:00 +0800'))).forwarded[0].date).toBe('Sun, 1 Mar 2026 10:00:00 +0800');
    expect((await parseEmail(fwd('yesterday at noon'))).forwarded[0].date).toBe('yesterday at noon');
    const missing = await parseEmail(fwd(undefined));
    expect(missing.forwarded[0].date).toBeUndefined();
    expect(composeBody(missing.text, missing.forwarded)).toBe(
      'See below\n\n---------- Forwarded message ----------\nFrom: bank@bank.example\nSubject: Fee\n\nCharged.',
    );
  });
});

describe('the top-level Content-Type (bounces)', () => {
  it('type and report-type, however written', () => {
    expect(contentTypeOf(undefined)).toEqual({ type: 'text/plain' });
    expect(contentTypeOf('')).toEqual({ type: 'text/plain' });
    expect(contentTypeOf('Multipart/Report; Report-Type="delivery-status"; boundary="x"')).toEqual({ type: 'multipart/report', reportType: 'delivery-status' });
    expect(contentTypeOf('multipart/report;\r\n\treport-type=disposition-notification;boundary=x')).toEqual({
      type: 'multipart/report',
      reportType: 'disposition-notification',
    });
    expect(contentTypeOf('constructor')).toEqual({ type: 'constructor' });
  });

  it('a delivery-status report with the returned message: a bounce, its message an attachment of the report', async () => {
    const raw = multipart(
      [
        'Content-Type: text/plain\r\n\r\nDelivery failed.',
        'Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n\r\nFinal-Recipient: rfc822; x@example.com\r\nAction: failed\r\nStatus: 5.1.1',
        'Content-Type: message/rfc822\r\n\r\nFrom: li.wei@example.com\r\nSubject: Complaint\r\n\r\nOriginal text',
      ],
      'report; report-type=delivery-status',
    );
    const f = await parseEmail(raw);
    expect([f.contentType, f.reportType, f.partTypes]).toEqual(['multipart/report', 'delivery-status', ['message/delivery-status', 'message/rfc822']]);
    expect(screenEmail(f)).toEqual({ accept: false, reason: 'bounce', signal: 'multipart/report delivery-status' });
  });
});

// ---------------------------------------------------------------------------------------
// Limits, through the use case

class FakeStore implements AttachmentStore {
  objects = new Map<string, Uint8Array>();
  async presignUpload(): Promise<never> {
    throw new Error('not used');
  }
  async head(): Promise<undefined> {
    return undefined;
  }
  async put(key: string, body: Uint8Array) {
    this.objects.set(key, body);
  }
  async get(key: string) {
    return this.objects.get(key);
  }
}

function intake(attachmentMaxBytes = 10 * 1024 * 1024) {
  const region = REGIONS.cn;
  const repo = new FakeRepository();
  const inbound = new FakeInbound();
  const store = new FakeStore();
  const deps = {
    repo,
    workflow: new FakeWorkflow(),
    clock: new ManualClock(new Date('2026-03-02T02:00:00Z')),
    region,
    mail: { domain: 'bank.example.cn', ownDomains: ['bank.example'] },
    calendar: productionCalendar(region.name),
    inbound,
    attachments: () => store,
    attachmentMaxBytes,
  };
  return { repo, inbound, store, receive: (messageId: string, raw: Buffer) => receiveEmail({ messageId, raw, source: 'li.wei@example.com' }, deps) };
}

describe("the parser's limits, through the intake", () => {
  it('header fields over 2 MB: recorded as rejected (unparseable), never thrown', async () => {
    const t = intake();
    const headers = Array.from({ length: 30_000 }, (_, i) => `X-Filler-${i}: ${'v'.repeat(70)}`);
    const r = await t.receive('m-headers', eml({ headers }));
    expect(r).toMatchObject({ outcome: 'rejected', reason: 'unparseable message' });
    expect(t.inbound.records.get('m-headers')).toMatchObject({ outcome: 'rejected', reason: 'unparseable message' });
  });

  it('MIME parts nested over 256 levels: rejected (unparseable); 200 levels are read', async () => {
    const nested = (depth: number) => {
      let inner = 'Content-Type: text/plain\r\n\r\nCharged twice\r\n';
      for (let i = 0; i < depth; i++) inner = `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n${inner}\r\n--b${i}--\r\n`;
      return Buffer.from(`From: li.wei@example.com\r\nSubject: Nested\r\nMIME-Version: 1.0\r\n${inner}`);
    };
    const t = intake();
    expect(await t.receive('m-300', nested(300))).toMatchObject({ outcome: 'rejected', reason: 'unparseable message' });
    expect(await t.receive('m-200', nested(200))).toMatchObject({ outcome: 'registered' });
  });

  it('an attachment over the size limit is not kept (listed for staff); the complaint is registered', async () => {
    const t = intake(1_000);
    const big = Buffer.concat([PDF, Buffer.alloc(2_000, 0x20)]);
    const r = await t.receive(
      'm-big',
      multipart([
        'Content-Type: text/plain\r\n\r\nStatement attached',
        `Content-Type: application/pdf; name="big.pdf"\r\nContent-Disposition: attachment; filename="big.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64(big)}`,
      ]),
    );
    expect(r).toMatchObject({ outcome: 'registered', attachments: { kept: 0, skipped: 1 } });
    const skipped = t.repo.histories.get(r.reference!)!.find((h) => h.action === 'email-attachments-skipped');
    expect(skipped?.after).toMatchObject({ skipped: [{ name: 'big.pdf', contentType: 'application/pdf', reason: 'too large' }] });
    expect(t.store.objects.size).toBe(0);
  });

  it('a 5 MB text message is read and its description cut to the limit', async () => {
    const t = intake();
    const r = await t.receive('m-5mb', eml({ body: 'My card was charged twice. '.repeat(200_000) }));
    expect(r.outcome).toBe('registered');
    expect(t.repo.complaints.get(r.reference!)!.matter.description).toMatch(/truncated/);
  }, 30_000);
});
