/**
 * Classification and routing, property-based (fast-check): total (every input, however
 * hostile, gets a class, a risk, a priority and a route to a real department), deterministic,
 * and monotone where the rules say "the more serious reading wins".
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classify,
  departmentFor,
  INCIDENTS,
  matterKeyOf,
  NATURE_KEYWORDS,
  normaliseDepartment,
  route,
  splitDepartments,
  URGENT_KEYWORDS,
  type ClassifyInput,
} from '../../functions/domain/classification.ts';
import { CHANNELS, type Classification } from '../../functions/domain/complaint.ts';
import { REGIONS, type RegionName } from '../../functions/domain/regions.ts';
import { hostileString, oddString, runs } from '../support/hostile-arbitraries.ts';

const RUNS = 300;
const NATURES = ['service', 'product', 'operation', 'violation'] as const;
const RISK_ORDER = { low: 0, medium: 1, high: 2 } as const;
const PRIORITY_OF = { low: 'P3', medium: 'P2', high: 'P1' } as const;
const regionName = fc.constantFrom<RegionName>('cn', 'uk', 'us');

/** Text that mixes hostile strings with real keywords (so every rule gets its chance to fire). */
const keywordText = fc
  .array(
    fc.oneof(
      { weight: 2, arbitrary: hostileString() },
      { weight: 1, arbitrary: fc.constantFrom(...Object.values(NATURE_KEYWORDS).flat(), ...URGENT_KEYWORDS, ...INCIDENTS.flatMap((i) => i.keywords)) },
      { weight: 1, arbitrary: fc.constantFrom('ＦＲＡＵＤ', 'FRAUDS', 'happy', 'apps', 'fraudulently', 'ATM吞卡', 'can’t log in', 'constructor', '__proto__') },
    ),
    { maxLength: 6 },
  )
  .map((parts) => parts.join(' '));

const amount = fc.record({
  value: fc.oneof(fc.double({ min: 0, max: 1e13, noNaN: true }), fc.constantFrom(0, 5_000, 49_999.99, 50_000, 499_999, 500_000, 1e13)),
  currency: fc.oneof(fc.constantFrom('CNY', 'GBP', 'USD', 'cny', ' gbp ', 'EUR'), oddString(4)),
});

const classifyInput: fc.Arbitrary<ClassifyInput> = fc.record({
  channel: fc.constantFrom(...CHANNELS),
  matter: fc.record({ description: keywordText, cause: fc.option(keywordText, { nil: undefined }), demand: fc.option(hostileString(), { nil: undefined }) }),
  businessLine: fc.option(fc.oneof(hostileString(), fc.constantFrom('cards', 'credit card', '理财', 'mortgage', 'constructor', '__proto__', 'toString')), {
    nil: undefined,
  }),
  amount: fc.option(amount, { nil: undefined }),
  target: fc.option(
    fc.record({
      department: fc.option(
        fc.oneof(hostileString(), fc.constantFrom('constructor', '__proto__', 'Cards, Loans', '信用卡部、贷款部', 'the cards department', 'hasOwnProperty')),
        { nil: undefined },
      ),
      staffMember: fc.option(hostileString(), { nil: undefined }),
    }),
    { nil: undefined },
  ),
});

describe('classify', () => {
  it('is total: every input gets a nature, channel type, urgency, risk and priority, with reasons', () => {
    fc.assert(
      fc.property(classifyInput, regionName, (input, r) => {
        const c = classify(input, REGIONS[r]);
        expect(NATURES).toContain(c.nature);
        expect(c.channelType).toBe(input.channel === 'web' || input.channel === 'email' ? 'online' : 'offline');
        expect(['general', 'urgent']).toContain(c.urgency);
        expect(Object.keys(RISK_ORDER)).toContain(c.riskLevel);
        expect(c.priority).toBe(PRIORITY_OF[c.riskLevel]);
        expect(c.reasons.length).toBeGreaterThan(0);
        for (const reason of c.reasons) expect(typeof reason).toBe('string');
      }),
      { numRuns: runs(RUNS) },
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(classifyInput, regionName, (input, r) => {
        expect(classify(structuredClone(input), REGIONS[r])).toEqual(classify(input, REGIONS[r]));
      }),
      { numRuns: runs(RUNS) },
    );
  });

  it('the more serious reading wins: adding a violation keyword makes it a violation, an urgent one makes it urgent and high risk', () => {
    fc.assert(
      fc.property(
        classifyInput,
        regionName,
        fc.constantFrom(...NATURE_KEYWORDS.violation),
        fc.constantFrom(...URGENT_KEYWORDS),
        (input, r, violation, urgent) => {
          const withViolation = classify({ ...input, matter: { ...input.matter, description: `${input.matter.description}\n${violation}` } }, REGIONS[r]);
          expect(withViolation.nature).toBe('violation');
          expect(withViolation.riskLevel).toBe('high');
          const withUrgent = classify({ ...input, matter: { ...input.matter, description: `${input.matter.description}\n${urgent}` } }, REGIONS[r]);
          expect(withUrgent.urgency).toBe('urgent');
          expect(withUrgent.riskLevel).toBe('high');
        },
      ),
      { numRuns: runs(RUNS) },
    );
  });

  it('a larger amount never lowers the risk', () => {
    fc.assert(
      fc.property(classifyInput, regionName, fc.double({ min: 0, max: 1e9, noNaN: true }), fc.double({ min: 0, max: 1e9, noNaN: true }), (input, r, a, b) => {
        const currency = REGIONS[r].thresholds.currency;
        const risk = (value: number) => RISK_ORDER[classify({ ...input, amount: { value, currency } }, REGIONS[r]).riskLevel];
        expect(risk(Math.max(a, b))).toBeGreaterThanOrEqual(risk(Math.min(a, b)));
      }),
      { numRuns: runs(RUNS) },
    );
  });
});

