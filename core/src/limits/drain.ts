import { FawkesError } from "../errors.js";

/**
 * How {@link Endpoint.drain} closes the connections of a node that is going
 * away, after Phoenix's drainer but without its reconnect storm: Phoenix
 * closes each batch at once, and the official client's first retry comes
 * 10 ms later with no jitter, so a batch comes back as one wave. Here each
 * connection of a batch closes at a random moment within the batch's interval.
 */
export interface DrainOptions {
  /** Connections closed per interval. Default 1,000. */
  readonly batchSize?: number;
  /** Each batch is spread (uniformly, at random) over this many ms. Default 1,000. */
  readonly intervalMs?: number;
  /** After this many ms every connection still open is closed at once. Default 30,000. */
  readonly maxMs?: number;
}

/** {@link DrainOptions} with defaults applied. */
export interface DrainPlan {
  readonly batchSize: number;
  readonly intervalMs: number;
  readonly maxMs: number;
}

/** The defaults: 1,000 connections a second, everything closed within 30 s. */
export const DEFAULT_DRAIN: DrainPlan = { batchSize: 1000, intervalMs: 1000, maxMs: 30_000 };

/** Applies defaults; throws `ERR_BAD_OPTION`. */
export function resolveDrain(options: DrainOptions): DrainPlan {
  const plan = {
    batchSize: options.batchSize ?? DEFAULT_DRAIN.batchSize,
    intervalMs: options.intervalMs ?? DEFAULT_DRAIN.intervalMs,
    maxMs: options.maxMs ?? DEFAULT_DRAIN.maxMs,
  };
  if (!Number.isInteger(plan.batchSize) || plan.batchSize < 1)
    throw new FawkesError("ERR_BAD_OPTION", `drain batchSize must be a positive integer, got ${String(plan.batchSize)}`);
  for (const name of ["intervalMs", "maxMs"] as const) {
    const v = plan[name];
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0)
      throw new FawkesError("ERR_BAD_OPTION", `drain ${name} must be a number of at least 0, got ${String(v)}`);
  }
  return plan;
}

/**
 * Closes (with `close`) everything `open()` lists, `plan.batchSize` per `plan.intervalMs`, each
 * at a random moment of its batch's interval; at `plan.maxMs` (or when
 * `signal` aborts) the rest at once. Resolves once `open()` is empty.
 */
export async function drainInBatches<T>(
  open: () => readonly T[],
  close: (item: T) => void,
  plan: DrainPlan,
  signal: AbortSignal,
  random: () => number = Math.random,
): Promise<void> {
  const started = Date.now();
  const deadline = started + plan.maxMs;
  const closing = new Set<T>();
  while (!signal.aborted && Date.now() < deadline) {
    const batch = open()
      .filter((c) => !closing.has(c))
      .slice(0, plan.batchSize);
    if (batch.length === 0) break;
    const batchStart = Date.now();
    const schedule = batch.map((c) => ({ c, at: batchStart + random() * plan.intervalMs })).sort((x, y) => x.at - y.at);
    for (const entry of schedule) closing.add(entry.c);
    let next = 0;
    while (next < schedule.length && !signal.aborted) {
      const wait = Math.min(schedule[next]!.at, deadline) - Date.now();
      if (wait > 0) await sleep(wait, signal);
      if (Date.now() >= deadline) break;
      const now = Date.now();
      while (next < schedule.length && schedule[next]!.at <= now) close(schedule[next++]!.c);
    }
    if (Date.now() >= deadline || signal.aborted) break;
    const rest = batchStart + plan.intervalMs - Date.now();
    if (rest > 0) await sleep(Math.min(rest, deadline - Date.now()), signal);
  }
  for (const c of open()) close(c);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
