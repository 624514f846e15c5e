/**
 * Who staff are, from the region's deploy settings (`staffIdentity`, infra/settings/schema.ts):
 * the issuer and audience of the ID tokens the staff API accepts (the HTTP API's JWT
 * authorizer), the console's client id, and which claims name the staff member, the roles (or
 * the IdP's groups, mapped by `groupRoles`) and the department (functions/domain/staff-claims.ts).
 * One generic OpenID Connect path with two configurations:
 * - `oidc`: the bank's own provider (China, where Cognito user pools are not offered; any region
 *   a bank chooses). Nothing is created here: issuer, audience, client and claim names come from
 *   the settings, and the bank registers the console (public client, code + PKCE) with its IdP.
 * - `cognito` (uk, us by default): a retained user pool - no self sign-up (administrators create
 *   staff), the five role groups, `department` as a custom attribute only administrators change,
 *   TOTP MFA required, a strong password policy, threat protection (Plus plan), email as sign-in
 *   alias, a hosted-UI domain and the staff console's app client (authorization code grant,
 *   public client without secret, so the console uses PKCE). Its claims are Cognito's
 *   (`COGNITO_CLAIMS`).
 */
import { Annotations, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import type { RegionConfig } from '../../functions/domain/regions.ts';
import { COGNITO_CLAIMS, type StaffClaimMapping } from '../../functions/domain/staff-claims.ts';
import { exampleValues } from '../settings/load.ts';
import type { StaffIdentitySettings } from '../settings/schema.ts';

/** The roles of the authorization matrix (functions/domain), one Cognito group each. */
export const STAFF_ROLES = {
  specialist: 'Complaints desk: keys in complaints, claims, corrects classifications, records callbacks',
  handler: "Works the complaints of the department's queue",
  manager: "A handler's rights in the department, plus approvals, extensions and reassignment",
  senior: 'Senior approval tier (senior manager, head of the complaints function): approves in every department what a manager may not',
  quality: 'Reads every complaint and queue, changes nothing',
  admin: 'Reads and reassigns',
} as const;

export interface StaffIdentityProps {
  region: RegionConfig;
  /** The region's `staffIdentity` of the deploy settings. */
  settings: StaffIdentitySettings;
  /** Where the staff console receives the authorization code and returns after sign-out. */
  consoleUrls: string[];
}

/** What the staff console needs to sign in (its /config.json `auth`, with the page's redirect URI). */
export interface StaffSignIn {
  issuer: string;
  clientId: string;
  claims: StaffClaimMapping;
  logoutUrl?: string;
}

const cognitoIdpOrigin = (awsRegion: string) => `https://cognito-idp.${awsRegion}.${RegionInfo.get(awsRegion).domainSuffix ?? 'amazonaws.com'}`;
const domainPrefixOf = (settings: Extract<StaffIdentitySettings, { kind: 'cognito' }>, region: RegionConfig, account: string) =>
  settings.domainPrefix ?? `complaints-${region.name}-${account}`;

export class StaffIdentity extends Construct {
  /**
   * The origins the console fetches from while signing in - the discovery document and the token
   * endpoint - for the pages' CSP connect-src. Known before the construct exists (the pages'
   * distribution is made first). For an external IdP, the issuer's origin: a bank whose token
   * endpoint lives elsewhere adds that origin.
   */
  static consoleOrigins(settings: StaffIdentitySettings, region: RegionConfig, account: string): string[] {
    if (settings.kind === 'oidc') return [new URL(settings.issuer).origin];
    return [cognitoOrigin(domainPrefixOf(settings, region, account), region.aws.region), cognitoIdpOrigin(region.aws.region)];
  }

  readonly kind: StaffIdentitySettings['kind'];
  /** `iss` of accepted ID tokens. */
  readonly issuer: string;
  /** `aud` of accepted ID tokens. */
  readonly audience: string;
  /** The staff console's sign-in: issuer, client id, claim names (and Cognito's sign-out URL). */
  readonly signIn: StaffSignIn;
  readonly userPool?: cognito.UserPool;
  readonly client?: cognito.UserPoolClient;
  readonly domain?: cognito.UserPoolDomain;

  constructor(scope: Construct, id: string, props: StaffIdentityProps) {
    super(scope, id);
    const { settings, region } = props;
    this.kind = settings.kind;

    if (settings.kind === 'oidc') {
      this.issuer = settings.issuer;
      this.audience = settings.audience;
      this.signIn = {
        issuer: settings.issuer,
        clientId: settings.clientId,
        claims: { ...settings.claims, ...(settings.groupRoles ? { groupRoles: settings.groupRoles } : {}) },
      };
      const examples = exampleValues(settings).filter((f) => ['issuer', 'clientId', 'audience'].includes(f));
      if (examples.length) {
        Annotations.of(this).addWarningV2(
          'complaints:oidc-issuer-placeholder',
          `Staff sign in through the bank's OpenID Connect provider here; the issuer is a placeholder (${this.issuer}): ` +
            `set regions.${region.name}.staffIdentity (${examples.join(', ')}) in the deploy settings before deploying - until then every staff route answers 401.`,
        );
      }
      return;
    }
    if (region.aws.partition === 'aws-cn') {
      throw new Error(
        `Deploy settings regions.${region.name}.staffIdentity.kind: Cognito user pools are not offered in ${region.aws.region}; ` +
          'use "oidc" with the bank\'s identity provider (issuer, clientId, audience, claims)',
      );
    }

    const stack = Stack.of(this);
    const userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: `complaints-staff-${props.region.name}`,
      // Staff accounts are created by administrators (invitation email), never by sign-up.
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      keepOriginal: { email: true },
      standardAttributes: {
        email: { required: true, mutable: true },
        fullname: { required: true, mutable: true },
      },
      // Scopes every department-bound decision: changeable by administrators only (the console's
      // client has no write access to attributes, below).
      customAttributes: { department: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: true }) },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 12,
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // Threat protection (compromised credentials, adaptive authentication) needs the Plus plan.
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      // The pool is the staff directory: users, MFA enrolments and group memberships.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const [role, description] of Object.entries(STAFF_ROLES)) {
      new cognito.UserPoolGroup(this, `Group-${role}`, { userPool, groupName: role, description });
    }

    // Hosted-UI prefixes are global per region: the account keeps them unique, and they may not
    // contain "aws", "amazon" or "cognito".
    const domainPrefix = domainPrefixOf(settings, region, stack.account);
    if (!Token.isUnresolved(domainPrefix) && !/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(domainPrefix)) {
      throw new Error(
        `Cognito domain prefix "${domainPrefix}" must be lower-case letters, digits and hyphens (regions.${region.name}.staffIdentity.domainPrefix)`,
      );
    }
    this.domain = userPool.addDomain('HostedUi', { cognitoDomain: { domainPrefix } });

    this.client = userPool.addClient('StaffConsole', {
      userPoolClientName: 'staff-console',
      // A browser application cannot keep a secret: a public client, which uses PKCE with the code grant.
      generateSecret: false,
      // Sign-in through the hosted UI only (no password or SRP flows from the client itself).
      authFlows: { user: false, userSrp: false, userPassword: false, adminUserPassword: false, custom: false },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: props.consoleUrls,
        logoutUrls: props.consoleUrls,
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      // The staff API takes ID tokens (aud = this client); a working day on one sign-in.
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(10),
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
        .withCustomAttributes('department'),
      // Nothing: department, name and email feed authorization and conflict-of-interest checks.
      writeAttributes: new cognito.ClientAttributes(),
    });

    this.userPool = userPool;
    // The issuer Cognito writes into its tokens (and the HTTP API's JWT authorizer expects).
    this.issuer = `${cognitoIdpOrigin(stack.region)}/${userPool.userPoolId}`;
    this.audience = this.client.userPoolClientId;
    // Cognito's discovery document (at the issuer) names the hosted UI's authorize and token
    // endpoints, but not its /logout.
    this.signIn = { issuer: this.issuer, clientId: this.audience, claims: COGNITO_CLAIMS, logoutUrl: `${this.domain.baseUrl()}/logout` };
  }
}

/** The Cognito hosted UI's origin (known at synth from the domain prefix). */
export function cognitoOrigin(domainPrefix: string, awsRegion: string): string {
  return `https://${domainPrefix}.auth.${awsRegion}.amazoncognito.com`;
}
