import type { Logger } from "@fawkes/core";
import type { Redis } from "ioredis";

/**
 * Logs the life of one connection without repeating itself: the first error
 * of an outage as a warning (ioredis reports one per reconnection attempt), the
 * loss of a ready connection, the return, and a connection that gave up for
 * good. Keeps the last error for `start()` to cite.
 */
export class ConnectionWatch {
  lastError: Error | undefined;
  private reported = false;
  private wasReady = false;
  private closing = false;
  private starting = true;

  constructor(
    client: Redis,
    role: "subscriber" | "publisher",
    private readonly log: Logger,
  ) {
    // Without an "error" listener ioredis prints every failed attempt itself.
    client.on("error", (error: Error) => {
      this.lastError = error;
      if (this.closing) return;
      // While starting, the rejection of start() reports the error.
      if (!this.reported && !this.starting) this.log.warn(`Redis ${role} connection error; retrying`, { cause: error });
      else this.log.debug(`Redis ${role} connection error`, { cause: error });
      this.reported = true;
    });
    client.on("close", () => {
      if (this.closing || !this.wasReady) return;
      this.wasReady = false;
      this.reported = true;
      this.log.warn(`lost the Redis ${role} connection; reconnecting (broadcasts between nodes are lost meanwhile)`);
    });
    client.on("ready", () => {
      if (this.reported && !this.closing) this.log.info(`Redis ${role} connection is back`);
      this.wasReady = true;
      this.reported = false;
    });
    client.on("end", () => {
      if (!this.closing) this.log.error(`the Redis ${role} connection ended and will not reconnect (retryStrategy gave up); broadcasts no longer cross nodes`);
    });
  }

  /** The adapter has started: report outages from now on. */
  started(): void {
    this.starting = false;
  }

  /** From now on the connection is being closed on purpose: say nothing more. */
  quiet(): void {
    this.closing = true;
  }
}
