import { createServer, type Server as NetServer, type Socket } from "node:net";
import type { IncomingMessage, ServerResponse } from "node:http";
import { guarded, type Frame, type TransportContext, type TransportHost, type TransportInstance } from "@fawkes/core";
import type { ResolvedTcpOptions } from "./options.js";
import { TcpConnection, type ConnectionContext } from "./tcp-connection.js";
import { encodeFrame } from "./wire-format.js";

/** How long `close()` lets clients answer the close lines the core sent before cutting them off. */
const CLOSE_GRACE_MS = 1000;

/** One `tcpTransport()` attached to an endpoint: a `net.Server` and its connections. */
export class TcpTransportServer implements TransportInstance {
  private readonly host: TransportHost;
  private readonly server: NetServer;
  private readonly connections = new Set<TcpConnection>();
  private readonly context: ConnectionContext;
  /** The bound port once listening; undefined if listening failed. */
  private readonly listening: Promise<number | undefined>;
  private closing = false;

  constructor({ host }: TransportContext, options: ResolvedTcpOptions) {
    this.host = host;
    const wireCache = new WeakMap<Frame, string>();
    this.context = {
      host,
      options,
      wire(frame) {
        let line = wireCache.get(frame);
        if (line === undefined) wireCache.set(frame, (line = encodeFrame(frame)));
        return line;
      },
      isClosing: () => this.closing,
      forget: (connection) => this.connections.delete(connection),
    };
    this.server = createServer((socket: Socket) => {
      socket.on("error", () => {}); // until the connection installs its own listeners
      guarded(
        host.log,
        "tcp accept",
        () => this.connections.add(new TcpConnection(socket, this.context)),
        () => socket.destroy(),
      )();
    });
    this.listening = new Promise((resolve) => {
      this.server.on("error", (cause) => {
        host.log.error("tcp transport could not listen", { transport: host.name, port: options.port, cause });
        resolve(undefined);
      });
      this.server.listen(options.port, options.host, () => {
        const address = this.server.address();
        resolve(typeof address === "object" && address !== null ? address.port : options.port);
      });
    });
  }

  /** `GET <mount>/<name>` on the HTTP server: where the TCP listener is. */
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean {
    const path = (req.url ?? "/").split("?", 1)[0];
    if (path !== this.host.path) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return true;
    }
    void this.listening.then((port) => {
      const body = JSON.stringify(port === undefined ? { error: "ERR_NOT_LISTENING" } : { port });
      res.writeHead(port === undefined ? 503 : 200, { "content-type": "application/json", "cache-control": "no-store" }).end(body);
    });
    return true;
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const connection of this.connections) if (connection.handshaking) connection.destroy();
    // The core already closed the open connections; give clients a moment to hang up.
    const deadline = Date.now() + CLOSE_GRACE_MS;
    while (this.connections.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    for (const connection of this.connections) connection.destroy();
    if ((await this.listening) !== undefined) await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
