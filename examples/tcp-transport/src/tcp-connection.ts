import type { Socket } from "node:net";
import {
  CloseCode, parseParams,
  type ConnectDecision, type ConnectRequest, type ConnectionPort, type ConnectionSink, type Frame, type TransportHost,
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

/** How long a closing side waits for the peer to end its half before cutting the socket. */
const CLOSE_GRACE_MS = 1000;

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

  constructor(private readonly socket: Socket, private readonly context: ConnectionContext) {
    this.lines = new LineSplitter(context.options.maxLineBytes);
    socket.setNoDelay(true);
    if (context.options.timeout !== Infinity) socket.setTimeout(context.options.timeout);
    socket.on("data", (chunk: Buffer) => {
      if (this.state === "closing" || this.state === "closed") return; // nothing more is read once closing
      this.lines.push(chunk);
      this.read();
    });
    socket.on("timeout", () => (this.state === "open" ? this.close(CloseCode.GoingAway, "idle timeout") : socket.destroy()));
    // A reset is reported by "close"; an unhandled "error" would crash the process.
    socket.on("error", () => {});
    socket.on("close", () => this.closed());
  }

  /** True until the handshake is answered: `close()` of the transport drops these at once. */
  get handshaking(): boolean {
    return this.state === "handshake" || this.state === "deciding";
  }

  // ConnectionSink: how the core writes to this client.

  send(frame: Frame): void {
    if (this.state !== "open") return;
    this.socket.write(this.context.wire(frame));
    if (this.socket.writableLength > this.context.options.maxBufferedBytes) this.close(CloseCode.PolicyViolation, "ERR_SLOW_CONSUMER");
  }

  close(code: number, reason: string): void {
    if (this.state !== "open") return;
    this.ending = { code, reason };
    this.socket.end(encodeClose(code, reason));
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
        if (this.state === "open") this.close(CloseCode.TooBig, "line too long");
        else this.answer({ ok: false, status: 400, code: "ERR_LINE_TOO_LONG", reason: "handshake line too long" });
        return;
      }
      if (this.state === "handshake") this.handshake(line);
      else this.frameLine(line);
    }
  }

  private frameLine(bytes: Buffer): void {
    const line = decodeLine(bytes);
    if (line.kind === "frame") this.port!.receive(line.frame); // in order: one line at a time
    else if (line.kind === "invalid") {
      this.context.host.log.debug("closing tcp connection after a malformed line", { transport: this.context.host.name, problem: line.problem });
      this.close(line.code, line.problem);
    }
    else {
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
    return {
      params: parseParams(query),
      headers,
      remoteAddress: this.socket.remoteAddress ?? "",
      remotePort: this.socket.remotePort ?? 0,
      url: query === "" ? handshake.path : `${handshake.path}?${query}`,
      authToken: handshake.authToken,
    };
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

  /** Our half is ended: keep reading (and dropping) until the peer's end, or cut it after a grace. */
  private endGracefully(): void {
    this.state = "closing";
    this.socket.resume();
    this.graceTimer ??= setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  private closed(): void {
    this.state = "closed";
    clearTimeout(this.graceTimer);
    this.context.forget(this);
    // Call 3: exactly once, whoever closed; "close" fires once per socket.
    this.port?.closed(this.ending ?? { code: WireCloseCode.Abnormal, reason: "connection lost" });
  }
}
