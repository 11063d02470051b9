/**
 * The client-driver contract: how the conformance transport suite (and your own
 * tests) open real client connections. Every transport package exports a driver
 * from its `testing` subpath (`@fawkes/websocket/testing`). The contract lives in
 * core so a transport package can type its driver without depending on
 * `@fawkes/conformance` (which depends on the transports).
 */
import type { Frame } from "./serializer.js";

/** One open client connection. */
export interface ClientConnection {
  /** Send one frame to the server, in order. */
  send(frame: Frame): void;
  /** The next frame from the server, in arrival order; rejects with an Error after `timeoutMs` (default 2000). */
  receive(timeoutMs?: number): Promise<Frame>;
  /** Resolves once the connection has ended (either side); `code` is the close code where the transport has one. */
  readonly closed: Promise<{ code: number | undefined; reason: string }>;
  /** Close from the client side; resolves once closed. */
  close(): Promise<void>;
  /**
   * Optional (declare it in {@link ClientDriverSupports.sendBatch}): send `frames`
   * so that they reach the server in one read: one TCP write holding several
   * WebSocket frames, one SockJS frame `["a","b"]`, one ndjson POST, several lines
   * in one write. Must not be mixed with `send` calls still in flight.
   */
  sendBatch?(frames: readonly Frame[]): void;
  /**
   * Optional (declare it in {@link ClientDriverSupports.pauseReading}): stop
   * taking data from the server, as a client that stopped reading does (the
   * socket is no longer read; a polling client stops polling), so the server's
   * output queues up. Frames already received stay receivable.
   */
  pauseReading?(): void;
  /** Take data from the server again after {@link ClientConnection.pauseReading}. */
  resumeReading?(): void;
}

/**
 * What a driver's connections can do beyond the required methods. The
 * conformance suite reads this when it registers its cases: a case that needs a
 * capability the driver does not declare is registered as skipped, with the
 * reason in its title. A declared capability must be implemented by every
 * connection the driver opens.
 */
export interface ClientDriverSupports {
  /**
   * Connections implement `sendBatch`: true for every serializer, or a predicate
   * on the `vsn` for drivers that can batch only some serializers' frames
   * (LongPoll's ndjson carries V2 text and binary frames, not V1 objects).
   */
  readonly sendBatch?: boolean | ((vsn: string) => boolean);
  /** Connections implement `pauseReading` and `resumeReading`. */
  readonly pauseReading?: boolean;
}

/** The outcome of a connection attempt: open, or refused with an HTTP status. */
export type ClientConnectOutcome = { ok: true; connection: ClientConnection } | { ok: false; status: number };

/** What a connection attempt is given. */
export interface ClientConnectOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:4100`. */
  url: string;
  /** `<mount>/<transport name>`, e.g. `/socket/websocket`. */
  path: string;
  /** Query parameters, `vsn` included. */
  params: Record<string, string>;
  authToken?: string;
  /** Extra request headers, e.g. `{ origin: "http://evil.example" }`. */
  headers?: Record<string, string>;
}

/** Opens client connections for one transport. */
export interface ClientDriver {
  connect(options: ClientConnectOptions): Promise<ClientConnectOutcome>;
  /** Optional connection capabilities this driver implements. Default: none. */
  readonly supports?: ClientDriverSupports;
}

/**
 * The inbound side of a {@link ClientConnection}: frames queue in arrival order
 * and `receive` takes the next one, waiting up to a timeout. A driver calls
 * `push` for each frame from the server and `end` once the connection is gone.
 */
export class FrameInbox {
  private readonly frames: Frame[] = [];
  private readonly waiters: { resolve(frame: Frame): void; reject(error: Error): void }[] = [];
  private endedWith: string | undefined;

  /** True once `end` was called. */
  get ended(): boolean {
    return this.endedWith !== undefined;
  }

  push(frame: Frame): void {
    const waiter = this.waiters.shift();
    if (waiter !== undefined) waiter.resolve(frame);
    else this.frames.push(frame);
  }

  /** No more frames: pending and later `receive`s reject once the queue is empty. */
  end(why = "connection closed"): void {
    if (this.endedWith !== undefined) return;
    this.endedWith = why;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error(why));
  }

  /** The next frame; rejects after `timeoutMs`, or at once when ended with nothing queued. */
  receive(timeoutMs = 2000): Promise<Frame> {
    const next = this.frames.shift();
    if (next !== undefined) return Promise.resolve(next);
    if (this.endedWith !== undefined) return Promise.reject(new Error(this.endedWith));
    return new Promise<Frame>((resolve, reject) => {
      const waiter = {
        resolve: (frame: Frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
        reject: (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i !== -1) this.waiters.splice(i, 1);
        reject(new Error(`no frame within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }
}
