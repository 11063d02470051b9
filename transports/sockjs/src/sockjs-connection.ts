import {
  CloseCode,
  SlowConsumerWatch,
  guarded,
  truncateCloseReason,
  type ConnectRequest,
  type ConnectionPort,
  type ConnectionSink,
  type Frame,
  type TransportHost,
} from "@fawkes/core";
import { OPEN_ACK, SockJSCloseCode, refusalCloseCode } from "./protocol.js";
import { wireCloseCode } from "./close-codes.js";
import type { OutboundMeter } from "./outbound-meter.js";
import type { ResolvedSockJSOptions } from "./options.js";
import type { SockJSConn } from "./sockjs-library.js";

type State = "awaiting-token" | "connecting" | "open" | "closed";

/**
 * Called once as a connection ends; `closeFramePending` when the server closed and no
 * client request carried the close frame yet; `messagesPending` when messages
 * also wait for the next request (a polling client then needs two more polls:
 * sockjs ends a polling response after one batch, before the close frame).
 */
export type ConnectionEnded = (connection: SockJSConnection, closeFramePending: boolean, messagesPending: boolean) => void;

/**
 * Bridges one SockJS session to one core connection, after the handshake in
 * `protocol.ts`: (optional) token message, the core's connect, then the ack or a
 * `4000 + status` close; then text messages both ways until either side ends.
 *
 * The session's `close` event comes when the client goes away or when the
 * session outlived `disconnectDelay` with no request attached; either way the
 * core learns it once, and the session's channels terminate.
 *
 * Nothing here lets an exception reach sockjs or the process: every listener
 * and timer is `guarded` (an exception ends this session with 1011), close
 * codes go through {@link wireCloseCode}, reasons through `truncateCloseReason`,
 * and a close decided while sockjs is delivering a message is carried out on
 * the next tick (see {@link SockJSConnection.end}).
 */
export class SockJSConnection {
  private state: State;
  private pending: string[] = [];
  private port: ConnectionPort | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Depth of `data` events being handled right now (sockjs is mid-delivery). */
  private dispatching = 0;
  /** The slow-consumer watch, only while the output is above the soft limit. */
  private watch: SlowConsumerWatch | undefined;

  constructor(
    private readonly conn: SockJSConn,
    private readonly request: Omit<ConnectRequest, "authToken">,
    wantsToken: boolean,
    private readonly host: TransportHost,
    private readonly options: ResolvedSockJSOptions,
    private readonly meter: OutboundMeter,
    private readonly ended: ConnectionEnded,
  ) {
    this.state = wantsToken ? "awaiting-token" : "connecting";
    conn.on(
      "data",
      this.guard("sockjs data", (message: unknown) => this.onData(message)),
    );
    conn.on(
      "close",
      this.guard("sockjs close", () => this.onSessionClosed()),
    );
    if (wantsToken) {
      this.timer = setTimeout(
        this.guard("sockjs auth timer", () => this.end(SockJSCloseCode.AuthTimeout, "ERR_AUTH_TIMEOUT: no auth token message")),
        options.authTimeout,
      );
      this.timer.unref();
    } else {
      void this.connect(undefined);
    }
  }

  /**
   * Close from the server side (endpoint closing, disconnect, idle, a bad
   * frame, a slow consumer). Idempotent. The core learns at once; the session
   * closes at once too, except while sockjs is delivering a message: its
   * framed-WebSocket receiver loops over every message of one SockJS frame
   * (`["a","b"]`) and dereferences its session again after each, which a close
   * in between has set to null (`TypeError ... reading 'didMessage'`). Deferred
   * to the next tick, the close leaves sockjs's loop intact and the later
   * messages of that frame reach only this (closed) connection, which drops them.
   */
  end(code: number, reason: string): void {
    if (this.state === "closed") return;
    this.state = "closed";
    this.stopTimer();
    this.watch?.stop();
    this.pending = [];
    const wire = wireCloseCode(code);
    const text = truncateCloseReason(reason);
    if (this.dispatching > 0) process.nextTick(this.guard("sockjs close", () => this.closeSession(wire, text)));
    else this.closeSession(wire, text);
    this.port?.closed({ code, reason });
  }

  private closeSession(wire: number, reason: string): void {
    const closeFramePending = !this.meter.attached();
    const messagesPending = closeFramePending && this.meter.queued() > 0;
    try {
      this.conn.close(wire, reason);
    } catch (cause) {
      // Never expected with a mapped code; if sockjs or faye throws anyway, the
      // session must not linger open and unserved.
      this.host.log.error("sockjs close failed; dropping the connection", { code: "ERR_TRANSPORT_CALLBACK", transport: this.host.name, cause });
      this.meter.destroy();
    }
    releaseSessionTimer(this.conn);
    this.ended(this, closeFramePending, messagesPending);
  }

  private onData(message: unknown): void {
    this.dispatching++;
    try {
      this.onMessage(message);
    } catch (cause) {
      // Caught here, not by the outer guard, so the close is still deferred.
      this.host.log.error("sockjs data failed", { code: "ERR_TRANSPORT_CALLBACK", transport: this.host.name, cause });
      this.end(CloseCode.InternalError, "ERR_INTERNAL: transport callback failed");
    } finally {
      this.dispatching--;
    }
  }

