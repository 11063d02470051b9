// Shared setup of the fuzz files: a fixture server child, a bystander, and the
// checks that close every run (server alive, bystander fully served).
import type { ExecutionContext } from "ava";
import fc from "fast-check";
import { Bystander, startFixtureProcess, type FixtureProcess } from "@fawkes/robustness";

export interface Target {
  readonly server: FixtureProcess;
  readonly bystander: Bystander;
}

/** Starts the shipped fixture server binary and a bystander joined to `room:bystander`. */
export async function underAttack(t: ExecutionContext): Promise<Target> {
  const server = await startFixtureProcess();
  t.teardown(() => server.stop());
  const bystander = await Bystander.start(server.url);
  // Failed assertions throw (AVA 6+), so the bystander's reconnect loop must end here too.
  t.teardown(() => bystander.close());
  return { server, bystander };
}

/** After the attack: the process runs and the bystander got every broadcast without an interruption. */
export async function assertSurvived(t: ExecutionContext, { server, bystander }: Target): Promise<void> {
  const report = await bystander.stop();
  t.is(server.exit, undefined, `the fixture server exited: ${JSON.stringify(server.exit)}\n${server.stderr().slice(-3000)}`);
  t.deepEqual(report.tickFailures, [], "the fixture's broadcast route failed");
  t.deepEqual(report.missing, [], `the bystander missed ${report.missing.length} of ${report.sent} broadcasts`);
  t.is(report.interruptions, 0, "the bystander's socket closed or errored");
  t.true(report.sent > 0);
  t.log(`bystander: ${report.sent} broadcasts, all delivered, slowest ${report.maxLatencyMs} ms`);
}

/** Close codes that are a clean answer to hostile input (never 1006 "no close frame", never 1011 "server error"). */
export const CLEAN_CLOSE_CODES: ReadonlySet<number> = new Set([1000, 1001, 1003, 1007, 1008, 1009]);

/** A fast-check failure, its counterexample cut to a readable length, and the server's last stderr lines. */
export function describeFailure(server: FixtureProcess, error: unknown): string {
  return `${shorten(error)}\n--- fixture server (exit ${JSON.stringify(server.exit)}) stderr:\n${server.stderr().slice(-3000)}`;
}

/** An error message cut to 3000 characters (counterexamples can be megabytes). */
export function shorten(error: unknown): string {
  // fast-check 4 keeps the property's own error in `cause`, not in the message.
  const cause =
    error instanceof Error && error.cause !== undefined ? `\ncaused by: ${error.cause instanceof Error ? error.cause.message : String(error.cause)}` : "";
  const text = (error instanceof Error ? error.message : String(error)) + cause;
  return text.length > 3000 ? `${text.slice(0, 3000)}... (${text.length} characters)` : text;
}

/** `fc.assert` for synchronous properties, with the failure shortened. */
export function assertProperty<T>(property: fc.IProperty<T>, parameters: fc.Parameters<T>): void {
  try {
    fc.assert(property, parameters);
  } catch (error) {
    throw new Error(shorten(error));
  }
}

/**
 * Runs `run` against a live target for `numRuns` generated values (stopping at the first
 * failure), tallies the outcome key each run returns, logs the tally, then asserts the
 * target survived. `run` gets the value and a fresh heartbeat ref (`hb1`, `hb2`, ...).
 */
export async function fuzzAgainst<T>(
  t: ExecutionContext,
  target: Target,
  arbitrary: fc.Arbitrary<T>,
  numRuns: number,
  run: (value: T, ref: string) => Promise<string>,
): Promise<void> {
  const outcomes = new Map<string, number>();
  let n = 0;
  try {
    await fc.assert(
      fc.asyncProperty(arbitrary, async (value) => {
        const key = await run(value, `hb${++n}`);
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
        if (target.server.exit !== undefined) throw new Error("the server exited");
      }),
      { numRuns, endOnFailure: true },
    );
  } catch (error) {
    t.fail(describeFailure(target.server, error));
  }
  t.log(
    [...outcomes]
      .sort()
      .map(([k, v]) => `${k}: ${v}`)
      .join("\n"),
  );
  await assertSurvived(t, target);
}
