/**
 * The local mail catcher: a real SMTP server that keeps every message it receives as an
 * .eml file in the data directory, where tests and people can read what was sent.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

export interface MailCatcher {
  port: number;
  dir: string;
  list(): { id: string; file: string }[];
  stop(): Promise<void>;
}

/**
 * `refuse`: asked for each message (its recipients); an answer refuses it with that SMTP code
 * (local/host/faults.ts, target 'smtp': the bank's relay failing, in regions that send through one).
 */
export async function startMailCatcher(
  dir: string,
  port = 0,
  refuse?: (recipients: string) => { code: number; message: string } | undefined,
): Promise<MailCatcher> {
  mkdirSync(dir, { recursive: true });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 25 * 1024 * 1024,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const refused = refuse?.(session.envelope.rcptTo.map((r) => r.address).join(','));
        if (refused) return done(Object.assign(new Error(refused.message), { responseCode: refused.code }));
        // Sortable names: the order of sending is the order of the files.
        writeFileSync(join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}.eml`), Buffer.concat(chunks));
        done();
      });
    },
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const actual = (server.server.address() as { port: number }).port;
  return {
    port: actual,
    dir,
    list: () =>
      readdirSync(dir)
        .filter((f) => f.endsWith('.eml'))
        .sort()
        .map((f) => ({ id: f.replace(/\.eml$/, ''), file: join(dir, f) })),
    stop: () => new Promise((r) => server.close(() => r())),
  };
}

export function readMail(file: string): string {
  return readFileSync(file, 'utf8');
}
