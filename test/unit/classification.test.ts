import { describe, it, expect } from 'vitest';
import {
  classify,
  departmentFor,
  matterKeyOf,
  normaliseDepartment,
  route,
  splitDepartments,
  type ClassifyInput,
  type RouteInput,
} from '../../functions/domain/classification.ts';
import type { Channel, Classification } from '../../functions/domain/complaint.ts';
import { REGIONS } from '../../functions/domain/regions.ts';

const cn = REGIONS.cn; // 500,000 CNY, group of 5 within 24 h
const uk = REGIONS.uk; // 50,000 GBP

const input = (description: string, extra: Partial<ClassifyInput> = {}): ClassifyInput => ({
  channel: 'web',
  matter: { description },
  ...extra,
});

describe('classify: nature', () => {
  it.each([
    // English
    ['The branch manager was rude to me', 'service'],
    ['I was kept waiting for an hour', 'service'],
    ['The annual fee was raised without notice', 'product'],
    ['The interest rate on my savings is not what was advertised', 'product'],
    ['The app keeps crashing when I log in', 'operation'],
    ['The ATM did not give me my cash', 'operation'],
    ['Transfer failed but the money left my account', 'operation'],
    ['There was an unauthorized withdrawal', 'violation'],
    ['I was mis-sold payment protection insurance', 'violation'],
    ['My signature was forged on the form', 'violation'],
    ['Nothing in particular, just unhappy', 'service'],
    // Chinese
    ['柜员态度很差', 'service'],
    ['排队两个小时没人管', 'service'],
    ['信用卡年费收费不合理', 'product'],
    ['贷款利率和合同不一致', 'product'],
    ['手机银行系统故障无法转账', 'operation'],
    ['ATM吞卡了', 'operation'],
    ['我的信用卡被盗刷', 'violation'],
    ['理财经理误导销售', 'violation'],
    ['未经授权开通了业务', 'violation'],
  ] as const)('%s -> %s', (description, nature) => {
    expect(classify(input(description), cn).nature).toBe(nature);
  });

  it.each([
    // Several natures match: the more serious one wins.
    ['The rude staff charged a fee I never agreed to', 'product', ['service', 'product']],
    ['A system error charged a fee twice', 'operation', ['operation', 'product']],
    ['Fraud: the app let someone transfer my money', 'violation', ['violation', 'operation']],
    ['服务态度差，还乱收费，系统也有故障，甚至存在欺诈', 'violation', ['violation', 'operation', 'product', 'service']],
  ] as const)('precedence violation > operation > product > service: %s', (description, nature, matched) => {
    const c = classify(input(description), cn);
    expect(c.nature).toBe(nature);
    for (const n of matched) expect(c.reasons.some((r) => r.endsWith(`-> ${n}`))).toBe(true);
    expect(c.reasons).toContain(`${nature} takes precedence (violation > operation > product > service)`);
  });

  it('matches case-insensitively, on whole words, and reads cause and demand too', () => {
    expect(classify(input('FRAUD on my account'), cn).nature).toBe('violation');
    // 'app' must not fire inside 'happy' / 'apply', nor 'atm' inside 'treatment'.
    expect(classify(input('I am not happy with my treatment when I tried to apply'), cn).nature).toBe('service');
    expect(classify(input('I messaged you on WhatsApp'), cn).nature).toBe('service');
    // Plurals of English keywords count.
    expect(classify(input('Hidden fees everywhere'), cn).reasons).toContain('keyword "fee" -> product');
    // Full-width letters (common in Chinese input methods) are normalised.
    expect(classify(input('ＡＴＭ坏了'), cn).nature).toBe('operation');
    const c = classify({ channel: 'web', matter: { description: 'About my account', cause: 'an outage', demand: 'refund the fee' } }, cn);
    expect(c.nature).toBe('operation');
    expect(c.reasons).toEqual(expect.arrayContaining(['keyword "outage" -> operation', 'keyword "fee" -> product']));
  });

  it('says when nothing matched', () => {
    const c = classify(input('I want to talk to someone'), cn);
    expect(c.nature).toBe('service');
    expect(c.reasons).toContain('no nature keyword matched -> service');
  });
});

