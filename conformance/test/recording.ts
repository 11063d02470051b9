// A recording stand-in for ava's `test`: collects the cases a suite registers and
// runs them with a small assertion object, so a test can look at which cases fail.
import { isDeepStrictEqual } from "node:util";
import type { SuiteAssertions, SuiteImplementation, TestFn } from "@fawkes/conformance";

export interface RecordedCase {
  readonly title: string;
  readonly skipped: boolean;
  readonly implementation: SuiteImplementation;
}

export interface CaseResult {
  readonly title: string;
  readonly failures: readonly string[];
}

class AssertionFailed extends Error {}

/** A `TestFn` that records registrations instead of running them. */
export function recorder(): { test: TestFn; cases: RecordedCase[] } {
  const cases: RecordedCase[] = [];
  const test = Object.assign(
    (title: string, implementation: SuiteImplementation) => {
      cases.push({ title, skipped: false, implementation });
    },
    {
      skip: (title: string, implementation: SuiteImplementation) => {
        cases.push({ title, skipped: true, implementation });
      },
    },
  );
  return { test, cases };
}

/**
 * Runs one case to the end (teardowns included); failures are recorded, never
 * thrown. The bound is generous: the suite queues its cases (a few at a time,
 * fault cases alone), and a queued case's clock is already running here.
 */
export async function runCase(c: RecordedCase, timeoutMs = 90_000): Promise<CaseResult> {
  const failures: string[] = [];
  const teardowns: (() => void | Promise<void>)[] = [];
  const check = (ok: boolean, message: string): void => {
    if (!ok) {
      failures.push(message);
      throw new AssertionFailed(message);
    }
  };
  const t: SuiteAssertions = {
    is: (a, b, m) => check(Object.is(a, b), m ?? `is: ${String(a)} !== ${String(b)}`),
    deepEqual: (a, b, m) => check(isDeepStrictEqual(a, b), m ?? "deepEqual failed"),
    true: (a, m) => check(a === true, m ?? "true failed"),
    fail: (m) => check(false, m ?? "fail"),
    pass: () => undefined,
    teardown: (fn) => {
      teardowns.push(fn);
    },
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(() => c.implementation(t)),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error("case timed out")), timeoutMs);
      }),
    ]);
  } catch (error) {
    if (!(error instanceof AssertionFailed)) failures.push(`threw: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    clearTimeout(timer);
  }
  for (const fn of teardowns.reverse()) {
    try {
      await fn();
    } catch {
      /* a broken implementation may fail to close; the case result stands */
    }
  }
  return { title: c.title, failures };
}

/** Runs every non-skipped case (whose title includes `only`, when given) concurrently; returns the failing ones. */
export async function failingCases(cases: readonly RecordedCase[], only?: string): Promise<CaseResult[]> {
  const chosen = cases.filter((c) => !c.skipped && (only === undefined || c.title.includes(only)));
  const results = await Promise.all(chosen.map((c) => runCase(c)));
  return results.filter((r) => r.failures.length > 0);
}
