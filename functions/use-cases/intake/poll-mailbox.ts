/**
 * One poll of the bank's complaints mailbox over IMAP, where SES cannot receive (issue 18,
 * docs/adr/0006-imap-inbound-mail.md). Every message goes through the SAME intake as SES mail
 * (`receiveEmail`); the mailbox and the table are ports, so this module is pure orchestration:
 *
 *  1. Messages of the mailbox in UID order, at most `maxMessages`, while the time budget lasts
 *     (the rest waits for the next run: the mailbox is the queue).
 *  2. A message whose marker (UIDVALIDITY/UID, in the table) says it was taken in is only moved:
 *     the run that took it in ended before its move.
 *  3. Otherwise it is taken in under an intake id derived from its Message-ID (`intakeIdOf`):
 *     the intake's own dedupe (one INBOUND record per id, submit's idempotency key
 *     `email:<id>`) makes a second intake of the same message - after a crash before the marker,
 *     or after the server changed UIDVALIDITY and every UID with it - a replay that creates nothing.
 *  4. Then the marker, then the move to the processed folder.
 *  5. An intake that throws (an infrastructure error: the intake records every message it can
 *     read, broken ones as rejected) leaves the message where it is, counted as failed, its
 *     attempts on its marker; after `maxAttempts` it is moved to the failure folder for a person.
 *     A message over `maxMessageBytes` is not downloaded: failed and moved there at once.
 * Nothing personal is reported or logged: UIDs, intake ids, outcomes, counts.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../../shared/clock.ts';
import type { InboundOutcome } from '../../domain/email-intake.ts';
import type { InboundMail, ReceiveResult } from './receive-email.ts';

export type { MailboxEntry, MailboxMarker, MailboxMarkers, MailboxSession } from '../../domain/ports.ts';
import type { MailboxMarker, MailboxMarkers, MailboxSession } from '../../domain/ports.ts';

export interface PollLimits {
  /** Messages handled per run at most. */
  maxMessages: number;
  /** Milliseconds of a run after which no further message is started (well inside the Lambda timeout). */
  budgetMs: number;
  /** Largest message downloaded (SES accepts 40 MB). */
  maxMessageBytes: number;
  /** Intake attempts of one message before it goes to the failure folder. */
  maxAttempts: number;
}

export const DEFAULT_POLL_LIMITS: PollLimits = { maxMessages: 50, budgetMs: 40_000, maxMessageBytes: 40 * 1024 * 1024, maxAttempts: 3 };

export interface PollDeps {
  session: MailboxSession;
  markers: MailboxMarkers;
  /** The email intake (receiveEmail with its dependencies): the same path SES mail takes. */
  receive(mail: InboundMail): Promise<ReceiveResult>;
  clock: Clock;
  /** The polled folder's name (marker key) and where messages go. */
  folders: { mailbox: string; processed: string; failed: string };
  limits?: Partial<PollLimits>;
  /** Safe facts only (uid, intake id, outcome, error name). */
  log?: (message: string, fields: Record<string, unknown>) => void;
}

export interface PollReport {
  uidValidity: string;
  /** Messages looked at this run. */
  seen: number;
  /** Taken in now, by outcome (replays included: a replay is an earlier intake found again). */
  outcomes: Partial<Record<InboundOutcome, number>>;
  /** Intakes that found the message taken in before (Message-ID seen: crash, UIDVALIDITY change, a copy). */
  replayed: number;
  /** Moved to the processed folder (including ones taken in by an earlier run). */
  moved: number;
  /** Messages whose intake failed this run (left for the next run, or moved to the failure folder). */
  failed: number;
  /** Of those, moved to the failure folder now. */
  movedToFailed: number;
  /** The run stopped at its budget (time or count) with messages possibly left: the next run continues. */
  truncated: boolean;
}

/**
 * The intake id of a message: the same id for every copy of the same Message-ID (in any folder,
 * under any UIDVALIDITY), in the alphabet the intake's keys allow (`[A-Za-z0-9._-]`). A message
 * without Message-ID is known by its content.
 */
