import { describe, expect, it } from 'vitest';
import {
  attachmentKey,
  recordKey,
  addToDigest,
  archiveKey,
  archiveRecord,
  assemble,
  attachmentArchiveKey,
  canonicalJson,
  couldBeComplete,
  digestOf,
  eraseComplaint,
  eraseMessage,
  eraseRecord,
  ERASED,
  expectedItems,
  identifiersOf,
  isTtlRemoval,
  pseudonym,
  retainUntil,
  seal,
  stagedPart,
  stagingKey,
  summarise,
  verifyRecord,
  type StoredItem,
} from '../../functions/domain/archive.ts';
import type { Complaint, HistoryEntry } from '../../functions/domain/complaint.ts';
import type { OutboundMessage } from '../../functions/domain/model.ts';

const REF = 'CN-2026-000042';
const h = (n: number, over: Partial<HistoryEntry> = {}): HistoryEntry => ({
  reference: REF,
  at: `2026-03-0${n}T01:00:00.000Z`,
  actor: 'system',
  action: `step-${n}`,
  visibleToCustomer: true,
  summary: `Step ${n}`,
  ...over,
});
const complaint = (over: Partial<Complaint> = {}): Complaint => ({
  reference: REF,
  region: 'cn',
  channel: 'web',
  language: 'en',
  status: 'CLOSED',
  stage: 'CLOSED',
  receivedAt: '2026-03-01T01:00:00.000Z',
  deadlines: {},
  executionName: REF,
  resumeCount: 0,
  updatedAt: '2026-03-09T01:00:00.000Z',
  version: 7,
  closedAt: '2026-03-09T01:00:00.000Z',
  expiresAt: Date.parse('2026-03-09T01:00:05.000Z') / 1000,
  complainant: { anonymous: false, name: 'Jane Doe', contact: { email: 'jane.doe@example.com', phone: '+86 139 0000 1111' } },
  matter: { description: 'Jane Doe was charged twice; write to jane.doe@example.com' },
  consent: { personalData: true },
  ...over,
});
const msg = (over: Partial<OutboundMessage> = {}): OutboundMessage => ({
  reference: REF,
  at: '2026-03-01T01:00:00.000Z',
  kind: 'acknowledgement',
  audience: 'customer',
  channel: 'email',
  to: 'jane.doe@example.com',
  language: 'en',
  subject: 'We received your complaint',
  text: 'Dear Jane Doe, we received it.',
  status: 'sent',
  messageId: 'MSG#2026-03-01T01:00:00.000Z#000001',
  ...over,
});
const item = (sk: string, body: object): StoredItem => ({ PK: `COMPLAINT#${REF}`, SK: sk, type: 'x', ...body });

/** A closed complaint as the repository stores it: sealed with 3 history entries and 1 message. */
function stored(history = [h(1), h(2), h(3)], messages = [msg()]) {
  const c = seal(complaint(), history, messages.length);
  return [item('META', c), ...history.map((e, i) => item(`H#${e.at}#00000${i}`, e)), ...messages.map((m) => item(m.messageId!, m))];
}
const afterExpiry = new Date('2026-03-09T01:00:06.000Z');

