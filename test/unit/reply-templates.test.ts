import { describe, it, expect } from 'vitest';
import {
  draftReply,
  escapeHtml,
  formatLocalTime,
  MESSAGE_KINDS,
  PLACEHOLDER,
  renderCustomerMessage,
  statusPageUrl,
  type MessageKind,
} from '../../functions/domain/reply-templates.ts';
import type { Language, Nature } from '../../functions/domain/complaint.ts';
import { messageHtml } from '../../functions/domain/message-html.ts';

const at = new Date('2026-03-12T02:00:00Z'); // 10:00 in Shanghai

describe('escapeHtml', () => {
  it.each([
    ['&', '&amp;'],
    ['<', '&lt;'],
    ['>', '&gt;'],
    ['"', '&quot;'],
    ["'", '&#39;'],
    ['<b class="x">Tom & Jerry\'s</b>', '&lt;b class=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/b&gt;'],
    ['&amp;', '&amp;amp;'], // escapes what it is given, it does not guess
    ['张三 <先生>', '张三 &lt;先生&gt;'],
    ['plain', 'plain'],
  ])('%s -> %s', (raw, escaped) => {
    expect(escapeHtml(raw)).toBe(escaped);
  });
});

describe('formatLocalTime', () => {
  it.each([
    [at, 'Asia/Shanghai', 'en', '2026-03-12 10:00 (Asia/Shanghai)'],
    [at, 'Asia/Shanghai', 'zh-CN', '2026-03-12 10:00（Asia/Shanghai）'],
    [new Date('2026-03-29T12:00:00Z'), 'Europe/London', 'en', '2026-03-29 13:00 (Europe/London)'], // BST
    [new Date('2026-03-03T04:30:00Z'), 'America/New_York', 'en', '2026-03-02 23:30 (America/New_York)'], // previous local day
    [new Date('2026-03-12T16:00:00Z'), 'Asia/Shanghai', 'en', '2026-03-13 00:00 (Asia/Shanghai)'], // midnight is 00, not 24
  ] as const)('%s in %s (%s) -> %s', (when, tz, lang, expected) => {
    expect(formatLocalTime(when, tz, lang)).toBe(expected);
  });
});

