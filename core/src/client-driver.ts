/**
 * The client-driver contract: how the conformance transport suite (and your own
 * tests) open real client connections. Every transport package exports a driver
 * from its `testing` subpath (`@fawkes/websocket/testing`). The contract lives in
 * core so a transport package can type its driver without depending on
 * `@fawkes/conformance` (which depends on the transports).
 */
import type { Frame } from "./serializer.js";

/** One open client connection. */
export interface ClientConnection {
  /** Send one frame to the server, in order. */
  send(frame: Frame): void;
  /** The next frame from the server, in arrival order; rejects with an Error after `timeoutMs` (default 2000). */
  receive(timeoutMs?: number): Promise<Frame>;
  /** Resolves once the connection has ended (either side); `code` is the close code where the transport has one. */
  readonly closed: Promise<{ code: number | undefined; reason: string }>;
  /** Close from the client side; resolves once closed. */
  close(): Promise<void>;
}

/** The outcome of a connection attempt: open, or refused with an HTTP status. */
export type ClientConnectOutcome =
  | { ok: true; connection: ClientConnection }
  | { ok: false; status: number };

/** What a connection attempt is given. */
export interface ClientConnectOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:4100`. */
  url: string;
  /** `<mount>/<transport name>`, e.g. `/socket/websocket`. */
  path: string;
  /** Query parameters, `vsn` included. */
  params: Record<string, string>;
  authToken?: string;
  /** Extra request headers, e.g. `{ origin: "http://evil.example" }`. */
  headers?: Record<string, string>;
}

/** Opens client connections for one transport. */
export interface ClientDriver {
  connect(options: ClientConnectOptions): Promise<ClientConnectOutcome>;
}
