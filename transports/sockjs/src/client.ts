/**
 * `@fawkes/sockjs/client`: a WebSocket-like class around `sockjs-client` that the
 * official `phoenix` client takes as its `transport`. Runs in browsers and Node
 * (no Node-only API here; sockjs-client picks its own drivers).
 *
 * ```ts
 * import { Socket } from "phoenix";
 * import { SockJSWebSocket, sockjsTransport } from "@fawkes/sockjs/client";
 *
 * const socket = new Socket("http://localhost:4000/socket", {
 *   transport: SockJSWebSocket,                          // any sub-transport, or
 *   // transport: sockjsTransport({ transports: ["xhr-streaming"] }),
 *   params: { user_id: "1" },
 *   authToken: "secret",
 * });
 * socket.connect();
 * ```
 *
 * The Phoenix client builds `<endpoint>/websocket?<params>&vsn=...` (ws: or
 * wss:); the adapter turns it into `<endpoint>/sockjs?<params>&vsn=...` over
 * http: or https:, sends the auth token (taken from Phoenix's
 * `base64url.bearer.phx.*` subprotocol) as its first message, and reports open
 * only once the server accepted the connection (see `protocol.ts`).
 */
// Must stay before sockjs-client: it defines `global` in browsers (see the file).
import "./browser-global.js";
import SockJS from "sockjs-client";
import { AUTH_PARAM, OPEN_ACK } from "./protocol.js";
import { coreCloseCode } from "./close-codes.js";

export { OPEN_ACK, AUTH_PARAM, SockJSCloseCode, refusalCloseCode, refusalStatus } from "./protocol.js";
export { wireCloseCode, coreCloseCode, WIRE_CLOSE_OFFSET } from "./close-codes.js";

/** Options of the adapter; all optional. */
export interface SockJSAdapterOptions {
  /**
   * sockjs-client sub-transports to try, in its order (`"websocket"`,
   * `"xhr-streaming"`, `"xhr-polling"`, `"eventsource"`, ...). Default: all it
   * supports where it runs.
   */
  readonly transports?: string | readonly string[];
  /** Name the server registered the transport under. Default `"sockjs"`. */
  readonly name?: string;
  /** sockjs-client connect timeout per sub-transport, ms. Default: from the measured round trip. */
  readonly timeout?: number;
  /** sockjs-client session id length or generator. */
  readonly sessionId?: number | (() => string);
  /** Options passed to each sub-transport by name (`{ websocket: { headers } }` in Node). */
  readonly transportOptions?: Readonly<Record<string, unknown>>;
}

/** The event objects handed to the `on*` handlers (the subset Phoenix reads). */
export interface SockJSOpenEvent {
  readonly type: "open";
}
export interface SockJSMessageEvent {
  readonly type: "message";
  readonly data: string;
}
export interface SockJSCloseEvent {
  readonly type: "close";
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
}
export interface SockJSErrorEvent {
  readonly type: "error";
}

/** Close code the adapter uses when the server broke the handshake. */
export const HANDSHAKE_FAILED = 4002;

const AUTH_TOKEN_PREFIX = "base64url.bearer.phx.";