describe('draftReply', () => {
  const base = {
    reference: 'CN-2026-000123',
    handlerName: 'Li Na',
    at,
    timeZone: 'Asia/Shanghai',
    outcome: 'The fee was charged in error and has been refunded.',
    measures: 'We corrected the fee table.',
  };

  it.each([
    ['service', 'en', 'the service you received from us', 'spoke to the staff involved'],
    ['product', 'en', 'our product, its fees, interest or terms', 'We checked the product terms'],
    ['operation', 'en', 'a transaction or system problem', 'system logs'],
    ['violation', 'en', 'possible misconduct', 'compliance function'],
    ['service', 'zh-CN', '您反映的服务问题', '与涉及的工作人员'],
    ['product', 'zh-CN', '您反映的产品（费用、利率或条款）问题', '收费和利率标准'],
    ['operation', 'zh-CN', '您反映的交易或系统操作问题', '系统日志'],
    ['violation', 'zh-CN', '您反映的可能存在的违规行为', '合规部门复核'],
  ] as const)('%s in %s: about "%s", process "%s"', (nature: Nature, language: Language, about, process) => {
    const r = draftReply({ ...base, nature, language });
    expect(r.text).toContain(about);
    expect(r.text).toContain(process);
    // The template of another nature does not leak in.
    const others = (['service', 'product', 'operation', 'violation'] as const).filter((n) => n !== nature);
    for (const n of others) expect(r.text).not.toContain(draftReply({ ...base, nature: n, language }).text.split('\n\n')[1]);
  });

  it('English: states result, process and measures in that order, names the handler and the time', () => {
    const r = draftReply({ ...base, nature: 'product', language: 'en', customerName: 'Ms Smith' });
    expect(r.subject).toBe('Our response to your complaint CN-2026-000123');
    const parts = r.text.split('\n\n');
    expect(parts[0]).toBe('Dear Ms Smith,');
    expect(parts[1]).toContain('complaint reference CN-2026-000123');
    expect(parts[2]).toBe('What we found\nThe fee was charged in error and has been refunded.');
    expect(parts[3]).toMatch(/^How we looked into it\n/);
    expect(parts[4]).toBe('What we have done\nWe corrected the fee table.');
    expect(parts[5]).toContain('ombudsman');
    expect(parts[6]).toBe('Handled by: Li Na\nDate: 2026-03-12 10:00 (Asia/Shanghai)');
  });

  it('Chinese: 处理结果、处理过程、采取的措施，经办人和答复时间', () => {
    const r = draftReply({
      ...base,
      nature: 'operation',
      language: 'zh-CN',
      customerName: '张先生',
      handlerName: '王芳',
      outcome: '经核查，系统故障导致重复扣款，已全额退回。',
      measures: '已修复系统缺陷并加强监控。',
    });
    expect(r.subject).toBe('关于您的投诉（编号 CN-2026-000123）的答复');
    const parts = r.text.split('\n\n');
    expect(parts[0]).toBe('尊敬的张先生：');
    expect(parts[2]).toBe('一、处理结果\n经核查，系统故障导致重复扣款，已全额退回。');
    expect(parts[3]).toBe('二、处理过程\n我们调取并核查了相关时段的交易记录和系统日志。');
    expect(parts[4]).toBe('三、采取的措施\n已修复系统缺陷并加强监控。');
    expect(parts[5]).toContain('金融监管部门');
    expect(parts[6]).toBe('经办人：王芳\n答复时间：2026-03-12 10:00（Asia/Shanghai）');
  });

  it.each([
    ['en', 'Dear customer,'],
    ['zh-CN', '尊敬的客户：'],
  ] as const)('%s: no name -> "%s", and placeholders for what the handler has not written yet', (language, greeting) => {
    const r = draftReply({ reference: 'UK-2026-000001', language, nature: 'service', handlerName: 'Sam', at, timeZone: 'Europe/London', outcome: '   ' });
    expect(r.text.startsWith(greeting)).toBe(true);
    expect(r.text).toContain(PLACEHOLDER[language].outcome);
    expect(r.text).toContain(PLACEHOLDER[language].measures);
  });

  it('uses the time zone it is given', () => {
    const r = draftReply({ ...base, nature: 'service', language: 'en', timeZone: 'America/New_York' });
    expect(r.text).toContain('Date: 2026-03-11 22:00 (America/New_York)');
  });
});

describe("messageHtml: the HTML part made from a stored message's text", () => {
  it('links each template link (a one-line paragraph ending in an http(s) address) and nothing else', () => {
    const statusUrl = 'https://bank.example/status.html?reference=CN-2026-000123&x=1';
    for (const kind of MESSAGE_KINDS) {
      for (const language of ['en', 'zh-CN'] as Language[]) {
        const m = renderCustomerMessage(kind, language, {
          reference: 'CN-2026-000123',
          dueAt: '2026-03-27 17:30',
          stage: 's',
          reason: 'r',
          body: 'Body',
          expectedBy: '2026-05-11',
          statusUrl,
        });
        const html = messageHtml(language, m.subject, m.text);
        expect(html, `${kind}/${language}`).toBe(m.html);
        const linked = m.text.split('\n\n').filter((p) => p.endsWith(statusUrl)).length;
        expect(html.split('<a href=').length - 1, `${kind}/${language}`).toBe(linked);
        if (linked) expect(html).toContain(`<a href="${escapeHtml(statusUrl)}">${escapeHtml(statusUrl)}</a></p>`);
      }
    }
  });

  it("a handler's text: blank lines make paragraphs, line breaks stay, an address inside a line stays text, markup is escaped", () => {
    const html = messageHtml('en', 'Re: <x>', 'First <b>bold</b>\nsecond line\n\nSee https://a.example/x for the terms.\n\nhttp://b.example/y');
    expect(html).toContain('<title>Re: &lt;x&gt;</title>');
    expect(html).toContain('<p>First &lt;b&gt;bold&lt;/b&gt;<br>\nsecond line</p>');
    expect(html).toContain('<p>See https://a.example/x for the terms.</p>');
    expect(html).toContain('<p><a href="http://b.example/y">http://b.example/y</a></p>');
    // A multi-line paragraph that ends in an address is not a template link: kept as text.
    expect(messageHtml('en', 's', 'line\nhttps://c.example')).toContain('<p>line<br>\nhttps://c.example</p>');
  });
});

