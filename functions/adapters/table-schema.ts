/**
 * The one table's shape, shared by the CDK stack (TableV2) and the local runtime
 * (CreateTable on DynamoDB Local), so both create the very same keys, indexes, TTL and stream.
 *
 * Items:
 *   COMPLAINT#<ref> / META          the complaint (sparse OPEN index while open)
 *   COMPLAINT#<ref> / SECRET        access-code hashes and salts (never returned to staff)
 *   COMPLAINT#<ref> / H#<at>#<v>.<n> history, append-only (v: the version its write commits)
 *   COMPLAINT#<ref> / MSG#<at>#<v>.<n> messages to customers and staff (delivered from the stream)
 *   COMPLAINT#<ref> / TASK          the open staff task, its task token and queue summary (GSI1)
 *   CUSTOMER#<hash> / REF#<ref>     a customer's complaints (repeats); / RESTRICTION
 *   IDEMPOTENCY#<key> / IDEMPOTENCY stored answer of a submit, expires after 24 h
 *   COUNTER#<prefix>#<year> / COUNTER  reference sequence
 *   MATTER#<key> / <at>#<ref>       group-incident window (expires)
 *   STAFF#<id> / PROFILE, TEAM#<team> / MANAGER   the staff directory
 *   CALENDAR#<region> / YEAR#<yyyy>, LOG#<yyyy>#<v>, APPLIED   business-calendar overrides (ADR 0019)
 *   AUDIT#<day> / <at>#<n>          the audit record, append-only
 *   AGG#..., AGGMATTER#..., AGGSEEN#<event>       dashboard aggregates (domain/dashboard.ts)
 *   INBOUND#<messageId> / INBOUND   outcome of each inbound email; ONCE#<token> / ONCE used links
 *   MAILBOX#<folder> / UID#<uidValidity>#<uid>   the mailbox poller's per-message progress (expires)
 *   ACCESS#<ref> / ATTEMPTS         failed access-code attempts of a reference string (expires)
 *   ACTIONS / ACTION#<id>           corrective actions (root-cause rectification), never expire
 *   LEDGER#<prefix>-<year> / <ref>  every complaint ever registered (never expires): where it is
 *                                   now (table or archive object) - reconciliation reads it
 *
 * At close every item of COMPLAINT#<ref> gets `expiresAt` = close + the region's hot retention;
 * DynamoDB's TTL deletes them and the Archive consumer writes them to the archive bucket.
 */
export const TABLE = {
  partitionKey: 'PK',
  sortKey: 'SK',
  ttlAttribute: 'expiresAt',
  indexes: {
    /** Work queues: GSI1PK = QUEUE#<team>, GSI1SK = <due at>#<ref>; the whole task item. */
    queue: { name: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK', projection: 'ALL' as const, include: [] as string[] },
    /**
     * Open complaints, sharded: OPENPK = OPEN#<shard>, OPENSK = <next deadline alarm, or ~>#<ref>.
     * Only what the orphan sweeper needs is projected: a complaint item write changes the index
     * only when the alarm, the stage or the execution changes (a few times per complaint),
     * where a key on `updatedAt` with the whole item projected rewrote the index on every write.
     */
    open: {
      name: 'OPEN',
      partitionKey: 'OPENPK',
      sortKey: 'OPENSK',
      projection: 'INCLUDE' as const,
      include: ['reference', 'executionName', 'stage', 'resumeCount'],
    },
  },
  openShards: 4,
} as const;

export const keys = {
  complaint: (ref: string) => ({ PK: `COMPLAINT#${ref}`, SK: 'META' }),
  secret: (ref: string) => ({ PK: `COMPLAINT#${ref}`, SK: 'SECRET' }),
  task: (ref: string) => ({ PK: `COMPLAINT#${ref}`, SK: 'TASK' }),
  idempotency: (key: string) => ({ PK: `IDEMPOTENCY#${key}`, SK: 'IDEMPOTENCY' }),
  counter: (prefix: string, year: number) => ({ PK: `COUNTER#${prefix}#${year}`, SK: 'COUNTER' }),
  /** Ledger partition of a reference: its prefix and year (CN-2026-000123 -> LEDGER#CN-2026). */
  correctiveAction: (id: string) => ({ PK: 'ACTIONS', SK: `ACTION#${id}` }),
  ledger: (ref: string) => ({ PK: `LEDGER#${ref.slice(0, ref.lastIndexOf('-'))}`, SK: ref }),
};

export function openShard(ref: string): string {
  let h = 0;
  for (const ch of ref) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `OPEN#${h % TABLE.openShards}`;
}
