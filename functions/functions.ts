/**
 * Every Lambda function of the product and every HTTP route, in one table read by both
 * the CDK stack (one lambda.Function per entry - infra/constructs/product-function.ts, its code
 * bundled by infra/bundle-function.ts - and one HTTP API route per route) and the local runtime
 * (same handler modules, same routes). Adding a route here adds it everywhere.
 */
export type FunctionName =
  | 'SubmitComplaint'
  | 'GetComplaintStatus'
  | 'OpenApi'
  | 'StaffApi'
  | 'WorkflowStep'
  | 'OpenTask'
  | 'ResumeOrphans'
  | 'DeadlineWatch'
  | 'CreateAttachmentUpload'
  | 'CustomerCallback'
  | 'EmailIntake'
  | 'DeliverMessages'
  | 'TableChanges'
  | 'ReconcileArchive'
  | 'MailboxPoller'
  | 'PeriodicReviews';

/**
 * DynamoDB item actions a function's code path calls. TransactWriteItems has no IAM action of
 * its own: IAM checks each item's PutItem / UpdateItem / DeleteItem / ConditionCheckItem.
 */
export type TableAction =
  | 'GetItem'
  | 'Query'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'ConditionCheckItem'
  | 'BatchGetItem'
  | 'BatchWriteItem'
  | 'Scan'
  | 'DescribeTable';

/**
 * A function's table access, exactly what its code path calls (functions/handlers -> use-cases
 * -> adapters/dynamo-*.ts), granted as such on AWS (infra/constructs/product-function.ts bindTable).
 */
export interface TableGrant {
  /** Actions on the base table's items. */
  actions: TableAction[];
  /** Indexes (keys of TABLE.indexes) the function Queries: dynamodb:Query on those index ARNs only. */
  queries?: ('queue' | 'open')[];
  /**
   * Partition-key prefixes of every item the function touches (table-schema.ts): the grant is
   * conditioned on dynamodb:LeadingKeys (ForAllValues:StringLike `<prefix>*`). Absent: any key.
   */
  leadingKeys?: string[];
}

export interface FunctionSpec {
  /** Handler module, relative to functions/handlers/, exporting `handler`. */
  entry: string;
  /** What the function may do to the table and the workflow: least privilege on AWS. */
  access: {
    table?: TableGrant;
    /** start: both machines (resumed executions too); start-new: new complaints' machine only. */
    workflow?: ('start' | 'start-new' | 'describe' | 'callback')[];
    /**
     * S3, the attachments bucket: `presign` customer uploads (uploads/); `verify` them (HEAD and
     * first bytes of uploads/); `read` every attachment (uploads/ and email/); `write` the email
     * intake's attachments (email/) and verify them as the submit path does. Also: read inbound mail.
     */
    attachments?: 'presign' | 'verify' | 'read' | 'write';
    mail?: 'read';
    /**
     * `poll`: the bank's complaints mailbox over IMAP, where the region's inbound mail is `imap`
     * (deploy settings): its host and folders, and secretsmanager:GetSecretValue on its
     * credentials' secret only. Elsewhere the function gets neither and polls nothing.
     */
    mailbox?: 'poll';
    /** Send email through SES. */
    sendEmail?: boolean;
    /** The archive bucket: archive (archival), erase (retrieval and erasure), reconcile, reviews (infra/constructs/object-stores.ts ARCHIVE_GRANTS). */
    archive?: 'archive' | 'erase' | 'reconcile' | 'reviews';
  };
  timeoutSeconds?: number;
  memoryMb?: number;
  /** Renders PDF reports: gets the CJK font for zh-CN (a layer on AWS: infra/constructs/report-font.ts). */
  reportFont?: boolean;
}

