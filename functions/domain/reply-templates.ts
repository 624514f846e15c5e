/**
 * What the customer reads. Reply templates per complaint type (S2 ch.8 3.2): the written
 * reply states the result, the process and the measures taken, names the handler and the
 * time (S2 ch.6, S0 6.3). Customer messages (acknowledgement, progress, extension, pause,
 * resume, reply) in each language, as plain text and as HTML in which every variable is
 * escaped. The reply ends with the satisfaction question (S2 1.1.20): the customer answers
 * on the status page, so the callback needs no message of its own.
 *
 * Variables by kind (required, [optional]); every kind also takes [customerName]:
 *  - acknowledgement: reference, dueAt, [statusUrl]
 *  - progress: reference, stage, [note], [statusUrl]
 *  - extension: reference, reason, newDueAt (or dueAt), [oldDueAt]
 *  - pause: reference, reason
 *  - resume: reference, newDueAt (or dueAt)
 *  - reply: reference, body, [subject], [statusUrl], [ifDissatisfied: 'review' (default) | 'refer'],
 *    [regulatory: the region's final-response paragraphs (final-response.ts), in place of the generic dissatisfaction line]
 *  - eight-week: reference, expectedBy (UK, DISP 1.6.2R: final-response.ts)
 * Dates are passed already formatted for the customer (see `formatLocalTime`).
 */
import type { Language, Nature } from './complaint.ts';
import { eightWeekParagraphs } from './final-response.ts';
import { messageHtml, paragraphText, type Paragraph } from './message-html.ts';

export { escapeHtml } from './message-html.ts';

export interface DraftReplyInput {
  reference: string;
  language: Language;
  nature: Nature;
  customerName?: string;
  /** Result of the investigation; a placeholder for the handler when not written yet. */
  outcome?: string;
  /** Measures taken (correction, refund, training ...); a placeholder when not written yet. */
  measures?: string;
  handlerName: string;
  at: Date;
  timeZone: string;
}

export type MessageKind = 'acknowledgement' | 'progress' | 'extension' | 'pause' | 'resume' | 'reply' | 'eight-week';

export const MESSAGE_KINDS: readonly MessageKind[] = ['acknowledgement', 'progress', 'extension', 'pause', 'resume', 'reply', 'eight-week'];

/** Where a customer follows a complaint and answers the satisfaction question: the status page, reference filled in. */
export function statusPageUrl(publicBaseUrl: string | undefined, reference: string): string | undefined {
  return publicBaseUrl ? `${publicBaseUrl.replace(/\/+$/, '')}/status.html?reference=${encodeURIComponent(reference)}` : undefined;
}

/** Placeholders left in a draft for the handler to fill in before submitting. */
export const PLACEHOLDER: Record<Language, { outcome: string; measures: string }> = {
  en: { outcome: '[outcome to be completed by the handler]', measures: '[measures to be completed by the handler]' },
  'zh-CN': { outcome: '【请填写处理结果】', measures: '【请填写已采取的措施】' },
};

/** One formatter per time zone: building an Intl.DateTimeFormat costs far more than using one. */
const localTimeFormats = new Map<string, Intl.DateTimeFormat>();

/** `2026-03-12 10:00 (Asia/Shanghai)`: built from parts so it reads the same on every ICU version. */
export function formatLocalTime(at: Date, timeZone: string, language: Language = 'en'): string {
  let format = localTimeFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    localTimeFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(at);
  const p = (t: Intl.DateTimeFormatPartTypes) => parts.find((x) => x.type === t)?.value ?? '';
  const local = `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}`;
  return language === 'zh-CN' ? `${local}（${timeZone}）` : `${local} (${timeZone})`;
}

