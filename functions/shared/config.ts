/**
 * Runtime configuration, read once per process from the environment that the CDK stack
 * (on AWS) or the local runtime (on one machine) sets. Endpoints are not here: the functions'
 * AWS SDK v3 clients (./aws-clients.ts) read AWS_ENDPOINT_URL_DYNAMODB / _S3 / _SFN / _SESV2
 * themselves, so pointing a handler at the local runtime is configuration only.
 */
import { regionConfig, type RegionConfig } from '../domain/regions.ts';
import { claimMappingFromEnv, type StaffClaimMapping } from '../domain/staff-claims.ts';

export interface RuntimeConfig {
  tableName: string;
  /** The workflow of new complaints (starts at Investigate). */
  stateMachineArn: string;
  /** The workflow of resumed complaints (starts at Resume, which goes to the stage): workflows/machines.ts. */
  resumeStateMachineArn: string;
  region: RegionConfig;
  /** Largest accepted request body, in bytes. */
  maxBodyBytes: number;
  /** Grace period before the orphan sweeper treats a complaint as orphaned. */
  orphanGraceSeconds: number;
  /** Bucket for customer attachments (uploaded by presigned URL, never into the table). */
  attachmentsBucket: string;
  /** Bucket where inbound email is stored raw (SES receipt rule, or the local SMTP server). */
  mailBucket: string;
  /** Path-style S3 addressing (the local object store). */
  s3ForcePathStyle: boolean;
  /** Public base URL of the pages, for links in messages. */
  publicBaseUrl: string;
  /** Largest attachment, in bytes. */
  attachmentMaxBytes: number;
  /** Key that signs the task links in staff notifications (base64; a secret from the stack on AWS). */
  linkSigningKey: string;
  /** How long a task link stays valid, in seconds. */
  linkTtlSeconds: number;
  /** Bucket of the archive (Object Lock, compliance mode). */
  archiveBucket: string;
  /** A CJK font file (TTF/OTF, or `file.ttc#Face`) for zh-CN PDF reports (REPORT_CJK_FONT; issue 20, shared/report-font.ts); unset: zh-CN reports as HTML only. */
  reportCjkFont?: string;
  /** Key for the pseudonyms that replace an erased complainant (a secret from the stack on AWS). */
  pseudonymKey: string;
  /** strict: only staff in the directory; provision: sign-ins feed the directory (functions/http/staff-auth.ts). */
  staffDirectory: 'strict' | 'provision';
  /**
   * The installation's mail (deploy settings `regions.<r>.mail`, infra/settings/schema.ts), set
   * by infra from the settings and locally by the runtime: MAIL_TRANSPORT, MAIL_SENDER,
   * MAIL_DOMAIN, MAIL_OWN_DOMAINS (comma-separated).
   */
  mail: MailConfig;
  /** Which ID-token claims name the staff member, roles and department (STAFF_CLAIM_*, STAFF_GROUP_ROLES; unset: Cognito's). */
  staffClaims: StaffClaimMapping;
  /** The bank's SMTP relay, where the region's mail goes out through one (`mail.transport` 'smtp-relay'). */
  smtpRelay?: { host: string; port: number; tls: 'implicit' | 'starttls' | 'none'; secretArn?: string };
}

export interface MailConfig {
  /** 'ses' (SES v2 in the region) or 'smtp-relay' (the bank's relay: China, no SES). */
  transport: 'ses' | 'smtp-relay';
  /** The From of customer mail ('' when not configured: sending then fails naming MAIL_SENDER). */
  sender: string;
  /** The complaints mailbox's domain. */
  domain: string;
  /** Every other domain the bank sends from (mail claiming one without DKIM alignment is quarantined). */
  ownDomains: string[];
  /** Where a drill's customer mail goes (MAIL_DRILL_MAILBOX; unset: drills@ the complaints domain). */
  drillMailbox?: string;
}

