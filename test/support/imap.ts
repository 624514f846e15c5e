/** The test side of the local complaints mailbox (local/emulators/imap-server.ts): a connected IMAP client. */
import { ImapFlow } from 'imapflow';

export interface LocalMailbox {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** Signed in to the local Dovecot over plain IMAP on loopback (AWS uses IMAPS 993). */
export async function connectMailbox(mailbox: LocalMailbox): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: mailbox.host,
    port: mailbox.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: mailbox.user, pass: mailbox.password },
    logger: false,
  });
  await client.connect();
  return client;
}
