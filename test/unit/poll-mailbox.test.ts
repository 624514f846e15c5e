/**
 * The mailbox poll's decisions (functions/use-cases/intake/poll-mailbox.ts) with an in-memory mailbox
 * and markers: the order of intake, marker and move; limits; failures. The real conversation
 * with Dovecot is test/integration/mailbox-poller.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../functions/shared/clock.ts';
import { intakeIdOf, pollMailbox, type MailboxEntry, type MailboxMarker, type MailboxSession } from '../../functions/use-cases/intake/poll-mailbox.ts';
import type { InboundMail, ReceiveResult } from '../../functions/use-cases/intake/receive-email.ts';

class FakeMailbox implements MailboxSession {
  folders: Record<string, { uid: number; messageId?: string; raw: string }[]> = { INBOX: [] };
  constructor(
    public uidValidity = '1',
    private next = 1,
  ) {}
  add(messageId: string | undefined, raw = `Message-ID: ${messageId}\r\n\r\nbody`) {
    this.folders.INBOX.push({ uid: this.next++, messageId, raw });
  }
  async list(limit: number): Promise<MailboxEntry[]> {
    return this.folders.INBOX.slice(0, limit).map((m) => ({ uid: m.uid, size: m.raw.length, ...(m.messageId ? { messageId: m.messageId } : {}) }));
  }
  async fetchRaw(uid: number) {
    return new TextEncoder().encode(this.folders.INBOX.find((m) => m.uid === uid)!.raw);
  }
  async move(uid: number, folder: string) {
    const i = this.folders.INBOX.findIndex((m) => m.uid === uid);
    if (i < 0) return;
    (this.folders[folder] ??= []).push(...this.folders.INBOX.splice(i, 1));
  }
}

function markers() {
  const items = new Map<string, MailboxMarker>();
  return {
    items,
    get: async (mb: string, v: string, uid: number) => items.get(`${mb}/${v}/${uid}`),
    put: async (m: MailboxMarker) => {
      items.set(`${m.mailbox}/${m.uidValidity}/${m.uid}`, m);
    },
  };
}

/** The intake's dedupe in miniature: one record per intake id. */
function intake(fail: (mail: InboundMail) => boolean = () => false) {
  const records = new Map<string, ReceiveResult>();
  const receive = async (mail: InboundMail): Promise<ReceiveResult> => {
    if (fail(mail)) throw Object.assign(new Error('table down'), { name: 'InternalServerError' });
    const seen = records.get(mail.messageId);
    if (seen) return { ...seen, replayed: true };
    const r: ReceiveResult = {
      messageId: mail.messageId,
      outcome: 'registered',
      reference: `CN-2026-${records.size + 1}`,
      receivedAt: '',
      recordedAt: '',
      sizeBytes: mail.raw.byteLength,
      replayed: false,
    };
    records.set(mail.messageId, r);
    return r;
  };
  return { records, receive };
}

const folders = { mailbox: 'INBOX', processed: 'Processed', failed: 'Failed' };
const clock = new ManualClock(new Date('2026-03-02T01:00:00Z'));

describe('intakeIdOf', () => {
  it("is one id per Message-ID, brackets and spaces aside, in the intake keys' alphabet; by content without one", () => {
    expect(intakeIdOf('<a@b>')).toBe(intakeIdOf(' a@b '));
    expect(intakeIdOf('<a@b>')).not.toBe(intakeIdOf('<a@c>'));
    expect(intakeIdOf('<a@b>')).toMatch(/^imap-[0-9a-f]{40}$/);
    const raw = new TextEncoder().encode('x');
    expect(intakeIdOf(undefined, raw)).toMatch(/^imap-raw-[0-9a-f]{40}$/);
    expect(intakeIdOf('', raw)).toBe(intakeIdOf(undefined, raw));
    expect(() => intakeIdOf(undefined)).toThrow(/content/);
  });
});

