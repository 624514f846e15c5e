import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { customerKeys, findRepeat, similarity } from '../../functions/domain/repeats.ts';

describe('repeat detection', () => {
  it('scores the same matter high and another matter low, in English and Chinese', () => {
    expect(similarity('My card was charged an annual fee without consent', 'Annual fee charged on my card without my consent')).toBeGreaterThan(0.5);
    expect(similarity('My card was charged an annual fee', 'The branch queue was too long')).toBeLessThan(0.2);
    expect(similarity('信用卡年费未经同意被扣除', '我的信用卡年费未经同意被扣')).toBeGreaterThan(0.5);
    expect(similarity('信用卡年费未经同意被扣除', '网点排队时间太长')).toBe(0);
  });

  it('hashes contacts so the index holds no personal data, and normalises them', () => {
    const [a] = customerKeys({ email: ' Li@Example.com ' });
    const [b] = customerKeys({ email: 'li@example.com' });
    expect(a).toBe(b);
    expect(a).not.toContain('example');
    expect(customerKeys({ phone: '+86 138-0000-0000' })).toEqual(customerKeys({ phone: '13800000000' }));
    expect(customerKeys(undefined)).toEqual([]);
  });

  it('finds the best open match in the same business line, and says whether it brings new facts', () => {
    const open = [
      { reference: 'A', businessLine: 'cards', description: 'Annual fee charged without consent on my card' },
      { reference: 'B', businessLine: 'loans', description: 'Annual fee charged without consent on my card' },
    ];
    expect(findRepeat({ businessLine: 'cards', description: 'Annual fee charged without consent on my card' }, open)).toMatchObject({
      reference: 'A',
      newFacts: false,
    });
    expect(
      findRepeat({ businessLine: 'cards', description: 'Annual fee charged without consent on my card, and the late fee too, twice in March' }, open),
    ).toMatchObject({ reference: 'A', newFacts: true });
    expect(findRepeat({ businessLine: 'wealth', description: 'Annual fee charged without consent on my card' }, open)).toBeUndefined();
  });
});

// Issue 23 (mutation testing): the exact keys, scores and thresholds.
describe('customer keys, exactly', () => {
  const key = (k: string) => createHash('sha256').update(k).digest('base64url');

  it('is the base64url SHA-256 of "email:" / "phone:" and the normalised value, email first', () => {
    expect(customerKeys({ email: ' Li@Example.COM ', phone: '+86 138-0000-0000' })).toEqual([key('email:li@example.com'), key('phone:13800000000')]);
    expect(customerKeys({ email: 'li@example.com' })).toEqual([key('email:li@example.com')]);
    expect(customerKeys({ phone: '(020) 7946-0000' })).toEqual([key('phone:02079460000')]);
    expect(customerKeys({})).toEqual([]);
    expect(customerKeys({ email: '', phone: '' })).toEqual([]);
  });

  it('drops a leading 86 country code with or without the plus, and only a leading one', () => {
    expect(customerKeys({ phone: '86 138 0000 0000' })).toEqual([key('phone:13800000000')]);
    expect(customerKeys({ phone: '+8613800000000' })).toEqual([key('phone:13800000000')]);
    expect(customerKeys({ phone: '13886000000' })).toEqual([key('phone:13886000000')]);
    expect(customerKeys({ phone: '+44 20 7946 0000' })).toEqual([key('phone:+442079460000')]);
  });
});

describe('similarity, exactly', () => {
  it('Latin words of three letters or more, case-insensitive', () => {
    expect(similarity('an ox ate', 'an ox ate hay')).toBe(0.5); // {ate} / {ate, hay}
    expect(similarity('Fee CHARGED', 'fee charged')).toBe(1);
    expect(similarity('fee 2026', 'fee 2025')).toBe(1 / 3);
    expect(similarity('a b c', 'a b c')).toBe(0); // no word long enough: no tokens
  });

  it('CJK character pairs, the other characters left out', () => {
    expect(similarity('信用卡', '信用')).toBe(0.5); // {信用, 用卡} / {信用, 用卡}
    expect(similarity('信用卡', '信用卡')).toBe(1);
    expect(similarity('信 用 卡', '信用卡')).toBe(1);
    expect(similarity('信用卡fee', '信用卡 fee')).toBe(1);
    expect(similarity('信', '信')).toBe(0); // one character: no pair
  });

  it('mixes words and pairs in one set', () => {
    expect(similarity('年费 annual fee', '年费 annual')).toBe(2 / 3); // {年费, annual, fee} / {年费, annual}
  });

  it('is 0 when either text has no tokens, never NaN', () => {
    expect(similarity('', '')).toBe(0);
    expect(similarity('annual fee', '')).toBe(0);
    expect(similarity('', 'annual fee')).toBe(0);
  });
});

describe('findRepeat, exactly', () => {
  const ten = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet';
  const nine = 'alpha bravo charlie delta echo foxtrot golf hotel india';

  it('a score of exactly 0.5 is the same matter; exactly 0.9 brings no new facts', () => {
    expect(findRepeat({ description: 'annual fee' }, [{ reference: 'A', description: 'annual' }])).toStrictEqual({
      reference: 'A',
      score: 0.5,
      newFacts: true,
    });
    expect(findRepeat({ description: nine }, [{ reference: 'A', description: ten }])).toStrictEqual({ reference: 'A', score: 0.9, newFacts: false });
    expect(findRepeat({ description: 'annual fee charged' }, [{ reference: 'A', description: 'annual' }])).toBeUndefined(); // 1/3
  });

  it('takes the best match wherever it is in the list, the first on a tie', () => {
    const weak = { reference: 'W', description: 'annual fee late' }; // 2/3 against 'annual fee'
    const strong = { reference: 'S', description: 'annual fee' };
    expect(findRepeat({ description: 'annual fee' }, [weak, strong])).toMatchObject({ reference: 'S', score: 1 });
    expect(findRepeat({ description: 'annual fee' }, [strong, weak])).toMatchObject({ reference: 'S', score: 1 });
    expect(findRepeat({ description: 'annual fee' }, [weak, { ...weak, reference: 'W2' }])).toMatchObject({ reference: 'W' });
    expect(findRepeat({ description: 'annual fee' }, [{ reference: 'L', description: 'annual late charge' }, weak])).toMatchObject({ reference: 'W' });
  });

  it('a low-scoring candidate is no match, even alone', () => {
    expect(findRepeat({ description: 'annual fee' }, [{ reference: 'L', description: 'annual late charge' }])).toBeUndefined();
    expect(findRepeat({ description: 'annual fee' }, [])).toBeUndefined();
  });

  it('no business line matches no business line or an empty one, not a named one', () => {
    const d = 'annual fee';
    expect(findRepeat({ description: d }, [{ reference: 'A', businessLine: '', description: d }])).toMatchObject({ reference: 'A' });
    expect(findRepeat({ businessLine: '', description: d }, [{ reference: 'A', description: d }])).toMatchObject({ reference: 'A' });
    expect(findRepeat({ description: d }, [{ reference: 'A', businessLine: 'cards', description: d }])).toBeUndefined();
    expect(findRepeat({ businessLine: 'cards', description: d }, [{ reference: 'A', description: d }])).toBeUndefined();
  });
});
