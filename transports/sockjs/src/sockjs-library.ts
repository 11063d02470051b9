/**
 * A typed view of the parts of the `sockjs` server package (0.3.x) this
 * transport uses. `@types/sockjs` omits `listener()` and types close codes as
 * strings, so the shapes are declared here from `sockjs/lib/*.js`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { EventEmitter } from "node:events";
import sockjsLib from "sockjs";

/** One SockJS session as the server package exposes it. */
export interface SockJSConn extends EventEmitter {
  /** The URL of the request that opened the session (path and query). */
  readonly url: string;
  readonly remoteAddress?: string;
  readonly remotePort?: number;
  /** The sub-transport: `websocket`, `websocket-raw`, `xhr-streaming`, `xhr-polling`, ... */
  readonly protocol?: string;
  /** The few headers sockjs keeps (referer, host, user-agent, x-forwarded-*, ...). */
  readonly headers: Record<string, string>;
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** Queue one message; false when the session is not open. */
  write(message: string): boolean;
  /** Send the close frame `c[code, reason]` and end the session. */
  close(code?: number, reason?: string): boolean;
}

/** Handles one request or upgrade; false when the URL is not under the prefix. */
export type SockJSHandler = (req: IncomingMessage, resOrSocket: ServerResponse | Duplex, head?: Buffer) => boolean;

export interface SockJSServer extends EventEmitter {
  listener(options?: { prefix?: string }): { getHandler(): SockJSHandler };
}

export interface SockJSServerOptions {
  prefix: string;
  response_limit: number;
  websocket: boolean;
  heartbeat_delay: number;
  disconnect_delay: number;
  sockjs_url: string;
  jsessionid: false;
  faye_server_options: { maxLength: number };
  log(severity: string, line: string): void;
}

/** `sockjs.createServer`, typed. */
export function createSockJSServer(options: SockJSServerOptions): SockJSServer {
  const create = (sockjsLib as unknown as { createServer(o: SockJSServerOptions): SockJSServer }).createServer;
  return create(options);
}

/** Escapes `text` for use inside a RegExp (sockjs builds its routes from the prefix). */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
