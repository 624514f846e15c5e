/**
 * Classification, assessment and routing of a complaint (S2 1.1.14, 1.1.16, 1.1.22-1.1.24).
 * Pure keyword rules in English and Chinese; every rule that fires is written to `reasons`
 * so staff and auditors can see why (and correct it at registration).
 *
 * Main steps of `classify`:
 *  1. nature by keywords, with precedence violation > operation > product > service: the most
 *     serious reading wins, because under-classifying misconduct or a system fault is the
 *     costlier mistake (S2 1.1.16: customer-rights impact first);
 *  2. channel type from the channel;
 *  3. urgency by keywords (fraud, regulator, media, lawyer, vulnerable customer ...);
 *  4. risk level from nature, urgency and amount (only in the region's currency);
 *  5. priority from risk level.
 */
import type { Channel, Classification, Nature, Routing } from './complaint.ts';
import type { RegionConfig } from './regions.ts';

export interface ClassifyInput {
  channel: Channel;
  matter: { description: string; cause?: string; demand?: string };
  businessLine?: string;
  amount?: { value: number; currency: string };
  target?: { department?: string; staffMember?: string };
}

export interface RouteInput {
  classification: Classification;
  complainant: { anonymous: boolean };
  amount?: { value: number; currency: string };
  target?: { department?: string };
  businessLine?: string;
  matterKey?: string;
  /** OTHER complaints on the same matter key within the region's window (counted by the caller). */
  recentSameMatterCount: number;
}

/** Keywords per nature. English is matched on word boundaries (plural s/es allowed), Chinese as substrings. */
export const NATURE_KEYWORDS: Record<Nature, readonly string[]> = {
  violation: [
    'fraud',
    'fraudulent',
    'mis-selling',
    'mis selling',
    'misselling',
    'mis-sold',
    'mis sold',
    'missold',
    'unauthorised',
    'unauthorized',
    'forged',
    'forgery',
    'embezzle',
    'embezzled',
    'embezzlement',
    'bribe',
    'without my consent',
    'without my permission',
    '欺诈',
    '违规',
    '违法',
    '误导销售',
    '盗刷',
    '未经授权',
    '未经本人同意',
    '伪造',
    '挪用',
    '诈骗',
    '飞单',
    '私自',
    '搭售',
  ],
  operation: [
    'app',
    'system',
    'transfer failed',
    'failed transfer',
    'payment failed',
    'atm',
    'error',
    'outage',
    'crash',
    'crashed',
    'glitch',
    'cannot log in',
    "can't log in",
    'unable to log in',
    'cannot login',
    'unable to login',
    'charged twice',
    'double charge',
    'double charged',
    'debited twice',
    'swallowed',
    '系统',
    '转账',
    '操作',
    '故障',
    '无法登录',
    '闪退',
    '宕机',
    '吞卡',
    '重复扣款',
    '未到账',
    '取款机',
  ],
  product: [
    'fee',
    'charge',
    'interest rate',
    'product',
    'terms',
    'conditions',
    'penalty',
    'commission',
    'annual fee',
    'overdraft',
    '费用',
    '利率',
    '产品',
    '收费',
    '手续费',
    '年费',
    '利息',
    '条款',
    '违约金',
  ],
  service: [
    'rude',
    'waiting',
    'wait',
    'waited',
    'queue',
    'attitude',
    'impolite',
    'unhelpful',
    'ignored',
    'service',
    'staff',
    '态度',
    '排队',
    '服务',
    '等待',
    '不耐烦',
    '不理睬',
    '推诿',
  ],
};

/** Most serious first: the first nature with a matching keyword wins. */
export const NATURE_PRECEDENCE: readonly Nature[] = ['violation', 'operation', 'product', 'service'];

/** Keywords that make a complaint urgent (S2 1.1.14: serious problem needing immediate handling). */
export const URGENT_KEYWORDS: readonly string[] = [
  'urgent',
  'emergency',
  'fraud',
  'stolen',
  'theft',
  'scam',
  'regulator',
  'ombudsman',
  'media',
  'journalist',
  'newspaper',
  'lawyer',
  'solicitor',
  'attorney',
  'sue',
  'lawsuit',
  'legal action',
  'court',
  'police',
  'elderly',
  'disabled',
  'suicide',
  'kill myself',
  '盗刷',
  '紧急',
  '媒体',
  '记者',
  '曝光',
  '监管',
  '银保监',
  '12378',
  '起诉',
  '律师',
  '法院',
  '报警',
  '老人',
  '老年人',
  '残疾',
  '自杀',
  '轻生',
];

