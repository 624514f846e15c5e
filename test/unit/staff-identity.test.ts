/**
 * Issue 16 finding 4: the conflict-of-interest check matches the staff member's identity, not a
 * string. A complaint naming "Hana  Handler", "Hana\u00a0Handler", "Hana Handler." or
 * "Ha\u200bna Handler" names Hana Handler: she may neither read (as a handler) nor claim it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { authorize, canBeAssigned, CONFLICT_REASON, namesActor, type Actor } from '../../functions/domain/authorization.ts';
import { productionCalendar } from '../support/calendars.ts';

const hana: Actor = { id: 'hana', name: 'Hana Handler', roles: ['handler'], department: 'cards', email: 'hana@bank.example', aliases: ['汉娜'] } as Actor;
const inCards = (staffMember: string) => ({ assignment: { team: 'cards' }, routing: { departments: ['cards'] }, target: { staffMember } });

describe('the attacks of issue 16 (finding 4)', () => {
  it.each([
    'Hana  Handler',
    'Hana\u00a0Handler',
    'Hana Handler.',
    'Ha\u200bna Handler',
    'HANA HANDLER',
    'Handler, Hana',
    '\u202eHana Handler\u202c',
    'Ｈａｎａ　Ｈａｎｄｌｅｒ',
    'Hana Handler (cards)',
    'hana@bank.example',
    'HANA@BANK.EXAMPLE',
    'hana',
    '汉 娜',
    'Hána Handler',
    'Hаna Handler' /* Cyrillic а */,
  ])('%j names Hana: no read as a handler, no claim, not assignable', (named) => {
    expect(namesActor(hana, inCards(named))).toBe(true);
    expect(authorize(hana, 'getComplaint', inCards(named))).toEqual({ allowed: false, reason: CONFLICT_REASON });
    expect(authorize(hana, 'claimTask', inCards(named))).toEqual({ allowed: false, reason: CONFLICT_REASON });
    expect(canBeAssigned(hana, inCards(named))).toBe(false);
  });

  it.each(['Hanna Handler', 'Hanna', 'Leo Handler', 'Hana Handlers', 'handler', '汉娜娜', 'bank.example', ''])('%j does not name Hana', (named) => {
    expect(namesActor(hana, inCards(named))).toBe(false);
    expect(authorize(hana, 'claimTask', inCards(named))).toEqual({ allowed: true });
  });
});

