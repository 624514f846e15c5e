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
import { PAGE_SECURITY_HEADERS } from '../../local/static.ts';
import { EncryptedLogs } from '../../infra/constructs/encrypted-logs.ts';
import { PagesDeployment, pagesConfig } from '../../infra/constructs/pages-deployment.ts';
import { securityHeadersBehaviour } from '../../infra/constructs/pages-distribution.ts';
import { StaffIdentity } from '../../infra/constructs/staff-identity.ts';
import { loadSettings } from '../../infra/settings/load.ts';
import type { StaffIdentitySettings } from '../../infra/settings/schema.ts';
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

describe('StaffIdentity from the deploy settings', () => {
  // Construct-level checks (no synthesis: an almost empty stack would only add validation noise).
  const settings = loadSettings();
  const identity = (region: 'cn' | 'uk', staff: StaffIdentitySettings) => {
    const stack = new Stack(new App(), 'Probe', { env: { account: ACCOUNT, region: REGIONS[region].aws.region } });
    return new StaffIdentity(stack, 'Staff', { region: REGIONS[region], settings: staff, consoleUrls: ['https://pages.example/console.html'] });
  };
  const warnings = (staff: StaffIdentity) => staff.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data));
  const bankIdp: StaffIdentitySettings = {
    kind: 'oidc', issuer: 'https://idp.bank.cn/realms/staff', clientId: 'console', audience: 'console-api',
    claims: { username: 'preferred_username', roles: 'memberOf', department: 'ou' }, groupRoles: { 'CN=CMP-Managers': 'manager' },
  };

  it('cn (oidc): no Cognito resources; issuer, audience, client and claim mapping straight from the settings', () => {
    const staff = identity('cn', bankIdp);
    expect([staff.kind, staff.issuer, staff.audience, staff.userPool]).toEqual(['oidc', 'https://idp.bank.cn/realms/staff', 'console-api', undefined]);
    expect(staff.signIn).toEqual({ issuer: 'https://idp.bank.cn/realms/staff', clientId: 'console', claims: { username: 'preferred_username', roles: 'memberOf', department: 'ou', groupRoles: { 'CN=CMP-Managers': 'manager' } } });
    expect(staff.node.findAll().filter((c) => c instanceof cognito.CfnUserPool || c instanceof cognito.CfnUserPoolClient || c instanceof cognito.CfnUserPoolDomain)).toEqual([]);
    expect(warnings(staff)).toEqual([]);
    expect(StaffIdentity.consoleOrigins(bankIdp, REGIONS.cn, ACCOUNT)).toEqual(['https://idp.bank.cn']);
  });

  it('cn: the example file\'s issuer is the example one, and synth says so', () => {
    const example = settings.regions.cn.staffIdentity;
    expect(example.kind).toBe('oidc');
    const staff = identity('cn', example);
    expect(staff.issuer).toBe((example as { issuer: string }).issuer);
    expect(warnings(staff)).toEqual([expect.stringMatching(/issuer is a placeholder.*regions\.cn\.staffIdentity \(issuer\)/)]);
  });

  it('cn: Cognito is refused, naming the setting', () => {
    expect(() => identity('cn', { kind: 'cognito' })).toThrow(/regions\.cn\.staffIdentity\.kind: Cognito user pools are not offered in cn-north-1/);
  });

  it('uk (cognito): a user pool, its client and hosted UI; Cognito\'s claim names; sign-out at the hosted UI', () => {
    const staff = identity('uk', settings.regions.uk.staffIdentity);
    const template = Template.fromStack(Stack.of(staff));
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: `complaints-uk-${ACCOUNT}` });
    expect(staff.kind).toBe('cognito');
    expect(staff.signIn.claims).toEqual({ username: 'cognito:username', roles: 'cognito:groups', department: 'custom:department' });
    expect(Stack.of(staff).resolve(staff.signIn.logoutUrl)).toEqual({ 'Fn::Join': ['', ['https://', { Ref: expect.stringMatching(/HostedUi/) }, '.auth.eu-west-2.amazoncognito.com/logout']] });
    expect(StaffIdentity.consoleOrigins(settings.regions.uk.staffIdentity, REGIONS.uk, ACCOUNT))
      .toEqual([`https://complaints-uk-${ACCOUNT}.auth.eu-west-2.amazoncognito.com`, 'https://cognito-idp.eu-west-2.amazonaws.com']);
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
