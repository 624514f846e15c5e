/**
 * What each region's rules require a final response to say (issue 19, docs/regulatory-responses.md).
 * Pure wording, in both languages; reply-templates.ts puts it into the reply and the UK
 * eight-week letter, the staff use case and the deadline watch decide which applies.
 *
 *  - UK (FCA DISP 1.6.2R, DISP 1 Annex 3R): the final response tells the customer they may refer
 *    the complaint to the Financial Ombudsman Service within six months, with its website and the
 *    standard explanatory wording, and refers to the FOS's explanatory leaflet; a complaint not
 *    resolved within eight weeks gets the eight-week letter (DISP 1.6.2R(2)); a complaint resolved
 *    by close of business of the third business day after receipt gets the summary resolution
 *    communication instead (DISP 1.5.4R).
 *  - CN (NFRA/CBIRC Order 2020 No.3): a dissatisfied customer is told of the regulator's consumer
 *    hotline 12378 and of the banking and insurance dispute mediation organisations.
 *  - US (CFPB): staff choose the company response category; the reply names it and the CFPB.
 */
import type { CfpbResponse } from './cfpb.ts';
import type { Complaint, Language } from './complaint.ts';
import type { RegulatoryProfileName } from './region-schema.ts';
import { REGIONS } from './regions.ts';

export type FinalResponseKind = 'final' | 'eight-week' | 'summary-resolution';

/** Recorded on the complaint (`finalResponse`): the UK referral deadline is six months from a final response. */
export interface FinalResponseRecord {
  kind: FinalResponseKind;
  sentAt: string;
  fosDeadline?: string;
}

export { CFPB_RESPONSES, type CfpbResponse } from './cfpb.ts';

export const CFPB_RESPONSE_LABEL: Record<CfpbResponse, Record<Language, string>> = {
  'closed-with-monetary-relief': { en: 'Closed with monetary relief', 'zh-CN': '已办结（给予金钱补偿）' },
  'closed-with-non-monetary-relief': { en: 'Closed with non-monetary relief', 'zh-CN': '已办结（给予非金钱补救）' },
  'closed-with-explanation': { en: 'Closed with explanation', 'zh-CN': '已办结（作出解释说明）' },
  'in-progress': { en: 'In progress', 'zh-CN': '处理中' },
};

export const FOS = {
  name: 'Financial Ombudsman Service',
  website: 'www.financial-ombudsman.org.uk',
  phone: '0800 023 4567',
  leaflet: 'Your complaint and the ombudsman',
} as const;

export const CN_REGULATOR_HOTLINE = '12378';

/** Days after the eight-week letter by which it says the final response is expected. */
export const EIGHT_WEEK_EXPECTED_DAYS = 14;

/**
 * The eight-week letter goes out at the start of the eight weeks' last day (the final-response
 * deadline is the end of that local day): by the end of the eight weeks, as DISP 1.6.2R asks.
 */
export const EIGHT_WEEK_LETTER_LEAD_MS = 24 * 3600_000;

/**
 * When the deadline watch owes a UK complaint its eight-week letter: undefined outside the UK,
 * once a reply or the letter went out (`finalResponse`), or once the final response is met.
 */
export function eightWeekLetterAt(c: Pick<Complaint, 'region' | 'status' | 'deadlines' | 'finalResponse'>): string | undefined {
  const due = c.deadlines.finalResponse;
  if (c.status !== 'OPEN' || REGIONS[c.region]?.profile.name !== 'UK' || c.finalResponse || !due || due.metAt) return undefined;
  const at = Date.parse(due.dueAt) - EIGHT_WEEK_LETTER_LEAD_MS;
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
}