/** Per nature: what the complaint was about and how it was investigated (the "process"). */
const NATURE_TEXT: Record<Nature, Record<Language, { about: string; process: string }>> = {
  service: {
    en: {
      about: 'the service you received from us',
      process: 'We reviewed the records of your visit or call and spoke to the staff involved.',
    },
    'zh-CN': {
      about: '您反映的服务问题',
      process: '我们调阅了相关服务记录，并与涉及的工作人员逐一进行了核实。',
    },
  },
  product: {
    en: {
      about: 'our product, its fees, interest or terms',
      process: 'We checked the product terms, the fees and interest applied to your account and the information you were given before you took it out.',
    },
    'zh-CN': {
      about: '您反映的产品（费用、利率或条款）问题',
      process: '我们核查了产品条款、对您账户适用的收费和利率标准，以及办理时向您提供的信息。',
    },
  },
  operation: {
    en: {
      about: 'a transaction or system problem',
      process: 'We examined the transaction records and the system logs for the period concerned.',
    },
    'zh-CN': {
      about: '您反映的交易或系统操作问题',
      process: '我们调取并核查了相关时段的交易记录和系统日志。',
    },
  },
  violation: {
    en: {
      about: 'possible misconduct by the bank or its staff',
      process: 'Your complaint was investigated by people independent of the staff concerned, and the findings were reviewed by our compliance function.',
    },
    'zh-CN': {
      about: '您反映的可能存在的违规行为',
      process: '我们安排与相关人员无利害关系的人员独立调查，调查结论已经合规部门复核。',
    },
  },
};

function filled(value: string | undefined, placeholder: string): string {
  return value?.trim() ? value.trim() : placeholder;
}

/** The written reply a handler starts from (S2 ch.8 3.2). */
export function draftReply(input: DraftReplyInput): { subject: string; text: string } {
  const { reference, language, nature, handlerName, at, timeZone } = input;
  const t = NATURE_TEXT[nature][language];
  const ph = PLACEHOLDER[language];
  const outcome = filled(input.outcome, ph.outcome);
  const measures = filled(input.measures, ph.measures);
  const when = formatLocalTime(at, timeZone, language);
  const name = input.customerName?.trim();

  if (language === 'zh-CN') {
    return {
      subject: `关于您的投诉（编号 ${reference}）的答复`,
      text: [
        name ? `尊敬的${name}：` : '尊敬的客户：',
        `感谢您就${t.about}向我们反映意见（投诉编号 ${reference}）。现将处理情况答复如下。`,
        `一、处理结果\n${outcome}`,
        `二、处理过程\n${t.process}`,
        `三、采取的措施\n${measures}`,
        '如您对本答复有异议，可回复本函或致电我们，我们将再次核查；您也有权向金融监管部门或金融纠纷调解组织反映。',
        `经办人：${handlerName}\n答复时间：${when}`,
      ].join('\n\n'),
    };
  }
  return {
    subject: `Our response to your complaint ${reference}`,
    text: [
      name ? `Dear ${name},` : 'Dear customer,',
      `Thank you for telling us about ${t.about} (complaint reference ${reference}). This is our response.`,
      `What we found\n${outcome}`,
      `How we looked into it\n${t.process}`,
      `What we have done\n${measures}`,
      'If you are not satisfied with this response, reply to this message or call us and we will look at it again. You may also refer your complaint to the financial ombudsman or regulator.',
      `Handled by: ${handlerName}\nDate: ${when}`,
    ].join('\n\n'),
  };
}

interface Template {
  subject: string;
  paragraphs: Paragraph[];
}

class Vars {
  constructor(
    private readonly kind: MessageKind,
    private readonly vars: Record<string, string>,
  ) {}
  /** A variable the message cannot go out without. */
  need(name: string): string {
    const v = this.vars[name];
    if (v === undefined || v.trim() === '') throw new Error(`Message "${this.kind}" needs the variable "${name}"`);
    return v;
  }
  /** The first of several accepted names that is set (e.g. 'newDueAt', then 'dueAt'). */
  needOneOf(...names: string[]): string {
    for (const n of names) {
      const v = this.opt(n);
      if (v !== undefined) return v;
    }
    throw new Error(`Message "${this.kind}" needs the variable "${names[0]}"`);
  }
  opt(name: string): string | undefined {
    const v = this.vars[name];
    return v !== undefined && v.trim() !== '' ? v : undefined;
  }
}

function greeting(language: Language, v: Vars): string {
  const name = v.opt('customerName')?.trim();
  if (language === 'zh-CN') return name ? `尊敬的${name}：` : '尊敬的客户：';
  return name ? `Dear ${name},` : 'Dear customer,';
}

