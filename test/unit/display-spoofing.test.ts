/**
 * Issue 16 finding 8: names (and other customer text) may carry bidi controls - an RTL override
 * makes "Ana \u202Efdp.exe" look like "Ana exe.pdf". Stored as given; shown with the controls
 * neutralised (each one visible, the text isolated in a <bdi>) and flagged for staff.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskName, type Complaint } from '../../functions/domain/complaint.ts';
import { BIDI_CONTROLS, bidiFields, hasBidiControls, showControls } from '../../functions/domain/display-text.ts';
import { refreshTask } from '../../functions/use-cases/common.ts';
import type { TaskItem } from '../../functions/domain/model.ts';

const CONTROLS = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c'];

describe('showControls', () => {
  it('an RTL override is shown as what it is, not obeyed', () => {
    expect(showControls('Ana \u202efdp.exe')).toBe('Ana ⟦RLO⟧fdp.exe');
    expect(showControls('\u2067x\u2069 \u200f')).toBe('⟦RLI⟧x⟦PDI⟧ ⟦RLM⟧');
    expect(hasBidiControls('Ana \u202efdp.exe')).toBe(true);
    expect(hasBidiControls('王芳 Ana Müller, שלום')).toBe(false);
    expect(showControls('王芳 Ana Müller, שלום')).toBe('王芳 Ana Müller, שלום');
  });

  it('property: whatever the text, what is shown has no bidi control left, and shows one marker per control', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ maxLength: 5 }), fc.constantFrom(...CONTROLS)), { maxLength: 12 }), (parts) => {
        const s = parts.join('');
        const shown = showControls(s);
        expect(new RegExp(BIDI_CONTROLS.source).test(shown)).toBe(false);
        const controls = [...s].filter((ch) => CONTROLS.includes(ch)).length;
        expect((shown.match(/⟦[A-Z]+⟧/g) ?? []).length - (s.match(/⟦[A-Z]+⟧/g) ?? []).length).toBe(controls);
        expect(hasBidiControls(s)).toBe(controls > 0);
      }),
      { numRuns: 500 },
    );
  });
});

describe('flagged for staff', () => {
  const complaint = (over: Partial<Complaint> = {}) =>
    ({
      reference: 'CN-2026-000001',
      complainant: { anonymous: false, name: 'Ana \u202efdp.exe', contact: { email: 'ana@example.com', address: '1 Bank Rd' } },
      matter: { description: 'Charged twice' },
      target: { staffMember: 'Hana\u2067 Handler' },
      deadlines: {},
      stage: 'INVESTIGATION',
      channel: 'web',
      ...over,
    }) as unknown as Complaint;

  it('names the fields that carry them', () => {
    expect(bidiFields(complaint())).toEqual(['complainant.name', 'target.staffMember']);
    expect(bidiFields(complaint({ complainant: { anonymous: false, name: 'Ana' }, target: undefined }))).toEqual([]);
  });

  it('the queue flags the task; the masked name in lists carries no control', () => {
    const task = refreshTask({ reference: 'CN-2026-000001', stage: 'INVESTIGATION', status: 'open' } as TaskItem, complaint());
    expect(task.flags).toContain('bidi-controls');
    expect(task.customer).toBe('A** f******');
    expect(maskName({ anonymous: false, name: '\u202eAna \u202efdp.exe' })).toBe('A** f******');
  });
});
