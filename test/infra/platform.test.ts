/**
 * The per-region platform choices (infra/platform.ts) and the small constructs whose behaviour
 * depends on them, without synthesizing the whole app (no bundling: fast).
 */
import { describe, expect, it } from 'vitest';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { REGIONS } from '../../functions/domain/regions.ts';
import { PAGE_SECURITY_HEADERS } from '../../web/security-headers.ts';
import { EncryptedLogs } from '../../infra/constructs/encrypted-logs.ts';
import { PagesDeployment, pagesConfig } from '../../infra/constructs/pages-deployment.ts';
import { securityHeadersBehaviour } from '../../infra/constructs/pages-distribution.ts';
import { StaffIdentity } from '../../infra/constructs/staff-identity.ts';
import { PLACEHOLDER_OIDC, regionPlatform } from '../../infra/platform.ts';

const ACCOUNT = '111111111111';
const platformWith = (context: Record<string, string>, region: keyof typeof REGIONS) => regionPlatform(new App({ context }), REGIONS[region], ACCOUNT);

describe('regionPlatform', () => {
  it('defaults: China signs staff in with an external OIDC issuer, has no CloudFront, WAF or SES; the UK has all but SES receiving; the US has all', () => {
    expect(platformWith({}, 'cn')).toEqual({
      identity: { kind: 'oidc', issuer: PLACEHOLDER_OIDC.issuer, audience: PLACEHOLDER_OIDC.audience, placeholder: true },
      pages: { cloudFront: false, waf: false, customDomain: undefined, externalBaseUrl: undefined },
      email: { sending: false, receiving: false },
    });
    expect(platformWith({}, 'uk')).toEqual({
      identity: { kind: 'cognito', domainPrefix: `complaints-uk-${ACCOUNT}` },
      pages: { cloudFront: true, waf: true, customDomain: undefined, externalBaseUrl: undefined },
      email: { sending: true, receiving: false },
    });
    expect(platformWith({}, 'us').email).toEqual({ sending: true, receiving: true });
  });

  it('takes the issuer, audience and pages origin of China from context', () => {
    const cn = platformWith({
      'complaints:cn:oidcIssuer': 'https://idp.bank.cn/realms/staff',
      'complaints:cn:oidcAudience': 'staff-console',
      'complaints:cn:publicBaseUrl': 'https://complaints.bank.cn',
    }, 'cn');
    expect(cn.identity).toEqual({ kind: 'oidc', issuer: 'https://idp.bank.cn/realms/staff', audience: 'staff-console', placeholder: false });
    expect(cn.pages.externalBaseUrl).toBe('https://complaints.bank.cn');
    expect(() => platformWith({ 'complaints:cn:oidcIssuer': 'http://idp.bank.cn' }, 'cn')).toThrow(/https URL/);
    expect(() => platformWith({ 'complaints:cn:publicBaseUrl': 'https://complaints.bank.cn/path' }, 'cn')).toThrow(/without a path/);
  });

  it('refuses CloudFront in aws-cn (no Origin Access Control, ICP domain), and a domain without its certificate', () => {
    expect(() => platformWith({ 'complaints:cn:cloudFront': 'true' }, 'cn')).toThrow(/not supported in cn-north-1/);
    expect(() => platformWith({ 'complaints:uk:pagesDomain': 'complaints.bank.co.uk' }, 'uk')).toThrow(/go together/);
    const uk = platformWith({ 'complaints:uk:pagesDomain': 'complaints.bank.co.uk', 'complaints:uk:pagesCertificateArn': 'arn:aws:acm:us-east-1:111111111111:certificate/x' }, 'uk');
    expect(uk.pages.customDomain).toEqual({ domainName: 'complaints.bank.co.uk', certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/x' });
  });

  it('lets ops switch SES receiving where AWS confirms it, never in China', () => {
    expect(platformWith({ 'complaints:uk:sesReceiving': 'true' }, 'uk').email.receiving).toBe(true);
    expect(platformWith({ 'complaints:us:sesReceiving': 'false' }, 'us').email.receiving).toBe(false);
    expect(platformWith({ 'complaints:cn:sesReceiving': 'true' }, 'cn').email.receiving).toBe(false);
    expect(() => platformWith({ 'complaints:uk:sesReceiving': 'yes' }, 'uk')).toThrow(/true or false/);
  });
});

describe('StaffIdentity with an external issuer', () => {
  // Construct-level checks (no synthesis: an almost empty stack would only add validation noise).
  const identity = (choice: { issuer: string; audience: string; placeholder: boolean }) => {
    const stack = new Stack(new App(), 'Probe', { env: { account: ACCOUNT, region: 'cn-north-1' } });
    return new StaffIdentity(stack, 'Staff', { region: REGIONS.cn, choice: { kind: 'oidc', ...choice }, consoleUrls: [] });
  };
  const warnings = (staff: StaffIdentity) => staff.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data));

  it('creates no user pool and hands the issuer and audience to the authorizer', () => {
    const staff = identity({ issuer: 'https://idp.bank.cn', audience: 'console', placeholder: false });
    expect([staff.issuer, staff.audience, staff.userPool]).toEqual(['https://idp.bank.cn', 'console', undefined]);
    expect(staff.node.findAll().filter((c) => c instanceof cognito.CfnUserPool)).toEqual([]);
    expect(warnings(staff)).toEqual([]);
  });

  it('warns while the issuer is the placeholder', () => {
    const staff = identity({ ...PLACEHOLDER_OIDC, placeholder: true });
    expect(warnings(staff)).toEqual([expect.stringContaining('issuer is a placeholder')]);
  });
});

describe('pages', () => {
  it('config.json is what the local runtime serves: region, languages, same-origin API', () => {
    for (const region of Object.values(REGIONS)) {
      expect(pagesConfig(region)).toEqual({ region: region.name, languages: region.languages, apiBase: '' });
    }
  });

  it('are not deployed, with a warning, when the build output is missing', () => {
    const stack = new Stack(new App(), 'Probe', { env: { account: ACCOUNT, region: 'eu-west-2' } });
    const pages = new PagesDeployment(stack, 'Pages', {
      region: REGIONS.uk,
      bucket: s3.Bucket.fromBucketName(stack, 'Bucket', 'pages'),
      logs: new EncryptedLogs(stack, 'Logs', { retention: logs.RetentionDays.ONE_WEEK }),
      distDir: '/nonexistent/web/dist',
    });
    expect(pages.deployment).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('Custom::CDKBucketDeployment', 0);
    Annotations.fromStack(stack).hasWarning('/Probe/Pages', Match.stringLikeRegexp('customer pages are not deployed'));
  });

  it('CloudFront security headers: every local header mapped, HSTS added, extra upload origins in connect-src only', () => {
    const behaviour = securityHeadersBehaviour(PAGE_SECURITY_HEADERS, ['https://bucket.s3.eu-west-2.amazonaws.com']);
    const csp = behaviour.securityHeadersBehavior!.contentSecurityPolicy!.contentSecurityPolicy;
    expect(csp).toBe(PAGE_SECURITY_HEADERS['content-security-policy'].replace("connect-src 'self'", "connect-src 'self' https://bucket.s3.eu-west-2.amazonaws.com"));
    expect(csp).toContain("frame-ancestors 'none'");
    expect(behaviour.securityHeadersBehavior!.strictTransportSecurity).toMatchObject({ includeSubdomains: true, override: true });
    expect(() => securityHeadersBehaviour({ ...PAGE_SECURITY_HEADERS, 'cross-origin-opener-policy': 'same-origin' }, [])).toThrow(/no CloudFront mapping/);
  });
});
