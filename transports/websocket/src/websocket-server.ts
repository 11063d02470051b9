import { STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket as NetSocket } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import {
  connectRequestFrom,
  guarded,
  splitPathQuery,
  type ConnectAcceptance,
  type ConnectDecision,
  type ConnectRequest,
  type TransportContext,
  type TransportHost,
  type TransportInstance,
} from "@fawkes/core";
import type { ResolvedOptions } from "./options.js";
import { handshakeProblem, refusalAnswer, refuseUpgrade } from "./handshake.js";
import { parseSubprotocolOffer } from "./subprotocol-offer.js";
import { IdleSweeper } from "./idle-sweeper.js";
import { CorkBatch, WireFrames } from "./wire-frames.js";
import { WebSocketConnection, type ConnectionContext } from "./websocket-connection.js";

/** How long `close()` lets clients answer the close frames the core sent before cutting them off. */
const CLOSE_GRACE_MS = 1000;

/** One `websocket()` transport attached to a server under one name. */
export class WebSocketTransportServer implements TransportInstance {
  private readonly host: TransportHost;
  private readonly wss: WebSocketServer;
  private readonly sweeper: IdleSweeper<WebSocketConnection>;
  private readonly context: ConnectionContext;
  private closing = false;
  private drained: (() => void) | undefined;

  constructor({ host }: TransportContext, options: ResolvedOptions) {
    this.host = host;
    const preferred = ["phoenix", ...options.subprotocols];
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      maxPayload: options.maxFrameSize,
      perMessageDeflate: options.compress,
      handleProtocols: (offered) => preferred.find((p) => offered.has(p)) ?? false,
    });
    // With noServer ws never emits it today; an EventEmitter 'error' without a listener would throw.
    this.wss.on(
      "error",
      guarded(host.log, "websocket server error", (cause: Error) => host.log.error("websocket server error", { transport: host.name, cause })),
    );
    this.sweeper = new IdleSweeper(options.timeout, host.log);
    this.context = {
      wire: new WireFrames(),
      corks: new CorkBatch(host.log),
      backpressure: options.backpressure,
      log: host.log,
      name: host.name,
      forget: (connection) => {
        this.sweeper.delete(connection);
        if (this.sweeper.size === 0) this.drained?.();
      },
    };
  }

  /**
   * A plain HTTP request (no upgrade) to exactly `<mount>/<name>` is answered 400,
   * as Phoenix does (its transport answers 400 to anything that is not a
   * WebSocket handshake); a deeper path is left to the core (404).
   */
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean {
    if (splitPathQuery(req.url ?? "/").path !== this.host.path) return false;
    answerNotAHandshake(req, res);
    return true;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    // Node removed its own error listener from an upgraded socket: without one, a
    // reset during the handshake would crash the process.
    socket.on("error", ignoreError);
    this.upgrade(req, socket, head).catch(
      guarded(
        this.host.log,
        "websocket upgrade",
        (cause: unknown) => {
          this.host.log.error("websocket upgrade failed", { transport: this.host.name, cause });
          refuseUpgrade(socket, 500, "Internal Server Error");
        },
        () => socket.destroy(),
      ),
    );
    return true;
  }

  async close(): Promise<void> {
    this.closing = true;
    this.sweeper.stop();
    if (this.sweeper.size > 0) {
      // The core already sent close frames; give clients a moment to answer them.
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.drained = resolve;
        timer = setTimeout(resolve, CLOSE_GRACE_MS);
      });
      clearTimeout(timer);
      for (const connection of this.sweeper.all()) connection.terminate();
    }
    this.wss.close();
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = req.url ?? "/";
    if (splitPathQuery(url).path !== this.host.path) return refuseUpgrade(socket, 404, "Not Found");
    if (this.closing) return refuseUpgrade(socket, 503, "Service Unavailable");
    const problem = handshakeProblem(req);
    if (problem !== undefined) return refuseUpgrade(socket, 400, problem, { "Sec-WebSocket-Version": "13, 8" });
    const offer = parseSubprotocolOffer(req.headers["sec-websocket-protocol"]);
    if (offer === null) return refuseUpgrade(socket, 400, "invalid Sec-WebSocket-Protocol header");

    // The headers are copied: the subprotocol header is edited below, before ws sees it.
    const request: ConnectRequest = connectRequestFrom({ url, headers: req.headers, socket: socket as Partial<NetSocket> }, { authToken: offer.authToken });
    const decision: ConnectDecision = await this.host.connect(request);
    if (socket.destroyed || !socket.writable) return; // the client left while we decided
    if (this.closing) return refuseUpgrade(socket, 503, "Service Unavailable");
    if (!decision.ok) {
      const { status, headers } = refusalAnswer(decision);
      return refuseUpgrade(socket, status, decision.reason || decision.code, headers);
    }
    // ws must only see real subprotocols: the token entry is not a valid token.
    if (offer.authToken !== undefined) {
      if (offer.protocols.length > 0) req.headers["sec-websocket-protocol"] = offer.protocols.join(", ");
      else delete req.headers["sec-websocket-protocol"];
    }
    socket.off("error", ignoreError);
    // ws calls back from inside handleUpgrade: a throw there must not reach our
    // catch above, which would write an HTTP answer into an upgraded socket.
    this.wss.handleUpgrade(
      req,
      socket,
      head,
      guarded(this.host.log, "websocket open", (ws: WebSocket) => this.opened(ws, socket, decision)),
    );
  }

  /** `socket` is the upgrade socket `ws` opened `ws` on: the connection writes frames to it directly. */
  private opened(ws: WebSocket, socket: Duplex, accepted: ConnectAcceptance): void {
    const connection = new WebSocketConnection(ws, socket, this.context);
    try {
      connection.bind(accepted.open(connection));
    } catch (cause) {
      this.host.log.error("the core failed to open a connection", { transport: this.host.name, cause });
      ws.terminate();
      return;
    }
    this.sweeper.add(connection);
  }
}

function ignoreError(): void {}

/** 400 with the reason on one line, as an upgrade that is not a handshake gets. */
function answerNotAHandshake(req: IncomingMessage, res: ServerResponse): void {
  const body = `${handshakeProblem(req) ?? "not a WebSocket handshake"}\n`;
  res.writeHead(400, STATUS_CODES[400], {
    "content-type": "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
  // The body is not read: drop whatever the client still sends.
  req.resume();
}
