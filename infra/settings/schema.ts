/**
 * Deploy settings: the facts of one bank's installation that are not product rules and so do
 * not belong in source code (functions/domain/regions.ts keeps the regulatory rules): accounts
 * per partition, mail domains and transports, alarm mailboxes, the staff identity provider,
 * custom domains and China's ICP filing. One zod schema, validated at synth time with messages
 * that name the field; `infra/settings.example.json` is what the tests and a plain `cdk synth`
 * use, and `cdk synth -c deploy=true` refuses its example values (./load.ts).
 *
 * Only infra reads this file. What a function needs of it reaches the function as environment
 * variables set by infra/stacks/api-stack.ts.
 */
import * as z from 'zod';
import { ROLES } from '../../functions/domain/authorization.ts';

const AccountId = z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id');
const SecretArn = z.string().regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+/, 'a Secrets Manager secret ARN');
const HostName = z.string().regex(/^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$/i, 'a host name');
const Port = z.number().int().min(1).max(65535);
const HttpsOrigin = z.string().regex(/^https:\/\/[^\s/]+$/, 'an https origin without a path');

/** How staff sign in: a Cognito user pool of the stack, or the bank's own OpenID Connect provider. */
export const StaffIdentitySettings = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('cognito'),
    /** Hosted UI prefix; default `complaints-<region>-<account>`. */
    domainPrefix: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/)
      .optional(),
  }),
  z.object({
    kind: z.literal('oidc'),
    /** The issuer (`iss`), https; its discovery document is at `<issuer>/.well-known/openid-configuration`. */
    issuer: z.string().regex(/^https:\/\/[^\s]+$/, 'an https URL'),
    /** The console's client id at the IdP (public client: authorization code + PKCE). */
    clientId: z.string().min(1),
    /** The `aud` the API accepts; usually the client id. */
    audience: z.string().min(1),
    /** Names of the claims that carry the staff member's id, roles (or groups) and department. */
    claims: z.object({
      username: z.string().min(1).default('preferred_username'),
      roles: z.string().min(1),
      department: z.string().min(1),
    }),
    /** IdP group -> product role, when the roles claim carries the bank's group names. Unset: the claim's values are role names. */
    groupRoles: z.record(z.string(), z.enum(ROLES)).optional(),
  }),
]);
export type StaffIdentitySettings = z.infer<typeof StaffIdentitySettings>;

/** How customer email leaves. */
export const OutboundMailSettings = z.discriminatedUnion('transport', [
  z.object({ transport: z.literal('ses') }),
  /** The bank's SMTP relay (China: no SES). Credentials {"username","password"} in Secrets Manager. */
  z.object({
    transport: z.literal('smtp-relay'),
    host: HostName,
    port: Port.default(587),
    /** 'starttls' (587, required) or 'implicit' (465). */
    tls: z.enum(['starttls', 'implicit']).default('starttls'),
    secretArn: SecretArn.optional(),
  }),
]);

/** How customer email arrives at the complaints mailbox. */
export const InboundMailSettings = z.discriminatedUnion('kind', [
  /** SES receives for `mail.domain` (only where SES offers receiving, infra/platform.ts). */
  z.object({
    kind: z.literal('ses'),
    /**
     * Make the stack's receipt rule set the account's active one at deploy. An account has one
     * active set per region, so this deactivates whichever set is active now: off by default,
     * and then the rule is merged into the existing active set by hand (infra/README.md).
     */
    activateRuleSet: z.boolean().default(false),
  }),
  /** The bank's mailbox, polled over IMAP (IMAPS) on a schedule. Credentials {"username","password"} in Secrets Manager. */
  z.object({
    kind: z.literal('imap'),
    host: HostName,
    port: Port.default(993),
    secretArn: SecretArn,
    mailbox: z.string().min(1).default('INBOX'),
    /** Where a processed message is moved. */
    processedFolder: z.string().min(1).default('Processed'),
    /** Where a message the intake gave up on is moved, for a person (issue 18). */
    failedFolder: z.string().min(1).default('Failed'),
    /** Minutes between polls. */
    everyMinutes: z.number().int().min(1).max(60).default(2),
  }),
  /** No email channel in this region. */
  z.object({ kind: z.literal('none') }),
]);

export const RegionSettings = z.object({
  mail: z
    .object({
      /** The From of customer mail, in `domain`. */
      sender: z.email(),
      /** The complaints mailbox's domain (complaints@<domain>). */
      domain: HostName,
      /** Every other domain the bank's people and systems send from: mail claiming one without DKIM alignment is quarantined. */
      ownDomains: z.array(HostName).default([]),
      outbound: OutboundMailSettings,
      inbound: InboundMailSettings,
    })
    .refine((m) => m.sender.toLowerCase().endsWith(`@${m.domain.toLowerCase()}`), { message: 'sender must be an address in domain', path: ['sender'] }),
  /** Subscribed to the region's alarm topic (each confirms by mail). */
  alarmEmails: z.array(z.email()).min(1),
  staffIdentity: StaffIdentitySettings,
  pages: z
    .object({
      /** Custom domain of the pages and the public API; in China the ICP-recorded domain. */
      customDomain: z
        .object({
          domainName: HostName,
          /**
           * ACM: in us-east-1 for CloudFront (uk, us); in the region itself for the API's regional
           * custom domain (cn, an imported certificate). An IAM server certificate is accepted by the
           * schema but refused by infra/platform.ts: no endpoint this infra makes takes one.
           */
          certificate: z.union([
            z.object({ acmArn: z.string().regex(/^arn:aws[a-z-]*:acm:/, 'an ACM certificate ARN') }),
            z.object({ iamServerCertificateName: z.string().min(1) }),
          ]),
        })
        .optional(),
      /** Where the pages are served when CloudFront is off (the bank's own site). */
      externalBaseUrl: HttpsOrigin.optional(),
      /** China: the ICP filing number (备案号) every public page shows in its footer. */
      icpFilingNumber: z.string().min(1).optional(),
    })
    .default({}),
  /** An existing break-glass role for the keys; unset: the stack creates one. */
  kmsBreakGlassRoleArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/)
    .optional(),
});
export type RegionSettings = z.infer<typeof RegionSettings>;

export type InboundMailSettings = z.infer<typeof InboundMailSettings>;
export type OutboundMailSettings = z.infer<typeof OutboundMailSettings>;

export const DeploySettings = z.object({
  /** One account per partition: aws-cn accounts are separate from aws accounts. */
  accounts: z.object({ aws: AccountId.optional(), 'aws-cn': AccountId.optional() }),
  regions: z.object({ cn: RegionSettings, uk: RegionSettings, us: RegionSettings }),
});
export type DeploySettings = z.infer<typeof DeploySettings>;
