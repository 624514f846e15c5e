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
import { regionPlatform } from '../../infra/platform.ts';
import { buildComplaintApp, buildFromContext } from '../../infra/complaint-app.ts';
import { assertDeployable, exampleSettings, loadSettings, parseSettings } from '../../infra/settings/load.ts';
import { RegionSettings, type StaffIdentitySettings } from '../../infra/settings/schema.ts';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { readFileSync } from 'node:fs';

const ACCOUNT = '111111111111';
const CDK_CONTEXT = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<string, unknown>;
const EXAMPLE = exampleSettings(ACCOUNT);
type Region = keyof typeof REGIONS;
/** The example settings of a region with some fields changed (a deep merge of `patch`). */
function settingsWith(region: Region, patch: Record<string, unknown>): RegionSettings {
  const merge = (a: any, b: any): any =>
    b && typeof b === 'object' && !Array.isArray(b) && a && typeof a === 'object'
      ? Object.fromEntries([...new Set([...Object.keys(a), ...Object.keys(b)])].map((k) => [k, k in b ? merge(a[k], b[k]) : a[k]]))
      : b;
  return RegionSettings.parse(merge(structuredClone(EXAMPLE.regions[region]), patch));
}
const platformOf = (region: Region, settings: RegionSettings = EXAMPLE.regions[region]) => regionPlatform(new App(), REGIONS[region], ACCOUNT, settings);

