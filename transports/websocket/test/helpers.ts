// A small server and raw clients for the transport's tests.
import { connect as netConnect, type Socket as NetSocket } from "node:net";
import type { ExecutionContext } from "ava";
import { WebSocket } from "ws";
import {
  Endpoint,
  defineSocket,
  ok,
  silentLogger,
  type ConnectInfo,
  type Params,
  type Transport,
  type CheckOrigin,
  type Logger,
  type ChannelSocket,
} from "@fawkes/core";
import { jsonV1, jsonV2 } from "@fawkes/json";
import { websocketClientDriver, type ClientConnection } from "@fawkes/websocket/testing";

export interface Seen {
  params: Params;
  info: ConnectInfo;
}

export interface TestServer {
  endpoint: Endpoint;
  port: number;
  url: string;
  /** Every connect the socket saw, in order. */
  seen: Seen[];
}

/**
 * A test channel: `echo` replies with the payload; `push` pushes `count` copies of
 * it then replies; `mixed` alternates `count` broadcasts and pushes (text, or
 * binary when `binary` is set) in one tick, then replies.
 */
const room = {
  join: (topic: string) => ok({ joined: topic }),
  handleIn(event: string, payload: unknown, socket: ChannelSocket) {
    if (event === "echo") return ok(payload);
    if (event === "push") {
      const { count, body } = payload as { count: number; body: unknown };
      for (let i = 0; i < count; i++) socket.push("pushed", { i, body });
      return ok({ pushed: count });
    }
    if (event === "mixed") {
      const { count, binary } = payload as { count: number; binary?: boolean };
      for (let i = 0; i < count; i++) {
        socket.broadcast("b", binary ? new Uint8Array([i, 1, 2, 3]) : { i });
        socket.push("p", binary ? new Uint8Array([i, 9]) : { i });
      }
      return ok({ mixed: count });
    }
    return ok();
  },
};

/** Starts an endpoint on 127.0.0.1 with `transports` (default: `websocket()`) at /socket; closed at teardown. */
export async function startServer(
  t: ExecutionContext,
  transports: Record<string, Transport>,
  options: { checkOrigin?: CheckOrigin; logger?: Logger } = {},
): Promise<TestServer> {
  const seen: Seen[] = [];
  let socket = defineSocket({
    serializers: [jsonV2, jsonV1],
    ...(options.checkOrigin === undefined ? {} : { checkOrigin: options.checkOrigin }),
    async connect(params, s, info) {
      seen.push({ params, info });
      if (typeof params.slow === "string") await new Promise((r) => setTimeout(r, Number(params.slow)));
      if (params.reject === "1") return false;
      if (typeof params.user_id === "string") s.assign("user_id", params.user_id);
      return true;
    },
    id: (s) => (typeof s.assigns.user_id === "string" ? `user_socket:${s.assigns.user_id}` : null),
  }).channel("room:*", room);
  for (const [name, transport] of Object.entries(transports)) socket = socket.transport(name, transport);
  const endpoint = new Endpoint({ logger: options.logger ?? silentLogger }).socket("/socket", socket);
  const port = await endpoint.listen(0, "127.0.0.1");
  t.teardown(() => endpoint.close());
  return { endpoint, port, url: `http://127.0.0.1:${port}`, seen };
}

/** Connects with the package's driver and fails the test on refusal; closed at teardown. */
export async function open(
  t: ExecutionContext,
  server: TestServer,
  options: { path?: string; params?: Record<string, string>; authToken?: string } = {},
): Promise<ClientConnection> {
  const outcome = await websocketClientDriver.connect({
    url: server.url,
    path: options.path ?? "/socket/websocket",
    params: options.params ?? { vsn: "2.0.0" },
    ...(options.authToken === undefined ? {} : { authToken: options.authToken }),
  });
  if (!outcome.ok) throw new Error(`refused with ${outcome.status}`);
  t.teardown(() => outcome.connection.close());
  return outcome.connection;
}

/** Sends a V2 text message and returns the next frame parsed as a V2 array. */
export async function call(connection: ClientConnection, message: unknown[]): Promise<unknown[]> {
  connection.send({ opcode: "text", data: JSON.stringify(message) });
  return next(connection);
}

/** Reads frames until the reply with `ref` (bounded by the receive timeout); returns it. */
export async function replyTo(connection: ClientConnection, ref: string): Promise<unknown[]> {
  for (;;) {
    const message = await next(connection);
    if (message[1] === ref) return message;
  }
}

/** The next frame, parsed as V2 JSON text. */
export async function next(connection: ClientConnection, timeoutMs?: number): Promise<unknown[]> {
  const frame = await connection.receive(timeoutMs);
  if (frame.opcode !== "text") throw new Error("expected a text frame");
  return JSON.parse(frame.data) as unknown[];
}

export interface RawResponse {
  status: number;
  head: string;
  headers: Record<string, string>;
}

/** Sends raw bytes to the server and reads the HTTP response head (bounded wait). */
export function rawRequest(port: number, request: string, timeoutMs = 2000): Promise<RawResponse & { socket: NetSocket }> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(port, "127.0.0.1");
    let received = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no response within ${timeoutMs} ms: ${JSON.stringify(received)}`));
    }, timeoutMs);
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      received += chunk;
      const end = received.indexOf("\r\n\r\n");
      if (end === -1) return;
      clearTimeout(timer);
      socket.removeAllListeners("data");
      const head = received.slice(0, end);
      const [statusLine, ...lines] = head.split("\r\n");
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(":");
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(statusLine!.split(" ")[1]), head, headers, socket });
    });
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.write(request);
  });
}

/** A well-formed upgrade request for `path`, with extra header lines. */
export function upgradeRequest(path: string, extra: string[] = [], method = "GET"): string {
  return [
    `${method} ${path} HTTP/1.1`,
    "Host: 127.0.0.1",
    "Connection: Upgrade",
    "Upgrade: websocket",
    "Sec-WebSocket-Version: 13",
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    ...extra,
    "",
    "",
  ].join("\r\n");
}

/** Resolves true once `check()` holds, false after `timeoutMs` (polling every 10 ms). */
export async function eventually(check: () => boolean, timeoutMs = 2000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return check();
}

/** A raw `ws` client on `<mount>/websocket` (vsn 2.0.0), open; terminated at teardown. `closed` resolves with its close. */
export async function openRawClient(
  t: { teardown(fn: () => void): void },
  server: TestServer,
  options: { perMessageDeflate?: boolean } = {},
): Promise<{ ws: WebSocket; closed: Promise<{ code: number; reason: string }> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/socket/websocket?vsn=2.0.0`, options);
  t.teardown(() => ws.terminate());
  ws.on("error", () => {});
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
  return { ws, closed };
}