describe('history digest', () => {
  it('is the same whatever the order of the entries, and of the keys inside them', () => {
    const reordered = { summary: 'Step 1', visibleToCustomer: true, action: 'step-1', actor: 'system', at: h(1).at, reference: REF };
    expect(digestOf([h(1), h(2), h(3)])).toBe(digestOf([h(3), reordered as HistoryEntry, h(2)]));
  });
  it('changes when an entry is altered, missing or added', () => {
    const d = digestOf([h(1), h(2), h(3)]);
    expect(digestOf([h(1), h(2, { summary: 'Step 2!' }), h(3)])).not.toBe(d);
    expect(digestOf([h(1), h(3)])).not.toBe(d);
    expect(digestOf([h(1), h(2), h(3), h(4)])).not.toBe(d);
  });
  it('grows incrementally: adding in two writes equals adding at once', () => {
    expect(addToDigest(addToDigest(undefined, [h(1)]), [h(2), h(3)])).toBe(digestOf([h(1), h(2), h(3)]));
  });
  it('ignores storage keys and undefined fields', () => {
    const withKeys = { ...h(1), PK: 'COMPLAINT#x', SK: 'H#1', type: 'History', expiresAt: 1, before: undefined } as unknown as HistoryEntry;
    expect(digestOf([withKeys])).toBe(digestOf([h(1)]));
  });
  it('seal counts entries and messages on top of what the complaint already had', () => {
    const once = seal(complaint(), [h(1)], 1);
    const twice = seal(once, [h(2), h(3)], 2);
    expect([twice.historyCount, twice.messageCount, twice.historyDigest]).toEqual([3, 3, digestOf([h(1), h(2), h(3)])]);
  });
  it('canonical JSON sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
  });
});

describe('assemble', () => {
  it('is complete when the closed, expired complaint has its whole history and messages', () => {
    const a = assemble(stored(), afterExpiry);
    expect(a.status).toBe('complete');
    if (a.status !== 'complete') return;
    expect(a.history.map((e) => e.action)).toEqual(['step-1', 'step-2', 'step-3']);
    expect(a.messages).toHaveLength(1);
    expect(a.complaint).not.toHaveProperty('PK');
  });
  it("puts back the deadlines' standard rule texts the complaint item leaves out, and keeps a text of its own (ADR 0025)", () => {
    const items = stored();
    const meta = items[0] as StoredItem & { deadlines: Record<string, object> };
    meta.deadlines = {
      investigate: { dueAt: '2026-03-11T09:30:00.000Z', metAt: '2026-03-03T01:00:00.000Z' },
      finalResponse: { dueAt: '2026-04-01T15:59:59.999Z', rule: 'CN: final response extended to 30 calendar days (manager approval)' },
    };
    const a = assemble(items, afterExpiry);
    expect(a.status === 'complete' && a.complaint.deadlines).toEqual({
      investigate: { dueAt: '2026-03-11T09:30:00.000Z', metAt: '2026-03-03T01:00:00.000Z', rule: 'CN: investigation within 7 business days' },
      finalResponse: { dueAt: '2026-04-01T15:59:59.999Z', rule: 'CN: final response extended to 30 calendar days (manager approval)' },
    });
  });
  it('waits for the complaint item, for missing history and messages', () => {
    const items = stored();
    expect(
      assemble(
        items.filter((i) => i.SK !== 'META'),
        afterExpiry,
      ),
    ).toMatchObject({ status: 'waiting', reason: expect.stringContaining('complaint item') });
    expect(
      assemble(
        items.filter((i) => !i.SK.includes('#00000')),
        afterExpiry,
      ).status,
    ).toBe('waiting');
    const noHistory = items.filter((i, n) => !(i.SK.startsWith('H#') && n === 2));
    expect(assemble(noHistory, afterExpiry)).toMatchObject({ status: 'waiting', reason: 'history 2 of 3 entries' });
    expect(
      assemble(
        items.filter((i) => !i.SK.startsWith('MSG#')),
        afterExpiry,
      ),
    ).toMatchObject({ status: 'waiting', reason: 'messages 0 of 1' });
  });
  it('refuses a history that does not recompute to the recorded digest (tampered)', () => {
    const items = stored().map((i) => (i.SK.startsWith('H#') && i.action === 'step-2' ? { ...i, summary: 'rewritten' } : i));
    expect(assemble(items, afterExpiry)).toMatchObject({ status: 'waiting', reason: expect.stringContaining('digest') });
  });
  it('never archives an open complaint or one still in its hot retention', () => {
    const open = stored().map((i) => (i.SK === 'META' ? { ...i, status: 'OPEN' } : i));
    expect(assemble(open, afterExpiry)).toMatchObject({ status: 'waiting', reason: 'the complaint is not closed' });
    expect(assemble(stored(), new Date('2026-03-09T01:00:04.000Z'))).toMatchObject({ status: 'waiting', reason: expect.stringContaining('hot-retention') });
  });
  it('takes the same item once, whether it came from staging or the table', () => {
    const items = stored();
    expect(assemble([...items, ...items], afterExpiry).status).toBe('complete');
  });
});

