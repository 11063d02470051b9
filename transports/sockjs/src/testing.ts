/**
 * `@fawkes/sockjs/testing`: a conformance client driver built on the real
 * `sockjs-client`, one forced sub-transport set per driver. Node only.
 *
 * ```ts
 * import { sockjsClientDriver } from "@fawkes/sockjs/testing";
 * const driver = sockjsClientDriver({ transports: ["xhr-streaming"] });
 * const outcome = await driver.connect({ url: "http://127.0.0.1:4100", path: "/socket/sockjs", params: { vsn: "2.0.0" } });
 * ```
 *
 * Sub-transports that work in Node: `websocket`, `xhr-streaming`, `xhr-polling`,
 * `eventsource`. The others need a browser DOM.
 *
 * For the cases sockjs-client cannot serve from outside (several messages in
 * one SockJS frame on the websocket endpoint, a client that stops reading),
 * `sockjsWebSocketDriver` speaks the SockJS protocol itself over `ws`.
 */
import { randomBytes } from "node:crypto";
import { request as httpRequest } from "node:http";
import SockJS from "sockjs-client";
import { FrameInbox, type ClientConnection, type ClientConnectOutcome, type ClientConnectOptions, type ClientDriver, type Frame } from "@fawkes/core/testing";
import { AUTH_PARAM, OPEN_ACK, refusalStatus } from "./protocol.js";
import { addSessionHeaders } from "./node-request-headers.js";
import { coreCloseCode } from "./close-codes.js";

export { sockjsWebSocketDriver, type SockJSWebSocketDriverOptions } from "./testing-websocket.js";

// The driver contract lives in core; re-exported for convenience.
export type { ClientConnection, ClientConnectOutcome, ClientConnectOptions, ClientDriver } from "@fawkes/core/testing";

/** Sub-transports sockjs-client can use in Node. */
export const NODE_SUB_TRANSPORTS = ["websocket", "xhr-streaming", "xhr-polling", "eventsource"] as const;

export interface SockJSClientDriverOptions {
  /** sockjs-client sub-transports to allow, e.g. `["xhr-polling"]`. */
  readonly transports: readonly string[];
  /** How long `connect` waits for the ack or a refusal, ms. Default 5000. */
  readonly connectTimeoutMs?: number;
}

interface SockLike {
  onopen: (() => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
type SockCtor = new (url: string, reserved: null, options: Record<string, unknown>) => SockLike;

/**
 * A {@link ClientDriver} speaking the Fawkes SockJS handshake over sockjs-client.
 * `headers` reach the server on every request of the session (WebSocket upgrade
 * headers; for xhr and eventsource, through a hook on Node's global HTTP agent
 * limited to this session's paths). A refusal close `4000 + status` becomes
 * `{ ok: false, status }`; any other failure to open rejects.
 */
export function sockjsClientDriver(options: SockJSClientDriverOptions): ClientDriver {
  // Every sub-transport but websocket sends through `xhr_send`, which a batch can use too.
  const batches = options.transports.length > 0 && options.transports.every((sub) => XHR_SEND_TRANSPORTS.has(sub));
  return {
    ...(batches ? { supports: { sendBatch: true } } : {}),
    connect: (request) => connectSockJS(request, options),
  };
}

/** Sub-transports whose client messages travel as `POST <server>/<session>/xhr_send`. */
const XHR_SEND_TRANSPORTS = new Set(["xhr-streaming", "xhr-polling", "eventsource"]);

function connectSockJS(request: ClientConnectOptions, options: SockJSClientDriverOptions): Promise<ClientConnectOutcome> {
  const session = randomBytes(8).toString("hex");
  const query = new URLSearchParams(request.params);
  if (request.authToken !== undefined) query.set(AUTH_PARAM, "1");
  const url = `${request.url.replace(/\/$/, "")}${request.path}?${query.toString()}`;
  const headers = request.headers ?? {};
  const undoHeaders = Object.keys(headers).length > 0 ? addSessionHeaders(session, headers) : () => {};
  const sock = new (SockJS as unknown as SockCtor)(url, null, {
    transports: [...options.transports],
    // sockjs-client gives a transport 2 x (300 ms + the /info round trip) to open, so
    // a loaded test machine fails healthy opens with 2000 "All transports failed".
    timeout: 5000,
    sessionId: () => session,
    transportOptions: { websocket: { headers } },
  });
  // sockjs-client picks its own server segment; the server routes on the session id alone.
  const xhrSend = `${request.url.replace(/\/$/, "")}${request.path}/000/${session}/xhr_send`;
  const connection = new SockJSClientConnection(sock, { url: xhrSend, headers });
  return new Promise<ClientConnectOutcome>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      sock.close();
      undoHeaders();
      reject(new Error(`sockjs connect timed out (${options.transports.join(",")})`));
    }, options.connectTimeoutMs ?? 5000);
    sock.onopen = () => {
      if (request.authToken !== undefined) sock.send(request.authToken);
    };
    sock.onmessage = (event) => {
      if (settled) {
        connection.push(event.data);
        return;
      }
      settled = true;
      clearTimeout(timer);
      if (event.data === OPEN_ACK) {
        resolve({ ok: true, connection });
      } else {
        sock.close();
        reject(new Error("sockjs server sent a message before the Fawkes open ack"));
      }
    };
    sock.onclose = (event) => {
      undoHeaders();
      connection.ended(coreCloseCode(event.code), event.reason);
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const status = refusalStatus(event.code);
      if (status !== undefined) resolve({ ok: false, status });
      else reject(new Error(`sockjs closed before opening: ${event.code} ${event.reason}`));
    };
  });
}

class SockJSClientConnection implements ClientConnection {
  readonly closed: Promise<{ code: number | undefined; reason: string }>;
  private readonly inbox = new FrameInbox();
  private resolveClosed!: (info: { code: number | undefined; reason: string }) => void;
  private isClosed = false;

  constructor(
    private readonly sock: SockLike,
    private readonly xhrSend: { readonly url: string; readonly headers: Readonly<Record<string, string>> },
  ) {
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
  }

  send(frame: Frame): void {
    this.sock.send(textOf(frame));
  }

  /**
   * Every frame in one SockJS frame `["a","b",...]`: one `xhr_send` POST on this
   * session, as sockjs-client itself sends a backlog. Only for the xhr-family
   * sub-transports (the driver declares it then); not while sends are in flight.
   */
  sendBatch(frames: readonly Frame[]): void {
    const body = JSON.stringify(frames.map(textOf));
    const req = httpRequest(this.xhrSend.url, { method: "POST", headers: { ...this.xhrSend.headers, "content-type": "text/plain;charset=UTF-8" } }, (res) =>
      res.resume(),
    );
    req.on("error", () => {}); // the case sees the missing replies
    req.end(body);
  }

  receive(timeoutMs = 2000): Promise<Frame> {
    return this.inbox.receive(timeoutMs);
  }

  async close(): Promise<void> {
    if (!this.isClosed) this.sock.close(1000, "client closing");
    await this.closed;
  }

  /** @internal */
  push(data: unknown): void {
    if (typeof data !== "string") return;
    this.inbox.push({ opcode: "text", data });
  }

  /** @internal */
  ended(code: number, reason: string): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.inbox.end();
    this.resolveClosed({ code, reason });
  }
}

function textOf(frame: Frame): string {
  if (frame.opcode !== "text") throw Object.assign(new Error("SockJS carries text frames only"), { code: "ERR_BINARY_UNSUPPORTED" });
  return frame.data;
}