describe('regionPlatform', () => {
  it("example settings: China signs staff in with the bank's OIDC issuer and has no CloudFront, WAF, SES or X-Ray; the UK has all but SES receiving; the US has all", () => {
    const cn = platformOf('cn');
    expect(cn.identity).toEqual({ kind: 'oidc', issuer: 'https://sso.bank.example.cn/oidc', audience: 'complaints-console', placeholder: true });
    expect(cn.staffIdentity).toEqual(EXAMPLE.regions.cn.staffIdentity);
    expect(cn.pages).toMatchObject({
      cloudFront: false,
      waf: false,
      customDomain: undefined,
      externalBaseUrl: 'https://complaints.bank.example.cn',
      icpFilingNumber: EXAMPLE.regions.cn.pages.icpFilingNumber,
    });
    expect(cn.email).toEqual({
      sending: false,
      receiving: false,
      activateReceiptRuleSet: false,
      smtpRelay: { host: 'smtp-relay.bank.example.cn', port: 587, tls: 'starttls' },
      imap: EXAMPLE.regions.cn.mail.inbound,
    });
    expect([cn.tracing, cn.eventSourceMappingTags]).toEqual([false, false]);
    expect(platformOf('uk')).toMatchObject({
      identity: { kind: 'cognito', domainPrefix: `complaints-uk-${ACCOUNT}` },
      pages: { cloudFront: true, waf: true, customDomain: undefined },
      email: { sending: true, receiving: false, activateReceiptRuleSet: false },
      tracing: true,
      eventSourceMappingTags: true,
    });
    expect(platformOf('us').email).toEqual({ sending: true, receiving: true, activateReceiptRuleSet: false, smtpRelay: undefined });
  });

  it('mail facts and alarm mailboxes come from the settings, not from functions/domain/regions.ts', () => {
    const uk = platformOf(
      'uk',
      settingsWith('uk', {
        mail: { sender: 'klagen@bank.co.uk', domain: 'bank.co.uk', ownDomains: ['bank.com'] },
        alarmEmails: ['a@bank.co.uk', 'b@bank.co.uk'],
      }),
    );
    expect(uk.mail).toEqual({ transport: 'ses', sender: 'klagen@bank.co.uk', domain: 'bank.co.uk', ownDomains: ['bank.com'] });
    expect(uk.alarmEmails).toEqual(['a@bank.co.uk', 'b@bank.co.uk']);
    expect(REGIONS.uk).not.toHaveProperty('mail');
    expect(REGIONS.uk).not.toHaveProperty('alarmEmail');
  });

  it("China: the logs key's service principal with the aws-cn suffix (CDK's region-info has no such fact); elsewhere the plain regional one", () => {
    expect(platformOf('cn').logsServicePrincipal).toBe('logs.cn-north-1.amazonaws.com.cn');
    expect(platformOf('uk').logsServicePrincipal).toBe('logs.eu-west-2.amazonaws.com');
    expect(RegionInfo.get('cn-north-1').domainSuffix).toBe('amazonaws.com.cn');
  });

  it("China: the ICP-recorded domain serves the public API (regional domain, ACM certificate in cn-north-1); elsewhere the custom domain is CloudFront's (ACM in us-east-1)", () => {
    expect(platformOf('cn').apiCustomDomain).toEqual({
      domainName: 'complaints.bank.example.cn',
      certificateArn: 'arn:aws-cn:acm:cn-north-1:222222222222:certificate/example-cn',
    });
    const iamCert = structuredClone(EXAMPLE.regions.cn);
    iamCert.pages.customDomain = { domainName: 'c.bank.cn', certificate: { iamServerCertificateName: 'c' } };
    expect(() => platformOf('cn', iamCert)).toThrow(/regions\.cn\.pages\.customDomain\.certificate: use an ACM certificate/);
    expect(() =>
      platformOf(
        'cn',
        settingsWith('cn', {
          pages: { customDomain: { domainName: 'c.bank.cn', certificate: { acmArn: 'arn:aws:acm:us-east-1:111111111111:certificate/x' } } },
        }),
      ),
    ).toThrow(/regions\.cn\.pages\.customDomain\.certificate\.acmArn: the certificate must be in cn-north-1/);
    const uk = platformOf(
      'uk',
      settingsWith('uk', {
        pages: { customDomain: { domainName: 'complaints.bank.co.uk', certificate: { acmArn: 'arn:aws:acm:us-east-1:111111111111:certificate/x' } } },
      }),
    );
    expect(uk.pages.customDomain).toEqual({ domainName: 'complaints.bank.co.uk', certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/x' });
    expect(uk.apiCustomDomain).toBeUndefined();
    expect(() => platformOf('cn', settingsWith('cn', { pages: { icpFilingNumber: undefined } }))).toThrow(/regions\.cn\.pages\.icpFilingNumber/);
  });

  it('refuses, naming the field, what the region cannot do: Cognito or SES in China, SES receiving outside its regions', () => {
    expect(() => platformOf('cn', settingsWith('cn', { staffIdentity: { kind: 'cognito' } }))).toThrow(
      /regions\.cn\.staffIdentity\.kind: Cognito user pools are not available in cn-north-1/,
    );
    expect(() => platformOf('cn', settingsWith('cn', { mail: { outbound: { transport: 'ses' } } }))).toThrow(
      /regions\.cn\.mail\.outbound\.transport: SES is not offered/,
    );
    expect(() => platformOf('uk', settingsWith('uk', { mail: { inbound: { kind: 'ses' } } }))).toThrow(
      /regions\.uk\.mail\.inbound\.kind: SES does not receive email in eu-west-2/,
    );
  });

  it('the receipt rule set is activated only when the settings say so (default off)', () => {
    expect(EXAMPLE.regions.us.mail.inbound).toEqual({ kind: 'ses', activateRuleSet: false });
    expect(RegionSettings.parse({ ...EXAMPLE.regions.us, mail: { ...EXAMPLE.regions.us.mail, inbound: { kind: 'ses' } } }).mail.inbound).toEqual({
      kind: 'ses',
      activateRuleSet: false,
    });
    expect(platformOf('us', settingsWith('us', { mail: { inbound: { activateRuleSet: true } } })).email.activateReceiptRuleSet).toBe(true);
  });
});

describe('deploy settings', () => {
  it('the example file is valid, with one account per partition', () => {
    const example = loadSettings();
    expect(example.accounts).toEqual({ aws: '111111111111', 'aws-cn': '222222222222' });
  });

  it('errors name the file and the field', () => {
    const bad = structuredClone(loadSettings()) as any;
    bad.regions.uk.alarmEmails = ['not-an-address'];
    bad.regions.cn.mail.sender = 'complaints@elsewhere.cn';
    bad.accounts.aws = '12345';
    const message = (() => {
      try {
        parseSettings(bad, 'bank.json');
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(message).toMatch(/^Deploy settings bank\.json: /);
    expect(message).toContain('regions.uk.alarmEmails.0:');
    expect(message).toContain('regions.cn.mail.sender: sender must be an address in domain');
    expect(message).toContain('accounts.aws: a 12-digit AWS account id');
    expect(() => loadSettings('/nonexistent/settings.json')).toThrow(/Deploy settings \/nonexistent\/settings\.json: /);
  });

  it('-c deploy=true refuses the example values, naming each field; only the selected regions and their partitions are checked', () => {
    const app = (context: Record<string, string>) => new App({ context: { ...CDK_CONTEXT, ...context, 'aws:cdk:bundling-stacks': [] as never } });
    expect(() => buildFromContext(app({ deploy: 'true' }))).toThrow(
      /settings\.example\.json still hold example values, refused with -c deploy=true: (?=.*accounts\.aws,)(?=.*accounts\.aws-cn)(?=.*regions\.cn\.mail\.sender)(?=.*regions\.cn\.staffIdentity\.issuer)(?=.*regions\.uk\.alarmEmails\.0)/,
    );
    // Without deploy=true the example synthesizes (what tests and a plain `cdk synth` use).
    expect(Object.keys(buildFromContext(app({ regions: 'uk' })))).toEqual(['uk']);
    expect(() => buildFromContext(app({ regions: 'eu' }))).toThrow(/Context "regions": unknown region "eu"/);
    let message = '';
    try {
      assertDeployable(loadSettings(), 'f.json', ['us']);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('accounts.aws,');
    expect(message).toContain('regions.us.alarmEmails.0');
    expect(message).not.toContain('regions.cn');
    expect(message).not.toContain('aws-cn');
    const real = structuredClone(loadSettings());
    real.accounts = { aws: '123456789012' };
    real.regions.us = {
      ...real.regions.us,
      mail: { ...real.regions.us.mail, sender: 'complaints@bank.com', domain: 'bank.com', ownDomains: ['bank.net'] },
      alarmEmails: ['ops@bank.com'],
    };
    expect(() => assertDeployable(real, 'f.json', ['us'])).not.toThrow();
  });

  it('a stack whose partition has no account fails synth with a message naming accounts.<partition>; -c regions leaves it out', () => {
    const settings = structuredClone(loadSettings());
    delete settings.accounts['aws-cn'];
    expect(() => buildComplaintApp(new App({ context: CDK_CONTEXT }), { settings })).toThrow(
      /Deploy settings accounts\.aws-cn: region cn \(cn-north-1\) is in partition aws-cn, which has no account/,
    );
    const built = buildComplaintApp(new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } }), { settings, regions: ['uk'] });
    expect(Object.keys(built)).toEqual(['uk']);
    expect(built.uk.api.account).toBe('111111111111');
  });

  it('the accounts are per partition: cn stacks in the aws-cn account, uk and us stacks in the aws account', () => {
    const built = buildComplaintApp(new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } }), { settings: loadSettings() });
    expect([built.cn.stateful.account, built.cn.api.account]).toEqual(['222222222222', '222222222222']);
    expect([built.uk.api.account, built.uk.edge!.account, built.uk.wafLogs!.account, built.us.api.account]).toEqual([
      '111111111111',
      '111111111111',
      '111111111111',
      '111111111111',
    ]);
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
    kind: 'oidc',
    issuer: 'https://idp.bank.cn/realms/staff',
    clientId: 'console',
    audience: 'console-api',
    claims: { username: 'preferred_username', roles: 'memberOf', department: 'ou' },
    groupRoles: { 'CN=CMP-Managers': 'manager' },
  };

  it('cn (oidc): no Cognito resources; issuer, audience, client and claim mapping straight from the settings', () => {
    const staff = identity('cn', bankIdp);
    expect([staff.kind, staff.issuer, staff.audience, staff.userPool]).toEqual(['oidc', 'https://idp.bank.cn/realms/staff', 'console-api', undefined]);
    expect(staff.signIn).toEqual({
      issuer: 'https://idp.bank.cn/realms/staff',
      clientId: 'console',
      claims: { username: 'preferred_username', roles: 'memberOf', department: 'ou', groupRoles: { 'CN=CMP-Managers': 'manager' } },
    });
    expect(
      staff.node.findAll().filter((c) => c instanceof cognito.CfnUserPool || c instanceof cognito.CfnUserPoolClient || c instanceof cognito.CfnUserPoolDomain),
    ).toEqual([]);
    expect(warnings(staff)).toEqual([]);
    expect(StaffIdentity.consoleOrigins(bankIdp, REGIONS.cn, ACCOUNT)).toEqual(['https://idp.bank.cn']);
  });

  it("cn: the example file's issuer is the example one, and synth says so", () => {
    const example = settings.regions.cn.staffIdentity;
    expect(example.kind).toBe('oidc');
    const staff = identity('cn', example);
    expect(staff.issuer).toBe((example as { issuer: string }).issuer);
    expect(warnings(staff)).toEqual([expect.stringMatching(/issuer is a placeholder.*regions\.cn\.staffIdentity \(issuer\)/)]);
  });

  it('cn: Cognito is refused, naming the setting', () => {
    expect(() => identity('cn', { kind: 'cognito' })).toThrow(/regions\.cn\.staffIdentity\.kind: Cognito user pools are not offered in cn-north-1/);
  });

  it("uk (cognito): a user pool, its client and hosted UI; Cognito's claim names; sign-out at the hosted UI", () => {
    const staff = identity('uk', settings.regions.uk.staffIdentity);
    const template = Template.fromStack(Stack.of(staff));
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: `complaints-uk-${ACCOUNT}` });
    expect(staff.kind).toBe('cognito');
    expect(staff.signIn.claims).toEqual({ username: 'cognito:username', roles: 'cognito:groups', department: 'custom:department' });
    expect(Stack.of(staff).resolve(staff.signIn.logoutUrl)).toEqual({
      'Fn::Join': ['', ['https://', { Ref: expect.stringMatching(/HostedUi/) }, '.auth.eu-west-2.amazoncognito.com/logout']],
    });
    expect(StaffIdentity.consoleOrigins(settings.regions.uk.staffIdentity, REGIONS.uk, ACCOUNT)).toEqual([
      `https://complaints-uk-${ACCOUNT}.auth.eu-west-2.amazoncognito.com`,
      'https://cognito-idp.eu-west-2.amazonaws.com',
    ]);
  });
});

describe('pages', () => {
  it('config.json is what the local runtime serves: region, languages, same-origin API', () => {
    for (const region of Object.values(REGIONS)) {
      expect(pagesConfig(region)).toEqual({ region: region.name, languages: region.languages, apiBase: '' });
    }
    expect(pagesConfig(REGIONS.cn, undefined, '京ICP备12345678号-1')).toEqual({
      region: 'cn',
      languages: REGIONS.cn.languages,
      apiBase: '',
      icpFilingNumber: '京ICP备12345678号-1',
    });
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
    expect(csp).toBe(
      PAGE_SECURITY_HEADERS['content-security-policy'].replace("connect-src 'self'", "connect-src 'self' https://bucket.s3.eu-west-2.amazonaws.com"),
    );
    expect(csp).toContain("frame-ancestors 'none'");
    expect(behaviour.securityHeadersBehavior!.strictTransportSecurity).toMatchObject({ includeSubdomains: true, override: true });
    expect(() => securityHeadersBehaviour({ ...PAGE_SECURITY_HEADERS, 'cross-origin-opener-policy': 'same-origin' }, [])).toThrow(/no CloudFront mapping/);
  });
});
