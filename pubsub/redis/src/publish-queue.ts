import type { Logger } from "@fawkes/core";
import type { Redis } from "ioredis";

interface Pending {
  readonly channel: string;
  readonly envelope: Buffer;
}

/**
 * Publishes envelopes on the publishing connection, in order. While that
 * connection is not ready, envelopes wait in a queue of at most `limit` entries
 * and are sent once it is ready again; past the limit they are dropped. (The
 * connection itself runs with ioredis' offline queue off, so nothing else
 * buffers without bound.) A publish that fails on the wire, e.g. because the
 * connection dropped while it was in flight, is lost. Drops and losses are
 * logged once per outage, and counted when the connection is back.
 */
export class PublishQueue {
  private queue: Pending[] = [];
  private head = 0;
  private dropped = 0;
  private lost = 0;
  private closed = false;

  constructor(
    private readonly client: Redis,
    private readonly limit: number,
    private readonly log: Logger,
  ) {
    client.on("ready", () => this.flush());
  }

  /** Number of envelopes waiting for the connection. */
  get size(): number {
    return this.queue.length - this.head;
  }

  /** Publish `envelope` on `channel` now, or once the connection is ready. Never throws. */
  send(channel: string, envelope: Buffer): void {
    if (this.closed) return;
    if (this.size === 0 && this.client.status === "ready") {
      this.write(channel, envelope);
      return;
    }
    if (this.size >= this.limit) {
      if (this.dropped++ === 0) {
        this.log.warn("Redis is not reachable and the publish queue is full: dropping broadcasts until it is back", { queueLimit: this.limit });
      }
      return;
    }
    this.queue.push({ channel, envelope });
  }

  /** Forget everything queued and publish nothing more. */
  close(): void {
    this.closed = true;
    this.queue = [];
    this.head = 0;
  }

  private flush(): void {
    if (this.dropped > 0 || this.lost > 0) {
      this.log.warn("Redis is back; broadcasts were lost while it was not", { dropped: this.dropped, failed: this.lost });
      this.dropped = 0;
      this.lost = 0;
    }
    // ioredis marks the connection ready a tick before it says so: everything
    // published in between was queued behind these, so order holds.
    while (this.size > 0 && this.client.status === "ready") {
      const next = this.queue[this.head++]!;
      this.write(next.channel, next.envelope);
    }
    if (this.size === 0) {
      this.queue = [];
      this.head = 0;
    }
  }

  private write(channel: string, envelope: Buffer): void {
    this.client.publish(channel, envelope).catch((cause: unknown) => {
      if (this.closed) return;
      if (this.lost++ === 0) this.log.warn("a broadcast could not be published to Redis", { channel, cause });
    });
  }
}
