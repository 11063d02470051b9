import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { CloseCode, connectRequestFrom, guarded, parseParams, splitPathQuery, type TransportContext, type TransportInstance } from "@fawkes/core";
import type { ResolvedSockJSOptions } from "./options.js";
import { OpeningRequests, RECEIVING_KINDS, parseSockJSPath, type OpeningRequest } from "./opening-requests.js";
import { AUTH_PARAM } from "./protocol.js";
import { SockJSConnection } from "./sockjs-connection.js";
import { meterFor, type OutboundMeter } from "./outbound-meter.js";
import { guardRequest } from "./request-guard.js";
import { wireCloseCode } from "./close-codes.js";
import { createSockJSServer, escapeRegExp, type SockJSConn, type SockJSHandler } from "./sockjs-library.js";

/** Sub-transport request kinds that cross origins by design (see `crossOriginTransports`). */
const CROSS_ORIGIN_KINDS: ReadonlySet<string> = new Set(["htmlfile", "jsonp", "jsonp_send"]);
/** Request kinds whose body carries client messages. */
const SENDING_KINDS: ReadonlySet<string> = new Set(["xhr_send", "jsonp_send"]);
/** Receiving kinds whose response ends after one batch of messages. */
const POLLING_KINDS: ReadonlySet<string> = new Set(["xhr", "jsonp"]);
/** The query pair sockjs-client appends last, per kind (`t` cache buster, `c` callback). */
const APPENDED_PARAM: Readonly<Record<string, string>> = { xhr: "t", xhr_streaming: "t", htmlfile: "c", jsonp: "c" };

/** One `sockjs()` transport attached to a server under one name: the `sockjs` server, its opening requests and its sessions. */
export class SockJSTransportServer implements TransportInstance {
  private readonly handler: SockJSHandler;
  private readonly opening: OpeningRequests;
  private readonly connections = new Map<SockJSConnection, { readonly session: string | undefined; readonly conn: SockJSConn }>();
  /** Server-closed sessions whose close frame waits for the client's next poll. */
  private readonly unsent = new Map<
    string,
    { readonly sent: Promise<void>; readonly done: () => void; readonly timer: NodeJS.Timeout; messagesFirst: boolean }
  >();
  /** Session ids with a live connection (their later requests open nothing), with the session's output meter. */
  private readonly liveSessions = new Map<string, OutboundMeter>();
  private closing = false;

  constructor(
    private readonly context: TransportContext,
    private readonly options: ResolvedSockJSOptions,
  ) {
    const { host } = context;
    this.opening = new OpeningRequests(options.disconnectDelay + 10_000);
    const server = createSockJSServer({
      prefix: escapeRegExp(host.path),
      response_limit: options.responseLimit,
      websocket: options.websocket,
      heartbeat_delay: options.heartbeatDelay,
      disconnect_delay: options.disconnectDelay,
      sockjs_url: options.sockjsUrl,
      jsessionid: false,
      faye_server_options: { maxLength: options.maxFrameSize },
      log: (severity, line) => {
        if (severity === "error") host.log.error(`sockjs: ${line}`, { transport: host.name });
        else host.log.debug(`sockjs: ${line}`, { transport: host.name });
      },
    });
    server.on("connection", (conn: SockJSConn | null) => {
      if (conn === null) return;
      guarded(
        host.log,
        "sockjs connection",
        () => this.onConnection(conn),
        () => conn.close(wireCloseCode(CloseCode.InternalError), "ERR_INTERNAL: connection failed"),
      )();
    });
    this.handler = server.listener().getHandler();
  }

  /** Serves one HTTP request; a throw (ours or sockjs's) answers only it, with 500. */
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean {
    return guardRequest(this.context.host.log, "sockjs request", res, () => this.route(req, res));
  }