describe('classify: channel type', () => {
  it.each([
    ['web', 'online'],
    ['email', 'online'],
    ['phone', 'offline'],
    ['branch', 'offline'],
    ['letter', 'offline'],
  ] as const)('%s -> %s', (channel: Channel, channelType) => {
    const c = classify({ channel, matter: { description: 'rude staff' } }, cn);
    expect(c.channelType).toBe(channelType);
    expect(c.reasons).toContain(`channel ${channel} -> ${channelType}`);
  });
});

describe('classify: urgency', () => {
  it.each([
    ['I will go to the media about this', 'media'],
    ['My lawyer will be in touch', 'lawyer'],
    ['I have written to the regulator', 'regulator'],
    ['My card was stolen', 'stolen'],
    ['My elderly mother was pressured', 'elderly'],
    ['URGENT please call me', 'urgent'],
    ['我要向媒体曝光', '媒体'],
    ['我已经请了律师准备起诉', '律师'],
    ['银行卡被盗刷', '盗刷'],
    ['家里老人被骗买了理财', '老人'],
    ['事情很紧急', '紧急'],
    ['我要向监管部门投诉', '监管'],
  ])('%s -> urgent (%s)', (description, keyword) => {
    const c = classify(input(description), cn);
    expect(c.urgency).toBe('urgent');
    expect(c.reasons).toContain(`keyword "${keyword}" -> urgent`);
  });

  it.each([
    ['The queue at the branch was long'],
    ['排队时间太长'],
    ['Please press 1 for more options'],
    ['There is an issue with my statement'], // 'sue' inside 'issue' is not a lawsuit
  ])('%s -> general', (description) => {
    expect(classify(input(description), cn).urgency).toBe('general');
  });
});

describe('classify: risk and priority', () => {
  it.each([
    // description, amount, risk, priority
    ['rude staff', undefined, 'low', 'P3'],
    ['rude staff', { value: 49_999, currency: 'CNY' }, 'low', 'P3'],
    ['rude staff', { value: 50_000, currency: 'CNY' }, 'medium', 'P2'], // 10 % of 500,000
    ['rude staff', { value: 499_999, currency: 'CNY' }, 'medium', 'P2'],
    ['rude staff', { value: 500_000, currency: 'CNY' }, 'high', 'P1'], // the threshold itself
    ['the fee is too high', undefined, 'medium', 'P2'],
    ['the app is broken', undefined, 'medium', 'P2'],
    ['they committed fraud', undefined, 'high', 'P1'],
    ['排队太久，我要找媒体', undefined, 'high', 'P1'], // service nature, but urgent
    ['服务态度差', { value: 600_000, currency: 'cny' }, 'high', 'P1'], // currency compared case-insensitively
  ] as const)('%s, %o -> %s %s', (description, amount, risk, priority) => {
    const c = classify(input(description, amount ? { amount } : {}), cn);
    expect(c.riskLevel).toBe(risk);
    expect(c.priority).toBe(priority);
    expect(c.reasons.at(-1)).toBe(`${risk} risk -> priority ${priority}`);
  });

  it('lists every risk rule that fired', () => {
    const c = classify(input('fraud, I will call my lawyer', { amount: { value: 700_000, currency: 'CNY' } }), cn);
    expect(c.reasons).toEqual(
      expect.arrayContaining(['nature violation -> high risk', 'urgent -> high risk', 'amount 700,000 CNY >= major amount 500,000 CNY -> high risk']),
    );
  });

  it('uses the region thresholds', () => {
    const amount = { value: 60_000, currency: 'GBP' };
    expect(classify(input('rude staff', { amount }), uk).riskLevel).toBe('high');
    expect(classify(input('rude staff', { amount: { value: 5_000, currency: 'GBP' } }), uk).riskLevel).toBe('medium');
  });

  it('never compares an amount in another currency, and says so', () => {
    const c = classify(input('rude staff', { amount: { value: 10_000_000, currency: 'USD' } }), cn);
    expect(c.riskLevel).toBe('low');
    expect(c.reasons.some((r) => r.startsWith('amount in USD not compared'))).toBe(true);
  });
});

