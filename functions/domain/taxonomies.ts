/**
 * The regulators' complaint taxonomies, as versioned data in the repository (./taxonomies/*.json,
 * one file per region: its version, source and what it covers), and the suggestion of a
 * regulatory class from the complaint's own classification (./classification.ts).
 *
 *  - uk: FCA complaints return (DISP 1 Annex 1R, consolidated by PS25/19): product groupings
 *    (with their products) and causes;
 *  - us: CFPB product / sub-product / issue / sub-issue (a representative subset, marked so in
 *    the file), the company-portal response categories and public responses;
 *  - cn: JR/T 0169-2018 statistical coding: A channel, B business type, C cause.
 *
 * A new version of a regulator's list is a new file version with a new `version`: every
 * regulatory class records the version it was made against (`regulatoryClass.taxonomyVersion`).
 * Pure: no AWS, no clock.
 */
import type { Classification, Complaint, RegulatoryClass } from './complaint.ts';
import CN from './taxonomies/cn-jrt0169.json' with { type: 'json' };
import UK from './taxonomies/uk-fca.json' with { type: 'json' };
import US from './taxonomies/us-cfpb.json' with { type: 'json' };

export type TaxonomyRegion = 'uk' | 'us' | 'cn';
export interface Coded {
  code: string;
  label: string;
}

export const TAXONOMIES = { uk: UK, us: US, cn: CN } as const;

export function taxonomyVersion(region: string): string {
  const t = TAXONOMIES[region as TaxonomyRegion];
  if (!t) throw new RangeError(`No regulatory taxonomy for region "${region}"`);
  return t.version;
}

export function isTaxonomyRegion(region: string): region is TaxonomyRegion {
  // Own keys only: 'constructor' or 'toString' are no region.
  return Object.hasOwn(TAXONOMIES, region);
}

/** UK product grouping code -> label. */
export const UK_PRODUCT_GROUPS: Coded[] = UK.productGroups.map((g) => ({ code: g.code, label: g.label }));
export const UK_CAUSES: Coded[] = UK.causes;
export const CN_CODES: { a: Coded[]; b: Coded[]; c: Coded[] } = { a: CN.a, b: CN.b, c: CN.c };

/** A problem with a regulatory class, naming its field (for ValidationError). */
export interface ClassProblem {
  field: string;
  message: string;
}

const hasCode = (list: Coded[], code: string) => list.some((x) => x.code === code);

