/**
 * The Transport contract: how frames move between a client and the core.
 *
 * The transport drives and the core answers. A transport package exports a
 * factory (`websocket(options)`) returning a {@link Transport}; the user registers
 * it on a socket under a name (`socket.transport("websocket", websocket())`), and
 * the endpoint serves it at `<mount>/<name>`. A transport knows nothing of topics,
 * channels or serializers: it turns network events into three calls.
 *
 * 1. For each incoming connection attempt, call `host.connect(request)`. It runs the
 *    origin check, serializer negotiation and the user's `connect` callback, and
 *    resolves to a refusal (answer it with the given HTTP status) or an acceptance.
 * 2. On acceptance, finish the handshake, then call `accepted.open(sink)` exactly
 *    once. It returns the {@link ConnectionPort} to feed inbound frames to, in order.
 * 3. When the connection ends for any reason, call `port.closed(...)` exactly once.
 *    After `sink.close()` the transport must still report `closed`.
 *
 * Frames handed to `sink.send` may be shared by many connections (broadcasts are
 * encoded once per serializer): treat them as immutable. A transport may cache its
 * own wire encoding of a frame by object identity (a `WeakMap`).
 *
 * @example
 * ```ts
 * const echoLines: Transport = {
 *   kind: "tcp-lines",
 *   capabilities: { binary: false, delivery: "push", heartbeats: "client" },
 *   attach({ host }) { ... return { close: async () => {} }; },
 * };
 * ```
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { CheckOrigin } from "../http/origin.js";
import type { Logger } from "./logger.js";
import type { NodeRelay } from "./node-relay.js";
import type { Frame, Serializer } from "./serializer.js";

/** What a transport can do; the conformance suite runs the matching cases. */
export interface TransportCapabilities {
  /** Carries binary frames (binary serializers and binary payloads). */
  readonly binary: boolean;
  /** `push`: the server writes whenever it wants; `poll`: the client fetches. */
  readonly delivery: "push" | "poll";
  /** `client`: the client sends `heartbeat` messages; `none`: no heartbeats travel. */
  readonly heartbeats: "client" | "none";
}

import type { ConnectRequest } from "../http/connect-request.js";
export type { ConnectRequest };

/**
 * The connection was refused: answer with `status` (403, 500, 503, ...) and stop.
 * With `retryAfter` the refusal is temporary (the node is full, busy or
 * draining): a transport that can say so tells the client when to try again
 * (WebSocket: HTTP `Retry-After` header before the upgrade).
 */
export interface ConnectRefusal {
  readonly ok: false;
  readonly status: number;
  /**
   * Stable code: `ERR_ORIGIN`, `ERR_UNKNOWN_VSN`, `ERR_BINARY_UNSUPPORTED`, `ERR_REFUSED`,
   * `ERR_CONNECT_CRASHED`; admission control (status 503): `ERR_DRAINING`,
   * `ERR_TOO_MANY_CONNECTIONS`, `ERR_CONNECT_RATE`.
   */
  readonly code: string;
  readonly reason: string;
  /** Seconds after which the client may try again (a whole number, at least 1), for temporary refusals. */
  readonly retryAfter?: number | undefined;
}

/** The connection was accepted: complete the handshake, then `open` it once. */
export interface ConnectAcceptance {
  readonly ok: true;
  readonly serializer: Serializer;
  /** Binds the transport's sink and returns where inbound frames go. Call once. */
  open(sink: ConnectionSink): ConnectionPort;
}

export type ConnectDecision = ConnectRefusal | ConnectAcceptance;

/** How the core writes to one connection. */
export interface ConnectionSink {
  /**
   * Queue a frame. Must not throw; a dead connection drops it. `shared` is true
   * when the same frame object is being handed to many connections (a broadcast's
   * fastlane frame): a transport may build its wire bytes once and batch such
   * writes. Frames must leave in the order `send` was called, shared or not.
   */
  send(frame: Frame, shared?: boolean): void;
  /** Close with a WebSocket close code (or its transport equivalent). Idempotent. */
  close(code: number, reason: string): void;
}

/** How a transport feeds one connection into the core. */
export interface ConnectionPort {
  /** One inbound frame. Frames must be delivered in the order the client sent them. */
  receive(frame: Frame): void;
  /** The connection ended. Call exactly once; later calls are ignored. */
  closed(info: { readonly code?: number | undefined; readonly reason: string }): void;
}

/** What the core gives a transport when the endpoint starts. */
export interface TransportHost {
  /** The name this transport is registered under on the socket. */
  readonly name: string;
  /** Full path served, `<mount>/<name>`, e.g. `/socket/websocket`. */
  readonly path: string;
  /** The socket mount, e.g. `/socket`. */
  readonly mount: string;
  connect(request: ConnectRequest): Promise<ConnectDecision>;
  readonly log: Logger;
  /**
   * Node-to-node messages, apart from every user topic. Transports whose
   * connections span several requests (LongPoll sessions) use it to reach a
   * session that lives on another node; nothing a client sends or a user
   * broadcasts can reach it (see {@link NodeRelay}).
   */
  readonly relay: NodeRelay;
}

export interface TransportContext {
  /** The HTTP server the endpoint is attached to. */
  readonly server: Server;
  readonly host: TransportHost;
}

/** A transport once attached to a server. */
export interface TransportInstance {
  /** Handle a plain HTTP request under `host.path`; return false to decline it. */
  handleRequest?(req: IncomingMessage, res: ServerResponse): boolean;
  /** Handle an HTTP upgrade under `host.path`; return false to decline it. */
  handleUpgrade?(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /**
   * Stop accepting connections and release resources. The core has already closed
   * every connection through its sink when this is called.
   */
  close(): Promise<void>;
}

export interface Transport {
  /** The kind of transport, for logs and the conformance suite (`websocket`). */
  readonly kind: string;
  readonly capabilities: TransportCapabilities;
  /** Overrides the socket's `checkOrigin` for this transport, when set. */
  readonly checkOrigin?: CheckOrigin | undefined;
  attach(context: TransportContext): TransportInstance;
}
