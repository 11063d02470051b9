import { CloseCode, type ConnectRequest, type ConnectionPort, type ConnectionSink, type Frame, type TransportHost } from "@fawkes/core";
import { OPEN_ACK, SockJSCloseCode, refusalCloseCode } from "./protocol.js";
import type { ResolvedSockJSOptions } from "./options.js";
import type { SockJSConn } from "./sockjs-server.js";

type State = "awaiting-token" | "connecting" | "open" | "closed";

/**
 * Bridges one SockJS session to one core connection, after the handshake in
 * `protocol.ts`: (optional) token message, the core's connect, then the ack or a
 * `4000 + status` close; then text messages both ways until either side ends.
 *
 * The session's `close` event comes when the client goes away or when the
 * session outlived `disconnectDelay` with no request attached; either way the
 * core learns it once, and the session's channels terminate.
 */
export class SessionBridge {
  private state: State;
  private pending: string[] = [];
  private port: ConnectionPort | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly conn: SockJSConn,
    private readonly request: Omit<ConnectRequest, "authToken">,
    wantsToken: boolean,
    private readonly host: TransportHost,
    private readonly options: ResolvedSockJSOptions,
    /** Called once as the bridge ends; `byServer` when the server sent a close frame. */
    private readonly ended: (bridge: SessionBridge, byServer: boolean) => void,
  ) {
    this.state = wantsToken ? "awaiting-token" : "connecting";
    conn.on("data", (message: unknown) => this.onMessage(message));
    conn.on("close", () => this.onSessionClosed());
    if (wantsToken) {
      this.timer = setTimeout(() => this.end(SockJSCloseCode.AuthTimeout, "ERR_AUTH_TIMEOUT: no auth token message"), options.authTimeout);
      this.timer.unref();
    } else {
      void this.connect(undefined);
    }
  }

  /** Close from the server side (endpoint closing, disconnect, idle). Idempotent. */
  end(code: number, reason: string): void {
    if (this.state === "closed") return;
    this.state = "closed";
    this.stopTimer();
    this.pending = [];
    this.conn.close(code, reason);
    releaseSessionTimer(this.conn);
    this.port?.closed({ code, reason });
    this.ended(this, true);
  }

  private onMessage(message: unknown): void {
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
      case "closed":
        return;
    }
  }

  private async connect(authToken: string | undefined): Promise<void> {
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
    this.timer = setTimeout(() => this.end(CloseCode.GoingAway, "idle timeout"), this.options.timeout);
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
    if (frame.opcode === "text") {
      this.conn.write(frame.data);
      return;
    }
    // SockJS carries text only. A binary frame (a binary payload under JSON V2)
    // is dropped rather than corrupted; the client never sees a broken frame.
    this.host.log.error("dropped a binary frame: sockjs carries text only", { code: "ERR_BINARY_UNSUPPORTED", transport: this.host.name, bytes: frame.data.byteLength });
  }

  private onSessionClosed(): void {
    if (this.state === "closed") return;
    this.state = "closed";
    this.stopTimer();
    this.pending = [];
    this.port?.closed({ code: undefined, reason: "sockjs session closed" });
    this.ended(this, false);
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
