/**
 * The bank's complaints mailbox, locally (issue 18): Debian's Dovecot (`dovecot-imapd`) run from
 * a temporary directory with its own configuration - loopback only, plain IMAP (AWS polls over
 * IMAPS), one static user from a passwd-file, Maildir storage in that directory - and a
 * Secrets Manager stand-in that serves the user's credentials under the secret ARN the
 * MailboxPoller reads, behind the local IAM check like every other service.
 *
 * Dovecot runs as the current user; as root it is started as `nobody` (its own processes need
 * no privilege here). `scripts/bootstrap.mjs` installs it when missing (as root, with apt-get).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort, startOnFreePort } from '../ports.ts';

export const DOVECOT = process.env.DOVECOT_PATH ?? '/usr/sbin/dovecot';
export const DOVECOT_MISSING = `Inbound mail over IMAP needs Dovecot (${DOVECOT}): Debian/Ubuntu: sudo apt-get install -y dovecot-imapd (npm test and npm start install it when run as root), or set DOVECOT_PATH.`;

export interface ImapServer {
  host: string;
  port: number;
  user: string;
  password: string;
  /** Maildir of the user (tests may look, never needed by the product). */
  dir: string;
  stop(): Promise<void>;
}

/** Resolves once something accepts connections on the port (Dovecot's listener), or fails after `ms`. */
async function waitForPort(port: number, child: ChildProcess, log: () => string, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Dovecot exited (code ${child.exitCode}): ${log()}`);
    const ok = await new Promise<boolean>((r) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        r(true);
      });
      s.once('error', () => r(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`Dovecot did not listen on port ${port}: ${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  if (statSync(path).isDirectory()) for (const f of readdirSync(path)) chownTree(join(path, f), uid, gid);
}

export async function startImapServer(opts: { port?: number; user?: string; password?: string } = {}): Promise<ImapServer> {
  if (!existsSync(DOVECOT)) throw new Error(DOVECOT_MISSING);
  const root = process.getuid?.() === 0;
  // As root, everything runs as nobody/nogroup (65534): Dovecot's login processes refuse root.
  const uid = root ? 65534 : process.getuid!();
  const gid = root ? 65534 : process.getgid!();
  const account = root ? 'nobody' : userInfo().username;
  const group = root ? 'nogroup' : String(gid);
  const dir = mkdtempSync(join(tmpdir(), 'complaints-imap-'));
  const port = opts.port || (await freePort());
  const user = opts.user ?? 'complaints';
  const password = opts.password ?? randomBytes(12).toString('base64url');
  for (const d of ['run', 'state', 'mail']) mkdirSync(join(dir, d));
  writeFileSync(join(dir, 'users'), `${user}:{PLAIN}${password}\n`, { mode: 0o600 });
  writeFileSync(
    join(dir, 'dovecot.conf'),
    `# Local complaints mailbox (local/emulators/imap-server.ts): loopback, plain IMAP, one user.
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = ${account}
default_internal_group = ${group}
default_login_user = ${account}
first_valid_uid = 1
mail_location = maildir:${dir}/mail/%n
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%n ${dir}/users
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${dir}/mail/%n
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
namespace inbox {
  inbox = yes
  separator = /
}
`,
  );
  if (root) chownTree(dir, uid, gid);
  const child = spawn(DOVECOT, ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: ['ignore', 'pipe', 'pipe'], ...(root ? { uid, gid } : {}) });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const logText = () => (output + (existsSync(join(dir, 'dovecot.log')) ? readFileSync(join(dir, 'dovecot.log'), 'utf8') : '')).slice(-2000);
  try {
    await waitForPort(port, child, logText);
  } catch (e) {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    dir,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Secrets Manager's GetSecretValue (JSON protocol, `X-Amz-Target: secretsmanager.GetSecretValue`)
 * for the given secrets, by ARN: what the functions read their mail credentials with.
 */
export async function startSecretsManager(secrets: Record<string, string>): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(body));
      };
      const target = String(req.headers['x-amz-target'] ?? '');
      let input: { SecretId?: string } = {};
      try {
        input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {
        /* answered below */
      }
      if (target !== 'secretsmanager.GetSecretValue')
        return reply(400, { __type: 'InvalidRequestException', message: `${target || 'This operation'} is not served locally` });
      const value = input.SecretId ? secrets[input.SecretId] : undefined;
      if (value === undefined) return reply(400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
      const name = /:secret:(.+)$/.exec(input.SecretId!)?.[1] ?? input.SecretId;
      reply(200, { ARN: input.SecretId, Name: name, SecretString: value, VersionId: 'local', VersionStages: ['AWSCURRENT'], CreatedDate: 0 });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export interface LocalMailbox {
  imap: ImapServer;
  /** The Secrets Manager stand-in (AWS_ENDPOINT_URL_SECRETS_MANAGER before the IAM check). */
  secretsUrl: string;
  /** Minutes between polls with the system clock (the settings' everyMinutes). */
  everyMinutes: number;
  stop(): Promise<void>;
}

/**
 * The region's complaints mailbox, when its deploy settings say `mail.inbound.kind: 'imap'`
 * (or `wanted` says so): Dovecot, the credentials' secret, and the MailboxPoller's environment
 * as infra/constructs/mailbox-poller.ts sets it on AWS (but plain IMAP on loopback). Without
 * Dovecot: an error when asked for explicitly, else a logged notice and no mailbox.
 */
export async function startLocalMailbox(o: {
  regionName: 'cn' | 'uk' | 'us';
  secretArn: string;
  wanted?: boolean;
  log: (line: string) => void;
}): Promise<LocalMailbox | undefined> {
  const { loadSettings } = await import('../../infra/settings/load.ts');
  const inbound = loadSettings().regions[o.regionName].mail.inbound;
  if (!(o.wanted ?? inbound.kind === 'imap')) return undefined;
  if (!existsSync(DOVECOT)) {
    if (o.wanted) throw new Error(DOVECOT_MISSING);
    o.log(`${DOVECOT_MISSING} Inbound mail over IMAP is off.`);
    return undefined;
  }
  const folders = inbound.kind === 'imap' ? inbound : { mailbox: 'INBOX', processedFolder: 'Processed', failedFolder: 'Failed', everyMinutes: 2 };
  // Dovecot binds its probed port a moment later: if another process took it meanwhile, again on another (3 attempts).
  const imap = await startOnFreePort((port) => startImapServer({ port }));
  const secrets = await startSecretsManager({ [o.secretArn]: JSON.stringify({ username: imap.user, password: imap.password }) });
  Object.assign(process.env, {
    IMAP_HOST: imap.host,
    IMAP_PORT: String(imap.port),
    IMAP_TLS: 'none',
    IMAP_SECRET_ARN: o.secretArn,
    IMAP_MAILBOX: folders.mailbox,
    IMAP_PROCESSED_FOLDER: folders.processedFolder,
    IMAP_FAILED_FOLDER: folders.failedFolder,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
  });
  return {
    imap,
    secretsUrl: secrets.url,
    everyMinutes: folders.everyMinutes,
    stop: async () => {
      await new Promise((r) => {
        secrets.server.closeAllConnections();
        secrets.server.close(r);
      });
      await imap.stop();
    },
  };
}