/** Canonical incidents for group-incident detection: the same id for every way of saying it. */
export const INCIDENTS: readonly { id: string; nature: Nature; keywords: readonly string[] }[] = [
  {
    id: 'outage',
    nature: 'operation',
    keywords: [
      'outage',
      'app down',
      'app is down',
      'app not working',
      'app crash',
      'website down',
      'system down',
      'cannot log in',
      "can't log in",
      'unable to log in',
      'cannot login',
      'unable to login',
      'login failed',
      '系统故障',
      '系统崩溃',
      '无法登录',
      '不能登录',
      '登录不了',
      '宕机',
      '闪退',
    ],
  },
  {
    id: 'double-charge',
    nature: 'operation',
    keywords: [
      'charged twice',
      'double charge',
      'double charged',
      'double-charged',
      'duplicate charge',
      'duplicate payment',
      'debited twice',
      '重复扣款',
      '重复扣费',
      '扣了两次',
    ],
  },
  {
    id: 'card-fraud',
    nature: 'violation',
    keywords: [
      'card fraud',
      'skimming',
      'skimmed',
      'cloned card',
      'card cloned',
      'card was cloned',
      'unauthorised transaction',
      'unauthorized transaction',
      '盗刷',
      '银行卡被盗',
      '信用卡被盗',
    ],
  },
  {
    id: 'atm',
    nature: 'operation',
    keywords: [
      'atm swallowed',
      'swallowed my card',
      'atm kept my card',
      'atm retained',
      'atm did not dispense',
      "atm didn't dispense",
      'cash not dispensed',
      '吞卡',
      'atm吞',
      '取款机吞',
      '未出钞',
      '不出钞',
    ],
  },
  {
    id: 'transfer-failed',
    nature: 'operation',
    keywords: ['transfer failed', 'failed transfer', 'payment failed', 'transfer not received', '转账失败', '汇款失败', '转账未到账'],
  },
  {
    id: 'mis-selling',
    nature: 'violation',
    keywords: ['mis-selling', 'mis-sold', 'misselling', 'missold', '误导销售', '飞单'],
  },
];

const ONLINE_CHANNELS: readonly Channel[] = ['web', 'email'];

/** Lower-case, full-width to half-width (ＡＴＭ -> atm), typographic apostrophe to ASCII. */
function normaliseText(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'");
}

const ASCII_WORD = /[a-z0-9]/;
const matcherCache = new Map<string, RegExp>();

function matcher(keyword: string): RegExp {
  let re = matcherCache.get(keyword);
  if (!re) {
    const kw = normaliseText(keyword);
    const body = kw
      .split(/\s+/)
      .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('\\s+');
    // Word boundaries only where the keyword starts/ends with a Latin letter or digit:
    // 'app' must not match 'happy', but '吞卡' has no word boundary in Chinese text.
    const before = ASCII_WORD.test(kw[0]) ? '(?<![a-z0-9])' : '';
    const after = ASCII_WORD.test(kw[kw.length - 1]) ? '(?:s|es)?(?![a-z0-9])' : '';
    re = new RegExp(before + body + after, 'u');
    matcherCache.set(keyword, re);
  }
  return re;
}

/** Position of the keyword in already-normalised text, or -1. */
function indexOfKeyword(text: string, keyword: string): number {
  const m = matcher(keyword).exec(text);
  return m ? m.index : -1;
}

function matchedKeywords(text: string, keywords: readonly string[]): string[] {
  return keywords.filter((k) => indexOfKeyword(text, k) >= 0);
}

function matterText(matter: ClassifyInput['matter']): string {
  // join() writes an absent cause or demand as an empty line.
  return normaliseText([matter.description, matter.cause, matter.demand].join('\n'));
}

function formatAmount(value: number, currency: string): string {
  return `${value.toLocaleString('en-US', { maximumFractionDigits: 2 })} ${currency}`;
}

/** The amount when it is in the region's currency; undefined otherwise (never converted). */
function comparableAmount(amount: ClassifyInput['amount'], region: RegionConfig): number | undefined {
  if (!amount) return undefined;
  return amount.currency.trim().toUpperCase() === region.thresholds.currency.toUpperCase() ? amount.value : undefined;
}

