/**
 * The personal-data log scan's forms (test/support/personal-data-scan.ts): each form a submitted
 * value could take in a log line is caught, and what merely looks alike is not (issue 23).
 */
import { describe, expect, it } from 'vitest';
import { formsOf, leakedForm } from '../support/personal-data-scan.ts';

const NAME = 'Xiaoming Piitestname';
const EMAIL = 'pii.canary.7f3a@example.com';
const PHONE = '+86 139 8765 4321';
const ADDRESS = '88 Canary Road, Pudong';
const line = (v: string) => `{"level":"INFO","message":"sent","value":${JSON.stringify(v)},"requestId":"c0ffee"}`;

describe('personal-data scan: the forms it generates', () => {
  it('a name: collapsed and without spaces; a phone: its digits, with the country code and without it (as the product keys it)', () => {
    expect(formsOf(NAME)).toEqual({ text: ['xiaoming piitestname', 'xiaomingpiitestname'], digits: [] });
    expect(formsOf(EMAIL)).toEqual({ text: [EMAIL], digits: [] });
    expect(formsOf(PHONE)).toEqual({ text: [], digits: ['8613987654321', '13987654321'] });
    // A text with a long number in it keeps its text forms and adds the number's.
    expect(formsOf('Call me on 139 8765 4321')).toEqual({
      text: ['call me on 139 8765 4321', 'callmeon13987654321'],
      digits: ['13987654321'],
    });
    expect(formsOf('139 8765 4321').digits).toEqual(['13987654321']);
  });
});

describe('personal-data scan: each form in a log line is caught', () => {
  it.each([
    // The email, as typed and re-cased.
    [EMAIL, EMAIL, EMAIL],
    [EMAIL, EMAIL.toUpperCase(), EMAIL],
    [EMAIL, 'Pii.Canary.7F3A@Example.COM', EMAIL],
    // The name: upper, lower, title case, no space, a doubled space, full-width letters.
    [NAME, 'XIAOMING PIITESTNAME', 'xiaoming piitestname'],
    [NAME, 'xiaoming piitestname', 'xiaoming piitestname'],
    [NAME, 'Xiaoming piiTestName', 'xiaoming piitestname'],
    [NAME, 'XiaomingPiitestname', 'xiaomingpiitestname'],
    [NAME, 'Xiaoming  Piitestname', 'xiaoming piitestname'],
    [NAME, 'Ｘｉａｏｍｉｎｇ Ｐｉｉｔｅｓｔｎａｍｅ', 'xiaoming piitestname'],
    // The phone: as typed, E.164, the product's normalisation, other separators.
    [PHONE, PHONE, 'digits 8613987654321'],
    [PHONE, '+8613987654321', 'digits 8613987654321'],
    [PHONE, '8613987654321', 'digits 8613987654321'],
    [PHONE, 'phone:13987654321', 'digits 13987654321'],
    [PHONE, '139-8765-4321', 'digits 13987654321'],
    [PHONE, '(139) 8765.4321', 'digits 13987654321'],
    // The address, re-cased and with other spacing.
    [ADDRESS, '88  CANARY ROAD,  pudong', '88 canary road, pudong'],
    [ADDRESS, '88canaryroad,pudong', '88canaryroad,pudong'],
  ])('%s written as %s -> %s', (value, written, found) => {
    expect(leakedForm(line(written), value)).toBe(found);
  });

  it('what only looks alike is not a leak: other digits around, a part of the number, another address', () => {
    expect(leakedForm(line('913987654321'), '139 8765 4321')).toBeUndefined(); // a digit before it
    expect(leakedForm(line('139876543210'), '139 8765 4321')).toBeUndefined(); // a digit after it
    expect(leakedForm(line('8765 4321'), PHONE)).toBeUndefined();
    expect(leakedForm(line('pii.canary.7f3b@example.com'), EMAIL)).toBeUndefined();
    expect(leakedForm('{"requestId":"139","at":"2026-03-02T01:00:00.000Z"}', PHONE)).toBeUndefined();
  });
});
