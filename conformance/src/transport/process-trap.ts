/**
 * Catches what a transport's or library's callback throws while a case runs.
 * Such an exception reaches `process` as `uncaughtException` (or an unhandled
 * rejection), and a test runner would either die with it (ava's worker exits,
 * every other case of the file with it) or never pin it on the case that
 * caused it. While at least one trap is open, the runner's own listeners are
 * set aside and the open traps record the error; the case then fails with it.
 * The process survives, so the case can still prove that a bystander is served.
 */
type Listener = (...args: unknown[]) => void;

const EVENTS = ["uncaughtException", "unhandledRejection"] as const;

/** One case's view of the process-level faults seen while it was open. */
export interface ProcessTrap {
  /** Errors seen so far, each described as `<event>: <stack or message>`. */
  readonly errors: readonly string[];
  /**
   * The case body ended and its endpoint is closing. A fault seen while any case
   * is still in its body goes to those cases only (they are the ones acting);
   * one seen while every open case is closing goes to all of them.
   */
  closing(): void;
  /** Stop recording; the last trap to close gives the runner its listeners back. */
  release(): void;
}

interface OpenTrap {
  readonly errors: string[];
  closing: boolean;
}

const open = new Set<OpenTrap>();
let saved: Map<string, Listener[]> | undefined;

function describe(event: string, error: unknown): string {
  const text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  return `${event}: ${text}`;
}

function record(event: string, error: unknown): void {
  const acting = [...open].filter((trap) => !trap.closing);
  const blamed = acting.length > 0 ? acting : [...open];
  const others = open.size - blamed.length;
  const text = describe(event, error) + (others > 0 ? `\n(${others} other case(s) were closing their endpoints at that moment)` : "");
  for (const trap of blamed) trap.errors.push(text);
}

const handlers: Record<(typeof EVENTS)[number], Listener> = {
  uncaughtException: (error) => record("uncaughtException", error),
  unhandledRejection: (reason) => record("unhandledRejection", reason),
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
  const trap: OpenTrap = { errors: [], closing: false };
  open.add(trap);
  let released = false;
  return {
    errors: trap.errors,
    closing() {
      trap.closing = true;
    },
    release() {
      if (released) return;
      released = true;
      open.delete(trap);
      if (open.size > 0 || saved === undefined) return;
      for (const event of EVENTS) {
        process.off(event as "uncaughtException", handlers[event]);
        for (const listener of saved.get(event) ?? []) process.on(event as "uncaughtException", listener);
      }
      saved = undefined;
    },
  };
}
