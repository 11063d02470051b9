// Shared setup of the fuzz files: a fixture server child, a bystander, and the
// checks that close every run (server alive, bystander fully served).
import type { ExecutionContext } from "ava";
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
  return { server, bystander };
}

/** After the attack: the process runs and the bystander got every broadcast without an interruption. */
export async function assertSurvived(t: ExecutionContext, { server, bystander }: Target): Promise<void> {
  const report = await bystander.stop();
  t.is(server.exit, undefined, `the fixture server exited: ${JSON.stringify(server.exit)}\n${server.stderr().slice(-3000)}`);
  t.deepEqual(report.missing, [], `the bystander missed ${report.missing.length} of ${report.sent} broadcasts`);
  t.is(report.interruptions, 0, "the bystander's socket closed or errored");
  t.true(report.sent > 0);
  t.log(`bystander: ${report.sent} broadcasts, all delivered, slowest ${report.maxLatencyMs} ms`);
}

/** Close codes that are a clean answer to hostile input (never 1006 "no close frame", never 1011 "server error"). */
export const CLEAN_CLOSE_CODES: ReadonlySet<number> = new Set([1000, 1001, 1003, 1007, 1008, 1009]);

/** Runs `property` and, when it fails, adds the server's last stderr lines to the report. */
export function describeFailure(server: FixtureProcess, error: unknown): string {
  return `${error instanceof Error ? error.message : String(error)}\n--- fixture server (exit ${JSON.stringify(server.exit)}) stderr:\n${server.stderr().slice(-3000)}`;
}
