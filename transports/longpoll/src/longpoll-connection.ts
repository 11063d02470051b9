import { CloseCode, SlowConsumerWatch, guarded, type Backpressure, type ConnectionPort, type ConnectionSink, type Frame, type Logger } from "@fawkes/core";

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
  /** Hard bound on the number of buffered messages. */
  readonly maxBufferedMessages: number;
  /** Core's slow-consumer policy, applied to the buffered bytes. */
  readonly backpressure: Backpressure;
}

/** The least a poll answer may carry, in bytes of messages (more if a single message is bigger). */
export const MIN_POLL_ANSWER_BYTES = 1024 * 1024;

/**
 * Bytes of messages one poll takes: `max(1 MiB, maxBufferedBytes / 4)`, and at
 * least one message. From the hard ceiling (4 x the soft limit) a client is
 * back under the soft limit within a dozen polls.
 */
export function pollAnswerBytes(limits: Backpressure): number {
  return Math.max(MIN_POLL_ANSWER_BYTES, Math.floor(limits.maxBufferedBytes / 4));
}

/**
 * One LongPoll connection: the core's sink for it and the buffer of messages
 * waiting for the client's next poll.
 *
 * Messages are only removed from the buffer when a poll takes them, so nothing
 * is dropped between polls. A poll takes at most {@link pollAnswerBytes}; the
 * rest waits for the next one. The buffer follows core's slow-consumer policy:
 * the session ends (1008, `ERR_SLOW_CONSUMER`) when its buffered bytes stay
 * above `maxBufferedBytes` for `slowConsumerGraceMs` with no poll taking them
 * below, or pass `hardMaxBufferedBytes`, or the message count reaches
 * `maxBufferedMessages`. A session that sees no poll for 1.5 windows ends too.
 */
export class LongPollConnection implements ConnectionSink {
  private port: ConnectionPort | undefined;
  private buffer: string[] = [];
  /** UTF-8 size of each buffered message, in step with `buffer`. */
  private sizes: number[] = [];
  private bufferedBytes = 0;
  /** Exists from the first time the buffer went above the soft limit until a poll takes it below. */
  private watch: SlowConsumerWatch | undefined;
  /** Past a hard bound: buffer nothing more while the end (next tick) is pending. */
  private stalled = false;
  private readonly pollBytes: number;
  private readonly flush: () => void;
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
    private readonly onEnd: (session: LongPollConnection) => void,
  ) {
    this.pollBytes = pollAnswerBytes(limits.backpressure);
    this.flush = guarded(
      log,
      "longpoll flush",
      () => {
        this.flushScheduled = false;
        if (this.waiter !== undefined && this.buffer.length > 0) this.handOver(this.waiter);
      },
      () => this.end(CloseCode.InternalError, "ERR_TRANSPORT_CALLBACK"),
    );
    this.expiry = this.scheduleExpiry(Math.ceil(limits.window * 1.5));
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Messages buffered right now (for tests and metrics). */
  get bufferedCount(): number {
    return this.buffer.length;
  }

  /** Bytes (UTF-8) buffered right now (for tests and metrics). */
  get bufferedByteCount(): number {
    return this.bufferedBytes;
  }

  /** Connect the core's port. Call once, right after `accepted.open(session)`. */
  bind(port: ConnectionPort): void {
    this.port = port;
    if (this.endInfo !== undefined) port.closed(this.endInfo);
  }

  // ConnectionSink

  send(frame: Frame): void {
    if (this.ended || this.stalled) return;
    if (frame.opcode !== "text") {
      // The official client reads every poll message as text: a binary frame has no way there.
      if (!this.warnedBinary) this.log.warn("longpoll cannot carry binary frames to the client; dropped", { code: "ERR_BINARY_UNSUPPORTED", session: this.id });
      this.warnedBinary = true;
      return;
    }
    if (this.buffer.length >= this.limits.maxBufferedMessages) {
      // Deferred like the watch's cut-off: we may be inside a broadcast fan-out.
      this.stalled = true;
      process.nextTick(guarded(this.log, "longpoll cut-off", () => this.slowConsumer()));
      return;
    }
    const bytes = Buffer.byteLength(frame.data);
    this.buffer.push(frame.data);
    this.sizes.push(bytes);
    this.bufferedBytes += bytes;
    const limits = this.limits.backpressure;
    if (this.bufferedBytes > limits.maxBufferedBytes) {
      (this.watch ??= new SlowConsumerWatch(
        limits,
        () => this.bufferedBytes,
        () => this.slowConsumer(),
      )).check();
      if (this.bufferedBytes > limits.hardMaxBufferedBytes) this.stalled = true;
    }
    if (this.waiter !== undefined && !this.flushScheduled) {
      // Collect everything sent in this turn of the event loop into one answer.
      this.flushScheduled = true;
      setImmediate(this.flush);
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
    if (this.ended) {
      waiter.release(410);
      return;
    }
    if (this.buffer.length > 0) {
      this.handOver(waiter);
      return;
    }
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
    this.watch?.stop();
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
    this.sizes = [];
    this.bufferedBytes = 0;
    this.port?.closed(this.endInfo);
  }

  private slowConsumer(): void {
    if (this.ended) return;
    const fields = { code: "ERR_SLOW_CONSUMER", session: this.id, messages: this.buffer.length, bytes: this.bufferedBytes };
    this.end(CloseCode.PolicyViolation, "ERR_SLOW_CONSUMER"); // first: a throwing logger must not keep it alive
    this.log.warn("longpoll session stayed behind; ended it", fields);
  }

  private handOver(waiter: PollWaiter): void {
    if (this.waiter === waiter) this.waiter = undefined;
    this.lastPoll = Date.now();
    waiter.deliver(this.takeBuffer());
  }

  /** The oldest messages, up to {@link pollBytes} (at least one). */
  private takeBuffer(): string[] {
    let messages: string[];
    if (this.bufferedBytes <= this.pollBytes) {
      messages = this.buffer;
      this.buffer = [];
      this.sizes = [];
      this.bufferedBytes = 0;
    } else {
      let count = 1;
      let bytes = this.sizes[0]!;
      while (count < this.sizes.length && bytes + this.sizes[count]! <= this.pollBytes) bytes += this.sizes[count++]!;
      messages = this.buffer.splice(0, count);
      this.sizes.splice(0, count);
      this.bufferedBytes -= bytes;
    }
    if (this.watch !== undefined && this.bufferedBytes <= this.limits.backpressure.maxBufferedBytes) {
      // A poll took it below the soft limit: a later rise starts a fresh grace period.
      this.watch.stop();
      this.watch = undefined;
    }
    return messages;
  }

  private scheduleExpiry(delay: number): NodeJS.Timeout {
    const timer = setTimeout(
      guarded(
        this.log,
        "longpoll session expiry",
        () => this.checkExpiry(),
        () => this.end(CloseCode.InternalError, "ERR_TRANSPORT_CALLBACK"),
      ),
      delay,
    );
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
