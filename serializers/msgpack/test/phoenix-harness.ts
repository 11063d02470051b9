/**
 * Test harness: a Fawkes server (Endpoint + defineSocket + WebSocket transport) with
 * a small room channel, and the official phoenix client driven through promises.
 */
import { Endpoint, defineSocket, ok, error, silentLogger, type ChannelSocket, type Serializer } from "@fawkes/core";
import { websocket } from "@fawkes/websocket";
import { Channel, Socket, type SocketConnectOption } from "phoenix";
import { WebSocket } from "ws";

/**
 * A room: join ok `{joined: topic}`; `echo` replies the payload; `broadcast` and
 * `new_msg` re-broadcast the payload as `new_msg`; `push` pushes `pushed`.
 */
const room = {
  join: (topic: string) => ok({ joined: topic }),
  handleIn(event: string, payload: unknown, socket: ChannelSocket) {
    switch (event) {
      case "echo": return ok(payload);
      case "broadcast":
      case "new_msg": socket.broadcast("new_msg", payload); return ok({});
      case "push": socket.push("pushed", payload); return ok({});
      default: return error({ reason: "unknown event" });
    }
  },
};

export interface Server {
  readonly url: string;
  readonly endpoint: Endpoint;
  close(): Promise<void>;
}

export async function startServer(serializers: readonly Serializer[]): Promise<Server> {
  const handler = defineSocket({ serializers })
    .transport("websocket", websocket())
    .channel("room:*", room);
  const endpoint = new Endpoint({ logger: silentLogger }).socket("/socket", handler);
  const port = await endpoint.listen(0, "127.0.0.1");
  return { url: `ws://127.0.0.1:${port}/socket`, endpoint, close: () => endpoint.close() };
}

/** The codec options a phoenix `Socket` takes. */
export interface CodecOptions {
  readonly vsn?: string;
  readonly encode?: unknown;
  readonly decode?: unknown;
}

/** A phoenix client over `ws`, no reconnects, short timeouts. */
export function phoenixSocket(url: string, codec: CodecOptions): Socket {
  const options = {
    ...codec,
    transport: WebSocket,
    timeout: 2000,
    reconnectAfterMs: () => 60_000,
    rejoinAfterMs: () => 60_000,
  } as unknown as SocketConnectOption;
  const socket = new Socket(url, options);
  socket.connect();
  return socket;
}

/** Join and resolve with the join reply, or reject with the error/timeout. */
export function join(channel: Channel): Promise<unknown> {
  return new Promise((resolve, reject) => {
    channel.join()
      .receive("ok", resolve)
      .receive("error", (r: unknown) => reject(new Error(`join error ${JSON.stringify(r)}`)))
      .receive("timeout", () => reject(new Error("join timeout")));
  });
}

/** Push and resolve with `{status, response}`. */
export function push(channel: Channel, event: string, payload: object): Promise<{ status: string; response: unknown }> {
  return new Promise((resolve, reject) => {
    channel.push(event, payload)
      .receive("ok", (response: unknown) => resolve({ status: "ok", response }))
      .receive("error", (response: unknown) => resolve({ status: "error", response }))
      .receive("timeout", () => reject(new Error(`push ${event} timeout`)));
  });
}

/** The next `event` on `channel`, or reject after `ms`. */
export function next(channel: Channel, event: string, ms = 2000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { channel.off(event, ref); reject(new Error(`no ${event} within ${ms} ms`)); }, ms);
    const ref = channel.on(event, (payload: unknown) => { clearTimeout(timer); channel.off(event, ref); resolve(payload); });
  });
}

/** Resolves with the first close event's code once the socket's connection closes. */
export function closeCode(socket: Socket, ms = 2000): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no close within ${ms} ms`)), ms);
    socket.onClose((event: unknown) => { clearTimeout(timer); resolve((event as { code?: number }).code); });
  });
}

/** The HTTP status a plain WebSocket upgrade gets (101 when accepted). */
export function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on("unexpected-response", (_req, res) => { resolve(res.statusCode ?? 0); ws.terminate(); });
    ws.on("open", () => { resolve(101); ws.close(); });
    ws.on("error", (e) => reject(e));
  });
}

export function disconnect(socket: Socket): Promise<void> {
  return new Promise((resolve) => socket.disconnect(() => resolve()));
}
