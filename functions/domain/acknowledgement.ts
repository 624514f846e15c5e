/** The acknowledgement a customer gets at once (S2 1.1.8): received, what happens next, when, how to follow up. */
import type { Language } from './complaint.ts';

/** One formatter per language and time zone: building an Intl.DateTimeFormat costs far more than using one. */
const formats = new Map<string, Intl.DateTimeFormat>();

export function acknowledgementText(lang: Language, reference: string, dueAt: string, timeZone: string) {
  const locale = lang === 'zh-CN' ? 'zh-CN' : 'en-GB';
  let format = formats.get(`${locale}|${timeZone}`);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone });
    formats.set(`${locale}|${timeZone}`, format);
  }
  const due = format.format(new Date(dueAt));
  if (lang === 'zh-CN') {
    return {
      message: `您的投诉已受理，编号 ${reference}。我们将在 ${due} 前给予答复。`,
      nextSteps: ['登记并分类您的投诉', '由相关部门调查处理', '书面答复处理结果', '回访了解您的满意度'],
      followUp: '请凭投诉编号和查询码在投诉进度页面查询，或回复确认邮件。',
    };
  }
  return {
    message: `We have received your complaint, reference ${reference}. We will send you our response by ${due}.`,
    nextSteps: [
      'We register and classify your complaint',
      'The department concerned investigates it',
      'We reply in writing with the outcome',
      'We ask whether you are satisfied',
    ],
    followUp: 'Follow your complaint on the status page with your reference and access code, or reply to our acknowledgement email.',
  };
}