  private onMessage(message: unknown): void {
    if (this.state === "closed") return;
    // sockjs parses client JSON, so a hostile client can send numbers or objects.
    if (typeof message !== "string") {
      this.host.log.warn("closing sockjs session after a non-string message", { transport: this.host.name, peer: this.request.remoteAddress });
      this.end(CloseCode.InvalidPayload, "ERR_MALFORMED_FRAME");
      return;
    }
    switch (this.state) {
      case "awaiting-token":
        this.stopTimer();
        this.state = "connecting";
        void this.connect(message);
        return;
      case "connecting":
        if (this.pending.length >= this.options.maxPendingMessages) {
          this.end(CloseCode.PolicyViolation, "ERR_TOO_MANY_PENDING: too many messages before the connection opened");
          return;
        }
        this.pending.push(message);
        return;
      case "open":
        this.timer?.refresh();
        this.port!.receive({ opcode: "text", data: message });
        return;
    }
  }

  private async connect(authToken: string | undefined): Promise<void> {
    try {
      await this.open(authToken);
    } catch (cause) {
      this.host.log.error("sockjs connection failed", { code: "ERR_TRANSPORT_CALLBACK", transport: this.host.name, cause });
      this.end(CloseCode.InternalError, "ERR_INTERNAL: connection failed");
    }
  }

  private async open(authToken: string | undefined): Promise<void> {
    let decision: Awaited<ReturnType<TransportHost["connect"]>>;
    try {
      decision = await this.host.connect({ ...this.request, authToken });
    } catch (cause) {
      this.host.log.error("sockjs connect failed", { transport: this.host.name, cause });
      this.end(refusalCloseCode(500), "ERR_CONNECT_CRASHED: connect failed");
      return;
    }
    if (this.isClosed()) return;
    if (!decision.ok) {
      this.end(refusalCloseCode(decision.status), `${decision.code}: ${decision.reason}`);
      return;
    }
    this.state = "open";
    this.conn.write(OPEN_ACK);
    const sink: ConnectionSink = {
      send: (frame) => this.write(frame),
      close: (code, reason) => this.end(code, reason),
    };
    this.port = decision.open(sink);
    this.timer = setTimeout(
      this.guard("sockjs idle timer", () => this.end(CloseCode.GoingAway, "idle timeout")),
      this.options.timeout,
    );
    this.timer.unref();
    const queued = this.pending;
    this.pending = [];
    for (const message of queued) {
      if (this.isClosed()) return;
      this.port.receive({ opcode: "text", data: message });
    }
  }

  private write(frame: Frame): void {
    if (this.state !== "open") return;
    if (frame.opcode !== "text") {
      // SockJS carries text only. A binary frame (a binary payload under JSON V2)
      // is dropped rather than corrupted; the client never sees a broken frame.
      this.host.log.error("dropped a binary frame: sockjs carries text only", {
        code: "ERR_BINARY_UNSUPPORTED",
        transport: this.host.name,
        bytes: frame.data.byteLength,
      });
      return;
    }
    try {
      this.meter.wrote(frame.data.length);
      this.conn.write(frame.data);
    } catch (cause) {
      this.host.log.error("sockjs write failed", { code: "ERR_TRANSPORT_CALLBACK", transport: this.host.name, cause });
      this.end(CloseCode.InternalError, "ERR_INTERNAL: write failed");
      return;
    }
    this.watchOutput();
  }

  /**
   * Applies the core's slow-consumer policy after a write. Output seen below
   * the soft limit again (a poll or the socket took it) drops the watch, so a
   * later rise starts a fresh grace period: a reader that keeps up with bursts
   * is never cut off, one that stays behind for the grace period is.
   */
  private watchOutput(): void {
    const limits = this.options.backpressure;
    if (this.meter.queued() <= limits.maxBufferedBytes) {
      this.watch?.stop();
      this.watch = undefined;
      return;
    }
    (this.watch ??= new SlowConsumerWatch(
      limits,
      () => this.meter.queued(),
      () => this.cutOff(),
    )).check();
  }

  /** The slow-consumer policy fired: close, and free the buffers if the client still takes nothing. */
  private cutOff(): void {
    const queued = this.meter.queued();
    this.host.log.warn("closing a sockjs session that stopped reading", {
      code: "ERR_SLOW_CONSUMER",
      transport: this.host.name,
      peer: this.request.remoteAddress,
      queued,
    });
    this.end(CloseCode.PolicyViolation, "ERR_SLOW_CONSUMER");
    // The close frame queues behind what the client never read; give it the
    // grace period to leave, then drop the connection and its buffers.
    const release = setTimeout(
      this.guard("sockjs slow-consumer release", () => {
        if (this.meter.queued() > 0) this.meter.destroy();
      }),
      this.options.backpressure.slowConsumerGraceMs,
    );
    release.unref();
  }

  private onSessionClosed(): void {
    if (this.state === "closed") return;
    this.state = "closed";
    this.stopTimer();
    this.watch?.stop();
    this.pending = [];
    this.port?.closed({ code: undefined, reason: "sockjs session closed" });
    this.ended(this, false, false);
  }

  /** `fn` guarded: an exception is logged and ends this session with 1011. */
  private guard<A extends unknown[]>(what: string, fn: (...args: A) => void): (...args: A) => void {
    return guarded(this.host.log, what, fn, () => this.end(CloseCode.InternalError, "ERR_INTERNAL: transport callback failed"));
  }

  private isClosed(): boolean {
    return this.state === "closed";
  }

  private stopTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * After a server-side close, sockjs keeps the session for `disconnect_delay` so
 * a late poll still reads the close frame. That timer must not keep the process
 * alive once the endpoint has closed; sockjs offers no API for it, so reach for
 * it defensively (a different sockjs version simply keeps its timer).
 */
function releaseSessionTimer(conn: SockJSConn): void {
  const session = (conn as unknown as { _session?: { to_tref?: { unref?: () => void } | null } })._session;
  session?.to_tref?.unref?.();
}
