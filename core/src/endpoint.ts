import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { randomUUID } from "node:crypto";
import { CloseCode, FawkesError } from "./errors.js";
import { consoleLogger, type Logger } from "./contracts/logger.js";
import type { PubSubAdapter } from "./contracts/pubsub-adapter.js";
import type { ConnectionSink, TransportInstance } from "./contracts/transport.js";
import { splitPathQuery } from "./http/connect-request.js";
import { Admission, type AdmissionOptions } from "./limits/admission.js";
import { drainInBatches, resolveDrain, type DrainOptions } from "./limits/drain.js";
import { PubSub } from "./pubsub/pubsub.js";
import type { Subscriber } from "./pubsub/subscriber.js";
import type { Socket, SocketEndpoint } from "./state/socket-state.js";
import { Connection, type ConnectionPolicy, type ConnectionRuntime } from "./connection/connection.js";
import { ConnectGate, type ConnectGateRuntime } from "./socket/connect-gate.js";
import type { SocketHandler } from "./socket/socket-definition.js";

/**
 * Endpoint options. The admission limits ({@link AdmissionOptions}:
 * `maxConnections`, `connectRate`) are per node (per endpoint).
 */
export interface EndpointOptions extends AdmissionOptions {
  /** Cross-node PubSub adapter (e.g. Redis). Default: this process only. */
  readonly pubsub?: PubSubAdapter | undefined;
  /** This node's name, unique among nodes sharing an adapter. Default: random. */
  readonly node?: string | undefined;
  /** Where logs go. Default: warnings and errors to the console. */
  readonly logger?: Logger | undefined;
}

interface Mounted {
  readonly path: string;
  readonly instance: TransportInstance;
}

/**
 * Serves sockets over HTTP and owns the PubSub, after Phoenix.Endpoint.
 *
 * ```ts
 * const endpoint = new Endpoint().socket("/socket", userSocket);
 * await endpoint.listen(4000);                 // its own server, or
 * endpoint.attach(existingHttpServer);         // Express / Fastify / node:http
 * endpoint.broadcast("room:lobby", "new_msg", { body: "hi" });
 * await endpoint.close();                      // clients get 1012 and reconnect
 * ```
 */
export class Endpoint implements SocketEndpoint {
  readonly pubsub: PubSub;
  readonly node: string;
  readonly log: Logger;
  private readonly sockets = new Map<string, SocketHandler>();
  private readonly connections = new Set<Connection>();
  private mounted: Mounted[] = [];
  private server: Server | undefined;
  private ownsServer = false;
  private started: Promise<void> | undefined;
  private detach: (() => void) | undefined;
  private readonly runtime: ConnectionRuntime;
  private readonly gateRuntime: ConnectGateRuntime;
  /** Admission control, consulted first by every transport's connect. */
  readonly admission: Admission;
  private draining: Promise<void> | undefined;
  private readonly stopDrain = new AbortController();

  constructor(options: EndpointOptions = {}) {
    this.log = options.logger ?? consoleLogger;
    this.node = options.node ?? randomUUID();
    this.pubsub = new PubSub(this.log, options.pubsub);
    this.runtime = { pubsub: this.pubsub, log: this.log, forget: (c) => this.connections.delete(c) };
    this.admission = new Admission(options, () => this.connections.size);
    this.gateRuntime = {
      log: this.log,
      relay: this.pubsub.relay,
      endpoint: this,
      admit: () => this.admission.admit(),
      open: (socket, sink, policy) => this.openConnection(socket, sink, policy),
    };
  }

