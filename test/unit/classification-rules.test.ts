/**
 * functions/domain/classification.ts, exactly (issue 23, mutation testing): whole
 * classifications with every reason in order, the keyword matcher's boundaries, the incident
 * key's order rules, department names and routing compared strictly. The readable examples are
 * in classification.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  COMPLAINTS_DESK,
  classify,
  departmentFor,
  matterKeyOf,
  normaliseDepartment,
  type RouteInput,
  route,
  splitDepartments,
  staffedRouting,
} from '../../functions/domain/classification.ts';
import type { Classification, Routing } from '../../functions/domain/complaint.ts';
import { REGIONS } from '../../functions/domain/regions.ts';

const cn = REGIONS.cn; // 500,000 CNY; a group is 5 within 24 h

describe('classify, whole', () => {
  it('a plain service complaint: every reason, in order', () => {
    expect(classify({ channel: 'phone', matter: { description: 'Rude staff' } }, cn)).toStrictEqual({
      nature: 'service',
      channelType: 'offline',
      urgency: 'general',
      riskLevel: 'low',
      priority: 'P3',
      reasons: [
        'keyword "rude" -> service',
        'keyword "staff" -> service',
        'channel phone -> offline',
        'no risk rule fired -> low risk',
        'low risk -> priority P3',
      ],
    });
  });

  it('nothing matched', () => {
    expect(classify({ channel: 'email', matter: { description: 'Hello' } }, cn).reasons).toStrictEqual([
      'no nature keyword matched -> service',
      'channel email -> online',
      'no risk rule fired -> low risk',
      'low risk -> priority P3',
    ]);
  });

  it('one nature of several keywords: no precedence note', () => {
    expect(classify({ channel: 'web', matter: { description: 'The fee and the penalty' } }, cn)).toStrictEqual({
      nature: 'product',
      channelType: 'online',
      urgency: 'general',
      riskLevel: 'medium',
      priority: 'P2',
      reasons: [
        'keyword "fee" -> product',
        'keyword "penalty" -> product',
        'channel web -> online',
        'nature product -> medium risk',
        'medium risk -> priority P2',
      ],
    });
  });

  it('several natures, urgent, an amount: high risk rules first, then medium ones', () => {
    expect(
      classify(
        { channel: 'branch', matter: { description: 'App error', cause: 'fraud', demand: 'call my lawyer' }, amount: { value: 50_000.125, currency: ' cny ' } },
        cn,
      ),
    ).toStrictEqual({
      nature: 'violation',
      channelType: 'offline',
      urgency: 'urgent',
      riskLevel: 'high',
      priority: 'P1',
      reasons: [
        'keyword "fraud" -> violation',
        'keyword "app" -> operation',
        'keyword "error" -> operation',
        'violation takes precedence (violation > operation > product > service)',
        'channel branch -> offline',
        'keyword "fraud" -> urgent',
        'keyword "lawyer" -> urgent',
        'nature violation -> high risk',
        'urgent -> high risk',
        'amount 50,000.13 CNY >= 10% of major amount (50,000 CNY) -> medium risk',
        'high risk -> priority P1',
      ],
    });
  });

  it('an amount over the major amount, and one in another currency', () => {
    expect(classify({ channel: 'web', matter: { description: 'Hello' }, amount: { value: 1_234_567.5, currency: 'CNY' } }, cn).reasons).toStrictEqual([
      'no nature keyword matched -> service',
      'channel web -> online',
      'amount 1,234,567.5 CNY >= major amount 500,000 CNY -> high risk',
      'high risk -> priority P1',
    ]);
    expect(classify({ channel: 'web', matter: { description: 'the app' }, amount: { value: 9e9, currency: ' usd' } }, cn).reasons).toStrictEqual([
      'keyword "app" -> operation',
      'channel web -> online',
      'amount in USD not compared (thresholds are in CNY)',
      'nature operation -> medium risk',
      'medium risk -> priority P2',
    ]);
  });

  it('description, cause and demand are separate texts: a keyword does not form across them', () => {
    expect(classify({ channel: 'web', matter: { description: 'my card', cause: 'apps', demand: 'fees' } }, cn).reasons.slice(0, 2)).toStrictEqual([
      'keyword "app" -> operation',
      'keyword "fee" -> product',
    ]);
    expect(classify({ channel: 'web', matter: { description: 'ap', cause: 'p' } }, cn).nature).toBe('service');
  });

  it('a typographic apostrophe is read as one', () => {
    expect(classify({ channel: 'web', matter: { description: 'I can’t log in' } }, cn).reasons[0]).toBe('keyword "can\'t log in" -> operation');
    expect(classify({ channel: 'web', matter: { description: 'I can‘t log in' } }, cn).nature).toBe('operation');
  });
});

describe('the keyword matcher', () => {
  it('Chinese keywords match beside Latin letters and digits; English ones only as whole words (plural s/es)', () => {
    expect(departmentFor('abc信用卡')).toBe('cards');
    expect(departmentFor('信用卡abc')).toBe('cards');
    expect(departmentFor('1信用卡2')).toBe('cards');
    expect(departmentFor('cardx')).toBe('retail');
    expect(departmentFor('xcard')).toBe('retail');
    expect(departmentFor('cardes')).toBe('cards');
    expect(departmentFor('cardess')).toBe('retail');
    expect(departmentFor('Mortgage')).toBe('loans');
  });

  it('a multi-word keyword matches across any run of spaces, not without one', () => {
    expect(classify({ channel: 'web', matter: { description: 'cannot   log\tin' } }, cn).nature).toBe('operation');
    expect(classify({ channel: 'web', matter: { description: 'unable to login' } }, cn).reasons[0]).toBe('keyword "unable to login" -> operation');
    expect(classify({ channel: 'web', matter: { description: 'it was charged twice' } }, cn).reasons[0]).toBe('keyword "charged twice" -> operation');
    expect(classify({ channel: 'web', matter: { description: 'chargedtwice' } }, cn).nature).toBe('service');
  });

  it('a keyword at the very start of the text counts', () => {
    expect(classify({ channel: 'web', matter: { description: 'fee' } }, cn).reasons[0]).toBe('keyword "fee" -> product');
    expect(departmentFor('理财')).toBe('wealth');
  });
});

describe('matterKeyOf, exactly', () => {
  const key = (description: string, nature: Classification['nature'] = 'operation', businessLine?: string) =>
    matterKeyOf({ channel: 'web', matter: { description }, ...(businessLine !== undefined ? { businessLine } : {}) }, { nature });

  it('the incident mentioned first wins, by the first mention of each', () => {
    expect(key('I was charged twice during the outage')).toBe('general:double-charge');
    expect(key('The outage: I was charged twice')).toBe('general:outage');
    expect(key('The app is down, then I was charged twice, an outage')).toBe('general:outage');
    expect(key('Duplicate payment, and the transfer failed')).toBe('general:double-charge');
    expect(key('The transfer failed, and a duplicate payment')).toBe('general:transfer-failed');
  });

  it('with the nature, an incident of that nature wins even when mentioned later; else the first', () => {
    expect(key('Charged twice, and the card was cloned', 'violation')).toBe('general:card-fraud');
    expect(key('Charged twice, and the card was cloned', 'operation')).toBe('general:double-charge');
    expect(key('Charged twice, and the card was cloned', 'service')).toBe('general:double-charge');
    expect(key('The card was cloned, then charged twice', 'product')).toBe('general:card-fraud');
  });

  it.each([
    ['My card was skimmed after the outage', 'operation', 'outage'],
    ['My card was skimmed and I was charged twice', 'operation', 'double-charge'],
    ['My card was skimmed, then the ATM swallowed my card', 'operation', 'atm'],
    ['My card was skimmed, then the transfer failed', 'operation', 'transfer-failed'],
    ['Charged twice for a policy I was mis-sold', 'violation', 'mis-selling'],
    ['Charged twice, then card fraud', 'violation', 'card-fraud'],
  ] as const)('each incident has its nature: %s (%s) -> %s', (description, nature, id) => {
    expect(key(description, nature)).toBe(`general:${id}`);
  });

  it('the business line as a slug; blank is general', () => {
    expect(key('outage', 'operation', '  Retail   Banking  ')).toBe('retail-banking:outage');
    expect(key('outage', 'operation', '   ')).toBe('general:outage');
    expect(key('outage', 'operation', '')).toBe('general:outage');
    expect(key('mis-sold a bond', 'violation', 'Wealth')).toBe('wealth:mis-selling');
    expect(key('no incident here')).toBeUndefined();
  });
});

describe('departments, exactly', () => {
  it.each([
    ['card', 'cards'],
    ['cards', 'cards'],
    ['credit card', 'cards'],
    ['credit cards', 'cards'],
    ['card services', 'cards'],
    ['信用卡', 'cards'],
    ['银行卡', 'cards'],
    ['卡', 'cards'],
    ['loan', 'loans'],
    ['loans', 'loans'],
    ['lending', 'loans'],
    ['mortgage', 'loans'],
    ['mortgages', 'loans'],
    ['credit', 'loans'],
    ['贷款', 'loans'],
    ['信贷', 'loans'],
    ['个贷', 'loans'],
    ['retail', 'retail'],
    ['retail banking', 'retail'],
    ['零售', 'retail'],
    ['个人金融', 'retail'],
    ['wealth', 'wealth'],
    ['wealth management', 'wealth'],
    ['investment', 'wealth'],
    ['investments', 'wealth'],
    ['理财', 'wealth'],
    ['财富管理', 'wealth'],
  ])('the name %s is the department %s', (name, department) => {
    expect(normaliseDepartment(name)).toBe(department);
  });

  it.each([
    ['The Cards', 'cards'],
    ['Cards Dept', 'cards'],
    ['Cards Dept.', 'cards'],
    ['Cards Division', 'cards'],
    ['Cards Centre', 'cards'],
    ['Cards Center', 'cards'],
    ['Cards Team', 'cards'],
    ['Breathe Team', 'breathe'],
    ['Cards team leads', 'cards-team-leads'],
    ['Team', 'team'],
    ['Customer   Service', 'customer-service'],
    ['中心支行', '中心支行'],
    ['零售部', 'retail'],
    ['constructor', 'constructor'],
  ])('%s -> %s', (name, id) => {
    expect(normaliseDepartment(name)).toBe(id);
  });

  it('splits on , ; / 、 and "and", dropping empty parts', () => {
    expect(splitDepartments('cards, , loans;;wealth')).toStrictEqual(['cards', 'loans', 'wealth']);
    expect(splitDepartments('cards and loans')).toStrictEqual(['cards', 'loans']);
    expect(splitDepartments('brand loans')).toStrictEqual(['brand-loans']);
    expect(splitDepartments('cards andloans')).toStrictEqual(['cards-andloans']);
    expect(splitDepartments(undefined)).toStrictEqual([]);
  });
});

describe('staffedRouting', () => {
  const routing = (departments: string[]): Routing => ({
    major: false,
    majorReasons: [],
    crossDepartment: departments.length > 1,
    departments,
    anonymous: false,
  });
  const staffed = (teams: string[]) => async (t: string) => teams.includes(t);

  it('all staffed: the routing unchanged', async () => {
    const r = routing(['cards', 'loans']);
    expect(await staffedRouting(r, staffed(['cards', 'loans']))).toBe(r);
  });

  it('some unstaffed: kept in order, the others noted', async () => {
    expect(await staffedRouting(routing(['cards', 'risk', 'loans']), staffed(['loans', 'cards']))).toStrictEqual({
      ...routing(['cards', 'loans']),
      crossDepartment: true,
      unstaffed: ['risk'],
    });
    expect(await staffedRouting(routing(['risk', 'cards']), staffed(['cards']))).toStrictEqual({
      ...routing(['cards']),
      crossDepartment: false,
      unstaffed: ['risk'],
    });
  });

  it('none staffed: the complaints desk', async () => {
    expect(COMPLAINTS_DESK).toBe('complaints');
    expect(await staffedRouting(routing(['risk', 'audit']), staffed([]))).toStrictEqual({
      ...routing(['complaints']),
      crossDepartment: false,
      unstaffed: ['risk', 'audit'],
    });
  });
});

describe('route, exactly', () => {
  const general: Classification = { nature: 'service', channelType: 'online', urgency: 'general', riskLevel: 'low', priority: 'P3', reasons: [] };
  const base = (over: Partial<RouteInput> = {}): RouteInput => ({
    classification: general,
    complainant: { anonymous: false },
    recentSameMatterCount: 0,
    ...over,
  });

  it('no matter key: none in the routing, and a group incident says no key', () => {
    expect(route(base(), cn)).toStrictEqual({ major: false, majorReasons: [], crossDepartment: false, departments: ['retail'], anonymous: false });
    expect(route(base({ recentSameMatterCount: 4 }), cn).majorReasons).toStrictEqual(['possible group incident: 5 complaints within 24 h (threshold 5)']);
    expect(route(base({ matterKey: '', recentSameMatterCount: 4 }), cn)).toStrictEqual({
      major: true,
      majorReasons: ['possible group incident: 5 complaints within 24 h (threshold 5)'],
      crossDepartment: false,
      departments: ['retail'],
      anonymous: false,
    });
  });

  it('every major reason, in order, with the amounts formatted', () => {
    expect(
      route(
        base({
          classification: { ...general, urgency: 'urgent', nature: 'violation' },
          amount: { value: 654_321.987, currency: 'cny' },
          matterKey: 'cards:card-fraud',
          recentSameMatterCount: 6,
        }),
        cn,
      ),
    ).toStrictEqual({
      major: true,
      majorReasons: [
        'large amount: 654,321.99 CNY >= 500,000 CNY',
        'possible group incident: 7 complaints on "cards:card-fraud" within 24 h (threshold 5)',
        'urgent complaint about a violation',
      ],
      crossDepartment: false,
      departments: ['retail'],
      anonymous: false,
      matterKey: 'cards:card-fraud',
    });
  });

  it('a blank business line is none', () => {
    expect(route(base({ businessLine: '  ', target: { department: 'Loans' } }), cn).departments).toStrictEqual(['loans']);
    expect(route(base({ businessLine: '  ' }), cn).departments).toStrictEqual(['retail']);
    expect(route(base({ target: { department: 'Loans, Wealth' } }), cn).departments).toStrictEqual(['loans', 'wealth']);
  });
});