describe('pollMailbox', () => {
  it('takes each message in, marks it, moves it to the processed folder', async () => {
    const box = new FakeMailbox();
    box.add('<1@x>');
    box.add('<2@x>');
    const m = markers();
    const { records, receive } = intake();
    const r = await pollMailbox({ session: box, markers: m, receive, clock, folders });
    expect(r).toMatchObject({ seen: 2, moved: 2, failed: 0, outcomes: { registered: 2 }, truncated: false });
    expect(records.size).toBe(2);
    expect(box.folders.Processed.map((x) => x.uid)).toEqual([1, 2]);
    expect([...m.items.values()].map((x) => x.state)).toEqual(['taken', 'taken']);
  });

  it('a message marked taken is only moved (the run before ended between marker and move)', async () => {
    const box = new FakeMailbox();
    box.add('<1@x>');
    const m = markers();
    await m.put({ mailbox: 'INBOX', uidValidity: '1', uid: 1, state: 'taken', attempts: 1, updatedAt: '' });
    const { records, receive } = intake();
    const r = await pollMailbox({ session: box, markers: m, receive, clock, folders });
    expect(r).toMatchObject({ seen: 1, moved: 1 });
    expect(records.size).toBe(0);
  });

  it('a copy under a new UIDVALIDITY is a replay: nothing new, moved', async () => {
    const { records, receive } = intake();
    const first = new FakeMailbox('1');
    first.add('<same@x>');
    await pollMailbox({ session: first, markers: markers(), receive, clock, folders });
    const rebuilt = new FakeMailbox('2');
    rebuilt.add('<same@x>');
    const r = await pollMailbox({ session: rebuilt, markers: markers(), receive, clock, folders });
    expect(r).toMatchObject({ seen: 1, replayed: 1, moved: 1 });
    expect(records.size).toBe(1);
  });

  it('a failing intake leaves the message, counts it, and after maxAttempts moves it to the failure folder; the others go on', async () => {
    const box = new FakeMailbox();
    box.add('<bad@x>');
    box.add('<good@x>');
    const m = markers();
    const { records, receive } = intake((mail) => mail.messageId === intakeIdOf('<bad@x>'));
    const deps = { session: box, markers: m, receive, clock, folders, limits: { maxAttempts: 2 } };
    expect(await pollMailbox(deps)).toMatchObject({ seen: 2, failed: 1, movedToFailed: 0, moved: 1 });
    expect(records.size).toBe(1);
    expect(box.folders.INBOX.map((x) => x.uid)).toEqual([1]);
    expect(m.items.get('INBOX/1/1')).toMatchObject({ state: 'failing', attempts: 1, reason: 'InternalServerError' });
    expect(await pollMailbox(deps)).toMatchObject({ seen: 1, failed: 1, movedToFailed: 1 });
    expect(box.folders.Failed.map((x) => x.uid)).toEqual([1]);
    expect(m.items.get('INBOX/1/1')).toMatchObject({ state: 'failed', attempts: 2 });
  });

  it('a message over the size limit is not downloaded: moved to the failure folder', async () => {
    const box = new FakeMailbox();
    box.add('<big@x>', `Message-ID: <big@x>\r\n\r\n${'x'.repeat(100)}`);
    const { records, receive } = intake();
    const r = await pollMailbox({ session: box, markers: markers(), receive, clock, folders, limits: { maxMessageBytes: 50 } });
    expect(r).toMatchObject({ failed: 1, movedToFailed: 1, moved: 0 });
    expect(records.size).toBe(0);
  });

  it('stops at maxMessages and at the time budget (the injectable clock), saying so', async () => {
    const box = new FakeMailbox();
    for (let i = 0; i < 5; i++) box.add(`<${i}@x>`);
    const { receive } = intake();
    expect(await pollMailbox({ session: box, markers: markers(), receive, clock, folders, limits: { maxMessages: 2 } })).toMatchObject({
      seen: 2,
      truncated: true,
    });
    const slow = async (mail: InboundMail) => {
      clock.advance(30_000);
      return receive(mail);
    };
    expect(await pollMailbox({ session: box, markers: markers(), receive: slow, clock, folders, limits: { budgetMs: 40_000 } })).toMatchObject({
      seen: 2,
      moved: 2,
      truncated: true,
    });
    expect(box.folders.INBOX).toHaveLength(1);
  });
});
