/**
 * The rule modules that `npm run test:mutation` mutates (issue 23, ADR 0020). One list: add a
 * rule module here and it is mutated. A listed file that does not exist (yet) is skipped with a
 * note, so that a module another branch adds can be listed before it lands.
 */
export const RULE_MODULES: readonly string[] = [
  'functions/domain/business-calendar.ts',
  'functions/domain/deadlines.ts',
  'functions/domain/authorization.ts',
  'functions/domain/classification.ts',
  'functions/domain/callback.ts',
  'functions/domain/repeats.ts',
  'functions/domain/access-throttle.ts',
  // Issues 19 and 22: approval tiers, regulatory returns, outcome counting, calendar data.
  'functions/domain/approval.ts',
  'functions/domain/returns.ts',
  'functions/domain/outcome.ts',
  'functions/domain/calendar-data.ts',
];

/**
 * The tests run against each mutant: the unit tests that state the rules (example-based and
 * property-based). Not the whole unit level: the use-case and parsing tests also pass through
 * the calendar and would multiply the run time (ADR 0020). Add a new rule module's tests here.
 */
export const RULE_TESTS: readonly string[] = [
  'test/unit/business-calendar.test.ts',
  'test/unit/holiday-table.test.ts',
  'test/unit/regions.test.ts',
  'test/unit/deadlines.test.ts',
  'test/unit/property-deadlines.test.ts',
  'test/unit/authorization.test.ts',
  'test/unit/classification.test.ts',
  'test/unit/property-classification.test.ts',
  'test/unit/callback.test.ts',
  'test/unit/repeats.test.ts',
  'test/unit/access-throttle.test.ts',
  'test/unit/approval.test.ts',
  'test/unit/returns.test.ts',
  'test/unit/redress-rules.test.ts',
  'test/unit/business-calendars.test.ts',
  // Issue 23, the survivors of access-throttle.ts, approval.ts and authorization.ts: exact edges and reasons.
  'test/unit/access-throttle-mutants.test.ts',
  'test/unit/approval-mutants.test.ts',
  'test/unit/authorization-mutants.test.ts',
  // Issue 23, the survivors of classification.ts, callback.ts, repeats.ts, outcome.ts, returns.ts.
  'test/unit/outcome.test.ts',
  'test/unit/returns-rules.test.ts',
  'test/unit/classification-rules.test.ts',
];

/** The lowest mutation score (killed / (killed + survived + not covered), in %) the run accepts. */
export const THRESHOLD_PERCENT = 95;
