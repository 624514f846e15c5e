/** What every view of the console shares: the page, the API, the signed-in session, the clock. */
import type { Actor } from '../../../functions/domain/authorization.ts';
import type { Complaint, HistoryEntry } from '../../../functions/domain/complaint.ts';
import type { OutboundMessage, TaskItem } from '../../../functions/domain/model.ts';
import type { RegionConfig } from '../../../functions/domain/regions.ts';
import type { StaffApi } from './api.ts';
import type { Session } from './auth.ts';
import type { ConsolePage } from './console-page.ts';

export interface Ctx {
  page: ConsolePage;
  api: StaffApi;
  region: RegionConfig;
  session(): Session;
  actor(): Actor;
  /** The time the console reasons with (deadline states, relative times). */
  now(): Date;
  /** Screen-reader announcements: polite (progress, results) and assertive (errors). */
  announce(text: string): void;
  alert: HTMLElement;
  navigate(hash: string): void;
}

/** A queue entry as listTasks answers it (no task token, no pending reply body). */
export type TaskView = Omit<TaskItem, 'taskToken' | 'pendingReply' | 'output'> & {
  pendingReply?: TaskItem['pendingReply'];
  /** Present when the API adds them: routes and risk for filtering. */
  riskLevel?: string;
  crossDepartment?: boolean;
  anonymous?: boolean;
  /** Business days to the next deadline on the region's calendar (negative: overdue). */
  businessDaysLeft?: number;
  /** The customer, masked (lists never show full personal data), and flags (repeat, restricted, escalated). */
  customer?: string;
  flags?: string[];
};
export type MessageView = OutboundMessage & { messageId?: string; sentAt?: string; calledBy?: string };
export interface ComplaintDetail {
  complaint: Complaint;
  task?: TaskView;
  history: HistoryEntry[];
  messages: MessageView[];
  /** Archived (read from the locked archive), or past its hot retention and on its way there. */
  archive?: { state: 'archiving' } | { state: 'archived'; archivedAt: string; retainUntil: string; verified: boolean; erasure?: { at: string; basis: string } };
}