export function classify(input: ClassifyInput, region: RegionConfig): Classification {
  const reasons: string[] = [];
  const text = matterText(input.matter);

  // 1. Nature.
  const matchedNatures = NATURE_PRECEDENCE.filter((n) => {
    const hits = matchedKeywords(text, NATURE_KEYWORDS[n]);
    for (const k of hits) reasons.push(`keyword "${k}" -> ${n}`);
    return hits.length > 0;
  });
  const nature: Nature = matchedNatures[0] ?? 'service';
  if (matchedNatures.length === 0) reasons.push('no nature keyword matched -> service');
  if (matchedNatures.length > 1) reasons.push(`${nature} takes precedence (violation > operation > product > service)`);

  // 2. Channel type.
  const channelType = ONLINE_CHANNELS.includes(input.channel) ? 'online' : 'offline';
  reasons.push(`channel ${input.channel} -> ${channelType}`);

  // 3. Urgency.
  const urgentHits = matchedKeywords(text, URGENT_KEYWORDS);
  for (const k of urgentHits) reasons.push(`keyword "${k}" -> urgent`);
  const urgency = urgentHits.length > 0 ? 'urgent' : 'general';

  // 4. Risk level: every rule that fires is recorded; the highest level wins.
  const { majorAmount, currency } = region.thresholds;
  const high: string[] = [];
  const medium: string[] = [];
  if (nature === 'violation') high.push('nature violation -> high risk');
  if (urgency === 'urgent') high.push('urgent -> high risk');
  const amount = comparableAmount(input.amount, region);
  if (input.amount && amount === undefined) {
    reasons.push(`amount in ${input.amount.currency.trim().toUpperCase()} not compared (thresholds are in ${currency})`);
  }
  if (amount !== undefined) {
    if (amount >= majorAmount) {
      high.push(`amount ${formatAmount(amount, currency)} >= major amount ${formatAmount(majorAmount, currency)} -> high risk`);
    } else if (amount >= majorAmount * 0.1) {
      medium.push(`amount ${formatAmount(amount, currency)} >= 10% of major amount (${formatAmount(majorAmount * 0.1, currency)}) -> medium risk`);
    }
  }
  if (nature === 'product' || nature === 'operation') medium.push(`nature ${nature} -> medium risk`);
  reasons.push(...high, ...medium);
  const riskLevel = high.length > 0 ? 'high' : medium.length > 0 ? 'medium' : 'low';
  if (riskLevel === 'low') reasons.push('no risk rule fired -> low risk');

  // 5. Priority.
  const priority = riskLevel === 'high' ? 'P1' : riskLevel === 'medium' ? 'P2' : 'P3';
  reasons.push(`${riskLevel} risk -> priority ${priority}`);

  return { nature, channelType, urgency, riskLevel, priority, reasons };
}

function slug(s: string): string {
  return normaliseText(s).trim().replace(/\s+/g, '-');
}

/**
 * Key of the matter for group-incident detection: `<business line or 'general'>:<incident id>`.
 * The incident mentioned first in the text wins; when several are mentioned, one consistent
 * with the classification's nature is preferred (a staff correction of the nature steers it).
 * Undefined when no incident is recognised: a one-off matter is never a group incident.
 */
export function matterKeyOf(input: ClassifyInput, classification: Pick<Classification, 'nature'>): string | undefined {
  const text = matterText(input.matter);
  const found: { id: string; nature: Nature; at: number }[] = [];
  for (const incident of INCIDENTS) {
    const positions = incident.keywords.map((k) => indexOfKeyword(text, k)).filter((i) => i >= 0);
    if (positions.length > 0) found.push({ id: incident.id, nature: incident.nature, at: Math.min(...positions) });
  }
  if (found.length === 0) return undefined;
  found.sort((a, b) => a.at - b.at);
  const chosen = found.find((f) => f.nature === classification.nature) ?? found[0];
  const line = input.businessLine?.trim() ? slug(input.businessLine) : 'general';
  return `${line}:${chosen.id}`;
}

/**
 * Business line -> department. Checked in this order, so 'credit card' is cards and 'investment
 * account' is wealth. Anything else is retail (deposits, accounts, savings, payments; 存款, 储蓄,
 * 支付, 账户): retail is the default, so it needs no keywords of its own.
 */
const LINE_DEPARTMENTS: readonly { department: string; keywords: readonly string[] }[] = [
  { department: 'cards', keywords: ['card', 'cards', '信用卡', '借记卡', '银行卡'] },
  { department: 'wealth', keywords: ['wealth', 'investment', 'insurance', 'fund', 'pension', '理财', '基金', '保险'] },
  { department: 'loans', keywords: ['loan', 'mortgage', 'credit', 'lending', '贷款', '房贷', '按揭'] },
];

/** The department responsible for a business line; 'retail' when unknown. */
export function departmentFor(businessLine: string | undefined): string {
  if (!businessLine) return 'retail';
  const text = normaliseText(businessLine);
  for (const { department, keywords } of LINE_DEPARTMENTS) {
    if (keywords.some((k) => indexOfKeyword(text, k) >= 0)) return department;
  }
  return 'retail';
}

