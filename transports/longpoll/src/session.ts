import { CloseCode, type ConnectionPort, type ConnectionSink, type Frame, type Logger } from "@fawkes/core";

/**
 * Someone waiting for a session's messages: an HTTP poll on this node, or a poll
 * relayed from another node. Exactly one of its methods is called, at most once.
 */
export interface PollWaiter {
  /** Messages are ready; the session has already removed them from its buffer. */
  deliver(messages: string[]): void;
  /** No messages: a newer poll replaced this one (204), or the session ended (410). */
  release(status: 204 | 410): void;
}

/** Limits a session enforces. */
export interface SessionLimits {
  readonly window: number;
  readonly maxBufferedMessages: number;
  readonly maxBufferedBytes: number;
}

/**
 * One LongPoll connection: the core's sink for it and the buffer of messages
 * waiting for the client's next poll.
 *
 * Messages are only removed from the buffer when a poll takes them, so nothing
 * is dropped between polls; the buffer is capped, and a session that passes
 * the cap, or sees no poll for 1.5 windows, ends.
 */
export class LongPollSession implements ConnectionSink {
  private port: ConnectionPort | undefined;
  private buffer: string[] = [];
  private bufferedBytes = 0;
  private waiter: PollWaiter | undefined;
  private waiterIsLocal = false;
  private flushScheduled = false;
  private lastPoll = Date.now();
  private expiry: NodeJS.Timeout;
  private ended = false;
  private endInfo: { code: number | undefined; reason: string } | undefined;
  private warnedBinary = false;

  constructor(
    readonly id: string,
    readonly token: string,
    private readonly limits: SessionLimits,
    private readonly log: Logger,
    private readonly onEnd: (session: LongPollSession) => void,
  ) {
    this.expiry = this.scheduleExpiry(Math.ceil(limits.window * 1.5));
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Messages buffered right now (for tests and metrics). */
  get bufferedCount(): number {
    return this.buffer.length;
  }

  /** Connect the core's port. Call once, right after `accepted.open(session)`. */
  bind(port: ConnectionPort): void {
    this.port = port;
    if (this.endInfo !== undefined) port.closed(this.endInfo);
  }

  // ConnectionSink

  send(frame: Frame): void {
    if (this.ended) return;
    if (frame.opcode !== "text") {
      // The official client reads every poll message as text: a binary frame has no way there.
      if (!this.warnedBinary) this.log.warn("longpoll cannot carry binary frames to the client; dropped", { code: "ERR_BINARY_UNSUPPORTED", session: this.id });
      this.warnedBinary = true;
      return;
    }
    const bytes = Buffer.byteLength(frame.data);
    if (this.buffer.length >= this.limits.maxBufferedMessages || this.bufferedBytes + bytes > this.limits.maxBufferedBytes) {
      this.log.warn("longpoll session buffer full; ending the session", { code: "ERR_BUFFER_FULL", session: this.id, messages: this.buffer.length });
      this.end(CloseCode.PolicyViolation, "ERR_BUFFER_FULL");
      return;
    }
    this.buffer.push(frame.data);
    this.bufferedBytes += bytes;
    if (this.waiter !== undefined && !this.flushScheduled) {
      // Collect everything sent in this turn of the event loop into one answer.
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        if (this.waiter !== undefined && this.buffer.length > 0) this.handOver(this.waiter);
      });
    }
  }

  close(code: number, reason: string): void {
    this.end(code, reason);
  }

  // Requests from the client

  /** Hand inbound frames to the core, in order. Returns false when the session has ended. */
  dispatch(frames: readonly Frame[]): boolean {
    if (this.ended) return false;
    for (const frame of frames) {
      if (this.ended) break;
      this.port?.receive(frame);
    }
    return true;
  }

  /**
   * A poll: `waiter` gets the buffered messages now, or when some arrive, or is
   * released. A waiter already registered is released with 204. `local` waiters
   * (an HTTP request held on this node) keep the session alive while they wait.
   */
  poll(waiter: PollWaiter, local: boolean): void {
    this.lastPoll = Date.now();
    if (this.ended) { waiter.release(410); return; }
    if (this.buffer.length > 0) { this.handOver(waiter); return; }
    const previous = this.waiter;
    this.waiter = waiter;
    this.waiterIsLocal = local;
    previous?.release(204);
  }

  /** Withdraw `waiter` (its window ran out or its client left). True if it was still waiting. */
  cancel(waiter: PollWaiter): boolean {
    this.lastPoll = Date.now();
    if (this.waiter !== waiter) return false;
    this.waiter = undefined;
    return true;
  }

  /** End the session: the core learns it closed, a waiting poll is answered. Idempotent. */
  end(code: number | undefined, reason: string): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.expiry);
    this.endInfo = { code, reason };
    this.onEnd(this);
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter !== undefined) {
      // Last words (a phx_close, say) still reach a poll that is waiting right now.
      if (this.buffer.length > 0) waiter.deliver(this.takeBuffer());
      else waiter.release(410);
    }
    this.buffer = [];
    this.bufferedBytes = 0;
    this.port?.closed(this.endInfo);
  }

  private handOver(waiter: PollWaiter): void {
    if (this.waiter === waiter) this.waiter = undefined;
    this.lastPoll = Date.now();
    waiter.deliver(this.takeBuffer());
  }

  private takeBuffer(): string[] {
    const messages = this.buffer;
    this.buffer = [];
    this.bufferedBytes = 0;
    return messages;
  }

  private scheduleExpiry(delay: number): NodeJS.Timeout {
    const timer = setTimeout(() => this.checkExpiry(), delay);
    timer.unref();
    return timer;
  }

  private checkExpiry(): void {
    const limit = Math.ceil(this.limits.window * 1.5);
    const idle = Date.now() - this.lastPoll;
    if (this.waiter !== undefined && this.waiterIsLocal) {
      this.expiry = this.scheduleExpiry(limit);
    } else if (idle >= limit) {
      this.log.debug("longpoll session expired", { session: this.id });
      this.end(CloseCode.GoingAway, "poll timeout");
    } else {
      this.expiry = this.scheduleExpiry(limit - idle);
    }
  }
}
