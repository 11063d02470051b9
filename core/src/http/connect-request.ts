/**
 * The one place a transport's connection attempt becomes a connect request:
 * path/query split, Rails-style params, headers and peer. Every transport calls
 * {@link connectRequestFrom} instead of rebuilding the object by hand.
 */
import type { IncomingHttpHeaders } from "node:http";
import { parseParams, type Params } from "./params.js";

/** A request URI cut at its first `?`; `query` has no leading `?` (`""` when there is none). */
export interface PathQuery {
  readonly path: string;
  readonly query: string;
}

/** Splits `"/socket/websocket?vsn=2.0.0"` into `{ path: "/socket/websocket", query: "vsn=2.0.0" }`. */
export function splitPathQuery(url: string): PathQuery {
  const q = url.indexOf("?");
  return q === -1 ? { path: url, query: "" } : { path: url.slice(0, q), query: url.slice(q + 1) };
}

/** Where a connection attempt came from: an `IncomingMessage` is one (its `socket` is the peer). */
export interface RequestSource {
  /** The request URI as the client sent it; `/` when absent. */
  readonly url?: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly socket: { readonly remoteAddress?: string | undefined; readonly remotePort?: number | undefined };
}

/** What {@link connectRequestFrom} may set besides the request itself. */
export interface ConnectRequestExtra {
  /** The client's auth token, if the transport carries one (subprotocol, header). */
  readonly authToken?: string | undefined;
  /** Params to use instead of the URL's query (a transport that strips its own keys first). */
  readonly params?: Params | undefined;
}

/** One connection attempt, as the transport saw it (what `TransportHost.connect` is given). */
export interface ConnectRequest {
  /** Query parameters, parsed Rails-style (see {@link parseParams}); includes `vsn`. */
  readonly params: Params;
  readonly headers: IncomingHttpHeaders;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** The request URI as the client sent it (path and query). */
  readonly url: string;
  /** The client's auth token, if the transport carries one (subprotocol, header). */
  readonly authToken?: string | undefined;
}

/**
 * Builds the connect request of one attempt: params parsed from the URL's query
 * (unless `extra.params` is given), a copy of the headers (a transport may edit
 * the originals later, as the WebSocket upgrade does), the peer address (`""` and
 * port `0` when unknown) and the URL as sent.
 *
 * @example
 * ```ts
 * const decision = await host.connect(connectRequestFrom(req, { authToken }));
 * ```
 */
export function connectRequestFrom(source: RequestSource, extra: ConnectRequestExtra = {}): ConnectRequest {
  const url = source.url ?? "/";
  const headers = Object.assign(Object.create(null) as IncomingHttpHeaders, source.headers);
  return {
    params: extra.params ?? parseParams(splitPathQuery(url).query),
    headers,
    remoteAddress: source.socket.remoteAddress ?? "",
    remotePort: source.socket.remotePort ?? 0,
    url,
    authToken: extra.authToken,
  };
}
