/**
 * The region's object storage: customer attachments, inbound raw email, the built customer
 * pages, and the bucket their server access logs go to. Each data bucket has its own
 * customer-managed key (so a grant on one never opens another), blocks public access, refuses
 * requests without TLS 1.2+, keeps versions, logs access, and is retained with its key when
 * the stack goes: attachments and mail are complaint evidence.
 *
 * Bind helpers set the bucket's environment variable and grant exactly the object actions a
 * function's access kind (FUNCTIONS) needs, on its key prefix, plus the use of the bucket's key
 * - written out action by action, no wildcard.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { RegionConfig } from '../../functions/domain/regions.ts';
import { archiveTiering, DEEP_ARCHIVE_AFTER_DAYS, STANDARD_IA_AFTER_DAYS } from '../archive-tiering.ts';
import { acknowledge, nagResourceId } from '../nag.ts';

export type AttachmentsAccess = 'presign' | 'verify' | 'read' | 'write';
export type MailAccess = 'read';
/**
 * archive: archival (TableChanges); erase: retrieval and erasure (StaffApi); reconcile: the
 * daily reconciliation (ReconcileArchive). Each is what that code path calls (check:iam).
 */
export type ArchiveAccess = 'archive' | 'erase' | 'reconcile' | 'reviews';

/** Key prefixes the functions write and read (functions/use-cases/intake/attachments.ts, receive-email.ts). */
export const PREFIXES = {
  /** Customer uploads by presigned URL. */
  uploads: 'uploads/',
  /** Attachments the email intake keeps. */
  email: 'email/',
  /** Raw inbound messages, written by the SES receipt rule. */
  inbound: 'inbound/',
  /** Archive records and their attachments (functions/domain/archive.ts archiveKey). */
  archived: 'complaints/',
  /** Redacted versions written for erasure requests. */
  erased: 'erased/',
  /** Items TTL removed, kept until the whole complaint is there. */
  staging: 'staging/',
  /** The periodic reviews (issue 20): written once, locked, read back by the staff API. */
  reviews: 'reviews/',
  /** Drills' kept reports and their complaints archived apart after the drill (issue 20): never among complaints/. */
  drills: 'drills/',
} as const;

/** Archive prefixes whose keys the archive functions list, HEAD or GET (functions/adapters/s3-archive-store.ts). */

/** Per archive access: objects read, objects written (locked), staging actions, prefixes listed. */
export const ARCHIVE_GRANTS: Record<ArchiveAccess, { read: string[]; write: string[]; staging: string[]; list: string[] }> = {
  // Existence checks (HEAD) and locked puts of records and attachments; staging parts put, read, cleared.
  // drills/: a drill's complaint not disposed of before its expiry is archived apart there (ADR 0024).
  archive: {
    read: [PREFIXES.archived, PREFIXES.drills],
    write: [PREFIXES.archived, PREFIXES.drills],
    staging: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
    list: [PREFIXES.archived, PREFIXES.staging, PREFIXES.drills],
  },
  // Reads the record (or its redacted version); erasure writes the redacted version and redacts staged parts.
  // The staff API's: also the periodic reviews, generated into reviews/ and read back, and the
  // drills' kept reports and disposed complaints, written to drills/ and read back (issue 20).
  erase: {
    read: [PREFIXES.archived, PREFIXES.erased, PREFIXES.reviews, PREFIXES.drills],
    write: [PREFIXES.erased, PREFIXES.reviews, PREFIXES.drills],
    staging: ['s3:GetObject', 's3:PutObject'],
    list: [PREFIXES.archived, PREFIXES.erased, PREFIXES.staging, PREFIXES.reviews, PREFIXES.drills],
  },
  // Reads each ledger entry's record (an erased complaint's served record too: issue 21); lists staging and clears a racing batch's leftovers.
  // drills/: the records of drill complaints archived apart by TTL, verified as any other (ADR 0024).
  reconcile: {
    read: [PREFIXES.archived, PREFIXES.erased, PREFIXES.drills],
    write: [],
    staging: ['s3:DeleteObject'],
    list: [PREFIXES.archived, PREFIXES.erased, PREFIXES.staging, PREFIXES.drills],
  },
  // The scheduled periodic reviews (issue 20): reviews/ only, each object checked (HEAD) and written once.
  reviews: {
    read: [PREFIXES.reviews],
    write: [PREFIXES.reviews],
    staging: [],
    list: [PREFIXES.reviews],
  },
};

