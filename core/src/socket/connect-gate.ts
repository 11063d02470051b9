import { readConnectResult, type ConnectVerdict } from "../results.js";
import { originChecker } from "../http/origin.js";
import type { Logger } from "../contracts/logger.js";
import type { NodeRelay } from "../contracts/node-relay.js";
import { negotiateSerializer } from "../contracts/serializer.js";
import type { ConnectDecision, ConnectRefusal, ConnectRequest, ConnectionPort, ConnectionSink, Transport, TransportHost } from "../contracts/transport.js";
import { Socket, type SocketEndpoint } from "../state/socket-state.js";
import type { ConnectionPolicy } from "../connection/connection.js";
import type { ConnectInfo, SocketHandler } from "./socket-definition.js";

/** What a connect gate needs from its endpoint. */
export interface ConnectGateRuntime {
  readonly log: Logger;
  /** Given to the transport as `host.relay`. */
  readonly relay: NodeRelay;
  /** Given to every socket as `socket.endpoint`. */
  readonly endpoint: SocketEndpoint;
  /** Admission control, before anything else: a refusal, or the function to call once the attempt is decided. */
  admit(): ConnectRefusal | (() => void);
  /** Opens the core's side of an accepted connection. */
  open(socket: Socket, sink: ConnectionSink, policy: ConnectionPolicy): ConnectionPort;
}

function refusal(status: number, code: string, reason: string): ConnectRefusal {
  return { ok: false, status, code, reason };
}

/**
 * The connect gate: the core's answer to one transport of one mounted socket
 * (the transport's {@link TransportHost}). Runs admission control, the origin
 * check, serializer negotiation and the user's `connect`, in that order, and
 * opens the accepted connection.
 */
export class ConnectGate implements TransportHost {
  readonly path: string;
  readonly log: Logger;
  readonly relay: NodeRelay;
  private readonly originAllowed: ReturnType<typeof originChecker>;

  constructor(
    private readonly runtime: ConnectGateRuntime,
    private readonly definition: SocketHandler,
    readonly mount: string,
    readonly name: string,
    private readonly transport: Transport,
  ) {
    this.path = `${mount}/${name}`;
    this.log = runtime.log;
    this.relay = runtime.relay;
    this.originAllowed = originChecker(transport.checkOrigin ?? definition.checkOrigin);
  }

  async connect(request: ConnectRequest): Promise<ConnectDecision> {
    const admitted = this.runtime.admit();
    if (typeof admitted !== "function") {
      this.log.debug("connection refused by admission control", { transport: this.name, code: admitted.code });
      return admitted;
    }
    try {
      return await this.decide(request);
    } finally {
      admitted();
    }
  }

  /** Origin, serializer, the user's connect, in that order. */
  private async decide(request: ConnectRequest): Promise<ConnectDecision> {
    const fields = { transport: this.name, path: this.path, peer: request.remoteAddress };
    if (!this.originAllowed(request.headers)) {
      this.log.warn("connection refused: origin not allowed", { ...fields, origin: request.headers.origin });
      return refusal(403, "ERR_ORIGIN", `origin ${JSON.stringify(request.headers.origin)} is not allowed`);
    }
    const vsn = typeof request.params.vsn === "string" ? request.params.vsn : "1.0.0";
    const serializer = negotiateSerializer(this.definition.serializers, vsn);
    if (serializer === undefined) {
      const known = this.definition.serializers.flatMap((s) => s.vsn).join(", ");
      this.log.warn("connection refused: no serializer for vsn", { ...fields, vsn });
      return refusal(403, "ERR_UNKNOWN_VSN", `no serializer for vsn ${JSON.stringify(vsn)}; this socket accepts ${known}`);
    }
    if (serializer.binary && !this.transport.capabilities.binary) {
      return refusal(403, "ERR_BINARY_UNSUPPORTED", `serializer ${serializer.name} needs binary frames, which transport ${this.name} cannot carry`);
    }
    const socket = new Socket({ transportName: this.name, transport: this.transport, serializer, endpoint: this.runtime.endpoint });
    let verdict: ConnectVerdict;
    try {
      verdict = readConnectResult(await this.definition.connect(request.params, socket, connectInfo(this.name, request)));
      if (verdict.accept) socket.id = this.definition.id(socket);
    } catch (cause) {
      this.log.error("connect or id callback threw; connection refused", { ...fields, cause });
      return refusal(500, "ERR_CONNECT_CRASHED", "connect failed");
    }
    if (!verdict.accept) return refusal(verdict.status, "ERR_REFUSED", verdict.reason);
    return { ok: true, serializer, open: (sink) => this.runtime.open(socket, sink, this.definition) };
  }
}

function connectInfo(transport: string, request: ConnectRequest): ConnectInfo {
  const xHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (name.startsWith("x-") && value !== undefined) xHeaders[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return {
    transport,
    peer: { address: request.remoteAddress, port: request.remotePort },
    userAgent: request.headers["user-agent"],
    xHeaders,
    uri: request.url,
    authToken: request.authToken,
    headers: request.headers,
  };
}