describe('matterKeyOf', () => {
  const key = (description: string, businessLine?: string) => {
    const i = input(description, businessLine ? { businessLine } : {});
    return matterKeyOf(i, classify(i, cn));
  };

  it.each([
    ['The app is down again', 'cards', 'cards:outage'],
    ['Outage since this morning', 'cards', 'cards:outage'],
    ['I cannot log in to online banking', 'Retail Banking', 'retail-banking:outage'],
    ['手机银行系统故障', '信用卡', '信用卡:outage'],
    ['一直无法登录', undefined, 'general:outage'],
    ['I was charged twice for one purchase', 'cards', 'cards:double-charge'],
    ['Double charge on my statement', 'cards', 'cards:double-charge'],
    ['同一笔消费重复扣款', 'cards', 'cards:double-charge'],
    ['Skimming device at the ATM', 'cards', 'cards:card-fraud'],
    ['我的卡被盗刷了', 'cards', 'cards:card-fraud'],
    ['The ATM swallowed my card', undefined, 'general:atm'],
    ['ATM吞卡', 'deposits', 'deposits:atm'],
    ['转账失败但钱扣了', 'payments', 'payments:transfer-failed'],
  ])('%s (%s) -> %s', (description, line, expected) => {
    expect(key(description, line)).toBe(expected);
  });

  it('is undefined when no incident keyword matches', () => {
    expect(key('The staff were rude', 'cards')).toBeUndefined();
    expect(key('年费太高', 'cards')).toBeUndefined();
  });

  it('the same incident said differently gives the same key', () => {
    expect(key('app down, cannot log in', 'cards')).toBe(key('系统故障，无法登录', 'cards'));
  });

  it('takes the first incident in the text, preferring one consistent with the nature', () => {
    const i = input('Since the outage I was charged twice');
    const c = classify(i, cn);
    expect(matterKeyOf(i, c)).toBe('general:outage');
    // A staff correction to violation steers the key to the violation incident when one is mentioned.
    const j = input('After the outage my card was skimmed');
    expect(matterKeyOf(j, { ...classify(j, cn), nature: 'operation' })).toBe('general:outage');
    expect(matterKeyOf(j, { ...classify(j, cn), nature: 'violation' })).toBe('general:card-fraud');
  });
});

describe('departmentFor', () => {
  it.each([
    ['cards', 'cards'],
    ['Credit Cards', 'cards'],
    ['debit card', 'cards'],
    ['loans', 'loans'],
    ['Mortgages', 'loans'],
    ['credit', 'loans'],
    ['personal loan', 'loans'],
    ['deposits', 'retail'],
    ['current accounts', 'retail'],
    ['Savings', 'retail'],
    ['payments', 'retail'],
    ['wealth', 'wealth'],
    ['investment account', 'wealth'],
    ['insurance', 'wealth'],
    ['mutual funds', 'wealth'],
    ['信用卡', 'cards'],
    ['个人贷款', 'loans'],
    ['存款', 'retail'],
    ['储蓄', 'retail'],
    ['支付', 'retail'],
    ['理财', 'wealth'],
    ['基金', 'wealth'],
    ['保险', 'wealth'],
    ['something else', 'retail'],
    ['', 'retail'],
    [undefined, 'retail'],
  ])('%s -> %s', (line, department) => {
    expect(departmentFor(line)).toBe(department);
  });
});

describe('department names', () => {
  it.each([
    ['Cards Department', 'cards'],
    ['the Loans team', 'loans'],
    ['信用卡部', 'cards'],
    ['贷款部门', 'loans'],
    ['Customer Service', 'customer-service'],
    ['  WEALTH  ', 'wealth'],
    ['理财中心', 'wealth'],
  ])('%s -> %s', (name, id) => {
    expect(normaliseDepartment(name)).toBe(id);
  });

  it.each([
    ['cards, loans', ['cards', 'loans']],
    ['cards; loans', ['cards', 'loans']],
    ['cards/loans', ['cards', 'loans']],
    ['信用卡部、贷款部', ['cards', 'loans']],
    ['信用卡部，贷款部', ['cards', 'loans']],
    ['Cards and Wealth Management', ['cards', 'wealth']],
    ['Customer Service', ['customer-service']],
    ['', []],
  ])('splits %s', (field, ids) => {
    expect(splitDepartments(field)).toEqual(ids);
  });
});

