/**
 * The slice of a test runner the suites use, typed structurally so ava 6 and 7
 * (and any runner with the same shape) fit without the suites importing ava.
 */

/** The assertions a case calls on its `t`. A failing assertion must throw or record the failure. */
export interface SuiteAssertions {
  is(actual: unknown, expected: unknown, message?: string): unknown;
  deepEqual(actual: unknown, expected: unknown, message?: string): unknown;
  true(actual: unknown, message?: string): unknown;
  fail(message?: string): unknown;
  pass(message?: string): unknown;
  /** Runs `fn` once the case has ended, passed or failed. */
  teardown(fn: () => void | Promise<void>): void;
}

/** One case body. */
export type SuiteImplementation = (t: SuiteAssertions) => void | Promise<void>;

/** ava's `test`, or anything that registers cases the same way. */
export interface TestFn {
  (title: string, implementation: SuiteImplementation): void;
  /** Register a case that is reported as skipped; the title carries the reason. */
  skip(title: string, implementation: SuiteImplementation): void;
}