function link(label: string, href: string | undefined): Paragraph[] {
  return href ? [{ label, href: href.trim() }] : [];
}

/** Where the satisfaction question is answered: the status page (a link when its address is known). */
function answerWhere(language: Language, v: Vars): Paragraph[] {
  const url = v.opt('statusUrl');
  if (language === 'zh-CN') return url ? link('请凭投诉编号和查询码在此评价：', url) : ['请凭投诉编号和查询码在投诉进度查询页面评价。'];
  return url
    ? link('Answer on our status page, with your reference and access code: ', url)
    : ['Answer on our complaint status page, with your reference and access code.'];
}

const TEMPLATES: Record<MessageKind, Record<Language, (v: Vars) => Template>> = {
  acknowledgement: {
    en: (v) => ({
      subject: `We have received your complaint ${v.need('reference')}`,
      paragraphs: [
        greeting('en', v),
        `We have received your complaint, reference ${v.need('reference')}. We will register it, the department concerned will look into it, and we will reply in writing by ${v.need('dueAt')}.`,
        'Please quote your reference whenever you contact us about it.',
        ...link('Follow your complaint: ', v.opt('statusUrl')),
      ],
    }),
    'zh-CN': (v) => ({
      subject: `您的投诉已受理（编号 ${v.need('reference')}）`,
      paragraphs: [
        greeting('zh-CN', v),
        `您的投诉已受理，编号 ${v.need('reference')}。我们将登记您的投诉并交由相关部门调查处理，并于 ${v.need('dueAt')} 前书面答复您。`,
        '联系我们时请提供投诉编号。',
        ...link('查询处理进度：', v.opt('statusUrl')),
      ],
    }),
  },
  progress: {
    en: (v) => ({
      subject: `Update on your complaint ${v.need('reference')}`,
      paragraphs: [
        greeting('en', v),
        `Your complaint ${v.need('reference')} has moved on: ${v.need('stage')}.`,
        ...(v.opt('note') ? [v.need('note')] : []),
        ...link('Follow your complaint: ', v.opt('statusUrl')),
      ],
    }),
    'zh-CN': (v) => ({
      subject: `您的投诉（编号 ${v.need('reference')}）处理进展`,
      paragraphs: [
        greeting('zh-CN', v),
        `您的投诉 ${v.need('reference')} 当前进展：${v.need('stage')}。`,
        ...(v.opt('note') ? [v.need('note')] : []),
        ...link('查询处理进度：', v.opt('statusUrl')),
      ],
    }),
  },
  extension: {
    en: (v) => ({
      subject: `We need more time for your complaint ${v.need('reference')}`,
      paragraphs: [
        greeting('en', v),
        `We need more time to resolve your complaint ${v.need('reference')}: ${v.need('reason')}`,
        v.opt('oldDueAt')
          ? `Instead of ${v.need('oldDueAt')}, we will now reply by ${v.needOneOf('newDueAt', 'dueAt')}. We are sorry for the delay.`
          : `We will now reply by ${v.needOneOf('newDueAt', 'dueAt')}. We are sorry for the delay.`,
        'If you do not agree, you may refer your complaint to the financial ombudsman or regulator.',
      ],
    }),
    'zh-CN': (v) => ({
      subject: `关于延长您的投诉（编号 ${v.need('reference')}）处理期限的告知`,
      paragraphs: [
        greeting('zh-CN', v),
        `您的投诉 ${v.need('reference')} 情况较为复杂，需要延长处理期限，原因：${v.need('reason')}`,
        v.opt('oldDueAt')
          ? `答复时间由原定的 ${v.need('oldDueAt')} 延至 ${v.needOneOf('newDueAt', 'dueAt')}，由此给您带来的不便，敬请谅解。`
          : `我们将于 ${v.needOneOf('newDueAt', 'dueAt')} 前答复您，由此给您带来的不便，敬请谅解。`,
        '如您对延期有异议，可向金融监管部门或金融纠纷调解组织反映。',
      ],
    }),
  },
  pause: {
    en: (v) => ({
      subject: `Your complaint ${v.need('reference')}: our clock is paused`,
      paragraphs: [
        greeting('en', v),
        `The time limit for your complaint ${v.need('reference')} is paused while ${v.need('reason')}`,
        'We will tell you as soon as it restarts, with the new date of our reply.',
      ],
    }),
    'zh-CN': (v) => ({
      subject: `您的投诉（编号 ${v.need('reference')}）处理期限中止告知`,
      paragraphs: [
        greeting('zh-CN', v),
        `您的投诉 ${v.need('reference')} 处理期限暂时中止，原因：${v.need('reason')}`,
        '恢复计算时我们将及时告知您新的答复时间。',
      ],
    }),
  },
  resume: {
    en: (v) => ({
      subject: `Your complaint ${v.need('reference')}: our clock has restarted`,
      paragraphs: [
        greeting('en', v),
        `The time limit for your complaint ${v.need('reference')} has restarted. We will reply by ${v.needOneOf('newDueAt', 'dueAt')}.`,
      ],
    }),
    'zh-CN': (v) => ({
      subject: `您的投诉（编号 ${v.need('reference')}）处理期限恢复计算`,
      paragraphs: [greeting('zh-CN', v), `您的投诉 ${v.need('reference')} 处理期限已恢复计算，我们将于 ${v.needOneOf('newDueAt', 'dueAt')} 前答复您。`],
    }),
  },
  reply: {
    en: (v) => ({
      subject: v.opt('subject') ?? `Our response to your complaint ${v.need('reference')}`,
      paragraphs: [
        v.need('body'),
        `How satisfied are you with how we handled your complaint ${v.need('reference')}? Please tell us, from 1 (very dissatisfied) to 5 (very satisfied).`,
        ...(v.opt('regulatory')
          ? v.need('regulatory').split('\n\n')
          : [
              v.opt('ifDissatisfied') === 'refer'
                ? 'We have already looked at your complaint again. If you are still not satisfied, you may refer it to the financial ombudsman or regulator.'
                : 'If you are not satisfied, we will look at your complaint again.',
            ]),
        ...answerWhere('en', v),
      ],
    }),
    'zh-CN': (v) => ({
      subject: v.opt('subject') ?? `关于您的投诉（编号 ${v.need('reference')}）的答复`,
      paragraphs: [
        v.need('body'),
        `请您对本次投诉（编号 ${v.need('reference')}）的处理进行满意度评价：1（非常不满意）至 5（非常满意）。`,
        ...(v.opt('regulatory')
          ? v.need('regulatory').split('\n\n')
          : [
              v.opt('ifDissatisfied') === 'refer'
                ? '我们已对您的投诉进行了复查。如您仍不满意，可向金融监管部门或金融纠纷调解组织反映。'
                : '如您不满意，我们将重新核查处理。',
            ]),
        ...answerWhere('zh-CN', v),
      ],
    }),
  },
  'eight-week': {
    en: (v) => {
      const t = eightWeekParagraphs('en', { reference: v.need('reference'), expectedBy: v.need('expectedBy') });
      return { subject: t.subject, paragraphs: [greeting('en', v), ...t.paragraphs] };
    },
    'zh-CN': (v) => {
      const t = eightWeekParagraphs('zh-CN', { reference: v.need('reference'), expectedBy: v.need('expectedBy') });
      return { subject: t.subject, paragraphs: [greeting('zh-CN', v), ...t.paragraphs] };
    },
  },
};

/** A subject is a mail header: no line breaks or control characters may reach it. */
function headerSafe(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/**
 * A customer message in the given language: plain text and HTML parts. Throws when a variable
 * the message needs is missing - better a failed send than "{dueAt}" in a customer's inbox.
 */
export function renderCustomerMessage(kind: MessageKind, language: Language, vars: Record<string, string>): { subject: string; text: string; html: string } {
  const forKind = TEMPLATES[kind];
  if (!forKind) throw new Error(`Unknown message kind "${String(kind)}"`);
  const template = forKind[language];
  if (!template) throw new Error(`No "${kind}" message in language "${String(language)}"`);
  const { subject: rawSubject, paragraphs } = template(new Vars(kind, vars));
  const subject = headerSafe(rawSubject);
  const text = paragraphs.map(paragraphText).join('\n\n');
  return { subject, text, html: messageHtml(language, subject, text) };
}