/**
 * The complaints desk (the specialists' team): where a complaint goes when no team the staff
 * directory knows is responsible for what the customer named.
 */
export const COMPLAINTS_DESK = 'complaints';

/**
 * The routed departments that a team of the directory staffs (`staffed`); the others are noted
 * in `unstaffed`, and when none is left the complaint goes to the complaints desk. A
 * department the customer names must not become a team nobody staffs: its complaint would sit
 * in no one's queue.
 */
export async function staffedRouting(routing: Routing, staffed: (team: string) => Promise<boolean>): Promise<Routing> {
  const checks = await Promise.all(routing.departments.map(async (d) => [d, await staffed(d)] as const));
  const kept = checks.filter(([, ok]) => ok).map(([d]) => d);
  const unstaffed = checks.filter(([, ok]) => !ok).map(([d]) => d);
  if (unstaffed.length === 0) return routing;
  const departments = kept.length ? kept : [COMPLAINTS_DESK];
  return { ...routing, departments, crossDepartment: departments.length > 1, unstaffed };
}

/** Names customers and staff use for the departments; anything else becomes a slug. */
const DEPARTMENT_ALIASES: Record<string, string> = {
  card: 'cards',
  cards: 'cards',
  'credit card': 'cards',
  'credit cards': 'cards',
  'card services': 'cards',
  信用卡: 'cards',
  银行卡: 'cards',
  卡: 'cards',
  loan: 'loans',
  loans: 'loans',
  lending: 'loans',
  mortgage: 'loans',
  mortgages: 'loans',
  credit: 'loans',
  贷款: 'loans',
  信贷: 'loans',
  个贷: 'loans',
  retail: 'retail',
  'retail banking': 'retail',
  零售: 'retail',
  个人金融: 'retail',
  wealth: 'wealth',
  'wealth management': 'wealth',
  investment: 'wealth',
  investments: 'wealth',
  理财: 'wealth',
  财富管理: 'wealth',
};

/** 'Cards Department' -> 'cards', '信用卡部' -> 'cards', 'Customer Service' -> 'customer-service'. */
export function normaliseDepartment(name: string): string {
  const n = normaliseText(name)
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/^the /, '')
    .replace(/\s+(department|dept\.?|team|division|centre|center)$/, '')
    .replace(/(部门|部|中心)$/, '');
  // Own keys only: a customer who types "constructor" or "__proto__" names a department of that
  // name, not Object's constructor (which would become the team a complaint is routed to).
  return Object.hasOwn(DEPARTMENT_ALIASES, n) ? DEPARTMENT_ALIASES[n] : n.replace(/ /g, '-');
}

/** Departments the customer named: 'Cards, Loans' / 'cards; loans' / 'cards/loans' / '信用卡部、贷款部' / 'cards and loans'. */
export function splitDepartments(field: string | undefined): string[] {
  if (!field) return [];
  return normaliseText(field)
    .split(/[,;/、]|\s+and\s+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(normaliseDepartment);
}

export function route(input: RouteInput, region: RegionConfig): Routing {
  const { majorAmount, currency, groupIncidentCount, groupIncidentWindowHours } = region.thresholds;
  const majorReasons: string[] = [];

  const amount = comparableAmount(input.amount, region);
  if (amount !== undefined && amount >= majorAmount) {
    majorReasons.push(`large amount: ${formatAmount(amount, currency)} >= ${formatAmount(majorAmount, currency)}`);
  }
  const sameMatter = input.recentSameMatterCount + 1;
  if (sameMatter >= groupIncidentCount) {
    const on = input.matterKey ? ` on "${input.matterKey}"` : '';
    majorReasons.push(`possible group incident: ${sameMatter} complaints${on} within ${groupIncidentWindowHours} h (threshold ${groupIncidentCount})`);
  }
  if (input.classification.urgency === 'urgent' && input.classification.nature === 'violation') {
    majorReasons.push('urgent complaint about a violation');
  }

  // Departments: the customer's own words first, then the business line's department.
  const named = [...new Set(splitDepartments(input.target?.department))];
  const fromLine = input.businessLine?.trim() ? departmentFor(input.businessLine) : undefined;
  let ordered: string[];
  if (named.length === 1) ordered = [named[0], ...(fromLine ? [fromLine] : [])];
  else if (fromLine) ordered = [fromLine, ...named];
  else ordered = named;
  const departments = [...new Set(ordered)];
  if (departments.length === 0) departments.push(departmentFor(undefined));

  return {
    major: majorReasons.length > 0,
    majorReasons,
    crossDepartment: departments.length > 1,
    departments,
    anonymous: input.complainant.anonymous,
    ...(input.matterKey ? { matterKey: input.matterKey } : {}),
  };
}