function mailOf(env: NodeJS.ProcessEnv): MailConfig {
  const transport = env.MAIL_TRANSPORT ?? 'ses';
  if (transport !== 'ses' && transport !== 'smtp-relay') throw new Error('Invalid configuration: MAIL_TRANSPORT must be ses or smtp-relay');
  const ownDomains = (env.MAIL_OWN_DOMAINS ?? '')
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean);
  return {
    transport,
    sender: env.MAIL_SENDER ?? '',
    domain: env.MAIL_DOMAIN ?? '',
    ownDomains,
    ...(env.MAIL_DRILL_MAILBOX ? { drillMailbox: env.MAIL_DRILL_MAILBOX } : {}),
  };
}

function smtpRelayOf(env: NodeJS.ProcessEnv): RuntimeConfig['smtpRelay'] {
  if (!env.SMTP_RELAY_HOST) return undefined;
  const port = Number(env.SMTP_RELAY_PORT ?? 587);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error('Invalid configuration: SMTP_RELAY_PORT must be a port number');
  const tls = env.SMTP_RELAY_TLS ?? (port === 465 ? 'implicit' : 'starttls');
  if (tls !== 'implicit' && tls !== 'starttls' && tls !== 'none') throw new Error('Invalid configuration: SMTP_RELAY_TLS must be implicit, starttls or none');
  return { host: env.SMTP_RELAY_HOST, port, tls, ...(env.SMTP_RELAY_SECRET_ARN ? { secretArn: env.SMTP_RELAY_SECRET_ARN } : {}) };
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name];
  if (!v) throw new Error(`Missing configuration: environment variable ${name} is not set`);
  return v;
}

/**
 * The region's configuration, with the hot retention overridable (HOT_RETENTION_SECONDS):
 * tests archive within seconds, and a runtime whose clock runs behind the wall clock that
 * DynamoDB's TTL uses keeps closed complaints long enough.
 */
function regionWithOverrides(env: NodeJS.ProcessEnv): RegionConfig {
  const region = regionConfig(required(env, 'COMPLAINT_REGION'));
  if (!env.HOT_RETENTION_SECONDS) return region;
  const hotSeconds = Number(env.HOT_RETENTION_SECONDS);
  if (!Number.isInteger(hotSeconds) || hotSeconds <= 0)
    throw new Error('Invalid configuration: HOT_RETENTION_SECONDS must be a positive whole number of seconds');
  return { ...region, retention: { ...region.retention, hotSeconds } };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  return {
    tableName: required(env, 'TABLE_NAME'),
    stateMachineArn: required(env, 'STATE_MACHINE_ARN'),
    resumeStateMachineArn: required(env, 'RESUME_STATE_MACHINE_ARN'),
    region: regionWithOverrides(env),
    archiveBucket: env.ARCHIVE_BUCKET ?? '',
    ...(env.REPORT_CJK_FONT ? { reportCjkFont: env.REPORT_CJK_FONT } : {}),
    pseudonymKey: env.PSEUDONYM_KEY ?? env.LINK_SIGNING_KEY ?? '',
    staffDirectory: env.STAFF_DIRECTORY === 'provision' ? 'provision' : 'strict',
    staffClaims: claimMappingFromEnv(env),
    maxBodyBytes: Number(env.MAX_BODY_BYTES ?? 64 * 1024),
    orphanGraceSeconds: Number(env.ORPHAN_GRACE_SECONDS ?? 300),
    attachmentsBucket: env.ATTACHMENTS_BUCKET ?? '',
    mailBucket: env.MAIL_BUCKET ?? '',
    s3ForcePathStyle: env.S3_FORCE_PATH_STYLE === 'true',
    publicBaseUrl: env.PUBLIC_BASE_URL ?? '',
    attachmentMaxBytes: Number(env.ATTACHMENT_MAX_BYTES ?? 10 * 1024 * 1024),
    linkSigningKey: env.LINK_SIGNING_KEY ?? '',
    linkTtlSeconds: Number(env.LINK_TTL_SECONDS ?? 72 * 3600),
    mail: mailOf(env),
    smtpRelay: smtpRelayOf(env),
  };
}

let cached: RuntimeConfig | undefined;
/** The process-wide configuration, loaded on first use (not at import, so tools can import handlers). */
export function config(): RuntimeConfig {
  cached ??= loadConfig();
  return cached;
}
