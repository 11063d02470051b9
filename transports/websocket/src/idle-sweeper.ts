import { guarded, type Logger } from "@fawkes/core";

/** What the sweeper needs from a connection. */
export interface IdleTracked {
  /** Sweeps since the client last sent something; the connection resets it to 0. */
  idleSweeps: number;
  /** Close for idleness. */
  idle(): void;
}

/**
 * One interval per transport instance closes connections idle for `timeout` ms.
 *
 * Cheap at 100k connections: receiving a message only zeroes a counter on the
 * connection (no timer, no clock read); every `timeout / 4` (at most 5 s) the
 * sweeper bumps each counter and closes those past the limit. A connection closes
 * between `timeout` and `timeout` plus one interval after its last message.
 *
 * Guarded: a connection whose `idle()` throws is logged and skipped; the sweep
 * goes on with the others, and nothing reaches the process.
 */
export class IdleSweeper<T extends IdleTracked> {
  private readonly tracked = new Set<T>();
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly limit: number;
  private readonly expire: (connection: T) => void;

  constructor(timeout: number, log: Logger) {
    this.expire = guarded(log, "websocket idle close", (connection: T) => connection.idle());
    if (timeout === Infinity) {
      this.limit = Infinity;
      return;
    }
    const interval = Math.max(5, Math.min(5000, Math.floor(timeout / 4)));
    this.limit = Math.ceil(timeout / interval);
    this.timer = setInterval(
      guarded(log, "websocket idle sweep", () => this.sweep()),
      interval,
    );
    this.timer.unref();
  }

  add(connection: T): void {
    this.tracked.add(connection);
  }

  delete(connection: T): void {
    this.tracked.delete(connection);
  }

  /** Connections being tracked. */
  get size(): number {
    return this.tracked.size;
  }

  /** Every tracked connection, for shutdown. */
  all(): T[] {
    return [...this.tracked];
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
  }

  private sweep(): void {
    const limit = this.limit;
    for (const connection of this.tracked) {
      if (++connection.idleSweeps > limit) this.expire(connection);
    }
  }
}
