/**
 * Who staff are: the issuer and audience of the ID tokens the staff API accepts, with the
 * claims local/emulators/identity.ts stands in for (`cognito:username`, `cognito:groups` as roles,
 * `custom:department`, `name`, `email`).
 *
 * Where the partition offers Cognito user pools (infra/platform.ts), a retained pool: no self
 * sign-up (administrators create staff), the five role groups, `department` as a custom
 * attribute only administrators change, TOTP MFA required, a strong password policy, threat
 * protection (Plus plan), email as sign-in alias, a hosted-UI domain and the staff console's app
 * client (authorization code grant, public client without secret, so the console uses PKCE).
 * Elsewhere (China) the bank's own OpenID Connect provider: issuer and audience come from
 * context, and that provider must issue the same claims.
 */
import { Annotations, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import type { RegionConfig } from '../../functions/domain/regions.ts';
import type { StaffIdentity as StaffIdentityChoice } from '../platform.ts';

/** The roles of the authorization matrix (functions/domain), one Cognito group each. */
export const STAFF_ROLES = {
  specialist: 'Complaints desk: keys in complaints, claims, corrects classifications, records callbacks',
  handler: "Works the complaints of the department's queue",
  manager: "A handler's rights in the department, plus approvals, extensions and reassignment",
  quality: 'Reads every complaint and queue, changes nothing',
  admin: 'Reads and reassigns',
} as const;

export interface StaffIdentityProps {
  region: RegionConfig;
  choice: StaffIdentityChoice;
  /** Where the staff console receives the authorization code and returns after sign-out. */
  consoleUrls: string[];
}

export class StaffIdentity extends Construct {
  readonly kind: StaffIdentityChoice['kind'];
  /** `iss` of accepted ID tokens. */
  readonly issuer: string;
  /** `aud` of accepted ID tokens: the staff console's client id. */
  readonly audience: string;
  readonly userPool?: cognito.UserPool;
  readonly client?: cognito.UserPoolClient;
  readonly domain?: cognito.UserPoolDomain;

  constructor(scope: Construct, id: string, props: StaffIdentityProps) {
    super(scope, id);
    this.kind = props.choice.kind;

    if (props.choice.kind === 'oidc') {
      this.issuer = props.choice.issuer;
      this.audience = props.choice.audience;
      if (props.choice.placeholder) {
        Annotations.of(this).addWarningV2('complaints:oidc-issuer-placeholder',
          `Staff sign in through an external OpenID Connect provider here (no Cognito user pools in ${props.region.aws.region}); `
          + `the issuer is a placeholder (${this.issuer}): set -c complaints:${props.region.name}:oidcIssuer=<https issuer> `
          + `and -c complaints:${props.region.name}:oidcAudience=<console client id> before deploying - until then every staff route answers 401.`);
      }
      return;
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

    this.domain = userPool.addDomain('HostedUi', { cognitoDomain: { domainPrefix: props.choice.domainPrefix } });

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
    const domainSuffix = RegionInfo.get(stack.region).domainSuffix ?? 'amazonaws.com';
    this.issuer = `https://cognito-idp.${stack.region}.${domainSuffix}/${userPool.userPoolId}`;
    this.audience = this.client.userPoolClientId;
  }
}
