// Runs on whatever Node the machine has (20 here): installs the project's own toolchain
// (Node 22 and every package, from package-lock.json) when it is missing or stale, checks
// Java for DynamoDB Local, then runs the given command with the project's Node 22.
// Usage: node scripts/bootstrap.mjs <script.ts|bin> [args...]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(cmd, args, extraEnv = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...extraEnv } });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

export function ensureInstalled() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  const stale = !existsSync(marker) || !existsSync(bin('node')) || statSync(lock).mtimeMs > statSync(marker).mtimeMs;
  if (!stale) return;
  console.log('Installing the project toolchain (Node 22 and packages) with npm ci ...');
  if (run(npm, ['ci', '--no-audit', '--no-fund']) !== 0) {
    console.error('npm ci failed: see the messages above.');
    process.exit(1);
  }
}

export function ensureJava() {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const m = /version "(\d+)(?:\.(\d+))?/.exec(`${r.stderr ?? ''}${r.stdout ?? ''}`);
  const major = m ? (m[1] === '1' ? Number(m[2]) : Number(m[1])) : 0;
  if (r.error || major < 17) {
    console.error(`DynamoDB Local needs Java 17 or newer, and ${r.error ? 'no `java` was found on PATH' : `java ${major || '?'} was found`}.
  Debian/Ubuntu:  sudo apt-get update && sudo apt-get install -y openjdk-17-jre-headless
  macOS:          brew install openjdk@17
Then run the command again.`);
    process.exit(1);
  }
}

/**
 * Browser tests drive Debian's Chromium with playwright-core. Installs it when it is
 * missing and this user can (root with apt-get); otherwise says how.
 */
export function ensureChromium() {
  if (existsSync('/usr/bin/chromium') || process.env.CHROMIUM_PATH) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && spawnSync('which', ['apt-get']).status === 0) {
    console.log('Installing Chromium for the browser tests (apt-get install chromium) ...');
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    if (run('apt-get', ['update', '-qq'], env) === 0 && run('apt-get', ['install', '-y', '-qq', 'chromium'], env) === 0) return;
  }
  console.error('The browser tests need Chromium: install it (Debian/Ubuntu: sudo apt-get install -y chromium) or set CHROMIUM_PATH.');
  process.exit(1);
}

/**
 * zh-CN PDF reports need a CJK font: Debian's fonts-wqy-microhei (functions/shared/report-font.ts).
 * Installs it when missing and this user can (root with apt-get); otherwise says how (zh-CN
 * reports are then HTML only, and the zh-CN PDF test is skipped saying why).
 */
export function ensureCjkFont() {
  if (existsSync('/usr/share/fonts/truetype/wqy/wqy-microhei.ttc') || process.env.REPORT_CJK_FONT) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && spawnSync('which', ['apt-get']).status === 0) {
    console.log('Installing a CJK font for zh-CN PDF reports (apt-get install fonts-wqy-microhei) ...');
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    if (run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'fonts-wqy-microhei'], env) === 0) return;
    if (run('apt-get', ['update', '-qq'], env) === 0 && run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'fonts-wqy-microhei'], env) === 0)
      return;
  }
  console.error('zh-CN PDF reports need a CJK font: install it (Debian/Ubuntu: sudo apt-get install -y fonts-wqy-microhei) or set REPORT_CJK_FONT.');
}

/**
 * The local complaints mailbox (inbound mail over IMAP, local/emulators/imap-server.ts) is Debian's
 * Dovecot. Installs it when missing and this user can (root with apt-get); otherwise says how
 * (the runtime then runs without the mailbox).
 */
export function ensureDovecot() {
  if (existsSync(process.env.DOVECOT_PATH ?? '/usr/sbin/dovecot')) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && spawnSync('which', ['apt-get']).status === 0) {
    console.log('Installing Dovecot for the local complaints mailbox (apt-get install dovecot-imapd) ...');
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    if (run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'dovecot-imapd'], env) === 0) return;
    if (run('apt-get', ['update', '-qq'], env) === 0 && run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'dovecot-imapd'], env) === 0) return;
  }
  console.error('Inbound mail over IMAP (cn, uk) needs Dovecot: install it (Debian/Ubuntu: sudo apt-get install -y dovecot-imapd) or set DOVECOT_PATH.');
}

/**
 * Runs a TypeScript entry point (or a package binary) with the project's Node 22, passing
 * Ctrl-C / SIGTERM on so that the child stops cleanly (and stops DynamoDB Local with it).
 */
export function runWithProjectNode(args) {
  const env = { ...process.env, PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH}` };
  const child = spawn(bin('node'), args, { cwd: root, stdio: 'inherit', env });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  ensureInstalled();
  ensureJava();
  const [entry, ...rest] = process.argv.slice(2);
  if (entry === 'vitest' || entry === 'scripts/test.ts' || entry === 'scripts/check-iam.ts') ensureChromium();
  if (entry === 'vitest' || entry === 'scripts/test.ts' || entry === 'scripts/check-iam.ts' || entry === 'local/start.ts') ensureDovecot();
  if (entry === 'vitest' || entry === 'scripts/test.ts' || entry === 'scripts/check-iam.ts' || entry === 'local/start.ts') ensureCjkFont();
  const args = entry.endsWith('.ts') ? ['--import', 'tsx', entry, ...rest] : [bin(entry), ...rest];
  runWithProjectNode(args).then((code) => process.exit(code));
}