export const FUNCTIONS: Record<FunctionName, FunctionSpec> = {
  // Writes only: the workflow is started from the table's stream (TableChanges). Idempotency
  // answer, reference counter, customer index (a suspected repeat is linked, never merged: issue 16),
  // ledger, the complaint's partition and its uploads' ownership (one upload, one complaint); a drill's
  // complaint reads its drill (the token) and is listed under it (DRILL#: issue 20).
  SubmitComplaint: {
    entry: 'submit-complaint.handler.ts',
    access: {
      table: {
        actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem'],
        // CALENDAR#: the business calendar's runtime overrides (issue 22), read for the deadlines.
        leadingKeys: ['COMPLAINT#', 'CUSTOMER#', 'IDEMPOTENCY#', 'COUNTER#', 'LEDGER#', 'UPLOAD#', 'DRILL#', 'CALENDAR#'],
      },
      // Checks the customer's uploads before the complaint refers to them.
      attachments: 'verify',
    },
  },
  // Writes too: wrong access codes counted per source (issue 16) and their audit entries.
  GetComplaintStatus: {
    entry: 'get-complaint-status.handler.ts',
    access: { table: { actions: ['GetItem', 'Query', 'PutItem'], leadingKeys: ['COMPLAINT#', 'ACCESS#', 'AUDIT#'] } },
  },
  OpenApi: { entry: 'openapi.handler.ts', access: {} },
  // One function for the staff routes: they share code and warm containers; customer routes stay separate.
  // DeleteItem: erasure removes the customer-index entries; UpdateItem: call outcomes, the ledger, staff-created complaints' counter.
  StaffApi: {
    entry: 'staff-api.handler.ts',
    access: {
      table: { actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'], queries: ['queue'] },
      workflow: ['callback'],
      attachments: 'read',
      archive: 'erase',
    },
    memoryMb: 512,
    reportFont: true,
  },
  // Assess (matter window: put + query), close (task deleted, items stamped with the expiry: query + update), record failures.
  WorkflowStep: { entry: 'workflow-step.handler.ts', access: { table: { actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'] } } },
  // Callback: a satisfaction answer given before the callback stage opened completes that stage as it opens.
  // Opening the investigation registers a new complaint: classification, the matter's window (group
  // incidents) and the staffed teams are Queries.
  OpenTask: { entry: 'open-task.handler.ts', access: { table: { actions: ['GetItem', 'Query', 'PutItem'] }, workflow: ['callback'] } },
  ResumeOrphans: {
    entry: 'resume-orphans.handler.ts',
    access: { table: { actions: ['GetItem', 'PutItem'], queries: ['open'] }, workflow: ['start', 'describe', 'callback'] },
    timeoutSeconds: 300,
  },
  // Query: the business calendar's overrides (CALENDAR#); after a calendar change it measures the open
  // complaints' deadlines again (the OPEN index, each complaint read and committed) - issue 22.
  DeadlineWatch: {
    entry: 'deadline-watch.handler.ts',
    access: { table: { actions: ['GetItem', 'Query', 'PutItem'], queries: ['open'] } },
    timeoutSeconds: 300,
  },
  CreateAttachmentUpload: { entry: 'create-attachment-upload.handler.ts', access: { attachments: 'presign' } },
  // The status page's access check (attempts, audit), the complaint and its task, the team's manager on
  // escalation; a repeat confirmed by its one-time code merges into the earlier complaint (the secret's update).
  CustomerCallback: {
    entry: 'customer-callback.handler.ts',
    access: {
      // Query on CALENDAR#: the business calendar, for the deadlines of a complaint reopened by a dissatisfied answer.
      table: { actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem'], leadingKeys: ['COMPLAINT#', 'ACCESS#', 'AUDIT#', 'TEAM#', 'STAFF#', 'CALENDAR#'] },
      workflow: ['callback'],
    },
  },
  // The inbound record, then what SubmitComplaint does (or a reply threaded into a complaint).
  EmailIntake: {
    entry: 'email-intake.handler.ts',
    access: { table: { actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem'] }, mail: 'read', attachments: 'write' },
    timeoutSeconds: 60,
    memoryMb: 512,
  },
  // Where SES cannot receive (issue 18): polls the complaints mailbox and takes each message in as
  // EmailIntake does (same use case and table access), plus its per-message markers (MAILBOX#).
  MailboxPoller: {
    entry: 'mailbox-poller.handler.ts',
    access: { table: { actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem'] }, attachments: 'write', mailbox: 'poll' },
    timeoutSeconds: 120,
    memoryMb: 512,
  },
  // Message status transitions (conditional updates), staff addresses.
  DeliverMessages: {
    entry: 'deliver-messages.handler.ts',
    access: { table: { actions: ['GetItem', 'Query', 'UpdateItem'] }, sendEmail: true },
    timeoutSeconds: 60,
  },
  // The table stream's second reader (ADR 0009; the first is DeliverMessages): for each record, what
  // three consumers did before - the durable hand-off from intake to workflow (StartExecution of new
  // complaints' machine), the dashboard's and the regulatory returns' aggregates (one transaction per
  // record: counter updates, the returns' index and log puts, the exactly-once marker's put, under AGG), and archival of TTL removals (one locked archive object
  // per closed complaint, issue 6: ledger read and update, the partition's remaining items, audit
  // entries of rescued items). Its access is the union of theirs.
  TableChanges: {
    entry: 'table-changes.handler.ts',
    access: {
      table: { actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem'], leadingKeys: ['LEDGER#', 'COMPLAINT#', 'AUDIT#', 'AGG'] },
      workflow: ['start-new'],
      archive: 'archive',
      attachments: 'read',
    },
    timeoutSeconds: 120,
    memoryMb: 512,
  },
  // Daily: every complaint ever registered is in the table or the archive, history intact (ledger pages, partitions);
  // clears staging parts left by a batch that raced the one that archived their complaint.
  ReconcileArchive: {
    entry: 'reconcile-archive.handler.ts',
    access: { table: { actions: ['Query'], leadingKeys: ['LEDGER#', 'COMPLAINT#', 'AUDIT#'] }, archive: 'reconcile' },
    timeoutSeconds: 900,
    memoryMb: 512,
  },
  // At the start of each quarter (issue 20): the ended quarter's (and half-year's) review from the
  // dashboard's aggregates (AGG), the drills (DRILLS#) and the corrective actions (ACTIONS), written
  // once to reviews/ of the locked archive.
  PeriodicReviews: {
    entry: 'periodic-reviews.handler.ts',
    access: { table: { actions: ['Query'], leadingKeys: ['AGG', 'DRILLS#', 'ACTIONS'] }, archive: 'reviews' },
    timeoutSeconds: 120,
    memoryMb: 512,
    reportFont: true,
  },
};

/** Functions the state machine invokes, by the substitution name used in the ASL file. */
export const WORKFLOW_FUNCTIONS = { WorkflowStepFunctionArn: 'WorkflowStep', OpenTaskFunctionArn: 'OpenTask' } as const satisfies Record<string, FunctionName>;

export interface RouteSpec {
  operationId: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** HTTP API path template, e.g. /api/complaints/{reference}. */
  path: string;
  fn: FunctionName;
  auth: 'public' | 'staff';
}

export const ROUTES: RouteSpec[] = [
  { operationId: 'submitComplaint', method: 'POST', path: '/api/complaints', fn: 'SubmitComplaint', auth: 'public' },
  { operationId: 'getComplaintStatus', method: 'GET', path: '/api/complaints/{reference}', fn: 'GetComplaintStatus', auth: 'public' },
  { operationId: 'getOpenApiDocument', method: 'GET', path: '/api/openapi.json', fn: 'OpenApi', auth: 'public' },
  { operationId: 'createAttachmentUpload', method: 'POST', path: '/api/attachments', fn: 'CreateAttachmentUpload', auth: 'public' },
  { operationId: 'submitCustomerCallback', method: 'POST', path: '/api/complaints/{reference}/callback', fn: 'CustomerCallback', auth: 'public' },
  // The same function (same access: the table, the workflow's callback): the customer's other write with an access code.
  { operationId: 'confirmRepeat', method: 'POST', path: '/api/complaints/{reference}/repeat-confirmation', fn: 'CustomerCallback', auth: 'public' },
  ...staff('GET', '/api/staff/tasks/mine', 'listMyTasks'),
  ...staff('GET', '/api/staff/tasks/team', 'listTeamQueue'),
  ...staff('POST', '/api/staff/complaints', 'createStaffComplaint'),
  ...staff('GET', '/api/staff/complaints/{reference}', 'getComplaint'),
  ...staff('POST', '/api/staff/complaints/{reference}/claim', 'claimTask'),
  ...staff('POST', '/api/staff/complaints/{reference}/classification', 'correctClassification'),
  ...staff('POST', '/api/staff/complaints/{reference}/investigation', 'completeInvestigation'),
  ...staff('POST', '/api/staff/complaints/{reference}/handling-plan', 'submitHandlingPlan'),
  ...staff('GET', '/api/staff/complaints/{reference}/reply-draft', 'getReplyDraft'),
  ...staff('POST', '/api/staff/complaints/{reference}/reply', 'submitReply'),
  ...staff('POST', '/api/staff/complaints/{reference}/reply/approval', 'approveReply'),
  ...staff('POST', '/api/staff/complaints/{reference}/reply/withdrawal', 'withdrawReply'),
  ...staff('POST', '/api/staff/complaints/{reference}/extension', 'requestExtension'),
  ...staff('POST', '/api/staff/complaints/{reference}/extension/decision', 'decideExtension'),
  ...staff('POST', '/api/staff/complaints/{reference}/pause', 'pauseClock'),
  ...staff('POST', '/api/staff/complaints/{reference}/resume', 'resumeClock'),
  ...staff('POST', '/api/staff/complaints/{reference}/callback', 'recordCallback'),
  ...staff('POST', '/api/staff/complaints/{reference}/calls', 'recordCall'),
  ...staff('POST', '/api/staff/complaints/{reference}/assignment', 'reassign'),
  ...staff('POST', '/api/staff/complaints/{reference}/restriction', 'restrictCustomer'),
  ...staff('POST', '/api/staff/complaints/{reference}/merge', 'mergeComplaint'),
  ...staff('POST', '/api/staff/complaints/{reference}/link', 'linkComplaint'),
  ...staff('POST', '/api/staff/complaints/{reference}/unlink', 'unlinkComplaint'),
  ...staff('POST', '/api/staff/complaints/{reference}/outcome', 'recordOutcome'),
  ...staff('POST', '/api/staff/complaints/{reference}/redress', 'addRedress'),
  ...staff('POST', '/api/staff/complaints/{reference}/referrals', 'recordReferral'),
  ...staff('POST', '/api/staff/complaints/{reference}/referrals/outcome', 'recordReferralOutcome'),
  ...staff('POST', '/api/staff/complaints/{reference}/vulnerability', 'setVulnerability'),
  ...staff('POST', '/api/staff/complaints/{reference}/live-evaluations', 'recordLiveEvaluation'),
  ...staff('POST', '/api/staff/complaints/{reference}/corrective-actions', 'createCorrectiveAction'),
  ...staff('POST', '/api/staff/corrective-actions/progress', 'updateCorrectiveAction'),
  ...staff('GET', '/api/staff/corrective-actions', 'listCorrectiveActions'),
  ...staff('GET', '/api/staff/dashboard', 'getDashboard'),
  ...staff('GET', '/api/staff/dashboard.csv', 'exportDashboardCsv'),
  ...staff('GET', '/api/staff/audit', 'searchAudit'),
  ...staff('GET', '/api/staff/links', 'openTaskLink'),
  ...staff('GET', '/api/staff/archive/{reference}', 'readArchivedComplaint'),
  ...staff('POST', '/api/staff/complaints/{reference}/erasure', 'eraseCustomerData'),
  ...staff('GET', '/api/staff/complaints/{reference}/regulatory-class', 'getRegulatoryClass'),
  ...staff('POST', '/api/staff/complaints/{reference}/regulatory-class', 'setRegulatoryClass'),
  ...staff('GET', '/api/staff/returns', 'getRegulatoryReturn'),
  ...staff('GET', '/api/staff/returns/export', 'exportRegulatoryReturn'),
  ...staff('GET', '/api/staff/returns/complaints', 'listReturnComplaints'),
  // Drills, their reports, the periodic review, training records (issue 20).
  ...staff('POST', '/api/staff/drills', 'startDrill'),
  ...staff('GET', '/api/staff/drills', 'listDrills'),
  ...staff('GET', '/api/staff/drills/{drillId}/report', 'getDrillReport'),
  ...staff('POST', '/api/staff/drills/{drillId}/close', 'closeDrill'),
  ...staff('POST', '/api/staff/drills/{drillId}/disposal', 'disposeDrill'),
  ...staff('POST', '/api/staff/reviews', 'generatePeriodicReview'),
  ...staff('GET', '/api/staff/reviews/{period}', 'getPeriodicReview'),
  ...staff('GET', '/api/staff/training/{staffId}', 'getTrainingRecords'),
  ...staff('GET', '/api/staff/calendars', 'getCalendars'),
  ...staff('POST', '/api/staff/calendars', 'putCalendarYear'),
];

/** Which records of the table's stream a reader takes: its event names and key prefixes. */
export interface StreamFilter {
  eventNames: readonly ('INSERT' | 'MODIFY' | 'REMOVE')[];
  sortKeyPrefix: string;
  /** Only items whose partition key starts with this (all when absent). */
  partitionKeyPrefix?: string;
}

/**
 * DynamoDB stream readers (Lambda event source mappings on AWS, the local stream poller
 * locally), with the filters both apply: only records that match one of them reach the
 * function. At most two readers per stream (AWS throttles more per shard): ADR 0009.
 */
export interface StreamConsumer {
  fn: FunctionName;
  /** One or more (up to 5, Lambda's limit): a record that matches any of them is read. */
  filters: StreamFilter[];
  /** Larger batches than the default 25 records, gathered for up to `windowSeconds` (the event source mapping's batching window). */
  batch?: { size: number; windowSeconds: number };
}
/** AWS's advice: at most two simultaneous readers of a DynamoDB stream's shard. */
export const MAX_STREAM_READERS = 2;

/** What TableChanges does with a record (functions/use-cases/table-changes.ts routes by these). */
export const TABLE_CHANGE_ROUTES = {
  /** New complaints: their workflow is started. */
  startWorkflow: { eventNames: ['INSERT'], sortKeyPrefix: 'META' },
  /** Complaint changes: the dashboard's aggregates. */
  aggregate: { eventNames: ['INSERT', 'MODIFY'], sortKeyPrefix: 'META' },
  // Every removal of a complaint's items: TTL's are archived, any other is audited and kept.
  archive: { eventNames: ['REMOVE'], sortKeyPrefix: '', partitionKeyPrefix: 'COMPLAINT#' },
} as const satisfies Record<string, StreamFilter>;

export const STREAM_CONSUMERS: StreamConsumer[] = [
  // Latency-critical and alone on its reader: the customer's acknowledgement is never held back
  // by a slow or failing other consumer (workflow starts riding out Step Functions throttling).
  { fn: 'DeliverMessages', filters: [{ eventNames: ['INSERT'], sortKeyPrefix: 'MSG#' }] },
  // Everything else. TTL removes a complaint's items together; a batch that holds them all writes
  // its archive object from the batch, with no staging (README "Archival and retention"): large
  // batches, gathered for half a minute (archival is not in a hurry; nor are the dashboard and the
  // workflow start, which the orphan sweeper waits 5 minutes for).
  {
    fn: 'TableChanges',
    filters: [TABLE_CHANGE_ROUTES.aggregate, TABLE_CHANGE_ROUTES.archive],
    batch: { size: 100, windowSeconds: 30 },
  },
];

/** Whether a record's event name and keys pass a filter (Lambda's filter criteria on AWS, the poller locally). */
export function matchesFilter(f: StreamFilter, eventName: string | undefined, pk: string, sk: string): boolean {
  return (f.eventNames as readonly string[]).includes(eventName ?? '') && sk.startsWith(f.sortKeyPrefix) && pk.startsWith(f.partitionKeyPrefix ?? '');
}

/**
 * Step Functions' status-change events of the complaint workflows that resume the complaint at
 * once (functions/use-cases/workflow/resume-orphans.ts resumeEnded): an EventBridge rule on AWS
 * (infra/stacks/api-stack.ts), the local engine's notices locally (local/runtime.ts) - one
 * pattern for both. SUCCEEDED is not among them: a complaint closes with its workflow.
 */
export const WORKFLOW_ENDED = {
  fn: 'ResumeOrphans',
  source: 'aws.states',
  detailType: 'Step Functions Execution Status Change',
  statuses: ['FAILED', 'TIMED_OUT', 'ABORTED'],
} as const satisfies { fn: FunctionName; source: string; detailType: string; statuses: string[] };

function staff(method: RouteSpec['method'], path: string, operationId: string): RouteSpec[] {
  return [{ operationId, method, path, fn: 'StaffApi', auth: 'staff' }];
}
