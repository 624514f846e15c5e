/**
 * Serves the built customer pages (web/dist) the way CloudFront serves them on AWS: static
 * files with the same security headers (CSP, frame-ancestors, nosniff, referrer policy), and
 * /config.json telling the pages their region and languages (and in China the ICP filing
 * number their footers show). The headers are web/security-headers.ts, which CloudFront's
 * response-headers policy is built from too.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import type { RegionConfig, RegionName } from '../../functions/domain/region-schema.ts';
import { PAGE_SECURITY_HEADERS } from '../../web/security-headers.ts';

/**
 * The ICP filing number (备案号) the local runtime's pages show, per region: a clearly fake
 * example for China. On AWS it comes from the deploy settings (regions.<r>.pages.icpFilingNumber).
 */
export const LOCAL_ICP_FILING_NUMBERS: Partial<Record<RegionName, string>> = { cn: '京ICP备00000000号-1' };

/** What the local runtime serves as /config.json (web/src/lib/page.ts reads it; on AWS: infra/constructs/pages-deployment.ts). */
export function localPagesConfig(region: RegionConfig): { region: string; languages: string[]; apiBase: string; icpFilingNumber?: string } {
  const icpFilingNumber = LOCAL_ICP_FILING_NUMBERS[region.name];
  return { region: region.name, languages: [...region.languages], apiBase: '', ...(icpFilingNumber ? { icpFilingNumber } : {}) };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
};

export function staticPages(dir: string, config: () => unknown, opts: { uploadOrigins?: string[] } = {}) {
  const root = resolve(dir);
  // The pages upload attachments straight to object storage: its origin may be connected to.
  const headers = opts.uploadOrigins?.length
    ? {
        ...PAGE_SECURITY_HEADERS,
        'content-security-policy': PAGE_SECURITY_HEADERS['content-security-policy'].replace(
          "connect-src 'self'",
          `connect-src 'self' ${opts.uploadOrigins.join(' ')}`,
        ),
      }
    : PAGE_SECURITY_HEADERS;
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://local').pathname);
    } catch {
      return false; // broken percent-encoding names no page; the API answers it (400, or 404 as unknown)
    }
    if (path.startsWith('/api/') || path.startsWith('/__local/')) return false;
    if (path === '/config.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
      res.end(JSON.stringify(config()));
      return true;
    }
    const file = resolve(root, `.${path === '/' ? '/index.html' : path}`);
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) return false;
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache', ...headers });
    res.end(req.method === 'HEAD' ? undefined : readFileSync(file));
    return true;
  };
}
