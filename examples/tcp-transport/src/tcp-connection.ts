import type { Socket } from "node:net";
import {
  CloseCode,
  SlowConsumerWatch,
  connectRequestFrom,
  guarded,
  parseParams,
  truncateCloseReason,
  type ConnectDecision,
  type ConnectRequest,
  type ConnectionPort,
  type ConnectionSink,
  type Frame,
  type TransportHost,
} from "@fawkes/core";
import { LINE_TOO_LONG, LineSplitter } from "./line-splitter.js";
import type { ResolvedTcpOptions } from "./options.js";
import { WireCloseCode, decodeHandshake, decodeLine, encodeClose, type Handshake, type HandshakeAnswer } from "./wire-format.js";

/** What one connection shares with its transport instance. */
export interface ConnectionContext {
  readonly host: TransportHost;
  readonly options: ResolvedTcpOptions;
  /** The line for a frame; cached per frame object, since broadcast frames are shared. */
  wire(frame: Frame): string;
  /** True once the transport is closing: refuse new handshakes. */
  isClosing(): boolean;
  /** The socket closed: stop tracking it. */
  forget(connection: TcpConnection): void;
}

/**
 * How long a closing side waits for the peer to take its close line and end its
 * half before cutting the socket. Generous, because the close line of a slow
 * consumer sits behind everything it did not read (bounded by
 * `hardMaxBufferedBytes`); cutting sooner would lose it (the client sees 1006).
 */
const CLOSE_GRACE_MS = 5000;

/**
 * One client socket, from its handshake line to its end. It makes the three
 * calls of the core's transport contract: `host.connect` for the handshake,
 * `accepted.open(this)` once accepted (this object is the core's sink), and
 * `port.closed` exactly once when the socket is gone, whoever closed it.
 */
export class TcpConnection implements ConnectionSink {
  private state: "handshake" | "deciding" | "open" | "closing" | "closed" = "handshake";
  private readonly lines: LineSplitter;
  private port: ConnectionPort | undefined;
  /** The close line sent or received: what `port.closed` reports. */
  private ending: { code: number; reason: string } | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  /** When the client last sent anything (ms, `Date.now()`). */
  private lastInbound = Date.now();
  private readonly watch: SlowConsumerWatch;
  private reported = false;

  constructor(
    private readonly socket: Socket,
    private readonly context: ConnectionContext,
  ) {
    this.lines = new LineSplitter(context.options.maxLineBytes);
    this.watch = new SlowConsumerWatch(
      context.options.backpressure,
      () => socket.writableLength,
      () => this.closeFromServer(CloseCode.PolicyViolation, "ERR_SLOW_CONSUMER"),
    );
    socket.setNoDelay(true);
    const log = context.host.log;
    // Every listener is guarded: whatever a bug throws in one ends this socket, never the process.
    const cut = (): void => {
      socket.destroy();
    };
    socket.on(
      "data",
      guarded(
        log,
        "tcp data",
        (chunk: Buffer) => {
          this.lastInbound = Date.now();
          if (this.state === "closing" || this.state === "closed") return; // nothing more is read once closing
          this.lines.push(chunk);
          this.read();
        },
        cut,
      ),
    );
    // A reset is reported by "close"; an unhandled "error" would crash the process.
    socket.on("error", () => {});
    socket.on(
      "close",
      guarded(log, "tcp close", () => this.closed()),
    );
    this.armIdle(context.options.timeout);
  }

  /** True until the handshake is answered: `close()` of the transport drops these at once. */
  get handshaking(): boolean {
    return this.state === "handshake" || this.state === "deciding";
  }

  // ConnectionSink: how the core writes to this client.

  send(frame: Frame): void {
    if (this.state !== "open") return;
    this.socket.write(this.context.wire(frame));
    this.watch.check(); // never closes synchronously: we may be inside a broadcast fan-out
  }

  close(code: number, reason: string): void {
    if (this.state !== "open") return;
    this.ending = { code, reason: truncateCloseReason(reason) };
    this.watch.stop();
    this.socket.end(encodeClose(code, this.ending.reason));
    this.endGracefully();
  }

  /** Cut the socket now (transport shutdown). */
  destroy(): void {
    this.socket.destroy();
  }

  // Reading: one line at a time, so reading can pause while the core decides.

  private read(): void {
    while (this.state === "handshake" || this.state === "open") {
      const line = this.lines.next();
      if (line === undefined) return;
      if (line === LINE_TOO_LONG) {
        if (this.state === "open") this.closeFromServer(CloseCode.TooBig, "line too long");
        else this.answer({ ok: false, status: 400, code: "ERR_LINE_TOO_LONG", reason: "handshake line too long" });
        return;
      }
      if (this.state === "handshake") this.handshake(line);
      else this.frameLine(line);
    }
  }