// Names: Latin words or a Chinese name of 2-4 Han characters.
const latinWord = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), minLength: 2, maxLength: 8 });
const latinName = fc.array(latinWord, { minLength: 2, maxLength: 3 }).map((ws) => ws.map((w) => w[0].toUpperCase() + w.slice(1)).join(' '));
const hanName = fc.string({
  unit: fc.constantFrom(...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华'),
  minLength: 2,
  maxLength: 4,
});
const staffName = fc.oneof(latinName, hanName);

const INVISIBLE = [
  '\u200b',
  '\u200c',
  '\u200d',
  '\u2060',
  '\ufeff',
  '\u200e',
  '\u200f',
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u00ad',
];
const SPACES = [' ', '  ', '\u00a0', '\u2002', '\u3000', '\t', ' \u00a0 '];
const PUNCT = ['.', ',', '-', '·', '・', '。', '!', "'", '"', '(', ')'];

/** A variant of a name that still names the same person: case, width, spacing, invisible characters, punctuation. */
function variant(name: string) {
  return fc
    .tuple(
      fc.array(fc.tuple(fc.nat(), fc.constantFrom(...INVISIBLE)), { maxLength: 4 }),
      fc.constantFrom(...SPACES),
      fc.constantFrom('none', 'upper', 'lower', 'wide'),
      fc.array(fc.constantFrom(...PUNCT), { maxLength: 2 }),
      fc.array(fc.constantFrom(...SPACES), { maxLength: 2 }),
      fc.boolean(),
    )
    .map(([inserts, space, casing, punct, pad, spaceHan]) => {
      let s = name.split(' ').join(space);
      // Chinese names: spaces between the characters do not make another name.
      if (spaceHan && /^\p{Script=Han}+$/u.test(name)) s = [...name].join(space);
      if (casing === 'upper') s = s.toUpperCase();
      if (casing === 'lower') s = s.toLowerCase();
      if (casing === 'wide') s = [...s].map((ch) => (/[A-Za-z]/.test(ch) ? String.fromCodePoint(ch.codePointAt(0)! + 0xfee0) : ch)).join('');
      const chars = [...s];
      for (const [at, ch] of inserts) chars.splice(at % (chars.length + 1), 0, ch);
      return `${pad.join('')}${chars.join('')}${punct.join('')}${pad.join('')}`;
    });
}

describe('property: staff matching by identity (fast-check)', () => {
  it("any variant of a staff member's name, id or email names them", () => {
    fc.assert(
      fc.property(
        staffName.chain((name) =>
          fc.tuple(fc.constant(name), fc.oneof(variant(name), fc.constant('e-4711'), fc.constant('E-4711'), fc.constant('W.Wei@Bank.Example'))),
        ),
        ([name, named]) => {
          const a: Actor = { id: 'e-4711', name, roles: ['handler'], department: 'cards', email: 'w.wei@bank.example' } as Actor;
          expect(namesActor(a, inCards(named))).toBe(true);
          expect(authorize(a, 'claimTask', inCards(named))).toEqual({ allowed: false, reason: CONFLICT_REASON });
          expect(canBeAssigned(a, inCards(named))).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a name variant from the directory (another script) names them too', () => {
    fc.assert(
      fc.property(latinName, hanName, (latin, han) =>
        fc.assert(
          fc.property(variant(han), (named) => {
            const a: Actor = { id: 'e-1', name: latin, roles: ['handler'], department: 'cards', aliases: [han] } as Actor;
            expect(namesActor(a, inCards(named))).toBe(true);
          }),
          { numRuns: 5 },
        ),
      ),
      { numRuns: 50 },
    );
  });

  it('distinct names (other letters) do not match, whatever their spelling', () => {
    const letters = (s: string) => s.replace(/\s+/g, '').toLowerCase();
    fc.assert(
      fc.property(staffName, staffName, (own, other) => {
        fc.pre(letters(own) !== letters(other));
        // token order aside: "Wei Wang" names Wang Wei
        fc.pre(own.toLowerCase().split(' ').sort().join(' ') !== other.toLowerCase().split(' ').sort().join(' '));
        fc.pre(!` ${other.toLowerCase()} `.includes(` ${own.toLowerCase()} `));
        fc.assert(
          fc.property(variant(other), (named) => {
            const a: Actor = { id: 'e-4711', name: own, roles: ['handler'], department: 'cards', email: 'w.wei@bank.example' } as Actor;
            expect(namesActor(a, inCards(named))).toBe(false);
            expect(authorize(a, 'claimTask', inCards(named))).toEqual({ allowed: true });
          }),
          { numRuns: 3 },
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('automatic assignment never goes to the staff member the complaint names', () => {
  it("a major complaint naming the team's manager (by a variant of her name) is not led by her", async () => {
    const { FakeRepository, FakeWorkflow } = await import('../support/fakes.ts');
    const { REGIONS } = await import('../../functions/domain/regions.ts');
    const { ManualClock } = await import('../../functions/shared/clock.ts');
    const { SubmitComplaintRequest } = await import('../../functions/contract/submit-complaint.schema.ts');
    const { submitComplaint } = await import('../../functions/use-cases/intake/submit-complaint.ts');
    const { openStaffTask } = await import('../../functions/use-cases/workflow/lifecycle.ts');
    const repo = new FakeRepository();
    const region = REGIONS.cn;
    const deps = {
      repo,
      workflow: new FakeWorkflow(),
      clock: new ManualClock(new Date('2026-03-02T01:00:00Z')),
      region,
      calendar: productionCalendar(region.name),
    };
    await repo.putStaff({ id: 'mia', name: 'Mia Manager', email: 'mia@bank.example', roles: ['manager'], department: 'cards' });
    const { body } = await submitComplaint(
      SubmitComplaintRequest.parse({
        complainant: { name: 'Li Wei', contact: { email: 'li.wei@example.com' } },
        businessLine: 'cards',
        consent: { personalData: true },
        matter: { description: 'Fraudulent transfers drained my card account' },
        amount: { value: 5_000_000, currency: 'CNY' },
        target: { staffMember: 'MIA\u00a0manager.' },
      }),
      { channel: 'web' },
      deps,
    );
    await openStaffTask({ reference: body.reference, stage: 'INVESTIGATION', taskToken: 't1', executionName: body.reference }, deps);
    const c = repo.complaints.get(body.reference)!;
    expect(c.routing?.major).toBe(true);
    expect(c.assignment).toEqual({ team: 'cards' });
    expect(repo.histories.get(body.reference)!.find((h) => h.action === 'assessed')!.summary).toContain('conflict of interest');
  });
});