describe('route', () => {
  const general: Classification = {
    nature: 'service',
    channelType: 'online',
    urgency: 'general',
    riskLevel: 'low',
    priority: 'P3',
    reasons: [],
  };
  const base = (over: Partial<RouteInput> = {}): RouteInput => ({
    classification: general,
    complainant: { anonymous: false },
    recentSameMatterCount: 0,
    ...over,
  });

  it('an ordinary complaint is not major, one department, not anonymous', () => {
    expect(route(base({ businessLine: 'cards' }), cn)).toEqual({
      major: false,
      majorReasons: [],
      crossDepartment: false,
      departments: ['cards'],
      anonymous: false,
    });
  });

  it.each([
    [{ value: 499_999, currency: 'CNY' }, false],
    [{ value: 500_000, currency: 'CNY' }, true],
    [{ value: 5_000_000, currency: 'USD' }, false], // another currency is not compared
  ])('amount %o -> major %s', (amount, major) => {
    const r = route(base({ amount }), cn);
    expect(r.major).toBe(major);
    if (major) expect(r.majorReasons).toEqual(['large amount: 500,000 CNY >= 500,000 CNY']);
  });

  it.each([
    [3, false], // 4 complaints in all
    [4, true], // the fifth makes a group incident
    [10, true],
  ])('%i other complaints on the same matter -> major %s', (recentSameMatterCount, major) => {
    const r = route(base({ matterKey: 'cards:outage', recentSameMatterCount }), cn);
    expect(r.major).toBe(major);
    expect(r.matterKey).toBe('cards:outage');
    if (major) {
      expect(r.majorReasons).toEqual([`possible group incident: ${recentSameMatterCount + 1} complaints on "cards:outage" within 24 h (threshold 5)`]);
    }
  });

  it.each([
    ['urgent', 'violation', true],
    ['urgent', 'service', false],
    ['general', 'violation', false],
  ] as const)('urgency %s and nature %s -> major %s', (urgency, nature, major) => {
    const r = route(base({ classification: { ...general, urgency, nature } }), cn);
    expect(r.major).toBe(major);
    expect(r.majorReasons).toEqual(major ? ['urgent complaint about a violation'] : []);
  });

  it('gives every major reason that applies', () => {
    const r = route(
      base({
        classification: { ...general, urgency: 'urgent', nature: 'violation' },
        amount: { value: 800_000, currency: 'CNY' },
        matterKey: 'cards:card-fraud',
        recentSameMatterCount: 6,
      }),
      cn,
    );
    expect(r.majorReasons).toHaveLength(3);
  });

  it.each([
    // target department, business line, departments (lead first), cross-department
    [undefined, 'cards', ['cards'], false],
    [undefined, undefined, ['retail'], false],
    ['Cards', 'cards', ['cards'], false], // the same department said twice
    ['Loans', 'cards', ['loans', 'cards'], true], // exactly one named: the customer's department leads
    ['loans, wealth', 'cards', ['cards', 'loans', 'wealth'], true], // several named: the business line leads
    ['loans / cards', 'cards', ['cards', 'loans'], true],
    ['贷款部、理财部', '信用卡', ['cards', 'loans', 'wealth'], true],
    ['信用卡部', undefined, ['cards'], false],
    ['Customer Service', 'mortgage', ['customer-service', 'loans'], true],
    ['loans and loans', undefined, ['loans'], false],
  ])('target %s, business line %s -> %o', (department, businessLine, departments, crossDepartment) => {
    const r = route(base({ ...(department ? { target: { department } } : {}), ...(businessLine ? { businessLine } : {}) }), cn);
    expect(r.departments).toEqual(departments);
    expect(r.crossDepartment).toBe(crossDepartment);
  });

  it('keeps the complainant anonymous', () => {
    expect(route(base({ complainant: { anonymous: true } }), cn).anonymous).toBe(true);
  });

  it('works end to end from a Chinese complaint', () => {
    const i: ClassifyInput = {
      channel: 'phone',
      matter: { description: '信用卡被盗刷五万元，我要起诉' },
      businessLine: '信用卡',
      amount: { value: 50_000, currency: 'CNY' },
      target: { department: '信用卡部、风险管理部' },
    };
    const c = classify(i, cn);
    expect(c).toMatchObject({ nature: 'violation', channelType: 'offline', urgency: 'urgent', riskLevel: 'high', priority: 'P1' });
    const matterKey = matterKeyOf(i, c);
    expect(matterKey).toBe('信用卡:card-fraud');
    const r = route(
      {
        classification: c,
        complainant: { anonymous: false },
        amount: i.amount,
        target: i.target,
        businessLine: i.businessLine,
        matterKey,
        recentSameMatterCount: 0,
      },
      cn,
    );
    expect(r).toEqual({
      major: true,
      majorReasons: ['urgent complaint about a violation'],
      crossDepartment: true,
      departments: ['cards', '风险管理'],
      anonymous: false,
      matterKey: '信用卡:card-fraud',
    });
  });
});