describe('archive record', () => {
  const complete = assemble(stored(), afterExpiry);
  if (complete.status !== 'complete') throw new Error('setup');
  const record = archiveRecord(complete, [], '2026-03-09T01:00:07.000Z', 3);

  it('is locked until close + the archive years, keyed by region and close month', () => {
    expect(record.retainUntil).toBe('2029-03-09T01:00:00.000Z');
    expect(retainUntil('2024-02-29T12:00:00.000Z', 5)).toBe('2029-03-01T12:00:00.000Z');
    expect(archiveKey('cn', record.closedAt, REF)).toBe(`complaints/region=cn/closed=2026-03/${REF}.json.gz`);
    expect(archiveKey('cn', record.closedAt, REF, true)).toBe(`erased/region=cn/closed=2026-03/${REF}.json.gz`);
  });
  it('verifies, and detects a removed or altered entry', () => {
    expect(verifyRecord(record)).toEqual({ ok: true });
    expect(verifyRecord({ ...record, history: record.history.slice(1) }).ok).toBe(false);
    expect(verifyRecord({ ...record, history: record.history.map((e, i) => (i ? e : { ...e, actor: 'mallory' })) }).ok).toBe(false);
  });
  it('keeps attachment and part keys inside their folder', () => {
    const key = attachmentArchiveKey('cn', record.closedAt, REF, 0, '../../etc/passwd');
    expect(key.startsWith(`complaints/region=cn/closed=2026-03/${REF}/attachments/0-`)).toBe(true);
    expect(key).not.toContain('..');
    expect(stagingKey(REF, [item('H#2026-03-01T01:00:00.000Z#000001/../x', {})])).toMatch(new RegExp(`^staging/${REF}/[0-9a-f]+-1\\.json$`));
  });
});

describe('drill complaints in the archive (ADR 0024)', () => {
  const drill = { drillId: 'DR-20280207-ab12cd34', scenario: 'major-emergency-start' };
  it("go under their drill's prefix, never under complaints/ or erased/; real ones stay where they were", () => {
    const c = { region: 'cn' as const, reference: REF, drill };
    expect(recordKey(c, '2026-03-09T01:00:00.000Z')).toBe(`drills/cn/${drill.drillId}/complaints/${REF}.json.gz`);
    expect(recordKey(c, '2026-03-09T01:00:00.000Z', true)).toBe(`drills/cn/${drill.drillId}/erased/${REF}.json.gz`);
    expect(recordKey({ region: 'cn', reference: REF }, '2026-03-09T01:00:00.000Z')).toBe(archiveKey('cn', '2026-03-09T01:00:00.000Z', REF));
    expect(recordKey({ region: 'cn', reference: REF }, '2026-03-09T01:00:00.000Z', true)).toBe(archiveKey('cn', '2026-03-09T01:00:00.000Z', REF, true));
  });
  it('keep their attachments beside their record, the name made safe', () => {
    const key = attachmentKey({ region: 'uk', reference: REF, drill }, '2026-03-09T01:00:00.000Z', 2, '../../etc/passwd');
    expect(key.startsWith(`drills/uk/${drill.drillId}/complaints/${REF}/attachments/2-`)).toBe(true);
    expect(key).not.toContain('..');
    expect(attachmentKey({ region: 'uk', reference: REF }, '2026-03-09T01:00:00.000Z', 2, 'a.pdf')).toBe(
      attachmentArchiveKey('uk', '2026-03-09T01:00:00.000Z', REF, 2, 'a.pdf'),
    );
  });
  it("are archived by their drill's disposal once closed, before their hot retention ends; a real complaint never is", () => {
    const beforeExpiry = new Date('2026-03-09T01:00:04.000Z');
    const drillItems = stored().map((i) => (i.SK === 'META' ? { ...i, drill } : i));
    expect(assemble(drillItems, beforeExpiry, { drillDisposal: true })).toMatchObject({ status: 'complete', complaint: { drill } });
    // Without the disposal (TTL archival), and for a real complaint, the hot retention holds.
    expect(assemble(drillItems, beforeExpiry)).toMatchObject({ status: 'waiting', reason: expect.stringContaining('hot-retention') });
    expect(assemble(stored(), beforeExpiry, { drillDisposal: true })).toMatchObject({ status: 'waiting', reason: expect.stringContaining('hot-retention') });
    // Still closed, whole and matching its digest.
    const open = drillItems.map((i) => (i.SK === 'META' ? { ...i, status: 'OPEN' } : i));
    expect(assemble(open, beforeExpiry, { drillDisposal: true })).toMatchObject({ status: 'waiting', reason: 'the complaint is not closed' });
    expect(assemble(drillItems.slice(0, -2), beforeExpiry, { drillDisposal: true })).toMatchObject({ status: 'waiting' });
  });
});

