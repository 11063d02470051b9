import { FawkesError, resolveBackpressure, type Backpressure, type BackpressureOptions, type CheckOrigin } from "@fawkes/core";

/**
 * Options of {@link sockjs}. Every field is optional. The back-pressure options
 * (`maxBufferedBytes`, `hardMaxBufferedBytes`, `slowConsumerGraceMs`) are the
 * core's shared slow-consumer policy, applied to every sub-transport: a session
 * whose queued output stays above `maxBufferedBytes` for `slowConsumerGraceMs`,
 * or passes `hardMaxBufferedBytes`, is closed with 1008 `ERR_SLOW_CONSUMER`
 * (3008 on the wire).
 */
export interface SockJSOptions extends BackpressureOptions {
  /**
   * Close a connection that sent nothing for this long, in ms, with code 1001
   * (the client reconnects). The official client heartbeats every 30 s. Default 60000.
   */
  readonly timeout?: number;
  /**
   * How long a session lives with no client request attached (between two polls,
   * or after a network drop) before it ends and its channels terminate, in ms.
   * SockJS `disconnect_delay`. Default 5000.
   */
  readonly disconnectDelay?: number;
  /**
   * How often the server sends a SockJS heartbeat frame (`h`) on an idle
   * streaming request, so proxies keep it open, in ms. SockJS `heartbeat_delay`.
   * Default 25000. These never reach the core; Phoenix `heartbeat` messages do.
   */
  readonly heartbeatDelay?: number;
  /**
   * Bytes one streaming response (xhr-streaming, eventsource, htmlfile) carries
   * before the server ends it and the client opens a new one. SockJS
   * `response_limit`. Default 131072.
   */
  readonly responseLimit?: number;
  /**
   * Largest inbound request body (xhr_send, jsonp_send) or WebSocket message, in
   * bytes. Larger requests get HTTP 413; larger WebSocket messages close the
   * connection. Default 1048576.
   */
  readonly maxFrameSize?: number;
  /** Serve the websocket sub-transport. Default true. */
  readonly websocket?: boolean;
  /**
   * Serve the sub-transports that cross origins by design: the `iframe-*`
   * family, `htmlfile` and `jsonp-polling`. Their requests carry no `Origin`
   * header of the page that drives them, so the origin check cannot protect
   * them: enable only if `connect` authenticates with a token or params, not
   * with cookies alone. Default false (those paths answer 404).
   */
  readonly crossOriginTransports?: boolean;
  /**
   * The sockjs-client script the iframe page loads (only with
   * `crossOriginTransports`). It must be the same major version as the client.
   * Default the jsDelivr URL of sockjs-client 1.x.
   */
  readonly sockjsUrl?: string;
  /**
   * How long the server waits for the auth token message when the client
   * announced one (`_auth=1`), in ms; then it closes with 4408. Default 10000.
   */
  readonly authTimeout?: number;
  /**
   * Most client messages held while `connect` runs; more close the connection
   * with 1008. Default 100.
   */
  readonly maxPendingMessages?: number;
  /** Overrides the socket's `checkOrigin` for this transport. */
  readonly checkOrigin?: CheckOrigin;
}

type OwnOptions = Omit<SockJSOptions, "checkOrigin" | keyof BackpressureOptions>;

/** {@link SockJSOptions} with every default applied. */
export type ResolvedSockJSOptions = Required<OwnOptions> & { readonly checkOrigin: CheckOrigin | undefined; readonly backpressure: Backpressure };

const DEFAULTS = {
  timeout: 60_000,
  disconnectDelay: 5_000,
  heartbeatDelay: 25_000,
  responseLimit: 128 * 1024,
  maxFrameSize: 1024 * 1024,
  websocket: true,
  crossOriginTransports: false,
  sockjsUrl: "https://cdn.jsdelivr.net/npm/sockjs-client@1/dist/sockjs.min.js",
  authTimeout: 10_000,
  maxPendingMessages: 100,
} as const;

/** Applies defaults; throws `ERR_BAD_OPTION` for a value that cannot work. */
export function resolveOptions(options: SockJSOptions): ResolvedSockJSOptions {
  const { maxBufferedBytes, hardMaxBufferedBytes, slowConsumerGraceMs, checkOrigin, ...own } = options;
  const backpressure = resolveBackpressure(stripUndefined({ maxBufferedBytes, hardMaxBufferedBytes, slowConsumerGraceMs }));
  const resolved = { ...DEFAULTS, ...stripUndefined(own), checkOrigin, backpressure };
  for (const key of ["timeout", "disconnectDelay", "heartbeatDelay", "responseLimit", "maxFrameSize", "authTimeout", "maxPendingMessages"] as const) {
    const value = resolved[key];
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
      throw new FawkesError("ERR_BAD_OPTION", `sockjs option ${key} must be a positive number, got ${String(value)}`);
    }
  }
  if (typeof resolved.sockjsUrl !== "string" || resolved.sockjsUrl === "") {
    throw new FawkesError("ERR_BAD_OPTION", "sockjs option sockjsUrl must be a non-empty string");
  }
  return resolved;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