export function intakeIdOf(messageId: string | undefined, raw?: Uint8Array): string {
  const id = messageId?.trim().replace(/^<|>$/g, '').trim();
  if (id) return `imap-${createHash('sha256').update(id).digest('hex').slice(0, 40)}`;
  if (!raw) throw new Error('A message without Message-ID is known by its content: pass the raw message');
  return `imap-raw-${createHash('sha256').update(raw).digest('hex').slice(0, 40)}`;
}

const errorName = (e: unknown) => (e as { name?: string } | undefined)?.name ?? 'Error';

export async function pollMailbox(deps: PollDeps): Promise<PollReport> {
  const limits = { ...DEFAULT_POLL_LIMITS, ...deps.limits };
  const { session, markers, folders } = deps;
  const log = deps.log ?? (() => undefined);
  const started = deps.clock.now().getTime();
  const report: PollReport = { uidValidity: session.uidValidity, seen: 0, outcomes: {}, replayed: 0, moved: 0, failed: 0, movedToFailed: 0, truncated: false };
  const entries = await session.list(limits.maxMessages);
  if (entries.length >= limits.maxMessages) report.truncated = true;
  const now = () => deps.clock.now().toISOString();
  const mark = (m: Omit<MailboxMarker, 'mailbox' | 'uidValidity' | 'updatedAt'>) =>
    markers.put({ mailbox: folders.mailbox, uidValidity: session.uidValidity, updatedAt: now(), ...m });

  for (const entry of entries) {
    if (deps.clock.now().getTime() - started >= limits.budgetMs) {
      report.truncated = true;
      break;
    }
    report.seen++;
    const { uid } = entry;
    const marker = await markers.get(folders.mailbox, session.uidValidity, uid);
    if (marker?.state === 'taken') {
      // Taken in by a run that ended before the move.
      await session.move(uid, folders.processed);
      report.moved++;
      continue;
    }
    const attempts = (marker?.attempts ?? 0) + 1;
    if (entry.size > limits.maxMessageBytes) {
      report.failed++;
      await mark({ uid, state: 'failed', attempts, reason: `larger than ${limits.maxMessageBytes} bytes` });
      await session.move(uid, folders.failed);
      report.movedToFailed++;
      log('Mailbox message too large: moved to the failure folder', { uid, size: entry.size });
      continue;
    }
    let intakeId: string | undefined;
    try {
      const raw = await session.fetchRaw(uid);
      intakeId = intakeIdOf(entry.messageId, raw);
      const result = await deps.receive({ messageId: intakeId, raw, receivedAt: entry.receivedAt?.toISOString() });
      report.outcomes[result.outcome] = (report.outcomes[result.outcome] ?? 0) + 1;
      if (result.replayed) report.replayed++;
      await mark({ uid, intakeId, state: 'taken', outcome: result.outcome, attempts });
      log('Mailbox message taken in', { uid, intakeId, outcome: result.outcome, replayed: result.replayed });
    } catch (e) {
      report.failed++;
      const giveUp = attempts >= limits.maxAttempts;
      log(giveUp ? 'Mailbox message failed its last intake attempt: moved to the failure folder' : 'Mailbox message intake failed: left for the next run', {
        uid,
        ...(intakeId ? { intakeId } : {}),
        attempts,
        errorName: errorName(e),
      });
      try {
        await mark({ uid, ...(intakeId ? { intakeId } : {}), state: giveUp ? 'failed' : 'failing', attempts, reason: errorName(e) });
        if (giveUp) {
          await session.move(uid, folders.failed);
          report.movedToFailed++;
        }
      } catch (e2) {
        // The table or the server is failing as well: the message stays, and the next run tries again.
        log('Mailbox marker not written', { uid, errorName: errorName(e2) });
      }
      continue;
    }
    await session.move(uid, folders.processed);
    report.moved++;
  }
  return report;
}