  private frameLine(bytes: Buffer): void {
    const line = decodeLine(bytes);
    if (line.kind === "frame")
      this.port!.receive(line.frame); // in order: one line at a time
    else if (line.kind === "invalid") {
      this.context.host.log.debug("closing tcp connection after a malformed line", { transport: this.context.host.name, problem: line.problem });
      this.closeFromServer(line.code, line.problem);
    } else {
      // The client closed: end our half too, no echo; report its code.
      this.ending = { code: line.code, reason: line.reason };
      this.socket.end();
      this.endGracefully();
    }
  }

  private handshake(bytes: Buffer): void {
    this.state = "deciding";
    this.socket.pause(); // lines after the handshake wait in the socket until we open
    this.decide(bytes).catch((cause: unknown) => {
      this.context.host.log.error("tcp handshake failed", { transport: this.context.host.name, cause });
      this.answer({ ok: false, status: 500, code: "ERR_INTERNAL", reason: "internal error" });
    });
  }

  private async decide(bytes: Buffer): Promise<void> {
    const { host } = this.context;
    const handshake = decodeHandshake(bytes);
    if ("problem" in handshake) return this.answer({ ok: false, status: 400, code: "ERR_BAD_HANDSHAKE", reason: handshake.problem });
    if (handshake.path !== host.path) return this.answer({ ok: false, status: 404, code: "ERR_UNKNOWN_PATH", reason: `this listener serves ${host.path}` });
    if (this.context.isClosing()) return this.answer({ ok: false, status: 503, code: "ERR_CLOSING", reason: "server closing" });
    // Call 1: the core checks origin, picks the serializer by vsn and runs the user's connect.
    const decision: ConnectDecision = await host.connect(this.request(handshake));
    if (this.state !== "deciding") return; // the client left while the core decided
    if (!decision.ok) return this.answer({ ok: false, status: decision.status, code: decision.code, reason: decision.reason });
    this.answer({ ok: true });
    try {
      // Call 2: after our handshake is done, hand the core its sink; get the port to feed.
      this.port = decision.open(this);
    } catch (cause) {
      host.log.error("the core failed to open a connection", { transport: host.name, cause });
      this.socket.destroy();
      return;
    }
    this.socket.resume();
    this.read(); // lines that arrived right behind the handshake
  }

  private request(handshake: Handshake): ConnectRequest {
    const query = new URLSearchParams(Object.entries(handshake.params)).toString();
    const headers: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [name, value] of Object.entries(handshake.headers ?? {})) headers[name.toLowerCase()] = value;
    const url = query === "" ? handshake.path : `${handshake.path}?${query}`;
    // The params come from the handshake object, not from `url` (a path may itself hold a `?`).
    return connectRequestFrom({ url, headers, socket: this.socket }, { params: parseParams(query), authToken: handshake.authToken });
  }

  private answer(answer: HandshakeAnswer): void {
    if (this.state !== "handshake" && this.state !== "deciding") return;
    if (answer.ok) {
      this.state = "open";
      this.socket.write(`${JSON.stringify(answer)}\n`);
      return;
    }
    this.state = "closing";
    this.socket.end(`${JSON.stringify(answer)}\n`);
    this.endGracefully();
  }

  /**
   * A close this transport decides (idle, a bad line, a slow consumer): tell the
   * core now, not when the socket is finally gone, so its channels stop sending.
   */
  private closeFromServer(code: number, reason: string): void {
    if (this.state !== "open") return;
    this.close(code, reason);
    this.report();
  }

  /** The idle timer: one per connection, re-armed for what is left since the last inbound chunk. */
  private armIdle(timeout: number): void {
    if (timeout === Infinity) return;
    const left = Math.max(1, this.lastInbound + timeout - Date.now());
    this.idleTimer = setTimeout(
      guarded(this.context.host.log, "tcp idle timer", () => {
        if (this.state === "closing" || this.state === "closed") return;
        if (Date.now() - this.lastInbound < timeout) return this.armIdle(timeout);
        if (this.state === "open") this.closeFromServer(CloseCode.GoingAway, "idle timeout");
        else this.socket.destroy(); // never finished its handshake
      }),
      left,
    ).unref();
  }

  /** Our half is ended: keep reading (and dropping) until the peer's end, or cut it after a grace. */
  private endGracefully(): void {
    this.state = "closing";
    clearTimeout(this.idleTimer);
    this.socket.resume();
    this.graceTimer ??= setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  private closed(): void {
    this.state = "closed";
    clearTimeout(this.graceTimer);
    clearTimeout(this.idleTimer);
    this.watch.stop();
    this.context.forget(this);
    this.report();
  }

  /** Call 3: exactly once, whoever closed. */
  private report(): void {
    if (this.reported || this.port === undefined) return;
    this.reported = true;
    this.port.closed(this.ending ?? { code: WireCloseCode.Abnormal, reason: "connection lost" });
  }
}