/** Six calendar months after `from` (the same day of the month, or the month's last day), the FOS referral limit. */
export function sixMonthsAfter(from: Date): Date {
  const d = new Date(from.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + 6);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

/** `2026-09-02`: the local date of `at` in `timeZone` (the FOS referral deadline as the customer reads it). */
export function formatLocalDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/**
 * The kind of a reply sent at `sentAt`: in the UK, a summary resolution communication when sent by
 * the summary-resolution deadline (close of business day 3), otherwise - and elsewhere - a final response.
 */
export function replyResponseKind(profile: RegulatoryProfileName, sentAt: string, summaryResolutionDueAt: string | undefined): 'final' | 'summary-resolution' {
  return profile === 'UK' && summaryResolutionDueAt !== undefined && sentAt <= summaryResolutionDueAt ? 'summary-resolution' : 'final';
}

/** What is recorded for a reply sent at `sentAt`: the UK FOS deadline, six months on, for a final response. */
export function finalResponseRecord(profile: RegulatoryProfileName, sentAt: string, summaryResolutionDueAt?: string): FinalResponseRecord {
  const kind = replyResponseKind(profile, sentAt, summaryResolutionDueAt);
  return { kind, sentAt, ...(profile === 'UK' && kind === 'final' ? { fosDeadline: sixMonthsAfter(new Date(sentAt)).toISOString() } : {}) };
}

export interface RegulatoryTextInput {
  kind: 'final' | 'summary-resolution';
  /** The dissatisfied customer was already reviewed twice: our complaint process is at its end. */
  reviewed: boolean;
  /** UK: the FOS referral deadline, formatted for the customer. */
  fosDeadline?: string;
  /** US: the company response category chosen by staff. */
  cfpbResponse?: CfpbResponse;
}

const fosContact: Record<Language, string> = {
  en: `${FOS.name}: ${FOS.website}, telephone ${FOS.phone}. Its leaflet "${FOS.leaflet}" explains what the ombudsman does; you can read it on the website, and we will post you a copy on request.`,
  'zh-CN': `金融申诉专员服务机构（${FOS.name}）：网站 ${FOS.website}，电话 ${FOS.phone}。该机构的说明手册《${FOS.leaflet}》介绍了申诉专员的工作，可在其网站阅读；如需纸质版，我们可应您的要求寄送。`,
};

/**
 * The paragraphs a reply must end with in this region: what the customer may do if dissatisfied,
 * with the regulator's channels; in place of the generic "we will look at it again".
 */
export function regulatoryParagraphs(profile: RegulatoryProfileName, language: Language, input: RegulatoryTextInput): string[] {
  const zh = language === 'zh-CN';
  const again = input.reviewed
    ? zh
      ? '我们已对您的投诉进行了复查，本答复为最终答复。'
      : 'We have already looked at your complaint again: this is our final answer.'
    : zh
      ? '如您不满意，我们将重新核查处理。'
      : 'If you are not satisfied, we will look at your complaint again.';
  switch (profile) {
    case 'UK': {
      if (input.kind === 'summary-resolution') {
        return zh
          ? [
              '我们在受理您的投诉后第三个工作日营业结束前已解决该投诉，我们认为投诉已经解决（简易解决告知，FCA DISP 1.5）。',
              `如您之后对处理结果不满意，您可能有权将投诉免费提交金融申诉专员服务机构（${FOS.name}）。我们不同意该机构受理超出其规则所定时限（DISP 2.8）提交的投诉。更多信息请见其网站。`,
              fosContact[language],
            ]
          : [
              'We resolved your complaint by the end of the third business day after we received it, and we consider it resolved (summary resolution communication, FCA DISP 1.5).',
              `If you later decide that you are dissatisfied, you may be able to refer your complaint to the ${FOS.name}, free of charge. We do not consent to the ombudsman considering a complaint referred outside the time limits of its rules (DISP 2.8). There is more information on its website.`,
              fosContact[language],
            ];
      }
      const by = input.fosDeadline ? (zh ? `（即 ${input.fosDeadline} 前）` : ` (by ${input.fosDeadline})`) : '';
      return zh
        ? [
            '本答复是我们对您投诉的最终答复（FCA DISP 1.6.2R）。',
            `如您仍不满意，您有权将投诉免费提交金融申诉专员服务机构（${FOS.name}），但须在本最终答复之日起六个月内提交${by}。如您未在期限内提交，申诉专员将不会获得我们的同意审理您的投诉，因此只能在非常有限的情况下审理，例如其认为延误是由特殊情况造成的。`,
            fosContact[language],
          ]
        : [
            'This is our final response to your complaint (FCA DISP 1.6.2R).',
            `You have the right to refer your complaint to the ${FOS.name}, free of charge - but you must do so within six months of the date of this final response${by}. If you do not refer your complaint in time, the ombudsman will not have our permission to consider your complaint and so will only be able to do so in very limited circumstances, for example if it believes that the delay was the result of exceptional circumstances.`,
            fosContact[language],
          ];
    }
    case 'CN':
      return zh
        ? [
            again,
            `如您对处理结果不满意，可拨打国家金融监督管理总局消费者投诉服务热线 ${CN_REGULATOR_HOTLINE} 反映，或向银行业保险业消费纠纷调解组织（如中国银行业协会银行业纠纷调解中心及各地银行业保险业纠纷调解组织）申请调解；您也可以依法申请仲裁或提起诉讼。`,
          ]
        : [
            again,
            `If you are not satisfied with the outcome, you may call the consumer complaints hotline ${CN_REGULATOR_HOTLINE} of the National Financial Regulatory Administration, or apply for mediation to a banking and insurance dispute mediation organisation (such as the banking dispute mediation centre of the China Banking Association, or a local banking and insurance dispute mediation organisation); you may also go to arbitration or to court.`,
          ];
    case 'US': {
      const category = input.cfpbResponse ? CFPB_RESPONSE_LABEL[input.cfpbResponse][language] : undefined;
      return [
        ...(category ? [zh ? `我们的答复类别：${category}。` : `Our response: ${category}.`] : []),
        again,
        zh
          ? '如您不满意，您也可以向美国消费者金融保护局（CFPB）投诉：www.consumerfinance.gov/complaint，电话 (855) 411-2372。'
          : 'You may also submit a complaint to the Consumer Financial Protection Bureau (CFPB): www.consumerfinance.gov/complaint, telephone (855) 411-2372.',
      ];
    }
  }
}

export interface EightWeekInput {
  reference: string;
  /** When we expect to give the final response, formatted for the customer. */
  expectedBy: string;
}

/** The UK eight-week letter (DISP 1.6.2R(2)): no final response yet, when we expect one, and the FOS now. */
export function eightWeekParagraphs(language: Language, input: EightWeekInput): { subject: string; paragraphs: string[] } {
  if (language === 'zh-CN')
    return {
      subject: `您的投诉（编号 ${input.reference}）：我们尚未作出最终答复`,
      paragraphs: [
        `自我们收到您的投诉 ${input.reference} 起已满八周，我们仍未能作出最终答复，深表歉意。我们仍在调查处理，预计于 ${input.expectedBy} 前作出最终答复。`,
        `如您对延误不满意，或不愿继续等待，您现在即可将投诉免费提交金融申诉专员服务机构（${FOS.name}）（FCA DISP 1.6.2R）。`,
        fosContact[language],
      ],
    };
  return {
    subject: `Your complaint ${input.reference}: we have not yet sent our final response`,
    paragraphs: [
      `It is eight weeks since we received your complaint ${input.reference}, and we are sorry that we are not yet in a position to give you our final response. We are still looking into it, and we expect to send our final response by ${input.expectedBy}.`,
      `If you are dissatisfied with the delay, or you do not want to wait for our final response, you may now refer your complaint to the ${FOS.name}, free of charge (FCA DISP 1.6.2R).`,
      fosContact[language],
    ],
  };
}
