/**
 * Final responses per region (issue 19, docs/regulatory-responses.md): the wording the rules
 * require, in both languages, and the dates behind it.
 */
import { describe, expect, it } from 'vitest';
import type { Complaint, Language } from '../../functions/domain/complaint.ts';
import {
  CFPB_RESPONSE_LABEL,
  CFPB_RESPONSES,
  eightWeekLetterAt,
  eightWeekParagraphs,
  finalResponseRecord,
  formatLocalDate,
  regulatoryParagraphs,
  replyResponseKind,
  sixMonthsAfter,
} from '../../functions/domain/final-response.ts';
import { nextAlarmAt } from '../../functions/domain/deadlines.ts';
import { renderCustomerMessage } from '../../functions/domain/reply-templates.ts';

const LANGUAGES: Language[] = ['en', 'zh-CN'];
const text = (p: string[]) => p.join('\n\n');

describe('UK: DISP 1.6.2R and DISP 1 Annex 3R', () => {
  it.each(LANGUAGES)('the final response (%s) names the FOS, six months, its website, the standard wording and the leaflet', (language) => {
    const t = text(regulatoryParagraphs('UK', language, { kind: 'final', reviewed: false, fosDeadline: '2026-09-02' }));
    expect(t).toContain('Financial Ombudsman Service');
    expect(t).toContain('www.financial-ombudsman.org.uk');
    expect(t).toContain('2026-09-02');
    expect(t).toContain('Your complaint and the ombudsman');
    expect(t).toContain('DISP 1.6.2R');
    if (language === 'en') {
      expect(t).toContain('within six months of the date of this final response');
      expect(t).toContain('free of charge');
      expect(t).toContain('the ombudsman will not have our permission to consider your complaint');
      expect(t).toContain('exceptional circumstances');
    } else {
      expect(t).toContain('六个月内');
      expect(t).toContain('特殊情况');
    }
    // Not the vague wording the issue found.
    expect(t).not.toMatch(/ombudsman or regulator/);
  });

  it.each(LANGUAGES)('the summary resolution communication (%s): resolved by day 3, the FOS later, the website (DISP 1.5.4R)', (language) => {
    const t = text(regulatoryParagraphs('UK', language, { kind: 'summary-resolution', reviewed: false }));
    expect(t).toContain('DISP 1.5');
    expect(t).toContain('www.financial-ombudsman.org.uk');
    expect(t).toContain(language === 'en' ? 'third business day' : '第三个工作日');
    expect(t).toContain('DISP 2.8'); // whether we consent to waive the time limits
    expect(t).not.toContain('six months');
  });

  it.each(LANGUAGES)('the eight-week letter (%s): no final response yet, when we expect one, the FOS now, its website', (language) => {
    const { subject, paragraphs } = eightWeekParagraphs(language, { reference: 'UK-2026-000001', expectedBy: '2026-05-11' });
    const t = text(paragraphs);
    expect(subject).toContain('UK-2026-000001');
    expect(t).toContain('2026-05-11');
    expect(t).toContain('www.financial-ombudsman.org.uk');
    expect(t).toContain(language === 'en' ? 'you may now refer your complaint' : '您现在即可将投诉');
  });

  it('the reply carries the regional wording in place of the generic line', () => {
    const regulatory = text(regulatoryParagraphs('UK', 'en', { kind: 'final', reviewed: false, fosDeadline: '2026-09-02' }));
    const m = renderCustomerMessage('reply', 'en', { reference: 'UK-2026-000001', body: 'Our answer.', regulatory });
    expect(m.text).toContain('within six months of the date of this final response (by 2026-09-02)');
    expect(m.text).not.toContain('If you are not satisfied, we will look at your complaint again.');
    expect(m.html).toContain('www.financial-ombudsman.org.uk');
  });
});

describe('CN: the regulator (12378) and mediation', () => {
  it.each(LANGUAGES)('a reply (%s) tells a dissatisfied customer of 12378 and the mediation organisations', (language) => {
    for (const reviewed of [false, true]) {
      const t = text(regulatoryParagraphs('CN', language, { kind: 'final', reviewed }));
      expect(t).toContain('12378');
      expect(t).toMatch(language === 'en' ? /mediation organisation/ : /纠纷调解组织/);
      expect(t).toMatch(language === 'en' ? /National Financial Regulatory Administration/ : /国家金融监督管理总局/);
      expect(t).toMatch(reviewed ? (language === 'en' ? /final answer/ : /最终答复/) : language === 'en' ? /look at your complaint again/ : /重新核查/);
    }
  });
});

