/**
 * What every transport needs so that no client can take the process down: a
 * guard for the callbacks it installs, close reasons that fit a close frame,
 * and one slow-consumer policy shared by every transport.
 *
 * ```ts
 * const watch = new SlowConsumerWatch(resolveBackpressure(options), () => queuedBytes(), () => cutOff());
 * conn.on("data", guarded(host.log, "sockjs data", (m: string) => port.receive({ opcode: "text", data: m })));
 * socket.write(bytes); watch.check();
 * ```
 */
import { FawkesError } from "../errors.js";
import type { Logger } from "../contracts/logger.js";

/**
 * Wraps a callback a transport hands to a library (an event listener, a timer):
 * whatever it throws is logged with `what` and swallowed, so no exception from
 * a transport's or library's callback reaches the process. `onError`, when
 * given, runs after the log (e.g. to close the offending connection); an error
 * it throws is logged too.
 */
export function guarded<A extends unknown[]>(log: Logger, what: string, fn: (...args: A) => void, onError?: (cause: unknown) => void): (...args: A) => void {
  return (...args: A): void => {
    try {
      fn(...args);
    } catch (cause) {
      log.error(`${what} failed`, { code: "ERR_TRANSPORT_CALLBACK", cause });
      if (onError === undefined) return;
      try {
        onError(cause);
      } catch (again) {
        log.error(`${what} failed while recovering`, { code: "ERR_TRANSPORT_CALLBACK", cause: again });
      }
    }
  };
}

/** Most bytes of UTF-8 a WebSocket close reason may carry (RFC 6455: 125 minus the code). */
export const MAX_CLOSE_REASON_BYTES = 123;

/** `reason` cut to at most 123 bytes of UTF-8, on a character boundary. */
export function truncateCloseReason(reason: string): string {
  if (reason.length <= MAX_CLOSE_REASON_BYTES / 3 || Buffer.byteLength(reason) <= MAX_CLOSE_REASON_BYTES) return reason;
  let out = "";
  let bytes = 0;
  for (const ch of reason) {
    const size = Buffer.byteLength(ch);
    if (bytes + size > MAX_CLOSE_REASON_BYTES) break;
    out += ch;
    bytes += size;
  }
  return out;
}

/**
 * The slow-consumer policy, the same on every transport. A connection's queued
 * output (bytes the server accepted for it and the client has not taken yet) may
 * pass `maxBufferedBytes` for a moment: a burst of broadcasts does that to fast
 * readers too. It is cut off (close 1008, reason `ERR_SLOW_CONSUMER`) only when
 *
 * - it is still above `maxBufferedBytes` `slowConsumerGraceMs` after it went
 *   above (it had that long to drain and did not; a `check()` that finds it
 *   below the limit again restarts the clock), or
 * - it passes `hardMaxBufferedBytes` at any moment (memory must stay bounded).
 */
export interface BackpressureOptions {
  /** Soft limit on queued output per connection, in bytes. Default 4 MiB. */
  readonly maxBufferedBytes?: number;
  /** Hard ceiling on queued output per connection, in bytes. Default 4 x `maxBufferedBytes`. */
  readonly hardMaxBufferedBytes?: number;
  /** How long a connection may stay above `maxBufferedBytes`, in ms. Default 2000. */
  readonly slowConsumerGraceMs?: number;
}

/** {@link BackpressureOptions} with every default applied. */
export interface Backpressure {
  readonly maxBufferedBytes: number;
  readonly hardMaxBufferedBytes: number;
  readonly slowConsumerGraceMs: number;
}

export const DEFAULT_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
export const DEFAULT_SLOW_CONSUMER_GRACE_MS = 2000;

/** Applies defaults; throws `ERR_BAD_OPTION` for values that cannot work. */
export function resolveBackpressure(options: BackpressureOptions, defaults: { readonly maxBufferedBytes?: number } = {}): Backpressure {
  const soft = options.maxBufferedBytes ?? defaults.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  const hard = options.hardMaxBufferedBytes ?? soft * 4;
  const grace = options.slowConsumerGraceMs ?? DEFAULT_SLOW_CONSUMER_GRACE_MS;
  for (const [name, value] of [
    ["maxBufferedBytes", soft],
    ["hardMaxBufferedBytes", hard],
    ["slowConsumerGraceMs", grace],
  ] as const) {
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
      throw new FawkesError("ERR_BAD_OPTION", `${name} must be a positive number, got ${String(value)}`);
    }
  }
  if (hard < soft) throw new FawkesError("ERR_BAD_OPTION", `hardMaxBufferedBytes (${hard}) must be at least maxBufferedBytes (${soft})`);
  return { maxBufferedBytes: soft, hardMaxBufferedBytes: hard, slowConsumerGraceMs: grace };
}

/**
 * Applies the {@link BackpressureOptions} policy to one connection. Call
 * `check()` after writing; `cutOff` (which must not throw) runs at most once, never synchronously
 * inside `check` (the caller may be in the middle of a broadcast fan-out).
 * A timer exists only while the connection is above the soft limit.
 */
export class SlowConsumerWatch {
  private timer: NodeJS.Timeout | undefined;
  private done = false;

  constructor(
    private readonly limits: Backpressure,
    /** Bytes queued for this connection right now. */
    private readonly queued: () => number,
    private readonly cutOff: () => void,
  ) {}

  /** Re-reads the queue; starts the grace timer or cuts off at the hard ceiling. */
  check(): void {
    if (this.done) return;
    const queued = this.queued();
    if (queued <= this.limits.maxBufferedBytes) {
      // It caught up: a later excess gets a whole grace period of its own.
      if (this.timer !== undefined) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
      return;
    }
    if (queued > this.limits.hardMaxBufferedBytes) {
      this.fire();
      return;
    }
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.done) return;
      if (this.queued() > this.limits.maxBufferedBytes) this.fire();
    }, this.limits.slowConsumerGraceMs);
    this.timer.unref();
  }

  /** The connection ended: drop the timer. */
  stop(): void {
    this.done = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fire(): void {
    this.stop();
    process.nextTick(() => {
      try {
        this.cutOff();
      } catch {
        /* documented: cutOff must not throw; the connection is being dropped anyway */
      }
    });
  }
}