export interface EncryptedBucket {
  bucket: s3.Bucket;
  key: kms.Key;
  /**
   * The bucket's name, fixed and known at synth: ARNs and environment variables of other stacks
   * are formatted from it (no cross-stack reference), and the pages' CSP can name the bucket's
   * host without a dependency cycle (distribution -> headers -> bucket -> CORS -> distribution).
   */
  name: string;
}

export interface ObjectStoresProps {
  region: RegionConfig;
  /** CloudFront writes standard logs to the log bucket, which needs ACLs for that. */
  cloudFrontLogs: boolean;
}

export class ObjectStores extends Construct {
  /** Server access logs of the data buckets (and CloudFront's standard logs). */
  readonly logs: s3.Bucket;
  readonly attachments: EncryptedBucket;
  readonly mail: EncryptedBucket;
  readonly pages: EncryptedBucket;
  /** The archive: Object Lock in compliance mode, default retention from the region's configuration. */
  readonly archive: EncryptedBucket;

  constructor(scope: Construct, id: string, props: ObjectStoresProps) {
    super(scope, id);
    const region = props.region.name;
    const stack = Stack.of(this);
    // Bucket names are global: product, purpose, account and AWS region make them unique.
    const nameOf = (purpose: string) => `complaints-${purpose}-${stack.account}-${stack.region}`;

    this.logs = new s3.Bucket(this, 'AccessLogs', {
      // Server access logging delivers only to buckets with SSE-S3 default encryption (not SSE-KMS).
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      // CloudFront standard logging writes with an ACL grant to its log-delivery account.
      objectOwnership: props.cloudFrontLogs ? s3.ObjectOwnership.BUCKET_OWNER_PREFERRED : s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(1), noncurrentVersionExpiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      this.logs,
      'NIST.800.53.R5-S3DefaultEncryptionKMS',
      'S3 server access logging delivers only to buckets whose default encryption is SSE-S3 (AES-256, keys managed by S3), not SSE-KMS; the bucket holds access logs (no complaint content), blocks public access and refuses plain HTTP.',
    );
    acknowledge(
      this.logs,
      'AwsSolutions-S1',
      'This is the access-log bucket of the region: logging its own access would log the log writes, endlessly. Writes come only from the S3 logging service (bucket policy) and CloudFront.',
    );

    this.attachments = this.encryptedBucket('Attachments', nameOf('attachments'), `Customer attachments (${region})`, {
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    });
    this.mail = this.encryptedBucket('Mail', nameOf('mail'), `Inbound raw email (${region})`, {
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    });
    const years = props.region.retention.archiveYears;
    // Kept until the retention ends (a locked version cannot be deleted before), then removed:
    // storage limitation, and the end of the originals an erasure request redacted.
    const tiering = archiveTiering(years);
    const keepDays = tiering.keepDays;
    const kept = (prefix: string): s3.LifecycleRule[] => [
      // The expiration makes the record a noncurrent version (its lock has ended by then: close +
      // years, written after the hot retention); it is deleted the day after.
      { prefix, expiration: Duration.days(keepDays), noncurrentVersionExpiration: Duration.days(1) },
      // Records are read rarely (audits, disputes): Glacier Deep Archive after 90 days, for the
      // objects where it pays (infra/archive-tiering.ts: its per-object transition and overhead
      // outweigh the saving below ~80 KB for 3 years). A typical record (2-3 KB) stays in
      // Standard. Reading one in Deep Archive starts a restore (functions/adapters/s3-archive-store.ts).
      {
        prefix,
        objectSizeGreaterThan: tiering.deepArchiveAbove,
        objectSizeLessThan: tiering.standardIaAbove + 1,
        transitions: [{ storageClass: s3.StorageClass.DEEP_ARCHIVE, transitionAfter: Duration.days(DEEP_ARCHIVE_AFTER_DAYS) }],
      },
      // Large attachments by Standard-IA (from day 30, its minimum), where that pays.
      {
        prefix,
        objectSizeGreaterThan: tiering.standardIaAbove,
        transitions: [
          { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(STANDARD_IA_AFTER_DAYS) },
          { storageClass: s3.StorageClass.DEEP_ARCHIVE, transitionAfter: Duration.days(DEEP_ARCHIVE_AFTER_DAYS) },
        ],
      },
    ];
    this.archive = this.encryptedBucket('Archive', nameOf('archive'), `Complaint archive (${region}), ${years} years under Object Lock`, {
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(years * 366)),
      lifecycleRules: [
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
        ...kept(PREFIXES.archived),
        ...kept(PREFIXES.erased),
        // Staging parts are deleted once their complaint is written (a delete marker, under the
        // lock): their versions go when the lock allows.
        { prefix: PREFIXES.staging, noncurrentVersionExpiration: Duration.days(keepDays) },
      ],
    });
    this.pages = this.encryptedBucket('Pages', nameOf('pages'), `Customer pages (${region})`, {
      // Old page versions are only useful for a quick rollback.
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(1), noncurrentVersionExpiration: Duration.days(30) }],
    });
  }

  private encryptedBucket(
    id: string,
    name: string,
    description: string,
    props: Pick<s3.BucketProps, 'lifecycleRules' | 'objectLockEnabled' | 'objectLockDefaultRetention'>,
  ): EncryptedBucket {
    if (Token.isUnresolved(name)) throw new Error(`${this.node.path}: bucket names need an explicit account and region on the stack`);
    const key = new kms.Key(this, `${id}Key`, {
      description,
      enableKeyRotation: true,
      // Objects of a retained bucket are unreadable without their key.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const bucket = new s3.Bucket(this, id, {
      bucketName: name,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      // One data key per bucket and period instead of one KMS call per object.
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      serverAccessLogsBucket: this.logs,
      serverAccessLogsPrefix: `${id.toLowerCase()}/`,
      removalPolicy: RemovalPolicy.RETAIN,
      ...props,
    });
    return { bucket, key, name };
  }

  /**
   * Lets the pages PUT presigned uploads from these origins (`https://host`) only: the browser
   * sends the file straight to the bucket.
   */
  allowUploadsFrom(origins: string[]): void {
    if (!origins.length) return;
    this.attachments.bucket.addCorsRule({
      allowedOrigins: origins,
      allowedMethods: [s3.HttpMethods.PUT],
      // The presigned URL signs content-type (content-length is set by the browser itself).
      allowedHeaders: ['content-type'],
      maxAge: 3600,
    });
  }

  /**
   * Lets one SES receipt rule of this account write raw messages under `inbound/` (and encrypt
   * them with the mail key, as the bucket's default encryption requires).
   */
  allowSesReceipt(ruleSetName: string, ruleName: string): void {
    const stack = Stack.of(this);
    const conditions = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: {
        'aws:SourceArn': stack.formatArn({
          service: 'ses',
          resource: 'receipt-rule-set',
          resourceName: `${ruleSetName}:receipt-rule/${ruleName}`,
          arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
        }),
      },
    };
    const ses = new iam.ServicePrincipal('ses.amazonaws.com');
    this.mail.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowSesReceiptRulePuts',
        principals: [ses],
        actions: ['s3:PutObject'],
        resources: [this.mail.bucket.arnForObjects(`${PREFIXES.inbound}*`)],
        conditions,
      }),
    );
    this.mail.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowSesReceiptRuleEncryption',
        principals: [ses],
        // PutObject under SSE-KMS: a data key; Decrypt as well for the multipart uploads of large messages.
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions,
      }),
    );
  }

  /**
   * ATTACHMENTS_BUCKET and the object actions of the access kind, on its prefixes. Attachment
   * keys are `uploads/<date>/<uuid>` (presigned, functions/use-cases/intake/attachments.ts) or
   * `email/<messageId>/<n>` (functions/use-cases/intake/receive-email.ts): nothing is read elsewhere.
   * HeadObject (the upload check) is authorised by s3:GetObject; without s3:ListBucket a missing
   * key's HEAD is a 403, which the adapter reads as "not uploaded".
   */
  bindAttachments(fn: lambda.Function & { executionRole: iam.Role }, access: AttachmentsAccess): void {
    const { name, key } = this.attachments;
    fn.addEnvironment('ATTACHMENTS_BUCKET', name);
    const uploads = 'upload keys are a date and a random UUID, generated per request';
    const email = 'email attachments are stored under the message id, known only when mail arrives';
    switch (access) {
      case 'presign':
        // Presigned URLs are signed with the function's role: the upload is the role's PutObject.
        grantObjects(fn.executionRole, ['s3:PutObject'], name, PREFIXES.uploads, uploads);
        grant(fn.executionRole, ['kms:GenerateDataKey'], [key.keyArn]);
        break;
      case 'verify':
        grantObjects(fn.executionRole, ['s3:GetObject'], name, PREFIXES.uploads, uploads);
        grant(fn.executionRole, ['kms:Decrypt'], [key.keyArn]);
        break;
      case 'read':
        grantObjects(fn.executionRole, ['s3:GetObject'], name, PREFIXES.uploads, uploads);
        grantObjects(fn.executionRole, ['s3:GetObject'], name, PREFIXES.email, email);
        grant(fn.executionRole, ['kms:Decrypt'], [key.keyArn]);
        break;
      case 'write':
        // Stores the message's attachments, then the submit path verifies them (HEAD, first bytes).
        grantObjects(fn.executionRole, ['s3:PutObject', 's3:GetObject'], name, PREFIXES.email, email);
        grant(fn.executionRole, ['kms:GenerateDataKey', 'kms:Decrypt'], [key.keyArn]);
        break;
      default: {
        const unknown: never = access;
        throw new Error(`bindAttachments: unknown access ${String(unknown)}`);
      }
    }
  }

  /**
   * ARCHIVE_BUCKET, per ARCHIVE_GRANTS. No s3:RestoreObject: nothing restores from Deep Archive yet
   * (docs/archival.md); a retrieval of a record in Deep Archive needs that code and this grant.
   */
  bindArchive(fn: lambda.Function & { executionRole: iam.Role }, access: ArchiveAccess): void {
    const { name, key } = this.archive;
    const g = ARCHIVE_GRANTS[access];
    fn.addEnvironment('ARCHIVE_BUCKET', name);
    const why = 'archive keys are named by region, close month and reference, known only when a complaint is archived';
    const staging = 'staging parts are named by reference and item';
    for (const prefix of g.read) grantObjects(fn.executionRole, ['s3:GetObject'], name, prefix, why);
    // PutObjectRetention: a put that sets its own retain-until date (close + retention years).
    for (const prefix of g.write) grantObjects(fn.executionRole, ['s3:PutObject', 's3:PutObjectRetention'], name, prefix, why);
    if (g.staging.length) grantObjects(fn.executionRole, g.staging, name, PREFIXES.staging, staging);
    // Listing: every prefix whose keys the function HEADs or GETs (S3 answers a HEAD of a missing
    // key with 404 only to a caller that may list it - otherwise 403, and the existence check
    // before each locked put, S3ArchiveStore.exists, would fail), and staging's parts.
    fn.executionRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        // The ARN formatted from the fixed name, as for objects: no cross-stack reference.
        actions: ['s3:ListBucket'],
        resources: [Stack.of(fn).formatArn({ service: 's3', region: '', account: '', resource: name })],
        conditions: { StringLike: { 's3:prefix': g.list.map((prefix) => `${prefix}*`) } },
      }),
    );
    grant(fn.executionRole, ['kms:Decrypt'], [key.keyArn]);
    if (g.write.length || g.staging.includes('s3:PutObject')) grant(fn.executionRole, ['kms:GenerateDataKey'], [key.keyArn]);
  }

  /** MAIL_BUCKET and read of the raw inbound messages. */
  bindMail(fn: lambda.Function & { executionRole: iam.Role }, access: MailAccess): void {
    const { name, key } = this.mail;
    fn.addEnvironment('MAIL_BUCKET', name);
    if (access === 'read') {
      grantObjects(fn.executionRole, ['s3:GetObject'], name, PREFIXES.inbound, 'SES names each raw message by its message id, known only when mail arrives');
      grant(fn.executionRole, ['kms:Decrypt'], [key.keyArn]);
    }
  }
}

/** Object actions on `prefix*` of a bucket, with the acknowledgement of that one wildcard resource. */
function grantObjects(role: iam.Role, actions: string[], bucketName: string, prefix: string, why: string): void {
  const arn = Stack.of(role).formatArn({ service: 's3', region: '', account: '', resource: bucketName, resourceName: `${prefix}*` });
  grant(role, actions, [arn]);
  acknowledge(
    role,
    `AwsSolutions-IAM5[Resource::${nagResourceId(role, arn)}]`,
    `${actions.join(', ')} on the objects under "${prefix || '/'}" of ${bucketName} only: ${why}.`,
  );
}

function grant(role: iam.Role, actions: string[], resources: string[]): void {
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources }));
}
