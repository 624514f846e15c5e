/**
 * Which storage class the archive's objects (records, their attachments, redacted versions)
 * live in, decided from list prices (bench/prices.json) for the time the bucket's lifecycle
 * keeps them. Used by the lifecycle rules (constructs/object-stores.ts) and by the lifecycle
 * cost benchmark (bench/lifecycle-cost.ts), so that what is priced is what is deployed.
 *
 * An object of S bytes kept D days costs (months = days / 30.44):
 *   Standard throughout:       S x standard x D
 *   Deep Archive after 90 d:   S x standard x 90 + transition (USD 0.05 per 1,000)
 *                              + ((S + 32 KB) x deepArchive + 8 KB x standard) x (D - 90)
 *     (Deep Archive bills 40 KB of overhead per object: 32 KB at its own rate, 8 KB at Standard's)
 *   the same, by Standard-IA:  Standard for 30 d, then Standard-IA until day 90 (USD 0.01 per
 *                              1,000 transitions, billed as at least 128 KB), then Deep Archive
 * Deep Archive pays above S* = (transition + (D - 90) x (32 KB x deepArchive + 8 KB x standard))
 *   / ((D - 90) x (standard - deepArchive)):  about 80 KiB for 3 years' retention, 51 KiB for 5 -
 * a typical record (2-3 KB gzipped) stays in Standard, where it costs a twentieth of the
 * transition alone. Standard-IA on the way pays only above transition / (60 d x (standard -
 * standardIa)), about 520 KiB; below Deep Archive's threshold it never pays (its 128 KB minimum
 * and its transition outweigh the saving: test/unit/archive-tiering.test.ts checks every size).
 */
import PRICES from '../bench/prices.json' with { type: 'json' };

export type S3Prices = typeof PRICES.s3;

const GB = 1024 ** 3;
const DAYS_PER_MONTH = 365.25 / 12;
const KIB = 1024;

/** Records are read rarely after their first months (audits, disputes): Deep Archive after 90 days. */
export const DEEP_ARCHIVE_AFTER_DAYS = 90;
/** The earliest a lifecycle rule may move an object to Standard-IA (and IA's minimum duration). */
export const STANDARD_IA_AFTER_DAYS = 30;

/** Kept until the retention ends (a locked version cannot be deleted before), then removed: close + years x 366 + 31 days at most. */
export const archiveKeepDays = (years: number) => years * 366 + 31;

export type ArchivePlan = 'standard' | 'deep-archive' | 'standard-ia-then-deep-archive';

export interface ArchiveTiering {
  keepDays: number;
  /** Objects larger than this (bytes) go to Deep Archive after 90 days; the others stay in Standard. */
  deepArchiveAbove: number;
  /** Objects larger than this (bytes) spend days 30 to 90 in Standard-IA on their way. */
  standardIaAbove: number;
}

/** USD to keep one object of `bytes` for `keepDays` under a plan. */
export function storageCost(bytes: number, keepDays: number, plan: ArchivePlan, p: S3Prices = PRICES.s3): number {
  const months = (days: number) => days / DAYS_PER_MONTH;
  if (plan === 'standard') return (bytes / GB) * p.standardPerGbMonth * months(keepDays);
  const deep =
    p.perThousandLifecycleTransitionsToDeepArchive / 1000 +
    (((bytes + p.deepArchiveOverheadBytesPerObject - p.deepArchiveOverheadBytesAtStandardRate) / GB) * p.deepArchivePerGbMonth +
      (p.deepArchiveOverheadBytesAtStandardRate / GB) * p.standardPerGbMonth) *
      months(keepDays - DEEP_ARCHIVE_AFTER_DAYS);
  if (plan === 'deep-archive') return (bytes / GB) * p.standardPerGbMonth * months(DEEP_ARCHIVE_AFTER_DAYS) + deep;
  return (
    (bytes / GB) * p.standardPerGbMonth * months(STANDARD_IA_AFTER_DAYS) +
    p.perThousandLifecycleTransitionsToStandardIa / 1000 +
    (Math.max(bytes, p.standardIaMinimumBillableBytes) / GB) * p.standardIaPerGbMonth * months(DEEP_ARCHIVE_AFTER_DAYS - STANDARD_IA_AFTER_DAYS) +
    deep
  );
}

/** The size thresholds of the archive bucket's lifecycle for a retention of `years` (whole KiB, rounded up). */
export function archiveTiering(years: number, p: S3Prices = PRICES.s3): ArchiveTiering {
  const keepDays = archiveKeepDays(years);
  const deepMonths = (keepDays - DEEP_ARCHIVE_AFTER_DAYS) / DAYS_PER_MONTH;
  if (keepDays - DEEP_ARCHIVE_AFTER_DAYS < p.deepArchiveMinimumDays)
    throw new Error(`a retention of ${years} years is shorter than Deep Archive's minimum duration`);
  const overheadPerMonth =
    ((p.deepArchiveOverheadBytesPerObject - p.deepArchiveOverheadBytesAtStandardRate) * p.deepArchivePerGbMonth +
      p.deepArchiveOverheadBytesAtStandardRate * p.standardPerGbMonth) /
    GB;
  const deepArchiveAbove =
    (p.perThousandLifecycleTransitionsToDeepArchive / 1000 + deepMonths * overheadPerMonth) /
    ((deepMonths * (p.standardPerGbMonth - p.deepArchivePerGbMonth)) / GB);
  const iaMonths = (DEEP_ARCHIVE_AFTER_DAYS - STANDARD_IA_AFTER_DAYS) / DAYS_PER_MONTH;
  const standardIaAbove = Math.max(
    p.standardIaMinimumBillableBytes,
    p.perThousandLifecycleTransitionsToStandardIa / 1000 / ((iaMonths * (p.standardPerGbMonth - p.standardIaPerGbMonth)) / GB),
  );
  const kib = (bytes: number) => Math.ceil(bytes / KIB) * KIB;
  return { keepDays, deepArchiveAbove: kib(deepArchiveAbove), standardIaAbove: Math.max(kib(standardIaAbove), kib(deepArchiveAbove)) };
}

/** The plan the lifecycle rules give an object of `bytes`. */
export function planFor(bytes: number, t: ArchiveTiering): ArchivePlan {
  if (bytes > t.standardIaAbove) return 'standard-ia-then-deep-archive';
  return bytes > t.deepArchiveAbove ? 'deep-archive' : 'standard';
}
