import { describe, expect, it } from 'vitest';
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