/** What is wrong with a class for a region ([] when it is valid): the region's part must be there, every code in the taxonomy. */
export function checkRegulatoryClass(region: string, c: Omit<RegulatoryClass, 'taxonomyVersion'>): ClassProblem[] {
  const out: ClassProblem[] = [];
  if (region === 'uk') {
    if (!c.uk) return [{ field: 'uk', message: 'is required for a UK complaint' }];
    if (!hasCode(UK_PRODUCT_GROUPS, c.uk.productGroup))
      out.push({ field: 'uk.productGroup', message: `must be one of ${UK_PRODUCT_GROUPS.map((g) => g.code).join(', ')}` });
    if (!hasCode(UK_CAUSES, c.uk.cause)) out.push({ field: 'uk.cause', message: `must be one of ${UK_CAUSES.map((g) => g.code).join(', ')}` });
  } else if (region === 'us') {
    if (!c.us) return [{ field: 'us', message: 'is required for a US complaint' }];
    const product = US.products.find((p) => p.label === c.us?.product);
    if (!product) return [{ field: 'us.product', message: 'is not a product of the CFPB taxonomy' }];
    if (c.us.subProduct !== undefined && !product.subProducts.includes(c.us.subProduct))
      out.push({ field: 'us.subProduct', message: `is not a sub-product of "${product.label}"` });
    const issue = product.issues.find((i) => i.label === c.us?.issue);
    if (!issue) out.push({ field: 'us.issue', message: `is not an issue of "${product.label}"` });
    else if (c.us.subIssue !== undefined && !issue.subIssues.includes(c.us.subIssue))
      out.push({ field: 'us.subIssue', message: `is not a sub-issue of "${issue.label}"` });
    if (c.us.publicResponse !== undefined && !US.publicResponses.includes(c.us.publicResponse))
      out.push({ field: 'us.publicResponse', message: 'is not a CFPB public response' });
  } else if (region === 'cn') {
    if (!c.cn) return [{ field: 'cn', message: 'is required for a CN complaint' }];
    for (const d of ['a', 'b', 'c'] as const)
      if (!hasCode(CN_CODES[d], c.cn[d])) out.push({ field: `cn.${d}`, message: `is not a JR/T 0169 ${d.toUpperCase()} code` });
  } else out.push({ field: 'region', message: `has no regulatory taxonomy (${region})` });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Suggestion from the existing classification
// ---------------------------------------------------------------------------------------------

export interface Suggestion {
  regulatoryClass: RegulatoryClass;
  /** Why each part was suggested, for staff. */
  reasons: string[];
}

type SuggestInput = Pick<Complaint, 'region' | 'channel' | 'businessLine' | 'assignment' | 'matter'> & {
  classification?: Pick<Classification, 'nature' | 'channelType'>;
};

const words = (c: SuggestInput) => `${c.businessLine ?? ''} ${c.matter?.description ?? ''} ${c.matter?.cause ?? ''}`.toLowerCase();
const any = (text: string, keys: string[]) => keys.some((k) => text.includes(k));

const MORTGAGE = ['mortgage', 'remortgage', '房贷', '按揭'];
const PENSION = ['pension', 'annuity', 'drawdown', '养老金'];
const INSURANCE = ['insurance', 'protection', '保险'];
const FEES = ['fee', 'charge', 'interest', '收费', '手续费', '利息', '年费'];
const ARREARS = ['arrears', 'collection', 'debt collector', '催收', '逾期'];
const FRAUD = ['fraud', 'unauthorised', 'unauthorized', 'scam', '盗刷', '诈骗', '未经授权'];
const DEBIT = ['debit', '借记卡'];
const PAYMENT = ['payment', 'transfer', '支付', '转账'];
const FX = ['foreign exchange', 'currency exchange', '外汇'];

/** The department the complaint sits with (the existing routing), else its business line's words. */
function line(c: SuggestInput): string {
  return (c.assignment?.team ?? '').toLowerCase();
}

function suggestUk(c: SuggestInput, reasons: string[]): RegulatoryClass['uk'] {
  const t = words(c);
  const dept = line(c);
  let productGroup = 'banking-credit-cards';
  if (any(t, PENSION)) productGroup = 'decumulation-pensions';
  else if (any(t, INSURANCE)) productGroup = 'insurance-protection';
  else if (any(t, MORTGAGE)) productGroup = 'home-finance';
  else if (dept === 'wealth') productGroup = 'investments';
  reasons.push(`uk.productGroup ${productGroup}: department "${dept || 'none'}" and the matter's words`);
  const nature = c.classification?.nature;
  let cause = 'admin-customer-service';
  if (any(t, ARREARS)) cause = 'arrears';
  else if (nature === 'violation') cause = 'advising-selling-arranging';
  else if (nature === 'product' || any(t, FEES)) cause = 'terms-disputed-charges';
  reasons.push(`uk.cause ${cause}: nature "${nature ?? 'none'}"`);
  return { productGroup, cause };
}

function suggestUs(c: SuggestInput, reasons: string[]): RegulatoryClass['us'] {
  const t = words(c);
  const dept = line(c);
  let productLabel = 'Checking or savings account';
  if (dept === 'cards' && !any(t, DEBIT)) productLabel = 'Credit card';
  else if (any(t, MORTGAGE)) productLabel = 'Mortgage';
  else if (any(t, ARREARS)) productLabel = 'Debt collection';
  else if (dept === 'loans') productLabel = 'Payday loan, title loan, personal loan, or advance loan';
  else if (any(t, PAYMENT) && !any(t, ['account'])) productLabel = 'Money transfer, virtual currency, or money service';
  const product = US.products.find((p) => p.label === productLabel)!;
  const pick = (keys: string[], match: string[]) => (any(t, keys) ? product.issues.find((i) => any(i.label.toLowerCase(), match)) : undefined);
  const issue = pick(FRAUD, ['fraud', 'purchase', 'charging your account', 'not owed']) ?? pick(FEES, ['fee', 'interest', 'managing']) ?? product.issues[0];
  reasons.push(`us.product "${product.label}": department "${dept || 'none'}" and the matter's words; us.issue "${issue.label}"`);
  return { product: product.label, subProduct: product.subProducts[0], issue: issue.label, ...(issue.subIssues[0] ? { subIssue: issue.subIssues[0] } : {}) };
}

function suggestCn(c: SuggestInput, reasons: string[]): RegulatoryClass['cn'] {
  const t = words(c);
  const dept = line(c);
  const a =
    c.channel === 'branch' || c.channel === 'letter' ? 'A01' : c.channel === 'phone' ? 'A05' : c.classification?.channelType === 'offline' ? 'A01' : 'A04';
  let b = 'B10';
  if (dept === 'cards') b = any(t, DEBIT) ? 'B02' : 'B03';
  else if (dept === 'loans') b = 'B04';
  else if (dept === 'wealth') b = any(t, INSURANCE) || any(t, ['fund', '基金']) ? 'B07' : 'B06';
  else if (any(t, FX)) b = 'B08';
  else if (any(t, PAYMENT)) b = 'B05';
  else if (dept === 'retail') b = 'B01';
  const nature = c.classification?.nature;
  let cc = 'C01';
  if (any(t, ARREARS)) cc = 'C10';
  else if (any(t, FRAUD)) cc = 'C08';
  else if (any(t, FEES)) cc = 'C05';
  else if (nature === 'violation') cc = 'C02';
  else if (nature === 'product') cc = 'C07';
  reasons.push(`cn ${a}/${b}/${cc}: channel "${c.channel}", department "${dept || 'none'}", nature "${nature ?? 'none'}"`);
  return { a, b, c: cc };
}

/** The class a complaint most likely has in its region's taxonomy, from what the pipeline already knows of it. */
export function suggestRegulatoryClass(c: SuggestInput): Suggestion | undefined {
  if (!isTaxonomyRegion(c.region)) return undefined;
  const reasons: string[] = [];
  const base = { taxonomyVersion: taxonomyVersion(c.region) };
  if (c.region === 'uk') return { regulatoryClass: { ...base, uk: suggestUk(c, reasons) }, reasons };
  if (c.region === 'us') return { regulatoryClass: { ...base, us: suggestUs(c, reasons) }, reasons };
  return { regulatoryClass: { ...base, cn: suggestCn(c, reasons) }, reasons };
}

export const US_TAXONOMY = US;
export type { RegulatoryClass };
