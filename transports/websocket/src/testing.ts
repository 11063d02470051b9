/**
 * A client driver for `@fawkes/conformance` (and your own tests): connects with
 * the `ws` client the way the official `phoenix` client connects.
 *
 * ```ts
 * import { websocketClientDriver } from "@fawkes/websocket/testing";
 * const outcome = await websocketClientDriver.connect({
 *   url: "http://127.0.0.1:4000", path: "/socket/websocket", params: { vsn: "2.0.0" },
 * });
 * if (outcome.ok) outcome.connection.send({ opcode: "text", data: '[null,"1","phoenix","heartbeat",{}]' });
 * ```
 */
import { connect as netConnect, type NetConnectOpts, type Socket } from "node:net";
import { WebSocket } from "ws";
import { FrameInbox, type ClientConnection, type ClientConnectOutcome, type ClientDriver, type Frame } from "@fawkes/core/testing";
import { AUTH_TOKEN_PREFIX } from "./subprotocol-offer.js";

// The driver contract lives in core; re-exported for convenience.
export type { ClientConnection, ClientConnectOutcome, ClientConnectOptions, ClientDriver } from "@fawkes/core/testing";

/**
 * The WebSocket driver. The auth token travels as the subprotocol
 * `base64url.bearer.phx.<base64url token>` next to `phoenix`, as the official
 * client sends it; `headers` (an `origin` included) are sent with the upgrade.
 * Text frames arrive as strings, binary frames as plain `Uint8Array`s.
 * Connections support `sendBatch` (one TCP write) and `pauseReading`.
 */
export const websocketClientDriver: ClientDriver = {
  supports: { sendBatch: true, pauseReading: true },
  connect({ url, path, params, authToken, headers = {} }) {
    const target = new URL(path, url);
    target.protocol = target.protocol === "https:" || target.protocol === "wss:" ? "wss:" : "ws:";
    target.search = new URLSearchParams(params).toString();
    const protocols = authToken === undefined ? [] : ["phoenix", `${AUTH_TOKEN_PREFIX}${Buffer.from(authToken, "utf8").toString("base64url")}`];
    const { origin, ...rest } = lowerCaseKeys(headers);
    let socket: Socket | undefined;
    // Our own connect, only to hold the socket: `sendBatch` corks it around several frames.
    const createConnection = ((options: NetConnectOpts): Socket => (socket = netConnect(options))) as typeof netConnect;
    const ws = new WebSocket(target, protocols, { headers: rest, createConnection, ...(origin === undefined ? {} : { origin }) });
    return new Promise<ClientConnectOutcome>((resolve, reject) => {
      ws.once("unexpected-response", (_req, res) => {
        resolve({ ok: false, status: res.statusCode ?? 0 });
        res.resume();
        ws.terminate();
      });
      ws.once("open", () => resolve({ ok: true, connection: new WsClientConnection(ws, socket!) }));
      ws.on("error", (error) => reject(error));
    });
  },
};

class WsClientConnection implements ClientConnection {
  readonly closed: Promise<{ code: number | undefined; reason: string }>;
  private readonly inbox = new FrameInbox();

  constructor(
    private readonly ws: WebSocket,
    private readonly socket: Socket,
  ) {
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      const frame: Frame = isBinary ? { opcode: "binary", data: new Uint8Array(data) } : { opcode: "text", data: data.toString("utf8") };
      this.inbox.push(frame);
    });
    this.closed = new Promise((resolve) => {
      ws.on("close", (code: number, reason: Buffer) => {
        this.inbox.end(`connection closed (${code})`);
        resolve({ code, reason: reason.toString("utf8") });
      });
    });
  }

  send(frame: Frame): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(frame.data, { binary: frame.opcode === "binary" });
  }

  /** Every frame in one TCP write (ws writes synchronously without compression). */
  sendBatch(frames: readonly Frame[]): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.socket.cork();
    for (const frame of frames) this.ws.send(frame.data, { binary: frame.opcode === "binary" });
    this.socket.uncork();
  }

  /** Stops reading the socket: the server's output queues in the kernel, then in the server. */
  pauseReading(): void {
    this.ws.pause();
  }

  resumeReading(): void {
    this.ws.resume();
  }

  receive(timeoutMs = 2000): Promise<Frame> {
    return this.inbox.receive(timeoutMs);
  }

  async close(): Promise<void> {
    if (!this.inbox.ended) {
      this.ws.close(1000);
      const timer = setTimeout(() => this.ws.terminate(), 2000);
      await this.closed;
      clearTimeout(timer);
    }
  }
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}
