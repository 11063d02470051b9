/**
 * A SockJS client driver of our own over `ws`, for the conformance cases that
 * need what sockjs-client cannot do from outside: several messages in one
 * SockJS frame (`sendBatch`), and a client that stops reading (`pauseReading`).
 * It speaks the public SockJS wire protocol on one of the two WebSocket
 * endpoints of a SockJS server:
 *
 * - `framed`: `<path>/<server>/<session>/websocket`, the endpoint sockjs-client's
 *   `websocket` sub-transport uses: server frames `o`, `h`, `a["m1","m2"]`,
 *   `c[code,"reason"]`; the client sends JSON arrays of strings.
 * - `raw`: `<path>/websocket`, one message per WebSocket message, no framing.
 *
 * ```ts
 * import { sockjsWebSocketDriver } from "@fawkes/sockjs/testing";
 * const outcome = await sockjsWebSocketDriver({ endpoint: "framed" }).connect({ url: "http://127.0.0.1:4100", path: "/socket/sockjs", params: { vsn: "2.0.0" } });
 * ```
 */
import { randomBytes } from "node:crypto";
import { connect as netConnect, type NetConnectOpts, type Socket } from "node:net";
import { WebSocket } from "ws";
import { FrameInbox, type ClientConnection, type ClientConnectOutcome, type ClientConnectOptions, type ClientDriver, type Frame } from "@fawkes/core/testing";
import { AUTH_PARAM, OPEN_ACK, refusalStatus } from "./protocol.js";
import { coreCloseCode } from "./close-codes.js";

export interface SockJSWebSocketDriverOptions {
  /** Which WebSocket endpoint of the SockJS server to speak to. */
  readonly endpoint: "framed" | "raw";
  /** How long `connect` waits for the Fawkes open ack or a refusal, ms. Default 5000. */
  readonly connectTimeoutMs?: number;
}

/**
 * A {@link ClientDriver} for a SockJS server's WebSocket endpoints. A refusal
 * close `4000 + status` becomes `{ ok: false, status }`; an HTTP answer other
 * than the upgrade becomes `{ ok: false, status }` too. Connections support
 * `sendBatch` (framed: one SockJS frame `["a","b"]`; raw: one TCP write) and
 * `pauseReading`.
 */
export function sockjsWebSocketDriver(options: SockJSWebSocketDriverOptions): ClientDriver {
  return {
    supports: { sendBatch: true, pauseReading: true },
    connect: (request) => connectWebSocket(request, options),
  };
}

function connectWebSocket(request: ClientConnectOptions, options: SockJSWebSocketDriverOptions): Promise<ClientConnectOutcome> {
  const framed = options.endpoint === "framed";
  const path = framed ? `${request.path}/000/${randomBytes(8).toString("hex")}/websocket` : `${request.path}/websocket`;
  const target = new URL(path, request.url);
  target.protocol = target.protocol === "https:" ? "wss:" : "ws:";
  const query = new URLSearchParams(request.params);
  if (request.authToken !== undefined) query.set(AUTH_PARAM, "1");
  target.search = query.toString();
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  const { origin, ...rest } = headers;
  let socket: Socket | undefined;
  const createConnection = ((o: NetConnectOpts): Socket => (socket = netConnect(o))) as typeof netConnect;
  const ws = new WebSocket(target, [], { headers: rest, createConnection, ...(origin === undefined ? {} : { origin }) });
  const connection = new SockJSWebSocketConnection(ws, () => socket, framed);
  return new Promise<ClientConnectOutcome>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: ClientConnectOutcome | Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      connection.handshake = undefined;
      if (outcome instanceof Error) {
        ws.terminate();
        reject(outcome);
      } else resolve(outcome);
    };
    const timer = setTimeout(() => settle(new Error(`sockjs ${options.endpoint} websocket connect timed out`)), options.connectTimeoutMs ?? 5000);
    const sendToken = (): void => {
      if (request.authToken !== undefined) connection.write([request.authToken]);
    };
    connection.handshake = {
      opened: sendToken,
      message: (m) => settle(m === OPEN_ACK ? { ok: true, connection } : new Error("sockjs server sent a message before the Fawkes open ack")),
    };
    ws.once("open", () => {
      if (!framed) sendToken();
    });
    ws.once("unexpected-response", (_req, res) => {
      res.resume();
      settle({ ok: false, status: res.statusCode ?? 0 });
    });
    ws.on("error", (error) => settle(error));
    void connection.closed.then(({ code, reason }) => {
      const status = refusalStatus(code);
      settle(status !== undefined ? { ok: false, status } : new Error(`sockjs closed before opening: ${String(code)} ${reason}`));
    });
  });
}

class SockJSWebSocketConnection implements ClientConnection {
  readonly closed: Promise<{ code: number | undefined; reason: string }>;
  /** Set until the open ack arrived: gets the SockJS open and the first message. */
  handshake: { opened(): void; message(m: string): void } | undefined;
  private readonly inbox = new FrameInbox();
  /** The close the server announced in a `c[...]` frame (framed endpoint). */
  private announced: { code: number; reason: string } | undefined;

  constructor(
    private readonly ws: WebSocket,
    private readonly socket: () => Socket | undefined,
    private readonly framed: boolean,
  ) {
    ws.on("message", (data: Buffer) => {
      const text = data.toString("utf8");
      if (framed) this.frame(text);
      else this.message(text);
    });
    this.closed = new Promise((resolve) => {
      ws.on("close", (code: number, reason: Buffer) => {
        const wire = this.announced ?? { code, reason: reason.toString("utf8") };
        // Report core codes (3001 on the wire is 1001), as the client adapter does.
        const info = { code: coreCloseCode(wire.code), reason: wire.reason };
        this.inbox.end(`connection closed (${info.code})`);
        resolve(info);
      });
    });
  }

  send(frame: Frame): void {
    this.write([textOf(frame)]);
  }

  /** Framed: one SockJS frame `["a","b",...]`; raw: one WebSocket message each, in one TCP write. */
  sendBatch(frames: readonly Frame[]): void {
    this.write(frames.map(textOf));
  }

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
    if (this.inbox.ended) return;
    this.ws.close(1000);
    const timer = setTimeout(() => this.ws.terminate(), 2000);
    await this.closed;
    clearTimeout(timer);
  }

  /** @internal */
  write(messages: readonly string[]): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (this.framed) {
      this.ws.send(JSON.stringify(messages));
      return;
    }
    const socket = this.socket();
    socket?.cork();
    for (const m of messages) this.ws.send(m);
    socket?.uncork();
  }

  private frame(text: string): void {
    const body = text.slice(1);
    switch (text[0]) {
      case "o":
        this.handshake?.opened();
        return;
      case "h":
        return;
      case "a":
        for (const m of list(parse(body))) if (typeof m === "string") this.message(m);
        return;
      case "m": {
        const m = parse(body);
        if (typeof m === "string") this.message(m);
        return;
      }
      case "c": {
        const [code, reason] = list(parse(body));
        if (typeof code === "number") this.announced = { code, reason: typeof reason === "string" ? reason : "" };
        return;
      }
      default:
        return;
    }
  }

  private message(m: string): void {
    if (this.handshake !== undefined) this.handshake.message(m);
    else this.inbox.push({ opcode: "text", data: m });
  }
}

function textOf(frame: Frame): string {
  if (frame.opcode !== "text") throw Object.assign(new Error("SockJS carries text frames only"), { code: "ERR_BINARY_UNSUPPORTED" });
  return frame.data;
}

function parse(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
}

function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}
