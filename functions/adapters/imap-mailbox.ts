/**
 * The complaints mailbox over IMAP (imapflow): one connection per poll, the polled folder
 * selected under a lock, messages listed by sequence (lowest UIDs first), downloaded and moved
 * by UID. TLS is required on AWS (implicit, port 993, or STARTTLS); 'none' only for the local
 * runtime's loopback server. Timeouts end well inside the function's timeout.
 */
import { ImapFlow } from 'imapflow';
import type { MailboxEntry, MailboxSession } from '../domain/ports.ts';

export interface ImapSettings {
  host: string;
  port: number;
  tls: 'implicit' | 'starttls' | 'none';
  user: string;
  pass: string;
  mailbox: string;
}

export interface ImapMailbox extends MailboxSession {
  close(): Promise<void>;
}

const TIMEOUTS = { connectionTimeout: 5_000, greetingTimeout: 5_000, socketTimeout: 15_000 };

export async function openImapMailbox(s: ImapSettings): Promise<ImapMailbox> {
  const client = new ImapFlow({
    host: s.host,
    port: s.port,
    secure: s.tls === 'implicit',
    doSTARTTLS: s.tls === 'starttls' ? true : s.tls === 'none' ? false : undefined,
    auth: { user: s.user, pass: s.pass },
    // Its log lines carry addresses and subjects: off.
    logger: false,
    ...TIMEOUTS,
  });
  // A dropped connection is reported by the next command; without a listener it would be thrown at the process.
  client.on('error', () => undefined);
  await client.connect();
  let lock: Awaited<ReturnType<ImapFlow['getMailboxLock']>> | undefined;
  try {
    lock = await client.getMailboxLock(s.mailbox);
  } catch (e) {
    await client.logout().catch(() => undefined);
    throw e;
  }
  const selected = client.mailbox;
  if (!selected) throw new Error('The mailbox could not be selected');
  const folders = new Set<string>();
  const ensureFolder = async (folder: string) => {
    if (folders.has(folder)) return;
    const listed = await client.list();
    if (!listed.some((m) => m.path === folder)) await client.mailboxCreate(folder);
    folders.add(folder);
  };
  return {
    uidValidity: String(selected.uidValidity),
    async list(limit: number): Promise<MailboxEntry[]> {
      const exists = client.mailbox ? client.mailbox.exists : 0;
      if (!exists) return [];
      const messages = await client.fetchAll(`1:${Math.min(exists, limit)}`, { uid: true, size: true, envelope: true, internalDate: true });
      return messages
        .map((m) => ({
          uid: m.uid,
          size: m.size ?? 0,
          ...(m.envelope?.messageId ? { messageId: m.envelope.messageId } : {}),
          ...(m.internalDate ? { receivedAt: new Date(m.internalDate) } : {}),
        }))
        .sort((a, b) => a.uid - b.uid);
    },
    async fetchRaw(uid: number): Promise<Uint8Array> {
      const m = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
      // biome-ignore lint/complexity/useOptionalChain: fetchOne answers false (not undefined) for a message no longer there
      if (!m || !m.source) throw Object.assign(new Error(`Message UID ${uid} is no longer in the mailbox`), { name: 'MessageGone' });
      return new Uint8Array(m.source);
    },
    async move(uid: number, folder: string): Promise<void> {
      await ensureFolder(folder);
      await client.messageMove(String(uid), folder, { uid: true });
    },
    async close(): Promise<void> {
      lock?.release();
      await client.logout().catch(() => client.close());
    },
  };
}