/** What the adapter uses of a sockjs-client instance. */
interface SockJSClient {
  readyState: number;
  onopen: (() => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string; wasClean: boolean }) => void) | null;
  onerror: (() => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

type SockJSConstructor = new (url: string, reserved: null, options: Record<string, unknown>) => SockJSClient;

/**
 * A WebSocket-shaped SockJS connection to a Fawkes `sockjs` transport.
 *
 * `readyState` is CONNECTING until the server accepted the connection, then OPEN.
 * A refusal arrives as `onclose` with code `4000 + HTTP status` (4403), never
 * after an `onopen`. Server closes arrive with the core's codes (1001, 1008,
 * 1012, ...): the 3001-3999 the server sends are mapped back. `send` takes strings only: binary data throws a TypeError
 * with `code` `ERR_BINARY_UNSUPPORTED` (SockJS carries text). `close` accepts
 * 1000 and 3000-4999 (others become 1000), as sockjs-client does.
 */
export class SockJSWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;

  /** The SockJS URL actually used (http or https, `/sockjs` path). */
  readonly url: string;
  readyState = 0;
  /** Accepted for WebSocket compatibility; SockJS only ever delivers strings. */
  binaryType = "arraybuffer";
  /** Always 0: sockjs-client does not report its buffer. */
  readonly bufferedAmount = 0;
  readonly protocol = "";
  onopen: ((event: SockJSOpenEvent) => void) | null = null;
  onmessage: ((event: SockJSMessageEvent) => void) | null = null;
  onclose: ((event: SockJSCloseEvent) => void) | null = null;
  onerror: ((event: SockJSErrorEvent) => void) | null = null;

  private readonly sock: SockJSClient;
  private accepted = false;

  /**
   * @param url what Phoenix passes: `ws(s)://host/socket/websocket?...`; an
   *   http(s) URL or one already ending in the transport name works too.
   * @param protocols Phoenix's subprotocols; the auth token is read from them.
   */
  constructor(url: string, protocols?: string | readonly string[], options: SockJSAdapterOptions = {}) {
    const target = sockjsUrl(url, options.name ?? "sockjs");
    const token = authTokenFrom(protocols);
    this.url = token === undefined ? target : appendQuery(target, `${AUTH_PARAM}=1`);
    const sockOptions: Record<string, unknown> = {};
    if (options.transports !== undefined) sockOptions.transports = typeof options.transports === "string" ? options.transports : [...options.transports];
    if (options.timeout !== undefined) sockOptions.timeout = options.timeout;
    if (options.sessionId !== undefined) sockOptions.sessionId = options.sessionId;
    if (options.transportOptions !== undefined) sockOptions.transportOptions = options.transportOptions;
    const sock = new (SockJS as unknown as SockJSConstructor)(this.url, null, sockOptions);
    this.sock = sock;
    sock.onopen = () => {
      if (token !== undefined) sock.send(token);
    };
    sock.onmessage = (event) => this.receive(event.data);
    sock.onclose = (event) => {
      this.readyState = SockJSWebSocket.CLOSED;
      // The server shifts 1001-1999 into 3001-3999 (close-codes.ts); Phoenix must see 1001, 1012, ...
      this.onclose?.({ type: "close", code: coreCloseCode(event.code), reason: event.reason, wasClean: event.wasClean });
    };
    sock.onerror = () => this.onerror?.({ type: "error" });
  }

  /** Send one text message. Throws while CONNECTING (as WebSocket does) and for binary data. */
  send(data: unknown): void {
    if (typeof data !== "string") {
      throw Object.assign(new TypeError("SockJS carries text only; use a text serializer and no binary payloads"), { code: "ERR_BINARY_UNSUPPORTED" });
    }
    if (this.readyState === SockJSWebSocket.CONNECTING) {
      throw Object.assign(new Error("InvalidStateError: the connection is not open yet"), { code: "ERR_NOT_OPEN" });
    }
    if (this.readyState === SockJSWebSocket.OPEN) this.sock.send(data);
  }

  /** Close; `onclose` follows. Idempotent. */
  close(code?: number, reason?: string): void {
    if (this.readyState === SockJSWebSocket.CLOSING || this.readyState === SockJSWebSocket.CLOSED) return;
    this.readyState = SockJSWebSocket.CLOSING;
    const valid = code === 1000 || (code !== undefined && code >= 3000 && code <= 4999);
    this.sock.close(valid ? code : 1000, (reason ?? "").slice(0, 123));
  }

  private receive(data: unknown): void {
    if (typeof data !== "string") return;
    if (this.accepted) {
      this.onmessage?.({ type: "message", data });
      return;
    }
    if (data !== OPEN_ACK) {
      this.close(HANDSHAKE_FAILED, "expected the Fawkes open ack");
      return;
    }
    this.accepted = true;
    this.readyState = SockJSWebSocket.OPEN;
    this.onopen?.({ type: "open" });
  }
}

/**
 * A {@link SockJSWebSocket} class with `options` bound, for Phoenix's
 * `transport` option: `new Socket(url, { transport: sockjsTransport({ transports: ["xhr-polling"] }) })`.
 */
export function sockjsTransport(options: SockJSAdapterOptions): typeof SockJSWebSocket {
  const bound = { ...options };
  return class SockJSTransport extends SockJSWebSocket {
    constructor(url: string, protocols?: string | readonly string[]) {
      super(url, protocols, bound);
    }
  };
}

/** Maps Phoenix's WebSocket endpoint URL to the SockJS one. */
export function sockjsUrl(url: string, name = "sockjs"): string {
  const u = new URL(url);
  if (u.protocol === "ws:") u.protocol = "http:";
  else if (u.protocol === "wss:") u.protocol = "https:";
  u.pathname = u.pathname.replace(/\/websocket\/?$/, `/${name}`);
  return u.toString();
}

/** Reads the token from Phoenix's `base64url.bearer.phx.<base64>` subprotocol. */
export function authTokenFrom(protocols: string | readonly string[] | undefined): string | undefined {
  const list = typeof protocols === "string" ? [protocols] : (protocols ?? []);
  const entry = list.find((p) => p.startsWith(AUTH_TOKEN_PREFIX));
  if (entry === undefined) return undefined;
  const b64 = entry.slice(AUTH_TOKEN_PREFIX.length).replace(/-/g, "+").replace(/_/g, "/");
  try {
    return atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  } catch {
    return undefined;
  }
}

function appendQuery(url: string, pair: string): string {
  const hash = url.indexOf("#");
  const base = hash === -1 ? url : url.slice(0, hash);
  return `${base}${base.includes("?") ? "&" : "?"}${pair}`;
}