describe('route', () => {
  const routeInput = fc.record({
    input: classifyInput,
    region: regionName,
    anonymous: fc.boolean(),
    recent: fc.integer({ min: 0, max: 50 }),
  });

  it('is total: every complaint goes to at least one real department (a plain, non-empty name), lead first, without repeats', () => {
    fc.assert(
      fc.property(routeInput, ({ input, region, anonymous, recent }) => {
        const r = REGIONS[region];
        const classification: Classification = classify(input, r);
        const matterKey = matterKeyOf(input, classification);
        const routing = route(
          {
            classification,
            complainant: { anonymous },
            amount: input.amount,
            target: input.target,
            businessLine: input.businessLine,
            matterKey,
            recentSameMatterCount: recent,
          },
          r,
        );
        expect(routing.departments.length).toBeGreaterThan(0);
        for (const d of routing.departments) {
          expect(typeof d).toBe('string');
          expect(d.length).toBeGreaterThan(0);
        }
        expect(new Set(routing.departments).size).toBe(routing.departments.length);
        expect(routing.crossDepartment).toBe(routing.departments.length > 1);
        expect(routing.major).toBe(routing.majorReasons.length > 0);
        expect(routing.anonymous).toBe(anonymous);
        if (recent + 1 >= r.thresholds.groupIncidentCount) expect(routing.major).toBe(true);
        // The route is data: it survives the trip through JSON (DynamoDB, the workflow's input) unchanged.
        expect(JSON.parse(JSON.stringify(routing))).toEqual(routing);
      }),
      { numRuns: runs(RUNS) },
    );
  });

  it('department names are plain strings for any text a customer may type', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          hostileString(),
          fc.constantFrom('constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'the constructor department'),
        ),
        (name) => {
          expect(typeof normaliseDepartment(name)).toBe('string');
          for (const d of splitDepartments(name)) expect(typeof d).toBe('string');
          expect(['cards', 'wealth', 'loans', 'retail']).toContain(departmentFor(name));
        },
      ),
      { numRuns: runs(RUNS) },
    );
  });

  it('a matter key, when there is one, names a known incident', () => {
    const ids = INCIDENTS.map((i) => i.id);
    fc.assert(
      fc.property(classifyInput, regionName, (input, r) => {
        const key = matterKeyOf(input, classify(input, REGIONS[r]));
        if (key !== undefined) {
          expect(typeof key).toBe('string');
          expect(ids).toContain(key.slice(key.lastIndexOf(':') + 1));
        }
      }),
      { numRuns: runs(RUNS) },
    );
  });
});

describe('regressions (seeds the properties found)', () => {
  it('a department typed "constructor" or "__proto__" is a department of that name, not an object of the runtime (seed 1523150967)', () => {
    expect(normaliseDepartment('constructor')).toBe('constructor');
    expect(normaliseDepartment('__proto__')).toBe('__proto__');
    const classification = classify({ channel: 'web', matter: { description: 'x' } }, REGIONS.cn);
    const routing = route(
      { classification, complainant: { anonymous: false }, target: { department: 'constructor' }, businessLine: 'cards', recentSameMatterCount: 0 },
      REGIONS.cn,
    );
    expect(routing.departments).toEqual(['constructor', 'cards']);
  });
});