describe('staging keys', () => {
  const items = stored(); // META (3 history entries, 1 message), 3 history entries, 1 message

  it('name one object per complaint and batch, the same for the same items in any order', () => {
    expect(stagingKey(REF, items)).toBe(stagingKey(REF, [...items].reverse()));
    expect(stagingKey(REF, items)).not.toBe(stagingKey(REF, items.slice(1)));
    expect(stagingKey(REF, items.slice(0, 2)).startsWith(`staging/${REF}/`)).toBe(true);
    expect(() => stagingKey(REF, [])).toThrow();
  });
  it('say how many items they hold and, with the complaint item, how many the complete complaint has', () => {
    expect(expectedItems(items[0])).toBe(5);
    expect(stagedPart(stagingKey(REF, items))).toMatchObject({ items: 5, meta: true, expected: 5 });
    expect(stagedPart(stagingKey(REF, items.slice(1, 3)))).toEqual({ key: stagingKey(REF, items.slice(1, 3)), items: 2, meta: false });
    const uncounted = item('META', { ...complaint(), historyCount: undefined });
    expect(stagedPart(stagingKey(REF, [uncounted]))).toEqual({ key: stagingKey(REF, [uncounted]), items: 1, meta: true });
  });
  it('of the earlier layout (one object per item, its sort key in base64url) still read', () => {
    const legacy = (sk: string) => `staging/${REF}/${Buffer.from(sk).toString('base64url')}.json`;
    expect(stagedPart(legacy('META'))).toEqual({ key: legacy('META'), items: 1, meta: true });
    expect(stagedPart(legacy('H#2026-03-01T01:00:00.000Z#000001'))).toMatchObject({ items: 1, meta: false });
    expect(stagedPart(`staging/${REF}/notes.txt`)).toBeUndefined();
  });
  it('tell from counts alone whether staging could complete a complaint', () => {
    const [meta, h1, h2, h3, m1] = items;
    const part = (...xs: StoredItem[]) => stagedPart(stagingKey(REF, xs))!;
    // Without the complaint item anywhere, never.
    expect(couldBeComplete([h1, h2], [part(h3, m1)])).toBe(false);
    // The complaint item known, 5 items expected.
    expect(couldBeComplete([meta, h1], [part(h2)])).toBe(false);
    expect(couldBeComplete([meta, h1], [part(h2, h3), part(m1)])).toBe(true);
    // The complaint item staged: its key carries the count.
    expect(couldBeComplete([h3, m1], [part(meta, h1)])).toBe(false);
    expect(couldBeComplete([h3, m1], [part(meta, h1), part(h2)])).toBe(true);
    // Counts unknown (an earlier layout's complaint item): read and see.
    expect(couldBeComplete([h1], [{ key: 'k', items: 1, meta: true }])).toBe(true);
  });
});

