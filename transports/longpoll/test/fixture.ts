// A small socket for these tests: a room channel that echoes, broadcasts and
// pushes, and records terminations and auth tokens so tests can assert on them.
import { Endpoint, defineSocket, error, ok, refuse, silentLogger, type ChannelSocket, type Logger, type PubSubAdapter, type SocketHandler } from "@fawkes/core";
import { jsonV1, jsonV2 } from "@fawkes/json";
import { longpoll, type LongPollOptions } from "@fawkes/longpoll";
import { websocket } from "@fawkes/websocket";

export const SECRET = "test-secret-test-secret-test-secret!";

export interface FixtureRecord {
  readonly terminations: string[];
  readonly authTokens: (string | undefined)[];
  readonly joins: string[];
  /** The transport of every connect attempt, in order. */
  readonly transports: string[];
}

export function fixtureSocket(options: LongPollOptions = {}, record: FixtureRecord = newRecord(), withWebSocket = false): SocketHandler {
  const socket = defineSocket({
    serializers: [jsonV2, jsonV1],
    checkOrigin: ["//allowed.example"],
    connect(params, socket, info) {
      record.authTokens.push(info.authToken);
      record.transports.push(info.transport);
      if (params.block_ws === "1" && info.transport === "websocket") return refuse("websocket blocked", 403);
      if (params.reject === "1") return refuse("rejected", 403);
      if (params.crash === "1") throw new Error("connect bug");
      if (typeof params.user_id === "string") socket.assign("user_id", params.user_id);
      return true;
    },
    id: (socket) => (typeof socket.assigns.user_id === "string" ? `user_socket:${socket.assigns.user_id}` : null),
  })
    .transport("longpoll", longpoll({ secret: SECRET, ...options }))
    .channel("room:*", {
      join(topic, payload, socket) {
        if ((payload as { reject?: boolean } | null)?.reject === true) return error({ reason: "unauthorized" });
        record.joins.push(topic);
        setImmediate(() => socket.push("joined", { topic }));
        return ok({ joined: topic });
      },
      handleIn(event, payload, socket: ChannelSocket) {
        switch (event) {
          case "echo":
            return ok(payload);
          case "size":
            return ok({ size: payload instanceof Uint8Array ? payload.byteLength : -1 });
          case "broadcast":
            socket.broadcast("new_msg", payload);
            return ok();
          case "push":
            socket.push("pushed", payload);
            return ok();
          default:
            return error({ reason: "unknown" });
        }
      },
      terminate(reason, socket) {
        record.terminations.push(`${socket.topic}:${reason}`);
      },
    });
  return withWebSocket ? socket.transport("websocket", websocket()) : socket;
}

export function newRecord(): FixtureRecord {
  return { terminations: [], authTokens: [], joins: [], transports: [] };
}

export interface Started {
  readonly endpoint: Endpoint;
  readonly url: string;
  readonly record: FixtureRecord;
}

/** An endpoint with the fixture socket at /socket (and /other when asked), on port 0. */
export async function start(
  options: LongPollOptions = {},
  extra: { other?: boolean; pubsub?: PubSubAdapter; websocket?: boolean; logger?: Logger } = {},
): Promise<Started> {
  const record = newRecord();
  const endpoint = new Endpoint({ logger: extra.logger ?? silentLogger, ...(extra.pubsub ? { pubsub: extra.pubsub } : {}) }).socket(
    "/socket",
    fixtureSocket(options, record, extra.websocket === true),
  );
  if (extra.other === true) endpoint.socket("/other", fixtureSocket(options, record));
  const port = await endpoint.listen(0, "127.0.0.1");
  return { endpoint, url: `http://127.0.0.1:${port}`, record };
}

/** Waits until `check` holds, polling every 10 ms, for at most `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs = 2000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
