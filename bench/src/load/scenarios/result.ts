import type { SystemName } from "../../options.js";

/** One system's outcome in a scenario: figures, or why there are none. */
export type Outcome<T> = ({ readonly ok: true } & T) | { readonly ok: false; readonly error: string };

export interface SystemResult<T> {
  readonly system: SystemName;
  readonly outcome: Outcome<T>;
}

/** Run `body` for every system in turn; a failure is recorded, not thrown. */
export async function forEachSystem<T>(
  systems: readonly SystemName[],
  body: (system: SystemName) => Promise<T>,
  log: (line: string) => void,
): Promise<SystemResult<T>[]> {
  const results: SystemResult<T>[] = [];
  for (const system of systems) {
    try {
      const figures = await body(system);
      results.push({ system, outcome: { ok: true, ...figures } });
    } catch (error) {
      const message = error instanceof Error ? error.message.split("\n")[0]! : String(error);
      log(`  ${system}: failed: ${message}`);
      results.push({ system, outcome: { ok: false, error: message } });
    }
  }
  return results;
}

/** Fail loudly when fewer connections opened than asked for. */
export function requireConnected(report: { connected: number; failed: number; firstError: string | undefined }, wanted: number): void {
  if (report.connected < wanted) {
    throw new Error(`only ${report.connected} of ${wanted} connections opened (${report.failed} failed; first: ${report.firstError ?? "?"})`);
  }
}

/** The ~100-byte broadcast body (the payload is `{seq, body}`, about 100 bytes of JSON). */
export const BROADCAST_BODY = "x".repeat(80);