describe('TTL removals', () => {
  it('recognises only the DynamoDB service as the deleter', () => {
    expect(isTtlRemoval({ type: 'Service', principalId: 'dynamodb.amazonaws.com' })).toBe(true);
    expect(isTtlRemoval(undefined)).toBe(false);
    expect(isTtlRemoval({ type: 'Service', principalId: 'lambda.amazonaws.com' })).toBe(false);
    expect(isTtlRemoval({ type: 'User', principalId: 'dynamodb.amazonaws.com' })).toBe(false);
  });
});

describe('erasure', () => {
  const c = complaint();
  it('finds the identifiers, longest first', () => {
    expect(identifiersOf(c)).toEqual(['jane.doe@example.com', '+86 139 0000 1111', 'Jane Doe']);
  });
  it('removes the identifying fields and every occurrence in free text, keeping the substance', () => {
    const e = eraseComplaint(c, pseudonym(REF, 'k'));
    expect(e.complainant).toEqual({ anonymous: false, name: pseudonym(REF, 'k') });
    expect(e.matter.description).toBe(`${ERASED} was charged twice; write to ${ERASED}`);
    expect(JSON.stringify(e)).not.toMatch(/Jane|jane\.doe|139 0000/);
    expect(e.reference).toBe(REF);
    expect(e.deadlines).toEqual(c.deadlines);
  });
  it('pseudonyms are stable per complaint and key, and reveal nothing', () => {
    expect(pseudonym(REF, 'k')).toBe(pseudonym(REF, 'k'));
    expect(pseudonym(REF, 'k')).not.toBe(pseudonym(REF, 'other'));
    expect(pseudonym(REF, 'k')).toMatch(/^P-[0-9a-f]{16}$/);
  });
  it('erases recipients and names in messages; staff messages keep their staff recipient', () => {
    const ids = identifiersOf(c);
    expect(eraseMessage(msg(), ids)).toMatchObject({ to: ERASED, text: `Dear ${ERASED}, we received it.` });
    expect(eraseMessage(msg({ audience: 'staff', to: 'hana@bank.example.cn' }), ids).to).toBe('hana@bank.example.cn');
  });
  it('the redacted record keeps the history and its integrity, drops attachment pointers, says why', () => {
    const complete = assemble(stored(), afterExpiry);
    if (complete.status !== 'complete') throw new Error('setup');
    const r = archiveRecord(
      complete,
      [{ key: 'uploads/a', name: 'id.pdf', contentType: 'application/pdf', size: 3, archiveKey: 'complaints/x' }],
      '2026-03-09T01:00:07.000Z',
      3,
    );
    const e = eraseRecord(r, 'P-1', { at: '2027-01-01T00:00:00.000Z', by: 'ada', basis: 'pipl-art-47' });
    expect(JSON.stringify(e)).not.toMatch(/Jane|jane\.doe/);
    expect(e.history).toEqual(r.history);
    expect(verifyRecord(e)).toEqual({ ok: true });
    expect(e.attachments).toEqual([]);
    expect(e.erasure?.basis).toBe('pipl-art-47');
  });
});

describe('reconciliation summary', () => {
  it('counts where each complaint is and lists the missing and mismatched', () => {
    expect(
      summarise([
        { reference: 'A', where: 'table', ok: true },
        { reference: 'B', where: 'archive', ok: true },
        { reference: 'C', where: 'archive', ok: false, reason: 'history digest differs from the record' },
        { reference: 'D', where: 'staging', ok: false, reason: 'waiting' },
        { reference: 'E', where: 'missing', ok: false, reason: 'gone' },
      ]),
    ).toEqual({
      registered: 5,
      inTable: 1,
      archived: 2,
      staging: 1,
      missing: ['E'],
      mismatched: [{ reference: 'C', reason: 'history digest differs from the record' }],
    });
  });
});
