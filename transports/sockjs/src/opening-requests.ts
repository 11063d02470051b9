import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";

/** What the core needs from the HTTP request that opened a SockJS session. */
export interface OpeningRequest {
  readonly headers: IncomingHttpHeaders;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** The upgraded TCP socket of a WebSocket session (its queue is the session's). */
  readonly socket?: Duplex | undefined;
  /** The response of an HTTP receiving request (its queue is the session's while attached). */
  readonly response?: ServerResponse | undefined;
}

/** A request path below the transport's prefix, as SockJS lays it out. */
export interface SockJSPath {
  /** `<server>/<session>/<kind>` requests carry a session; raw `/websocket` does not. */
  readonly session: string | undefined;
  /** `websocket`, `xhr`, `xhr_send`, `info`, `iframe.html`, ... */
  readonly kind: string;
}

const SESSION_PATH = /^\/([^/.]+)\/([^/.]+)\/([^/.]+)\/?$/;

/** Splits the part of the path after the prefix; undefined for the prefix itself. */
export function parseSockJSPath(rest: string): SockJSPath | undefined {
  const m = SESSION_PATH.exec(rest);
  if (m !== null) return { session: m[2]!, kind: m[3]! };
  const single = /^\/([^/]+?)\/?$/.exec(rest);
  return single === null ? undefined : { session: undefined, kind: single[1]! };
}

/** Sub-transport requests that may open a session (they receive frames). */
export const RECEIVING_KINDS: ReadonlySet<string> = new Set(["websocket", "xhr", "xhr_streaming", "eventsource", "htmlfile", "jsonp"]);

/**
 * sockjs keeps only a dozen headers of the request that opened a session (no
 * `Origin`, no `Cookie`, no custom headers). The transport sees every request
 * first, so it remembers the full headers of each session-opening request here,
 * keyed by session id (or by peer address for a raw WebSocket), until the
 * session's `connection` event takes them. Entries nobody takes expire.
 */
export class OpeningRequests {
  private readonly entries = new Map<string, { request: OpeningRequest; timer: NodeJS.Timeout }>();

  constructor(private readonly ttlMs: number) {}

  /** The key of a raw WebSocket, which has no session id. */
  static peerKey(address: string | undefined, port: number | undefined): string {
    return `peer:${address ?? ""}:${port ?? 0}`;
  }

  /** Remembers `req` (and the socket or response the session's output goes to) under `key`. */
  remember(key: string, req: IncomingMessage, output: { readonly socket?: Duplex; readonly response?: ServerResponse } = {}): void {
    const previous = this.entries.get(key);
    if (previous !== undefined) clearTimeout(previous.timer);
    const timer = setTimeout(() => this.entries.delete(key), this.ttlMs);
    timer.unref();
    this.entries.set(key, {
      request: {
        headers: req.headers,
        remoteAddress: req.socket.remoteAddress ?? "",
        remotePort: req.socket.remotePort ?? 0,
        socket: output.socket,
        response: output.response,
      },
      timer,
    });
  }

  take(key: string): OpeningRequest | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    clearTimeout(entry.timer);
    this.entries.delete(key);
    return entry.request;
  }

  clear(): void {
    for (const entry of this.entries.values()) clearTimeout(entry.timer);
    this.entries.clear();
  }
}
