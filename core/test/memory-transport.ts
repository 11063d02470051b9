// A transport that lives in memory, so core behaviour can be tested without sockets.
import { createServer } from "node:http";
import {
  Endpoint,
  silentLogger,
  type ConnectionPort,
  type EndpointOptions,
  type Frame,
  type SocketHandler,
  type Transport,
  type TransportHost,
} from "@fawkes/core";
import { jsonV2 } from "@fawkes/json";

export interface MemoryClient {
  /** Frames the server sent, decoded from V2 JSON text. */
  readonly inbox: unknown[][];
  closedWith: { code: number; reason: string } | undefined;
  /** `Date.now()` when the server closed it. */
  closedAt: number | undefined;
  send(message: unknown[]): void;
  sendRaw(frame: Frame): void;
  /** Resolves once `count` frames have arrived (bounded wait). */
  waitFor(count: number, timeoutMs?: number): Promise<unknown[][]>;
  disconnect(): void;
}

export function memoryTransport(): Transport & { host: TransportHost | undefined } {
  const t = {
    kind: "memory",
    capabilities: { binary: true, delivery: "push", heartbeats: "client" } as const,
    host: undefined as TransportHost | undefined,
    attach({ host }: { host: TransportHost }) {
      t.host = host;
      return { close: async () => {} };
    },
  };
  return t;
}

export async function startMemoryEndpoint(socket: SocketHandler, _transport: ReturnType<typeof memoryTransport>, options: EndpointOptions = {}) {
  const endpoint = new Endpoint({ logger: silentLogger, ...options }).socket("/socket", socket);
  await endpoint.attach(createServer());
  return endpoint;
}

export async function connectMemory(
  transport: ReturnType<typeof memoryTransport>,
  params: Record<string, string> = { vsn: "2.0.0" },
  headers: Record<string, string> = {},
): Promise<MemoryClient | { status: number; code: string; retryAfter?: number }> {
  const decision = await transport.host!.connect({ params, headers, remoteAddress: "127.0.0.1", remotePort: 1, url: "/socket/memory" });
  if (!decision.ok) return { status: decision.status, code: decision.code, ...(decision.retryAfter === undefined ? {} : { retryAfter: decision.retryAfter }) };
  const waiters: (() => void)[] = [];
  let port: ConnectionPort;
  const client: MemoryClient = {
    inbox: [],
    closedWith: undefined,
    closedAt: undefined,
    send(message) {
      port.receive({ opcode: "text", data: JSON.stringify(message) });
    },
    sendRaw(frame) {
      port.receive(frame);
    },
    waitFor(count, timeoutMs = 1000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (client.inbox.length >= count) {
            resolve(client.inbox);
            return true;
          }
          return false;
        };
        if (check()) return;
        const timer = setTimeout(() => reject(new Error(`timed out with ${client.inbox.length}/${count} frames: ${JSON.stringify(client.inbox)}`)), timeoutMs);
        const poll = () => {
          if (check()) clearTimeout(timer);
          else waiters.push(poll);
        };
        waiters.push(poll);
      });
    },
    disconnect() {
      port.closed({ reason: "client gone" });
    },
  };
  port = decision.open({
    send(frame) {
      client.inbox.push(frame.opcode === "text" ? (JSON.parse(frame.data) as unknown[]) : ["binary", Array.from(frame.data)]);
      for (const w of waiters.splice(0)) w();
    },
    close(code, reason) {
      client.closedWith = { code, reason };
      client.closedAt = Date.now();
    },
  });
  return client;
}

export { jsonV2 };