describe('renderCustomerMessage', () => {
  const vars: Record<string, string> = {
    reference: 'CN-2026-000123',
    dueAt: '2026-03-27 17:30',
    stage: 'Under investigation',
    reason: 'we are waiting for an external appraisal',
    body: 'Line one\nLine two',
    expectedBy: '2026-05-11',
    customerName: 'Ms Smith',
  };
  const CASES: [MessageKind, Language, string, string][] = [
    ['acknowledgement', 'en', 'We have received your complaint CN-2026-000123', 'reply in writing by 2026-03-27 17:30'],
    ['acknowledgement', 'zh-CN', '您的投诉已受理（编号 CN-2026-000123）', '于 2026-03-27 17:30 前书面答复您'],
    ['progress', 'en', 'Update on your complaint CN-2026-000123', 'has moved on: Under investigation'],
    ['progress', 'zh-CN', '您的投诉（编号 CN-2026-000123）处理进展', '当前进展：Under investigation'],
    ['extension', 'en', 'We need more time for your complaint CN-2026-000123', 'We will now reply by 2026-03-27 17:30'],
    ['extension', 'zh-CN', '关于延长您的投诉（编号 CN-2026-000123）处理期限的告知', '原因：we are waiting for an external appraisal'],
    ['pause', 'en', 'Your complaint CN-2026-000123: our clock is paused', 'is paused while we are waiting for an external appraisal'],
    ['pause', 'zh-CN', '您的投诉（编号 CN-2026-000123）处理期限中止告知', '处理期限暂时中止'],
    ['resume', 'en', 'Your complaint CN-2026-000123: our clock has restarted', 'We will reply by 2026-03-27 17:30'],
    ['resume', 'zh-CN', '您的投诉（编号 CN-2026-000123）处理期限恢复计算', '我们将于 2026-03-27 17:30 前答复您'],
    ['reply', 'en', 'Our response to your complaint CN-2026-000123', 'Line one\nLine two'],
    ['reply', 'zh-CN', '关于您的投诉（编号 CN-2026-000123）的答复', 'Line one\nLine two'],
    ['eight-week', 'en', 'Your complaint CN-2026-000123: we have not yet sent our final response', 'we expect to send our final response by 2026-05-11'],
    ['eight-week', 'zh-CN', '您的投诉（编号 CN-2026-000123）：我们尚未作出最终答复', '预计于 2026-05-11 前作出最终答复'],
  ];

  it('has a case for every kind in every language', () => {
    expect(new Set(CASES.map(([k, l]) => `${k}/${l}`)).size).toBe(MESSAGE_KINDS.length * 2);
  });

  it.each(CASES)('%s in %s: subject "%s"', (kind, language, subject, line) => {
    const m = renderCustomerMessage(kind, language, vars);
    expect(m.subject).toBe(subject);
    expect(m.text).toContain(line);
    expect(m.html).toContain(`<html lang="${language}">`);
    expect(m.html).toContain(`<title>${escapeHtml(subject)}</title>`);
    expect(m.html).toContain(escapeHtml(vars.reference));
  });

  it.each([
    ['acknowledgement', 'Dear Ms Smith,'],
    ['progress', 'Dear Ms Smith,'],
  ] as const)('%s greets by name when known', (kind, greeting) => {
    expect(renderCustomerMessage(kind, 'en', vars).text.split('\n\n')[0]).toBe(greeting);
    expect(renderCustomerMessage(kind, 'en', { ...vars, customerName: '' }).text.split('\n\n')[0]).toBe('Dear customer,');
    expect(renderCustomerMessage(kind, 'zh-CN', { ...vars, customerName: '李女士' }).text.split('\n\n')[0]).toBe('尊敬的李女士：');
  });

  const hostile = `<script>alert("x")</script> & 'y'`;
  const escaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;';

  it.each(CASES.map(([kind, language]) => [kind, language] as const))(
    '%s in %s: every variable is escaped in the HTML part, raw in the text part',
    (kind, language) => {
      const all = Object.fromEntries(Object.keys(vars).map((k) => [k, hostile])) as Record<string, string>;
      const m = renderCustomerMessage(kind, language, all);
      expect(m.html).not.toContain('<script>');
      expect(m.html).not.toContain(`"x"`);
      expect(m.html).not.toContain("'y'");
      expect(m.html).toContain(escaped);
      expect(m.text).toContain(hostile);
    },
  );

  it.each([
    ['acknowledgement', 'dueAt'],
    ['progress', 'stage'],
    ['extension', 'reason'],
    ['extension', 'newDueAt'],
    ['pause', 'reason'],
    ['resume', 'newDueAt'],
    ['reply', 'body'],
    ['reply', 'reference'],
  ] as const)('%s refuses to render without "%s"', (kind, missing) => {
    const { [missing]: _gone, dueAt, ...others } = vars;
    // 'dueAt' is accepted for 'newDueAt'; drop both when testing that one.
    const rest = missing === 'newDueAt' || missing === 'dueAt' ? others : { ...others, dueAt };
    for (const language of ['en', 'zh-CN'] as const) {
      expect(() => renderCustomerMessage(kind, language, rest)).toThrow(`Message "${kind}" needs the variable "${missing}"`);
      expect(() => renderCustomerMessage(kind, language, { ...rest, [missing]: '  ' })).toThrow(missing);
    }
  });

  it.each([
    ['extension', 'en', 'Instead of 2026-03-20 17:30, we will now reply by 2026-04-10 17:30.'],
    ['extension', 'zh-CN', '答复时间由原定的 2026-03-20 17:30 延至 2026-04-10 17:30'],
    ['resume', 'en', 'We will reply by 2026-04-10 17:30.'],
    ['resume', 'zh-CN', '我们将于 2026-04-10 17:30 前答复您'],
  ] as const)('%s in %s takes newDueAt before dueAt, and the old date when given', (kind, language, line) => {
    const m = renderCustomerMessage(kind, language, { ...vars, oldDueAt: '2026-03-20 17:30', newDueAt: '2026-04-10 17:30' });
    expect(m.text).toContain(line);
    expect(m.text).not.toContain(vars.dueAt);
  });

  it('keeps line breaks and header injection out of the subject', () => {
    const m = renderCustomerMessage('acknowledgement', 'en', { ...vars, reference: 'CN-1\r\nBcc: victim@example.com' });
    expect(m.subject).toBe('We have received your complaint CN-1 Bcc: victim@example.com');
    expect(m.subject).not.toMatch(/[\r\n]/);
  });

  it('renders line breaks of a reply body as <br> in HTML', () => {
    const m = renderCustomerMessage('reply', 'zh-CN', { reference: 'CN-1', body: '第一行\n第二行 <b>' });
    expect(m.html).toContain('<p>第一行<br>\n第二行 &lt;b&gt;</p>');
    expect(m.text.split('\n\n')[0]).toBe('第一行\n第二行 <b>');
  });

  it('the reply can carry the subject of the draft', () => {
    const draft = draftReply({ reference: 'CN-1', language: 'en', nature: 'service', handlerName: 'Li', at, timeZone: 'Asia/Shanghai' });
    const m = renderCustomerMessage('reply', 'en', { reference: 'CN-1', subject: draft.subject, body: draft.text });
    expect(m.subject).toBe(draft.subject);
    expect(m.text.startsWith(`${draft.text}\n\n`)).toBe(true);
  });

  it.each([
    ['acknowledgement', 'statusUrl', 'Follow your complaint: '],
    ['progress', 'statusUrl', 'Follow your complaint: '],
    ['reply', 'statusUrl', 'Answer on our status page, with your reference and access code: '],
  ] as const)('%s links %s only when it is an http(s) address', (kind, key, label) => {
    const ok = renderCustomerMessage(kind, 'en', { ...vars, [key]: 'https://bank.example/s?r=1&c=2' });
    expect(ok.html).toContain(`<p>${label}<a href="https://bank.example/s?r=1&amp;c=2">https://bank.example/s?r=1&amp;c=2</a></p>`);
    expect(ok.text).toContain(`${label}https://bank.example/s?r=1&c=2`);
    const bad = renderCustomerMessage(kind, 'en', { ...vars, [key]: 'javascript:alert(1)' });
    expect(bad.html).not.toContain('<a ');
    expect(bad.html).toContain(`<p>${label}javascript:alert(1)</p>`);
    const none = renderCustomerMessage(kind, 'en', vars);
    expect(none.text).not.toContain(label);
  });

  describe('the reply ends with the satisfaction question (no survey message of its own)', () => {
    const url = 'https://complaints.bank.example/status.html?reference=CN-2026-000123';
    it.each([
      [
        'en',
        [
          'How satisfied are you with how we handled your complaint CN-2026-000123? Please tell us, from 1 (very dissatisfied) to 5 (very satisfied).',
          'If you are not satisfied, we will look at your complaint again.',
          `Answer on our status page, with your reference and access code: ${url}`,
        ],
      ],
      [
        'zh-CN',
        [
          '请您对本次投诉（编号 CN-2026-000123）的处理进行满意度评价：1（非常不满意）至 5（非常满意）。',
          '如您不满意，我们将重新核查处理。',
          `请凭投诉编号和查询码在此评价：${url}`,
        ],
      ],
    ] as const)('%s: after the body, how satisfied (1-5), what a dissatisfied answer does, where to answer', (language, question) => {
      const m = renderCustomerMessage('reply', language, { reference: 'CN-2026-000123', body: 'Our answer.', statusUrl: url });
      expect(m.text).toBe(['Our answer.', ...question].join('\n\n'));
      expect(m.html).toContain(`<p>${escapeHtml(question[0])}</p>`);
      expect(m.html).toContain(`<a href="${url}">${url}</a>`);
      expect(m.html.indexOf('Our answer.')).toBeLessThan(m.html.indexOf(escapeHtml(question[0])));
    });

    it.each([
      ['en', 'Answer on our complaint status page, with your reference and access code.'],
      ['zh-CN', '请凭投诉编号和查询码在投诉进度查询页面评价。'],
    ] as const)("%s: without the pages' address, still says where to answer", (language, where) => {
      const m = renderCustomerMessage('reply', language, { reference: 'CN-1', body: 'Our answer.' });
      expect(m.text.split('\n\n').at(-1)).toBe(where);
      expect(m.html).not.toContain('<a ');
    });

    it.each([
      ['en', 'you may refer it to the financial ombudsman or regulator', 'we will look at your complaint again'],
      ['zh-CN', '可向金融监管部门或金融纠纷调解组织反映', '我们将重新核查处理'],
    ] as const)('%s: after the last review, a dissatisfied answer is pointed to the ombudsman, not promised another review', (language, refer, review) => {
      const m = renderCustomerMessage('reply', language, { reference: 'CN-1', body: 'Our answer.', ifDissatisfied: 'refer' });
      expect(m.text).toContain(refer);
      expect(m.text).not.toContain(review);
    });

    it.each(['en', 'zh-CN'] as const)('%s: the reference, the body and the link are escaped in the HTML part', (language) => {
      const m = renderCustomerMessage('reply', language, {
        reference: 'CN-1 <i>"x"</i>',
        body: `<script>alert('b')</script>`,
        statusUrl: 'https://bank.example/status.html?reference=A&b="><script>',
      });
      expect(m.html).not.toContain('<script>');
      expect(m.html).not.toContain('<i>');
      expect(m.html).toContain('CN-1 &lt;i&gt;&quot;x&quot;&lt;/i&gt;');
      expect(m.html).toContain('&lt;script&gt;alert(&#39;b&#39;)&lt;/script&gt;');
      expect(m.html).toContain('href="https://bank.example/status.html?reference=A&amp;b=&quot;&gt;&lt;script&gt;"');
      expect(m.text).toContain('CN-1 <i>"x"</i>');
    });
  });

  it('links the status page with the reference filled in (the page reads ?reference=)', () => {
    expect(statusPageUrl('https://complaints.bank.example', 'CN-2026-000123')).toBe('https://complaints.bank.example/status.html?reference=CN-2026-000123');
    expect(statusPageUrl('http://127.0.0.1:3000/', 'CN-2026-000123')).toBe('http://127.0.0.1:3000/status.html?reference=CN-2026-000123');
    expect(statusPageUrl('', 'CN-2026-000123')).toBeUndefined();
  });

  it('refuses an unknown kind', () => {
    expect(() => renderCustomerMessage('spam' as MessageKind, 'en', vars)).toThrow('Unknown message kind "spam"');
  });
});