  /** Serves one upgrade; a throw (ours, sockjs's or faye's) destroys only that socket. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    return guardRequest(this.context.host.log, "sockjs upgrade", socket, () => {
      if (this.closing) return false;
      socket.on("error", () => socket.destroy());
      const path = this.pathOf(req);
      if (path !== undefined) this.rememberOpening(req, path.session, path.kind, { socket });
      return this.handler(req, socket, head);
    });
  }

  private route(req: IncomingMessage, res: ServerResponse): boolean {
    const path = this.pathOf(req);
    if (this.closing) return this.drainRequest(req, res, path);
    if (path === undefined) return this.handler(req, res);
    if (!this.options.crossOriginTransports && (CROSS_ORIGIN_KINDS.has(path.kind) || /^iframe[0-9-.a-z_]*\.html$/.test(path.kind))) {
      res.writeHead(404, { "content-type": "text/plain; charset=UTF-8" }).end("404 Error: Page not found\n");
      return true;
    }
    if (SENDING_KINDS.has(path.kind) && !this.limitBody(req, res)) return true;
    const receiving = path.session !== undefined && RECEIVING_KINDS.has(path.kind) && req.method !== "OPTIONS";
    if (req.method !== "OPTIONS") this.rememberOpening(req, path.session, path.kind, receiving ? { response: res } : {});
    if (receiving) this.noteDelivery(path.session!, res, path.kind);
    const handled = this.handler(req, res);
    // sockjs registers a receiving request synchronously and flushes the
    // session's whole buffer into it: from here on the session's queue is this response.
    if (receiving) this.liveSessions.get(path.session!)?.attach(res);
    return handled;
  }

  /**
   * Ends every session still open with 1012 (the core has usually closed them
   * already), then waits until pending close frames went out: a polling client
   * between two polls only gets its close frame on its next poll. The wait is
   * bounded by `disconnectDelay`, at most 2 s.
   */
  async close(): Promise<void> {
    this.closing = true;
    this.opening.clear();
    for (const connection of [...this.connections.keys()]) connection.end(1012, "endpoint closing");
    // Close frames written just now may sit in a corked socket until the next tick.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.unsent.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.min(this.options.disconnectDelay, 2000));
    });
    await Promise.race([Promise.all([...this.unsent.values()].map((u) => u.sent)), grace]);
    clearTimeout(timer);
    for (const u of this.unsent.values()) clearTimeout(u.timer);
    this.unsent.clear();
  }

  /** While closing, only the polls that fetch a pending close frame are served. */
  private drainRequest(req: IncomingMessage, res: ServerResponse, path: ReturnType<typeof parseSockJSPath>): boolean {
    const session = path?.session;
    if (session === undefined) return false;
    // A send racing the close still reaches its (closed) session, which drops it: a
    // 404 here would make sockjs-client end with 1006 before its poll reads the 1012.
    if (SENDING_KINDS.has(path!.kind)) return this.limitBody(req, res) ? this.handler(req, res) : true;
    if (!this.unsent.has(session) || !RECEIVING_KINDS.has(path!.kind)) return false;
    this.noteDelivery(session, res, path!.kind);
    return this.handler(req, res);
  }

  /** The session's close frame leaves with this response (or, when polling behind waiting messages, the next). */
  private noteDelivery(session: string, res: ServerResponse, kind: string): void {
    const unsent = this.unsent.get(session);
    if (unsent === undefined) return;
    if (unsent.messagesFirst && POLLING_KINDS.has(kind)) {
      unsent.messagesFirst = false;
      return;
    }
    this.unsent.delete(session);
    clearTimeout(unsent.timer);
    res.once("close", unsent.done);
  }

  /** A server-closed session with no request attached: remember it until its next poll. */
  private trackUnsent(session: string, messagesFirst: boolean): void {
    let done!: () => void;
    const sent = new Promise<void>((resolve) => {
      done = resolve;
    });
    const timer = setTimeout(
      guarded(this.context.host.log, "sockjs unsent close frame timer", () => {
        this.unsent.delete(session);
        done();
      }),
      this.options.disconnectDelay,
    );
    timer.unref();
    this.unsent.set(session, { sent, done, timer, messagesFirst });
  }

  private onConnection(conn: SockJSConn): void {
    const { host } = this.context;
    const { path: pathname, query } = splitPathQuery(conn.url);
    const path = pathname.startsWith(host.path) ? parseSockJSPath(pathname.slice(host.path.length)) : undefined;
    const session = path?.session;
    const opening: OpeningRequest = this.opening.take(session ?? OpeningRequests.peerKey(conn.remoteAddress, conn.remotePort)) ?? {
      headers: conn.headers,
      remoteAddress: conn.remoteAddress ?? "",
      remotePort: conn.remotePort ?? 0,
    };
    const search = new URLSearchParams(query);
    dropAppendedParam(search, path === undefined ? undefined : APPENDED_PARAM[path.kind]);
    const wantsToken = search.get(AUTH_PARAM) === "1";
    search.delete(AUTH_PARAM);
    const meter = meterFor(opening, conn.protocol);
    if (session !== undefined) this.liveSessions.set(session, meter);
    const connection = new SockJSConnection(
      conn,
      connectRequestFrom({ url: conn.url, headers: opening.headers, socket: opening }, { params: parseParams(search) }),
      wantsToken,
      host,
      this.options,
      meter,
      (ended, closeFramePending, messagesPending) => {
        this.connections.delete(ended);
        if (session === undefined) return;
        this.liveSessions.delete(session);
        if (closeFramePending) this.trackUnsent(session, messagesPending);
      },
    );
    this.connections.set(connection, { session, conn });
    if (this.closing) connection.end(1012, "endpoint closing");
  }

  private pathOf(req: IncomingMessage): ReturnType<typeof parseSockJSPath> {
    const pathname = splitPathQuery(req.url ?? "").path;
    const prefix = this.context.host.path;
    return pathname.startsWith(prefix) ? parseSockJSPath(pathname.slice(prefix.length)) : undefined;
  }

  private rememberOpening(req: IncomingMessage, session: string | undefined, kind: string, output: { socket?: Duplex; response?: ServerResponse }): void {
    if (session === undefined) {
      if (kind === "websocket") this.opening.remember(OpeningRequests.peerKey(req.socket.remoteAddress, req.socket.remotePort), req, output);
      return;
    }
    if (RECEIVING_KINDS.has(kind) && !this.liveSessions.has(session)) this.opening.remember(session, req, output);
  }

  /** Refuses a message body over `maxFrameSize` (413); false when it answered. */
  private limitBody(req: IncomingMessage, res: ServerResponse): boolean {
    const limit = this.options.maxFrameSize;
    const declared = Number(req.headers["content-length"] ?? "0");
    if (declared > limit) {
      res.writeHead(413, { "content-type": "text/plain; charset=UTF-8", connection: "close" }).end("payload too large\n");
      req.resume();
      return false;
    }
    let seen = 0;
    req.on(
      "data",
      guarded(this.context.host.log, "sockjs body limit", (chunk: Buffer) => {
        seen += chunk.length;
        if (seen > limit) req.destroy();
      }),
    );
    return true;
  }
}

/** Removes the pair sockjs-client appended (always the last one) for this kind. */
function dropAppendedParam(search: URLSearchParams, name: string | undefined): void {
  if (name === undefined) return;
  const pairs = [...search];
  if (pairs.length === 0 || pairs[pairs.length - 1]![0] !== name) return;
  pairs.pop();
  for (const key of new Set([...search.keys()])) search.delete(key);
  for (const [k, v] of pairs) search.append(k, v);
}
