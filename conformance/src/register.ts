import type { SuiteImplementation, TestFn } from "./test-fn.js";

/**
 * Registers one case, or a skipped case whose title ends with
 * `[skipped: <reason>]` so the runner prints why it did not run.
 */
export function register(test: TestFn, title: string, implementation: SuiteImplementation, skipReason?: string): void {
  if (skipReason === undefined) test(title, implementation);
  else test.skip(`${title} [skipped: ${skipReason}]`, implementation);
}