describe('US: the CFPB company response categories', () => {
  it('has the categories of the CFPB company portal, labelled in both languages', () => {
    expect(CFPB_RESPONSES.map((r) => CFPB_RESPONSE_LABEL[r].en)).toEqual([
      'Closed with monetary relief',
      'Closed with non-monetary relief',
      'Closed with explanation',
      'In progress',
    ]);
    for (const r of CFPB_RESPONSES) expect(CFPB_RESPONSE_LABEL[r]['zh-CN']).toMatch(/\p{Script=Han}/u);
  });

  it.each(LANGUAGES)('the reply (%s) names the category staff chose and the CFPB', (language) => {
    const t = text(regulatoryParagraphs('US', language, { kind: 'final', reviewed: false, cfpbResponse: 'closed-with-monetary-relief' }));
    expect(t).toContain(CFPB_RESPONSE_LABEL['closed-with-monetary-relief'][language]);
    expect(t).toContain('www.consumerfinance.gov/complaint');
  });
});

describe('the dates', () => {
  it('six months on: the same day of the month, or the last day of a shorter month', () => {
    expect(sixMonthsAfter(new Date('2026-03-02T10:00:00.000Z')).toISOString()).toBe('2026-09-02T10:00:00.000Z');
    expect(sixMonthsAfter(new Date('2026-08-31T10:00:00.000Z')).toISOString()).toBe('2027-02-28T10:00:00.000Z');
    expect(sixMonthsAfter(new Date('2027-08-31T10:00:00.000Z')).toISOString()).toBe('2028-02-29T10:00:00.000Z');
    expect(sixMonthsAfter(new Date('2026-12-31T23:00:00.000Z')).toISOString()).toBe('2027-06-30T23:00:00.000Z');
  });

  it('a UK reply by the summary-resolution deadline (to the millisecond) is a summary resolution; after it a final response with the FOS deadline', () => {
    const due = '2026-03-05T17:00:00.000Z';
    expect(replyResponseKind('UK', due, due)).toBe('summary-resolution');
    expect(replyResponseKind('UK', '2026-03-05T17:00:00.001Z', due)).toBe('final');
    expect(replyResponseKind('CN', '2026-03-02T10:00:00.000Z', due)).toBe('final');
    expect(finalResponseRecord('UK', '2026-03-10T10:00:00.000Z', due)).toEqual({
      kind: 'final',
      sentAt: '2026-03-10T10:00:00.000Z',
      fosDeadline: '2026-09-10T10:00:00.000Z',
    });
    expect(finalResponseRecord('UK', '2026-03-04T10:00:00.000Z', due)).toEqual({ kind: 'summary-resolution', sentAt: '2026-03-04T10:00:00.000Z' });
    expect(finalResponseRecord('US', '2026-03-10T10:00:00.000Z')).toEqual({ kind: 'final', sentAt: '2026-03-10T10:00:00.000Z' });
    expect(formatLocalDate(new Date('2026-09-09T23:30:00.000Z'), 'Europe/London')).toBe('2026-09-10');
  });

  it('the eight-week letter is owed from the start of the last day of the eight weeks, in the UK only, until a final response', () => {
    const c = {
      region: 'uk',
      status: 'OPEN',
      stage: 'INVESTIGATION',
      receivedAt: '2026-03-02T09:00:00.000Z',
      updatedAt: '2026-03-02T09:00:00.000Z',
      deadlines: { finalResponse: { dueAt: '2026-04-27T22:59:59.999Z', rule: 'UK 8 weeks', remindedAt: 'x', escalatedAt: undefined } },
    } as unknown as Complaint;
    expect(eightWeekLetterAt(c)).toBe('2026-04-26T22:59:59.999Z');
    // It is the watch's next alarm once the reminder went out.
    expect(nextAlarmAt(c, 0.2)).toBe('2026-04-26T22:59:59.999Z');
    expect(eightWeekLetterAt({ ...c, region: 'cn' })).toBeUndefined();
    expect(eightWeekLetterAt({ ...c, finalResponse: { kind: 'eight-week', sentAt: '2026-04-26T23:00:00.000Z' } })).toBeUndefined();
    expect(eightWeekLetterAt({ ...c, deadlines: { finalResponse: { ...c.deadlines.finalResponse, metAt: '2026-04-01T00:00:00.000Z' } } })).toBeUndefined();
  });
});
