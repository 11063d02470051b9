import { originChecker } from "./origin.js";
import { negotiateSerializer } from "./serializer.js";
import { Socket } from "./socket.js";
import type { Connection } from "./connection.js";
import type { Endpoint } from "./endpoint.js";
import type { ConnectInfo, SocketHandler } from "./socket-handler.js";
import type { NodeRelay } from "./node-relay.js";
import type { ConnectDecision, ConnectRefusal, ConnectRequest, ConnectionSink, Logger, Transport, TransportHost } from "./transport.js";

function refusal(status: number, code: string, reason: string): ConnectRefusal {
  return { ok: false, status, code, reason };
}

/**
 * The core's answer to one transport of one mounted socket: runs the origin
 * check, serializer negotiation and the user's `connect`, in that order.
 */
export class SocketHost implements TransportHost {
  readonly path: string;
  readonly log: Logger;
  private readonly originAllowed: ReturnType<typeof originChecker>;

  constructor(
    private readonly endpoint: Endpoint,
    private readonly handler: SocketHandler,
    readonly mount: string,
    readonly name: string,
    private readonly transport: Transport,
    readonly open: (socket: Socket, sink: ConnectionSink) => Connection,
  ) {
    this.path = `${mount}/${name}`;
    this.log = endpoint.log;
    this.originAllowed = originChecker(transport.checkOrigin ?? handler.checkOrigin);
  }

  get relay(): NodeRelay {
    return this.endpoint.pubsub.relay;
  }

  async connect(request: ConnectRequest): Promise<ConnectDecision> {
    const admitted = this.endpoint.admission.admit();
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
    const serializer = negotiateSerializer(this.handler.serializers, vsn);
    if (serializer === undefined) {
      const known = this.handler.serializers.flatMap((s) => s.vsn).join(", ");
      this.log.warn("connection refused: no serializer for vsn", { ...fields, vsn });
      return refusal(403, "ERR_UNKNOWN_VSN", `no serializer for vsn ${JSON.stringify(vsn)}; this socket accepts ${known}`);
    }
    if (serializer.binary && !this.transport.capabilities.binary) {
      return refusal(403, "ERR_BINARY_UNSUPPORTED", `serializer ${serializer.name} needs binary frames, which transport ${this.name} cannot carry`);
    }
    const socket = new Socket({ transportName: this.name, transport: this.transport, serializer, endpoint: this.endpoint, handler: this.handler });
    let result: unknown;
    try {
      result = await this.handler.connect(request.params, socket, connectInfo(this.name, request));
      if (accepted(result)) socket.id = this.handler.id(socket);
    } catch (cause) {
      this.log.error("connect or id callback threw; connection refused", { ...fields, cause });
      return refusal(500, "ERR_CONNECT_CRASHED", "connect failed");
    }
    if (accepted(result)) return { ok: true, serializer, open: (sink) => this.open(socket, sink) };
    const type = (result as { type?: string } | null)?.type;
    if (type === "refuse") {
      const r = result as { status: number; reason: string };
      return refusal(r.status, "ERR_REFUSED", r.reason);
    }
    const reason = type === "error" ? (result as { response: unknown }).response : undefined;
    return refusal(403, "ERR_REFUSED", typeof reason === "string" ? reason : "connection refused");
  }
}

function accepted(result: unknown): boolean {
  return result === true || result === undefined || (result !== null && typeof result === "object" && (result as { type?: string }).type === "ok");
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
