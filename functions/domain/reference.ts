/**
 * Customer references that can be read aloud over the phone: PREFIX-YEAR-NNNNNN,
 * e.g. CN-2026-000123. The number comes from an atomic per-region, per-year counter.
 */
export const REFERENCE_PATTERN = /^[A-Z]{2}-\d{4}-\d{6,}$/;

export function formatReference(prefix: string, year: number, n: number): string {
  return `${prefix}-${year}-${String(n).padStart(6, '0')}`;
}

export function isReference(s: string): boolean {
  return REFERENCE_PATTERN.test(s);
}