  /** Mount `handler` at `path` (e.g. "/socket"); its transports are served below it. */
  socket(path: string, handler: SocketHandler): this {
    if (!/^\/[^?#]*$/.test(path) || path.endsWith("/"))
      throw new FawkesError("ERR_BAD_OPTION", `socket path ${JSON.stringify(path)} must start with "/" and not end with one`);
    if (this.sockets.has(path)) throw new FawkesError("ERR_BAD_OPTION", `a socket is already mounted at ${path}`);
    if (handler.transports.size === 0) throw new FawkesError("ERR_BAD_TRANSPORT", `the socket at ${path} has no transport`);
    if (this.server !== undefined) throw new FawkesError("ERR_BAD_OPTION", "mount sockets before attach() or listen()");
    this.sockets.set(path, handler);
    return this;
  }

  /** Number of open connections on this node. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /**
   * Attach to an existing HTTP server. Requests under a mounted socket go to its
   * transports; everything else goes to the request listeners the server already
   * had (your Express or Fastify app), so attach after creating it.
   */
  attach(server: Server): Promise<void> {
    if (this.server !== undefined) throw new FawkesError("ERR_BAD_OPTION", "the endpoint is already attached");
    this.server = server;
    const previous = server.listeners("request") as ((req: IncomingMessage, res: ServerResponse) => void)[];
    server.removeAllListeners("request");
    const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
      if (this.routeRequest(req, res)) return;
      if (previous.length === 0) {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
        return;
      }
      for (const listener of previous) listener.call(server, req, res);
    };
    const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
      if (this.routeUpgrade(req, socket, head)) return;
      if (server.listenerCount("upgrade") === 1) {
        socket.end("HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
      }
    };
    server.on("request", onRequest);
    server.on("upgrade", onUpgrade);
    this.detach = () => {
      server.off("request", onRequest);
      server.off("upgrade", onUpgrade);
      for (const listener of previous) server.on("request", listener);
    };
    for (const [mount, handler] of this.sockets) {
      for (const [name, transport] of handler.transports) {
        const host = new ConnectGate(this.gateRuntime, handler, mount, name, transport);
        this.mounted.push({ path: host.path, instance: transport.attach({ server, host }) });
      }
    }
    this.pubsub.validateWith([...this.sockets.values()][0]?.serializers[0]);
    this.started = this.pubsub.start(this.node);
    return this.started;
  }

  /** Create an HTTP server, attach to it and listen; resolves with the bound port. */
  async listen(port = 0, hostname?: string): Promise<number> {
    const server = createServer();
    this.ownsServer = true;
    await this.attach(server);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, hostname, () => {
        server.off("error", reject);
        resolve();
      });
    });
    const address = server.address();
    return typeof address === "object" && address !== null ? address.port : port;
  }

  /** The HTTP server in use, once attached. */
  get httpServer(): Server | undefined {
    return this.server;
  }

  /**
   * Broadcast to every subscriber of `topic` on every node. Throws
   * `ERR_RESERVED_TOPIC` for a `phx:` topic and `ERR_UNENCODABLE` (the
   * serializer's error as `cause`) for a payload that cannot be encoded; then
   * nobody receives it.
   */
  broadcast(topic: string, event: string, payload: unknown = {}): void {
    this.pubsub.broadcast({ topic, event, payload });
  }

  /** Broadcast to `topic` on this node only. Throws as {@link broadcast}. */
  localBroadcast(topic: string, event: string, payload: unknown = {}): void {
    this.pubsub.localBroadcast({ topic, event, payload });
  }

  /** Broadcast excluding one subscriber. Throws as {@link broadcast}. */
  broadcastFrom(from: Subscriber, topic: string, event: string, payload: unknown = {}): void {
    this.pubsub.broadcast({ topic, event, payload }, from);
  }

  /**
   * Drain this node before it goes away, after Phoenix's drainer: refuse new
   * connections from now on (503 `ERR_DRAINING`, with a retry hint), and close
   * the open ones with 1012 (clients reconnect, to another node), `batchSize`
   * per `intervalMs`, each connection of a batch at a random moment of its
   * interval so that clients do not come back as one wave. Resolves once every
   * connection is closed; at `maxMs` the rest are closed at once. Defaults:
   * 1,000 per 1,000 ms, 30,000 ms at most. Calling it again returns the same
   * drain. The endpoint keeps refusing until {@link close}, which stops a drain
   * still running.
   */
  drain(options: DrainOptions = {}): Promise<void> {
    if (this.draining !== undefined) return this.draining;
    const plan = resolveDrain(options);
    this.admission.startDraining(Date.now() + plan.maxMs);
    this.log.info("draining", { node: this.node, connections: this.connections.size, ...plan });
    this.draining = drainInBatches(
      () => [...this.connections],
      (c) => c.close(CloseCode.ServiceRestart, "draining"),
      plan,
      this.stopDrain.signal,
    );
    return this.draining;
  }

  /**
   * Close every connection (code 1012 by default, so clients reconnect elsewhere),
   * stop the transports, detach from the server (closing it if the endpoint made
   * it) and close the PubSub adapter.
   */
  async close(code: number = CloseCode.ServiceRestart): Promise<void> {
    this.stopDrain.abort();
    this.admission.startDraining(Date.now());
    for (const connection of [...this.connections]) connection.close(code, "endpoint closing");
    // Requests keep reaching the transports while they close: a polling client
    // may still have to fetch its close frame. Each transport refuses new ones.
    const mounted = this.mounted;
    await Promise.all(mounted.map((m) => m.instance.close()));
    this.mounted = [];
    this.detach?.();
    this.detach = undefined;
    const server = this.server;
    if (server !== undefined && this.ownsServer) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      });
    }
    this.server = undefined;
    await this.started?.catch(() => undefined);
    await this.pubsub.close();
  }

  private openConnection(socket: Socket, sink: ConnectionSink, policy: ConnectionPolicy): Connection {
    const connection = new Connection(socket, sink, this.runtime, policy);
    this.connections.add(connection);
    return connection;
  }

  private find(url: string | undefined): Mounted | undefined {
    if (url === undefined) return undefined;
    const { path } = splitPathQuery(url);
    for (const m of this.mounted) {
      if (path === m.path || (path.startsWith(m.path) && path.charCodeAt(m.path.length) === 47)) return m;
    }
    return undefined;
  }

  private routeRequest(req: IncomingMessage, res: ServerResponse): boolean {
    return this.find(req.url)?.instance.handleRequest?.(req, res) ?? false;
  }

  private routeUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    return this.find(req.url)?.instance.handleUpgrade?.(req, socket, head) ?? false;
  }
}
