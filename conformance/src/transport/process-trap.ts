/**
 * Catches what a transport's or library's callback throws while a case runs.
 * Such an exception reaches `process` as `uncaughtException` (or an unhandled
 * rejection), and a test runner would either die with it (ava's worker exits,
 * every other case of the file with it) or never pin it on the case that
 * caused it. While at least one trap is open, the runner's own listeners are
 * set aside and every open trap records the error; the case then fails with it.
 * The process survives, so the case can still prove that a bystander is served.
 */
type Listener = (...args: unknown[]) => void;

const EVENTS = ["uncaughtException", "unhandledRejection"] as const;

/** One case's view of the process-level faults seen while it was open. */
export interface ProcessTrap {
  /** Errors seen so far, each described as `<event>: <stack or message>`. */
  readonly errors: readonly string[];
  /** Stop recording; the last trap to close gives the runner its listeners back. */
  release(): void;
}

const open = new Set<string[]>();
let saved: Map<string, Listener[]> | undefined;

function describe(event: string, error: unknown): string {
  const text = error instanceof Error ? error.stack ?? `${error.name}: ${error.message}` : String(error);
  return `${event}: ${text}`;
}

const handlers: Record<(typeof EVENTS)[number], Listener> = {
  uncaughtException: (error) => { for (const errors of open) errors.push(describe("uncaughtException", error)); },
  unhandledRejection: (reason) => { for (const errors of open) errors.push(describe("unhandledRejection", reason)); },
};

/** Opens a trap; close it with `release()` once the case (and its teardown) ended. */
export function trapProcessFaults(): ProcessTrap {
  if (open.size === 0) {
    saved = new Map();
    for (const event of EVENTS) {
      saved.set(event, process.listeners(event as "uncaughtException") as Listener[]);
      process.removeAllListeners(event);
      process.on(event as "uncaughtException", handlers[event]);
    }
  }
  const errors: string[] = [];
  open.add(errors);
  let released = false;
  return {
    errors,
    release() {
      if (released) return;
      released = true;
      open.delete(errors);
      if (open.size > 0 || saved === undefined) return;
      for (const event of EVENTS) {
        process.off(event as "uncaughtException", handlers[event]);
        for (const listener of saved.get(event) ?? []) process.on(event as "uncaughtException", listener);
      }
      saved = undefined;
    },
  };
}
